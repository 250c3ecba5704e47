#include "agent/daemon/wire_usb.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>

#include "common/json.h"
#include "common/os/log.h"

namespace piiguard::agent {
namespace {

void LogUsb(const Status& status) { os::LogIfError("usb", status); }

}  // namespace

Status WireUsb(UsbWiring& wiring, const StatePaths& paths, const Owners& owners,
               Daemon& daemon, const std::optional<Ed25519PublicKey>& city_key,
               WriteGate& gate, notify::Notifier& notifier,
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
  PIIGUARD_ASSIGN_OR_RETURN(wiring.timer, os::Timer::Create("usb"));
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
  const AppliedPolicy& applied = owners.policy;
  config.policy = [&applied] { return applied.policy(); };
  if (city_key) config.pinned.push_back(*city_key);
  const Enrolment& enrolment = owners.enrolment;
  config.pc_id = [&enrolment] { return enrolment.pc().value_or(""); };
  config.clock = &owners.clock;
  config.present = std::move(present);
  config.journal = &owners.events.journal();
  config.notify = &notifier;
  config.exceptions = wiring.exceptions;
  os::Timer& timer = *wiring.timer;
  // The enforcer's next deadline, monotonic (0: none).
  config.schedule = [&timer](int64_t at_us) { LogUsb(timer.At(at_us)); };
  wiring.enforcer = std::make_unique<usb::UsbEnforcer>(
      usb::EnforcerDeps{wiring.sysfs, *wiring.blocks, wiring.mounts,
                        *wiring.jobs, *wiring.writes, *wiring.device_gate},
      std::move(config), gate);
  usb::UsbEnforcer& enforcer = *wiring.enforcer;
  set_stick_control(&enforcer);
  os::UeventSource& uevents = *wiring.uevents;
  PIIGUARD_RETURN_IF_ERROR(daemon.AddSource(
      uevents.fd(), [&uevents, &enforcer, &clock = owners.clock] {
        int64_t received = clock.MonotonicUs();
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
  PIIGUARD_RETURN_IF_ERROR(daemon.AddSource(timer.fd(), [&timer, &enforcer] {
    Result<uint64_t> fired = timer.Consume();
    if (!fired.ok()) LogUsb(fired.status());
    if (fired.ok() && *fired > 0) enforcer.OnTimer();
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
  owners.board.AddPart("sticks", [&enforcer] { return enforcer.StatusPart(); });
  owners.board.AddPart("usb_write_layer", [&enforcer]() -> Result<Json> {
    return enforcer.WriteLayerPart();
  });
  // First: a revoked stick's writes are cut before anything else is done.
  owners.policy.AddListener(
      [&enforcer](const policy::Policy&) { enforcer.OnPolicyChanged(); },
      AppliedPolicy::Order::kFirst);
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
