#include "agent/sync/backoff.h"

#include <sys/random.h>

#include <algorithm>
#include <cmath>

namespace piiguard::sync {

double SystemUnitRandom() {
  uint64_t value = 0;
  if (::getrandom(&value, sizeof value, 0) != sizeof value) {
    return 0.5;  // no jitter is still a valid wait
  }
  return static_cast<double>(value >> 11) * 0x1.0p-53;
}

int64_t Backoff::NextDelayMs() {
  base_ms_ =
      base_ms_ == 0 ? kBackoffFirstMs : std::min(base_ms_ * 2, kBackoffMaxMs);
  double unit = std::clamp(random_(), 0.0, 1.0);
  auto delay = static_cast<int64_t>(
      std::llround(static_cast<double>(base_ms_) * (0.5 + unit)));
  return std::max<int64_t>(delay, 1);
}

}  // namespace piiguard::sync
