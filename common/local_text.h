// A module's own texts in Japanese and English, beside the module instead
// of in the shared catalogue (common/messages.h): a LocalText is a pair of
// patterns with {0}..{9} placeholders, filled as Message() fills them. A
// module keeps its texts in one table and tests them with
// LocalTextProblem() (both languages present, the same placeholders), as
// messages_test does for the catalogue.
//
// Thread-safety: pure functions over constants.
#ifndef PIIGUARD_COMMON_LOCAL_TEXT_H_
#define PIIGUARD_COMMON_LOCAL_TEXT_H_

#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/messages.h"

namespace piiguard {

struct LocalText {
  std::string_view ja;
  std::string_view en;
};

// `pattern` with {N} replaced by args[N] (a missing argument by nothing).
inline std::string FillPlaceholders(
    std::string_view pattern, std::initializer_list<std::string_view> args) {
  const std::vector<std::string_view> list(args);
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 2] == '}' &&
        pattern[i + 1] >= '0' && pattern[i + 1] <= '9') {
      const auto index = static_cast<size_t>(pattern[i + 1] - '0');
      if (index < list.size()) out += list[index];
      i += 2;
      continue;
    }
    out.push_back(pattern[i]);
  }
  return out;
}

inline std::string Text(Lang lang, const LocalText& text,
                        std::initializer_list<std::string_view> args = {}) {
  return FillPlaceholders(lang == Lang::kJa ? text.ja : text.en, args);
}

// "" when both languages are there with the same set of placeholders, else
// what is wrong (for a test).
inline std::string LocalTextProblem(const LocalText& text) {
  if (text.ja.empty() || text.en.empty()) return "a language is missing";
  auto placeholders = [](std::string_view s) {
    std::set<char> found;
    for (size_t i = 0; i + 2 < s.size(); ++i) {
      if (s[i] == '{' && s[i + 2] == '}' && s[i + 1] >= '0' && s[i + 1] <= '9')
        found.insert(s[i + 1]);
    }
    return found;
  };
  if (placeholders(text.ja) != placeholders(text.en)) {
    return "the placeholders differ: " + std::string(text.en);
  }
  return {};
}

}  // namespace piiguard

#endif  // PIIGUARD_COMMON_LOCAL_TEXT_H_
