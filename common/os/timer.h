// Timer: a timer on CLOCK_BOOTTIME (the clock of os::Clock::MonotonicUs)
// whose descriptor an event loop watches: readable once it fired; the loop
// then calls Consume(). One per use (the daemon's socket deadlines, the USB
// enforcer's deadlines, the roster guard's retries, the radio journal's
// delay, the sync child's restarts, the systemd watchdog). LinuxTimer is a
// timerfd (timerfd_create(2)); the logic a timer drives takes deadlines as
// numbers and is tested on a fake clock, so the Linux timer is the only one.
//
// Errors read "CONTEXT: timer: REASON" with the context given at Create.
//
// Thread-safety: not thread-safe; one event loop owns each timer.
#ifndef PIIGUARD_COMMON_OS_TIMER_H_
#define PIIGUARD_COMMON_OS_TIMER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"
#include "common/unique_fd.h"

namespace piiguard::os {

class Timer {
 public:
  // Non-blocking and close-on-exec; disarmed.
  static Result<std::unique_ptr<Timer>> Create(std::string context);

  int fd() const { return fd_.get(); }
  // Fires once, `delay_us` from now (at least 1 us: 0 would disarm it).
  [[nodiscard]] Status After(int64_t delay_us);
  // Fires once at the monotonic time `at_us` (at once if it has passed);
  // 0 disarms it.
  [[nodiscard]] Status At(int64_t at_us);
  // Fires every `period_us` from now on (at least 1 us).
  [[nodiscard]] Status Every(int64_t period_us);
  [[nodiscard]] Status Disarm();
  // How many times it fired since the last call (0 when it had not).
  Result<uint64_t> Consume();

 private:
  Timer(UniqueFd fd, std::string context)
      : fd_(std::move(fd)), context_(std::move(context)) {}
  Status Set(int flags, int64_t value_us, int64_t interval_us);

  UniqueFd fd_;
  std::string context_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_TIMER_H_
