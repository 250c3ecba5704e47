// The clock seam: the wall clock (journal times, validity of keys and
// policies, reports) and the monotonic clock (deadlines, rate windows,
// latencies), read through one interface so that tests set the time
// instead of waiting for it. Production code is given SystemClock(); tests
// give a FakeClock (common/os/testing/fake_clock.h).
//
// Thread-safety: implementations are thread-safe (the radio guard's thread
// and the roster guard's worker read the clock beside the event loop).
#ifndef PIIGUARD_COMMON_OS_CLOCK_H_
#define PIIGUARD_COMMON_OS_CLOCK_H_

#include <cstdint>

namespace piiguard::os {

class Clock {
 public:
  virtual ~Clock() = default;

  // Milliseconds since the Unix epoch (CLOCK_REALTIME): may jump when the
  // time is set, so never used to measure a duration.
  virtual int64_t WallMs() const = 0;
  // Microseconds on CLOCK_BOOTTIME: never goes back, unaffected by setting
  // the time, and counts the time the machine was suspended (CLOCK_MONOTONIC
  // stops in suspend: an exception of one hour would outlast a night with
  // the lid closed). Called "monotonic" throughout.
  virtual int64_t MonotonicUs() const = 0;

  int64_t WallSeconds() const { return FloorDiv(WallMs(), 1000); }
  int64_t MonotonicMs() const { return MonotonicUs() / 1000; }

 private:
  static int64_t FloorDiv(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
  }
};

// The system's clocks (clock_gettime). Lives for the whole process.
const Clock& SystemClock();

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_CLOCK_H_
