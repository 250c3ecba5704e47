// The token scanner: matches the patterns whose Token is not kNone
// (patterns.h) in one pass over the text, where Hyperscan would run an
// automaton over every byte: numbers (phones, postal codes, My Numbers,
// dates, ages, hyphenated blocks) and the ends of kanji words (names).
// Bytes that can start neither (most of any text) are skipped by a table
// lookup, so the pass costs little more than reading the text.
//
// A hit is reported as Hyperscan would report it: the pattern's id and the
// end offset (the start too for dates), sorted by nothing (the caller
// merges and sorts). The checks of hit_checks.h give each hit its meaning;
// the scanner only finds candidates of the right shape.
//
// Thread-safety: immutable after construction; Scan() is const.
#ifndef PIIGUARD_AGENT_ROSTER_TOKEN_SCAN_H_
#define PIIGUARD_AGENT_ROSTER_TOKEN_SCAN_H_

#include <array>
#include <string_view>
#include <vector>

#include "agent/roster/pattern_set.h"
#include "agent/roster/patterns.h"

namespace piiguard::roster {

class TokenScanner {
 public:
  explicit TokenScanner(const std::vector<Pattern>& patterns);

  // Appends the hits in `text` (offsets relative to it).
  void Scan(std::string_view text, std::vector<Hit>& hits) const;

  bool empty() const { return !any_; }

 private:
  void Number(std::string_view t, size_t start, size_t end,
              std::vector<Hit>& hits) const;
  void Emit(Token token, size_t from, size_t to, std::vector<Hit>& hits) const;

  std::array<int, kTokens> id_{};  // pattern id per token, -1 if none
  bool any_ = false;
};

}  // namespace piiguard::roster

#endif  // PIIGUARD_AGENT_ROSTER_TOKEN_SCAN_H_
