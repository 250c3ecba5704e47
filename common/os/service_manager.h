// ServiceManager: a small seam between piiguardd and the service manager
// that started it (systemd, sd_notify(3)): readiness, status lines, the
// watchdog and stopping. Production code uses LinuxServiceManager
// (libsystemd; every call does nothing when not started by systemd, e.g.
// by hand or in the VM tier); tests use FakeServiceManager
// (testing/fake_service_manager.h), which records what was sent, and by
// which thread.
//
// The watchdog: when the unit sets WatchdogSec=, systemd expects
// "WATCHDOG=1" at least that often and restarts the service otherwise.
// piiguardd sends it from its event loop only (agent/daemon/readiness.h),
// so a loop that hangs is restarted.
//
// Thread-safety: LinuxServiceManager is thread-safe.
#ifndef PIIGUARD_COMMON_OS_SERVICE_MANAGER_H_
#define PIIGUARD_COMMON_OS_SERVICE_MANAGER_H_

#include <chrono>
#include <optional>
#include <string_view>

#include "common/status.h"

namespace piiguard::os {

class ServiceManager {
 public:
  virtual ~ServiceManager() = default;
  // Sends `state`: newline-separated assignments ("READY=1\nSTATUS=...").
  // Not started by a service manager: OK, nothing sent.
  [[nodiscard]] virtual Status Notify(std::string_view state) = 0;
  // The interval systemd expects WATCHDOG=1 within, for this process;
  // nullopt when no watchdog is asked for.
  virtual std::optional<std::chrono::microseconds> WatchdogInterval() = 0;
};

class LinuxServiceManager : public ServiceManager {
 public:
  Status Notify(std::string_view state) override;
  std::optional<std::chrono::microseconds> WatchdogInterval() override;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_SERVICE_MANAGER_H_
