// What a pattern match is, decided from its bytes and the line around it
// (patterns.h, Check), and whether a table cell fits the kind its column's
// header announces. Both read only inside `line`.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_ROSTER_HIT_CHECKS_H_
#define PIIGUARD_AGENT_ROSTER_HIT_CHECKS_H_

#include <cstddef>
#include <optional>
#include <string_view>

#include "agent/roster/patterns.h"

namespace piiguard::roster {

struct Meaning {
  ColumnKind kind;
  Role role;
  // Only in a table cell: a surname alone (a 姓 column beside a 名 column),
  // a romaji name. In free text such words are too common.
  bool cell_only = false;
};

// The meaning of a match of `pattern` that ends at `to` (and starts at
// `from`, for patterns with needs_start) in `line`; nullopt if the check
// says it is nothing personal.
std::optional<Meaning> CheckHit(const Pattern& pattern, std::string_view line,
                                size_t from, size_t to);

// True if `cell` has the shape of `kind` (a header announced the column):
// a romaji or kana name under 氏名, an integer under 年齢, any real date
// under 生年月日...
bool CellFits(ColumnKind kind, std::string_view cell);

// True if `text` holds a letter, a digit, a kanji or a kana: a line
// without any ("＝＝＝＝", "※", "-----") separates records.
bool HasWords(std::string_view text);

}  // namespace piiguard::roster

#endif  // PIIGUARD_AGENT_ROSTER_HIT_CHECKS_H_
