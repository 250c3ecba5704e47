// FakeClock: a Clock (common/os/clock.h) that moves only when a test moves
// it. Both clocks start where the constructor puts them; Advance moves both
// (as time passing does), SetWallMs moves only the wall clock (as setting
// the date does).
//
// Thread-safety: thread-safe (atomics): a test may advance it while a
// thread of the code under test reads it.
#ifndef PIIGUARD_COMMON_OS_TESTING_FAKE_CLOCK_H_
#define PIIGUARD_COMMON_OS_TESTING_FAKE_CLOCK_H_

#include <atomic>
#include <cstdint>

#include "common/os/clock.h"

namespace piiguard::os {

class FakeClock final : public Clock {
 public:
  // 2026-04-01 00:00:00 UTC, a date inside the test keys' validity.
  static constexpr int64_t kDefaultWallMs = 1775001600000;

  explicit FakeClock(int64_t wall_ms = kDefaultWallMs,
                     int64_t monotonic_us = 1000000, int64_t read_step_us = 0)
      : wall_us_(wall_ms * 1000),
        monotonic_us_(monotonic_us),
        read_step_us_(read_step_us) {}

  int64_t WallMs() const override {
    const int64_t step = read_step_us_.load();
    monotonic_us_ += step;
    const int64_t us = wall_us_.fetch_add(step);
    return us / 1000 - (us % 1000 < 0 ? 1 : 0);
  }
  int64_t MonotonicUs() const override {
    const int64_t step = read_step_us_.load();
    wall_us_ += step;
    return monotonic_us_.fetch_add(step);
  }

  void AdvanceMs(int64_t ms) { AdvanceUs(ms * 1000); }
  void AdvanceUs(int64_t us) {
    monotonic_us_ += us;
    wall_us_ += us;
  }
  void SetWallMs(int64_t wall_ms) { wall_us_ = wall_ms * 1000; }
  void SetMonotonicUs(int64_t us) { monotonic_us_ = us; }
  // Every reading of either clock returns the time, then advances both
  // clocks by `us` (0: off): code that measures its own steps sees time
  // pass, and successive journal entries get distinct times.
  void SetReadStepUs(int64_t us) { read_step_us_ = us; }

 private:
  mutable std::atomic<int64_t> wall_us_;
  mutable std::atomic<int64_t> monotonic_us_;
  std::atomic<int64_t> read_step_us_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_TESTING_FAKE_CLOCK_H_
