#include "agent/daemon/commands.h"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>

#include "agent/daemon/release.h"
#include "agent/daemon/wire_sessions.h"
#include "agent/ipc/ipc.h"
#include "agent/journal/journal.h"
#include "agent/maint/linux_maintenance_host.h"
#include "agent/maint/maintenance_window.h"
#include "common/file_util.h"
#include "common/journal/event_types.h"
#include "common/os/block_device.h"
#include "common/os/clock.h"
#include "common/os/kernel_info.h"
#include "common/os/linux_sysfs.h"
#include "common/os/log.h"
#include "common/os/timer.h"

namespace piiguard::agent {
namespace {

// The state directory's journal if it opened, else nothing is recorded
// (that was logged: "released unrecorded").
class ReleaseJournal : public journal::Appender {
 public:
  explicit ReleaseJournal(journal::Journal* journal) : journal_(journal) {}
  Result<uint64_t> Append(const journal::Event& event) override {
    if (journal_ == nullptr) return uint64_t{0};
    return journal_->Append(event);
  }

 private:
  journal::Journal* journal_;
};

// Waits on the monotonic clock until `at_us` (a timer fd and poll()).
void WaitUntil(os::Timer& timer, int64_t at_us) {
  if (Status armed = timer.At(at_us); !armed.ok()) {
    os::LogIfError("--release: maintenance", armed);
    return;
  }
  struct pollfd fd = {timer.fd(), POLLIN, 0};
  while (::poll(&fd, 1, -1) < 0 && errno == EINTR) {
  }
  os::LogIfError("--release: maintenance", timer.Consume().status());
}

int Fail(std::string_view command, const Status& status) {
  os::LogIfError(command, status);
  return 1;
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

Result<usb::PresentDevices> LoadPresentDevices(const StatePaths& paths) {
  std::string path = paths.dir + "/" + std::string(usb::kPresentDevicesFile);
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return usb::PresentDevices();
    return ErrnoStatus("present devices", path, errno);
  }
  if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022) != 0) {
    return FailedPreconditionError(
        "present devices", path,
        "not a regular file owned by root and writable only by root");
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      std::string bytes, ReadFileBytes(path, usb::kMaxPresentDevicesBytes + 1));
  Result<usb::PresentDevices> parsed = usb::ParsePresentDevices(bytes);
  if (!parsed.ok()) return parsed.status().Annotate(path);
  return parsed;
}

int RecordPresentDevices(const StatePaths& paths) {
  if (Status s = EnsureStateDir(paths); !s.ok()) {
    return Fail("--record-present-devices", s);
  }
  os::LinuxSysfs sysfs("/sys");
  Result<std::vector<usb::PresentDevice>> plugged =
      usb::ReadPluggedDevices(sysfs);
  if (!plugged.ok()) return Fail("--record-present-devices", plugged.status());
  usb::PresentDevices record{os::SystemClock().WallMs(), std::move(*plugged)};
  std::string path = paths.dir + "/" + std::string(usb::kPresentDevicesFile);
  if (Status s =
          WriteFileAtomic(path, usb::SerializePresentDevices(record), 0644);
      !s.ok()) {
    return Fail("--record-present-devices", s);
  }
  std::cout << "piiguardd: " << record.devices.size()
            << " USB device(s) present at installation recorded in " << path
            << "\n";
  for (const usb::PresentDevice& d : record.devices) {
    std::cout << "  " << d.port << " " << d.vid << ":" << d.pid << " serial \""
              << d.serial << "\" interfaces";
    for (const std::string& i : d.interfaces) std::cout << " " << i;
    std::cout << "\n";
  }
  return 0;
}

int RunRelease(const StatePaths& paths, const std::string& socket) {
  ipc::Request status;
  status.op = ipc::Op::kStatus;
  if (ipc::Call(socket, status).ok()) {
    return Fail("--release",
                FailedPreconditionError("release", socket,
                                        "piiguardd is running: stop it first "
                                        "(systemctl stop piiguardd)"));
  }
  // The journal, when this PC has one (a key is never made here).
  std::unique_ptr<journal::Journal> journal;
  if (Exists(paths.DeviceKey()) && Exists(paths.Journal())) {
    Result<Ed25519PrivateKey> key = LoadOrCreateDeviceKey(paths);
    Result<std::unique_ptr<journal::Journal>> opened =
        key.ok()
            ? journal::Journal::Open(paths.Journal(), *key, os::SystemClock())
            : Result<std::unique_ptr<journal::Journal>>(key.status());
    if (opened.ok()) {
      journal = std::move(*opened);
    } else {
      os::Log(os::LogLevel::kError,
              "--release: journal: " + opened.status().message() +
                  " (released unrecorded)");
    }
  }
  ReleaseJournal append(journal.get());
  os::LinuxSysfs sysfs("/sys");
  bool have_state = Exists(paths.dir);
  os::LinuxBlockDevices blocks("/dev", have_state ? paths.dir : "");
  SessionWiring sessions;
  if (have_state) {
    MakeSessionManager(sessions, paths, os::SystemClock(),
                       session::SessionRules{}, append);
  }
  // A maintenance window left open: closed as piiguardd closes one (the
  // record in the state directory and the window file say which account).
  maint::LinuxMaintenanceHost maint_host;
  int64_t next_us = 0;
  maint::MaintenanceConfig maint_config;
  maint_config.journal = &append;
  maint_config.record_file = paths.dir + "/maintenance.json";
  Result<std::string> boot_id = os::LinuxKernelInfo().BootId();
  if (boot_id.ok()) maint_config.boot_id = *boot_id;
  maint_config.schedule = [&next_us](int64_t at) { next_us = at; };
  maint_config.term_grace_us = 2'000'000;
  maint::MaintenanceWindow window(maint_config, maint_host);
  Result<std::unique_ptr<os::Timer>> timer = os::Timer::Create("release");
  ReleaseMaintenance maintenance;
  maintenance.window = &window;
  maintenance.next_us = &next_us;
  maintenance.clock = &os::SystemClock();
  if (timer.ok()) {
    maintenance.wait_until = [&timer](int64_t at) { WaitUntil(**timer, at); };
  } else {  // the window file goes and SIGTERM is sent, but no waiting
    os::LogIfError("--release: maintenance", timer.status());
  }
  ReleaseReport report = Release(ReleaseDeps{
      sysfs, blocks, sessions.manager.get(), &sessions.firewall, &maintenance});
  for (const ReleaseStep& step : report.steps) {
    std::cout << "piiguardd --release: " << step.name << ": "
              << (step.ok ? std::string("ok") : "FAILED: " + step.error);
    if (!step.done.empty()) std::cout << " (" << step.done.dump() << ")";
    std::cout << "\n";
  }
  journal::Event event;
  event.type = journal::types::kAgentReleased;
  event.severity =
      report.ok() ? journal::Severity::kNotice : journal::Severity::kWarning;
  event.subject = "agent";
  event.details = report.ToJson();
  if (Status s = append.Append(event).status(); !s.ok()) {
    return Fail("--release", s);
  }
  return report.ok() ? 0 : 1;
}

}  // namespace piiguard::agent
