// The digit groups of the offline exception codes (docs/exceptions.md):
// the Damm check digit that ends every group, the canonical text
// ("13057-12345-..."), and a tolerant reader for what staff type or an IT
// desk operator hears: ASCII or full-width digits (０-９), groups separated
// by spaces, hyphens or their Japanese look-alikes (全角スペース, －, ー, −).
//
// The Damm algorithm catches every single-digit error and every transposition
// of two adjacent digits within a group (check digit included). Group g
// (1-based) starts the Damm walk at interim g-1, so a whole group read in
// another's place is caught 9 times in 10.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_POLICY_EXCEPTION_CODE_DIGITS_H_
#define PIIGUARD_POLICY_EXCEPTION_CODE_DIGITS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace piiguard::exception {

// Why a code was refused before any of its fields were read.
enum class CodeFault {
  kNone,
  kBadCharacter,  // something that is not a digit or a separator
  kWrongLength,   // too few or too many digits (group says which, if known)
  kCheckDigit,    // a group's check digit does not match: misheard
  kBadField,      // the digits are well formed but a field is out of range
};

// Where a reading went wrong: the fault and the 1-based group (0: the code
// as a whole).
struct CodeProblem {
  CodeFault fault = CodeFault::kNone;
  int group = 0;
};

// The Damm check digit of `digits` (ASCII '0'-'9' only), starting the walk
// at `start` (0-9).
char DammCheckDigit(std::string_view digits, int start = 0);

// `payload` (ASCII digits, `groups` * `group_digits` of them) with a check
// digit after every group, the groups joined by '-'.
std::string FormatGroups(std::string_view payload, size_t groups,
                         size_t group_digits);

// Reads `groups` groups of `group_digits` payload digits and one check digit
// each from `text`; returns the payload digits (ASCII). `what` names the code
// in error messages ("challenge", "response"). On failure `problem`, if not
// null, says what was wrong and in which group.
Result<std::string> ReadGroups(std::string_view text, size_t groups,
                               size_t group_digits, std::string_view what,
                               CodeProblem* problem);

}  // namespace piiguard::exception

#endif  // PIIGUARD_POLICY_EXCEPTION_CODE_DIGITS_H_
