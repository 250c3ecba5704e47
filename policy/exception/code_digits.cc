#include "policy/exception/code_digits.h"

#include <array>
#include <cstdint>
#include <vector>

#include "common/status.h"

namespace piiguard::exception {
namespace {

// H. Michael Damm's weakly totally anti-symmetric quasigroup of order 10
// (zeros on the diagonal, so the check digit is the last interim).
constexpr std::array<std::array<uint8_t, 10>, 10> kDamm{{
    {0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
    {7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
    {4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
    {1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
    {6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
    {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
    {5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
    {8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
    {9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
    {2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
}};

// Longest text read: four groups typed with generous spacing.
constexpr size_t kMaxTextBytes = 256;

int DammInterim(std::string_view digits, int start) {
  int interim = start;
  for (char c : digits) {
    interim = kDamm[static_cast<size_t>(interim)][static_cast<size_t>(c - '0')];
  }
  return interim;
}

// A full-width digit or separator is three UTF-8 bytes: EF BC 90-99 are
// ０-９; separators are U+3000 (E3 80 80), ー U+30FC (E3 83 BC), － U+FF0D
// (EF BC 8D), ‐ U+2010 (E2 80 90) and − U+2212 (E2 88 92).
enum class Token { kDigit, kSeparator, kBad };

Token ReadToken(std::string_view text, size_t& i, char& digit) {
  const auto b = [&](size_t k) {
    return i + k < text.size() ? static_cast<uint8_t>(text[i + k]) : 0;
  };
  const uint8_t c = b(0);
  if (c >= '0' && c <= '9') {
    digit = static_cast<char>(c);
    i += 1;
    return Token::kDigit;
  }
  if (c == ' ' || c == '-' || c == '\t' || c == '\n' || c == '\r') {
    i += 1;
    return Token::kSeparator;
  }
  if (c == 0xEF && b(1) == 0xBC && b(2) >= 0x90 && b(2) <= 0x99) {
    digit = static_cast<char>('0' + (b(2) - 0x90));
    i += 3;
    return Token::kDigit;
  }
  const bool separator = (c == 0xE3 && b(1) == 0x80 && b(2) == 0x80) ||
                         (c == 0xE3 && b(1) == 0x83 && b(2) == 0xBC) ||
                         (c == 0xEF && b(1) == 0xBC && b(2) == 0x8D) ||
                         (c == 0xE2 && b(1) == 0x80 && b(2) == 0x90) ||
                         (c == 0xE2 && b(1) == 0x88 && b(2) == 0x92);
  if (separator) {
    i += 3;
    return Token::kSeparator;
  }
  return Token::kBad;
}

Status Fail(CodeProblem* problem, CodeFault fault, int group,
            std::string_view what, std::string_view object,
            std::string_view reason) {
  if (problem != nullptr) *problem = {fault, group};
  return InvalidArgumentError(what, object, reason);
}

std::string GroupName(size_t index) {
  return "group " + std::to_string(index + 1);
}

}  // namespace

char DammCheckDigit(std::string_view digits, int start) {
  return static_cast<char>('0' + DammInterim(digits, start));
}

std::string FormatGroups(std::string_view payload, size_t groups,
                         size_t group_digits) {
  std::string out;
  for (size_t g = 0; g < groups; ++g) {
    const std::string_view part =
        payload.substr(g * group_digits, group_digits);
    if (g > 0) out.push_back('-');
    out += part;
    out.push_back(DammCheckDigit(part, static_cast<int>(g)));
  }
  return out;
}

Result<std::string> ReadGroups(std::string_view text, size_t groups,
                               size_t group_digits, std::string_view what,
                               CodeProblem* problem) {
  if (problem != nullptr) *problem = {};
  const size_t width = group_digits + 1;
  if (text.size() > kMaxTextBytes) {
    return Fail(problem, CodeFault::kWrongLength, 0, what, "",
                "longer than " + std::to_string(kMaxTextBytes) + " bytes");
  }
  // Runs of digits between separators.
  std::vector<std::string> runs(1);
  size_t i = 0;
  while (i < text.size()) {
    const size_t at = i;
    char digit = 0;
    switch (ReadToken(text, i, digit)) {
      case Token::kDigit:
        runs.back().push_back(digit);
        break;
      case Token::kSeparator:
        if (!runs.back().empty()) runs.emplace_back();
        break;
      case Token::kBad:
        return Fail(problem, CodeFault::kBadCharacter, 0, what,
                    "byte " + std::to_string(at),
                    "not a digit, space or hyphen");
    }
  }
  if (runs.back().empty()) runs.pop_back();
  std::string all;
  for (const std::string& run : runs) all += run;
  if (all.size() != groups * width) {
    // Typed in groups: name the group that is too short or too long.
    if (runs.size() == groups) {
      for (size_t g = 0; g < groups; ++g) {
        if (runs[g].size() != width) {
          return Fail(problem, CodeFault::kWrongLength, static_cast<int>(g + 1),
                      what, GroupName(g),
                      std::to_string(runs[g].size()) + " digits, expected " +
                          std::to_string(width));
        }
      }
    }
    return Fail(problem, CodeFault::kWrongLength, 0, what, "",
                std::to_string(all.size()) + " digits, expected " +
                    std::to_string(groups * width));
  }
  const std::string_view digits = all;
  std::string payload;
  for (size_t g = 0; g < groups; ++g) {
    const std::string_view group = digits.substr(g * width, width);
    if (DammInterim(group, static_cast<int>(g)) != 0) {
      return Fail(problem, CodeFault::kCheckDigit, static_cast<int>(g + 1),
                  what, GroupName(g), "check digit does not match (misheard?)");
    }
    payload += group.substr(0, group_digits);
  }
  return payload;
}

}  // namespace piiguard::exception
