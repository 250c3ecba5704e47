#include "agent/daemon/wire_usb.h"

#include <sys/stat.h>
#include <sys/timerfd.h>

#include <cerrno>
#include <chrono>
#include <ctime>

#include "common/os/log.h"
#include "common/user_name.h"

namespace piiguard::agent {
namespace {

void LogUsb(const Status& status) { os::LogIfError("usb", status); }

// Arms `timer` for the monotonic time `at_us` (0: disarms it).
void Arm(int timer, int64_t at_us) {
  itimerspec spec{};
  if (at_us > 0) {
    spec.it_value.tv_sec = static_cast<time_t>(at_us / 1'000'000);
    spec.it_value.tv_nsec = (at_us % 1'000'000) * 1000;
  }
  if (::timerfd_settime(timer, TFD_TIMER_ABSTIME, &spec, nullptr) != 0) {
    LogUsb(ErrnoStatus("usb", "timerfd_settime", errno));
  }
}

}  // namespace

Status WireUsb(UsbWiring& wiring, const StatePaths& paths, AgentCore& core,
               Daemon& daemon, const std::optional<Ed25519PublicKey>& city_key,
               WriteGate& gate,
               const std::function<void(StickControl*)>& set_stick_control,
               usb::PresentDevices present, const std::string& exe) {
  PIIGUARD_ASSIGN_OR_RETURN(wiring.uevents, os::LinuxUeventSource::Open());
  PIIGUARD_ASSIGN_OR_RETURN(wiring.writes, os::LinuxDeviceWriteWatch::Open());
  // The medium helper mounts keys below this (in its own namespace).
  std::string keymount = paths.dir + "/keymount";
  if (::mkdir(keymount.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus("usb", keymount, errno);
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      wiring.jobs, usb::LinuxMediumJobs::Create(
                       {exe, "--medium-helper", "--state-dir", paths.dir}));
  wiring.timer.Reset(
      ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!wiring.timer.valid()) return ErrnoStatus("usb", "timerfd", errno);
  // Private device nodes, when /dev has none, go into the root-only state
  // directory.
  // An open that takes longer than 1 s is a stalled device (the loop waits
  // at most that long, once: the device is then de-authorized).
  wiring.blocks = std::make_unique<os::LinuxBlockDevices>(
      "/dev", paths.dir, "/sys", std::chrono::milliseconds(1000));
  // The write gate (BPF LSM), loaded now and active once the enforcer has
  // allowed every device it does not control (Start). Its proof's node
  // goes into the state directory (a filesystem that allows device nodes).
  wiring.device_gate = os::LinuxBlockWriteGate::Load(paths.dir);
  usb::EnforcerConfig config;
  config.policy = [&core] { return core.applied_policy(); };
  if (city_key) config.pinned.push_back(*city_key);
  config.pc_id = [paths]() -> std::string {
    Result<std::optional<sync::OfficeConfig>> office = LoadOfficeConfig(paths);
    return office.ok() && office->has_value() ? (*office)->pc : "";
  };
  config.clock = &core.clock();
  config.present = std::move(present);
  config.journal = [&core](const journal::Event& event) {
    return core.journal().Append(event).status();
  };
  wiring.notifier = std::make_unique<notify::DesktopNotifier>(
      "/run/user", notify::SpawnDetached, UserNameOf);
  config.notify = [&wiring](const notify::Notice& notice) {
    wiring.notifier->Notify(notice);
  };
  int timer = wiring.timer.get();
  config.schedule = [timer](int64_t at_us) { Arm(timer, at_us); };
  wiring.enforcer = std::make_unique<usb::UsbEnforcer>(
      usb::EnforcerDeps{wiring.sysfs, *wiring.blocks, wiring.mounts,
                        *wiring.jobs, *wiring.writes, *wiring.device_gate},
      std::move(config), gate);
  usb::UsbEnforcer& enforcer = *wiring.enforcer;
  set_stick_control(&enforcer);
  os::UeventSource& uevents = *wiring.uevents;
  PIIGUARD_RETURN_IF_ERROR(
      daemon.AddSource(uevents.fd(), [&uevents, &enforcer, &core] {
        int64_t received = core.clock().MonotonicUs();
        Result<os::UeventSource::Batch> batch = uevents.Drain();
        if (!batch.ok()) {
          LogUsb(batch.status());
          os::UeventSource::Batch rescan;
          rescan.overflow = true;  // events may be lost: look again
          enforcer.OnUevents(rescan, received);
          return;
        }
        enforcer.OnUevents(*batch, received);
      }));
  PIIGUARD_RETURN_IF_ERROR(daemon.AddSource(
      wiring.writes->fd(), [&enforcer] { enforcer.OnWriteAttempts(); }));
  PIIGUARD_RETURN_IF_ERROR(daemon.AddSource(
      wiring.jobs->fd(), [&enforcer] { enforcer.OnMediumReady(); }));
  PIIGUARD_RETURN_IF_ERROR(daemon.AddSource(timer, [timer, &enforcer] {
    uint64_t expirations = 0;
    if (::read(timer, &expirations, sizeof expirations) > 0) {
      enforcer.OnTimer();
    }
  }));
  // Where udevd runs, its rule's late read-only flag is undone for keyed
  // sticks; without it (no udev, as in the VM tier) nothing is lost.
  Result<std::unique_ptr<os::LinuxUeventSource>> udev =
      os::LinuxUeventSource::Open(os::UeventGroup::kUdev);
  if (udev.ok()) {
    wiring.udev_events = std::move(*udev);
    os::UeventSource& from_udev = *wiring.udev_events;
    PIIGUARD_RETURN_IF_ERROR(
        daemon.AddSource(from_udev.fd(), [&from_udev, &enforcer] {
          Result<os::UeventSource::Batch> batch = from_udev.Drain();
          if (batch.ok()) {
            enforcer.OnUdevEvents(*batch);
          } else {
            LogUsb(batch.status());
          }
        }));
  } else {
    LogUsb(udev.status());
  }
  core.AddStatusPart("sticks", [&enforcer] { return enforcer.StatusPart(); });
  core.AddStatusPart("usb_write_layer", [&enforcer]() -> Result<Json> {
    return enforcer.WriteLayerPart();
  });
  core.AddPolicyListener(
      [&enforcer](const policy::Policy&) { enforcer.OnPolicyChanged(); });
  // After the socket is open: nothing plugged from now on is missed.
  Status started = enforcer.Start();
  // Active or not, its refusals are read from now on (none if not).
  if (int gate_fd = wiring.device_gate->fd(); gate_fd >= 0) {
    PIIGUARD_RETURN_IF_ERROR(
        daemon.AddSource(gate_fd, [&enforcer] { enforcer.OnGateDenials(); }));
  }
  if (!started.ok()) {
    LogUsb(started);
    return started;
  }
  return Status::Ok();
}

}  // namespace piiguard::agent
