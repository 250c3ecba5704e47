// ServiceManager: a small seam between piiguardd and the service manager
// that started it (systemd, sd_notify(3)): readiness, status lines, the
// watchdog and stopping. Production code uses LinuxServiceManager
// (libsystemd; every call does nothing when not started by systemd, e.g.
// by hand or in the VM tier); tests use FakeServiceManager, which records
// what was sent, and by which thread.
//
// The watchdog: when the unit sets WatchdogSec=, systemd expects
// "WATCHDOG=1" at least that often and restarts the service otherwise.
// piiguardd sends it from its event loop only (agent/daemon/readiness.h),
// so a loop that hangs is restarted.
//
// Thread-safety: LinuxServiceManager is thread-safe; FakeServiceManager is
// thread-safe (one mutex), so a test may watch a loop running on another
// thread.
#ifndef PIIGUARD_COMMON_OS_SERVICE_MANAGER_H_
#define PIIGUARD_COMMON_OS_SERVICE_MANAGER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

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

class FakeServiceManager : public ServiceManager {
 public:
  struct Sent {
    std::string state;
    std::thread::id thread;
  };

  void SetWatchdogInterval(std::optional<std::chrono::microseconds> interval);
  // Notify fails with `status` while it is not OK.
  void Fail(Status status);
  std::vector<Sent> sent() const;
  // Whether some message sent so far contains `assignment` ("READY=1").
  bool Has(std::string_view assignment) const;
  // Blocks until a message containing `assignment` was sent or `timeout`
  // passed (an event wait for tests that watch a loop on another thread);
  // returns whether it was sent.
  bool WaitFor(std::string_view assignment, std::chrono::milliseconds timeout);

  Status Notify(std::string_view state) override;
  std::optional<std::chrono::microseconds> WatchdogInterval() override;

 private:
  bool HasLocked(std::string_view assignment) const;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::optional<std::chrono::microseconds> watchdog_;
  Status fail_;
  std::vector<Sent> sent_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_SERVICE_MANAGER_H_
