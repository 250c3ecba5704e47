#include "common/os/clock.h"

#include <ctime>

namespace piiguard::os {
namespace {

int64_t Read(clockid_t id, int64_t per_second, int64_t ns_per_unit) {
  timespec ts{};
  // clock_gettime cannot fail for these clock ids and a valid pointer.
  ::clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * per_second +
         static_cast<int64_t>(ts.tv_nsec) / ns_per_unit;
}

class LinuxClock final : public Clock {
 public:
  int64_t WallMs() const override {
    return Read(CLOCK_REALTIME, 1000, 1000000);
  }
  int64_t MonotonicUs() const override {
    // CLOCK_BOOTTIME: CLOCK_MONOTONIC that also counts time in suspend, so
    // a deadline (an exception's end, a key's re-check) is not pushed back
    // by closing a laptop's lid.
    return Read(CLOCK_BOOTTIME, 1000000, 1000);
  }
};

}  // namespace

const Clock& SystemClock() {
  static const LinuxClock clock;
  return clock;
}

}  // namespace piiguard::os
