// The roster patterns compiled into one Hyperscan block-mode database (the
// literal-anchored ones; those with a Token go to the token scanner,
// token_scan.h), and a pool of scratch spaces so several threads can scan
// at once. Scan() collects every match of one chunk of text (a few MiB at
// most) from both, ordered by end offset.
//
// Thread-safety: Scan() is thread-safe (each call takes its own scratch).
#ifndef PIIGUARD_AGENT_ROSTER_PATTERN_SET_H_
#define PIIGUARD_AGENT_ROSTER_PATTERN_SET_H_

#include <hs/hs.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
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

class TokenScanner;

class PatternSet {
 public:
  // Compiles the Hyperscan patterns for `platform` (nullptr: this CPU).
  static Result<std::unique_ptr<PatternSet>> Compile(
      const std::vector<Pattern>& patterns,
      const hs_platform_info_t* platform = nullptr);
  // The database built at build time (roster_db_gen, embedded in the
  // library): milliseconds instead of a second of compiling at start-up.
  // An error if it was built from other patterns than `patterns` (its
  // fingerprint differs) or this Hyperscan cannot load it.
  static Result<std::unique_ptr<PatternSet>> Load(
      const std::vector<Pattern>& patterns, std::string_view serialized,
      uint64_t fingerprint);
  // What the database depends on: every Hyperscan pattern's expression,
  // flags and id (FNV-1a).
  static uint64_t Fingerprint(const std::vector<Pattern>& patterns);
  // The compiled database as bytes (hs_serialize_database).
  Result<std::string> Serialize() const;
  ~PatternSet();
  PatternSet(const PatternSet&) = delete;
  PatternSet& operator=(const PatternSet&) = delete;

  // Replaces `hits` with the matches in `text` (REQUIRES: text.size() <=
  // kMaxChunk), sorted by `to`.
  [[nodiscard]] Status Scan(std::string_view text,
                            std::vector<Hit>& hits) const;

 private:
  PatternSet(hs_database_t* db, const std::vector<Pattern>& patterns);
  Result<hs_scratch_t*> TakeScratch() const;
  void ReturnScratch(hs_scratch_t* scratch) const;

  hs_database_t* db_;
  std::unique_ptr<TokenScanner> tokens_;
  hs_scratch_t* prototype_ = nullptr;
  mutable std::mutex mu_;
  mutable std::vector<hs_scratch_t*> free_;  // GUARDED_BY(mu_)
};

}  // namespace piiguard::roster

#endif  // PIIGUARD_AGENT_ROSTER_PATTERN_SET_H_
