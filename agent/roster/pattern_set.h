// The roster patterns compiled into one Hyperscan block-mode database, and
// a pool of scratch spaces so several threads can scan at once. Scan()
// collects every match of one chunk of text (a few MiB at most), ordered by
// end offset.
//
// Thread-safety: Scan() is thread-safe (each call takes its own scratch).
#ifndef PIIGUARD_AGENT_ROSTER_PATTERN_SET_H_
#define PIIGUARD_AGENT_ROSTER_PATTERN_SET_H_

#include <hs/hs.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "agent/roster/patterns.h"
#include "common/result.h"

namespace piiguard::roster {

struct Hit {
  uint32_t id = 0;    // index into the pattern table
  uint32_t from = 0;  // start offset (only for patterns with needs_start)
  uint32_t to = 0;    // end offset, exclusive
};

// Chunks handed to Scan are at most this long (offsets are 32-bit).
inline constexpr size_t kMaxChunk = size_t{4} * 1024 * 1024;

class PatternSet {
 public:
  static Result<std::unique_ptr<PatternSet>> Compile(
      const std::vector<Pattern>& patterns);
  ~PatternSet();
  PatternSet(const PatternSet&) = delete;
  PatternSet& operator=(const PatternSet&) = delete;

  // Replaces `hits` with the matches in `text` (REQUIRES: text.size() <=
  // kMaxChunk), sorted by `to`.
  [[nodiscard]] Status Scan(std::string_view text,
                            std::vector<Hit>& hits) const;

 private:
  explicit PatternSet(hs_database_t* db) : db_(db) {}
  Result<hs_scratch_t*> TakeScratch() const;
  void ReturnScratch(hs_scratch_t* scratch) const;

  hs_database_t* db_;
  hs_scratch_t* prototype_ = nullptr;
  mutable std::mutex mu_;
  mutable std::vector<hs_scratch_t*> free_;  // GUARDED_BY(mu_)
};

}  // namespace piiguard::roster

#endif  // PIIGUARD_AGENT_ROSTER_PATTERN_SET_H_
