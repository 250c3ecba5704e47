// FakeServiceManager: a ServiceManager (common/os/service_manager.h) for
// tests that records what was sent, and by which thread, with a watchdog
// interval and failures set by the test, and waits for a message (for a
// loop running on another thread).
//
// Thread-safety: thread-safe (one mutex), so a test may watch a loop running
// on another thread.
#ifndef PIIGUARD_COMMON_OS_TESTING_FAKE_SERVICE_MANAGER_H_
#define PIIGUARD_COMMON_OS_TESTING_FAKE_SERVICE_MANAGER_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/os/service_manager.h"

namespace piiguard::os {

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

#endif  // PIIGUARD_COMMON_OS_TESTING_FAKE_SERVICE_MANAGER_H_
