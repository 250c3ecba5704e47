// Retry waits after a failed sync (docs/sync.md "Client behaviour"): 5 s
// doubling to 15 min, each wait multiplied by a random factor in [0.5, 1.5]
// so PCs do not return together after an office outage. The random source
// is injected (tests use a fixed one).
//
// Thread-safety: not thread-safe; one per sync loop.
#ifndef PIIGUARD_AGENT_SYNC_BACKOFF_H_
#define PIIGUARD_AGENT_SYNC_BACKOFF_H_

#include <cstdint>
#include <functional>

namespace piiguard::sync {

inline constexpr int64_t kBackoffFirstMs = 5000;
inline constexpr int64_t kBackoffMaxMs = int64_t{15} * 60 * 1000;

// Returns a uniform value in [0, 1).
using UnitRandomFn = std::function<double()>;

// The Linux source: getrandom(2).
double SystemUnitRandom();

class Backoff {
 public:
  explicit Backoff(UnitRandomFn random) : random_(std::move(random)) {}
  // The wait before the next attempt after one more failure.
  int64_t NextDelayMs();
  // After a success: the next failure starts again at 5 s.
  void Reset() { base_ms_ = 0; }
  int64_t base_ms() const { return base_ms_; }

 private:
  UnitRandomFn random_;
  int64_t base_ms_ = 0;
};

}  // namespace piiguard::sync

#endif  // PIIGUARD_AGENT_SYNC_BACKOFF_H_
