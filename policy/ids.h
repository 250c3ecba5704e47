// Syntax of the identifiers and values that policy and stick-key files
// share: ids, hex strings, USB ids, city codes, paths and URLs.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_POLICY_IDS_H_
#define PIIGUARD_POLICY_IDS_H_

#include <cstddef>
#include <string_view>

namespace piiguard::policy {

inline constexpr size_t kMaxTextLength = 1024;
inline constexpr std::string_view kIdRule =
    "expected 1 to 64 characters of A-Z a-z 0-9 . _ -";
inline constexpr std::string_view kUsbIdRule =
    "expected 4 lower-case hex digits";

// [A-Za-z0-9._-]{1,64}, not starting with '.' or '-'.
bool IsValidId(std::string_view id);
// Exactly `length` lower-case hex digits.
bool IsHex(std::string_view text, size_t length);
bool IsUsbIdHex(std::string_view text);
// 全国地方公共団体コード: 6 digits, the last a check digit over the first five
// (weights 6,5,4,3,2; check = (11 - sum % 11) % 10).
bool IsValidCityCode(std::string_view code);
// Starts with '/', no "//", no "." or ".." component, no NUL.
bool IsCleanAbsolutePath(std::string_view path);
// https://host[:port][/path] with a non-empty host and no spaces.
bool IsHttpsUrl(std::string_view url);

}  // namespace piiguard::policy

#endif  // PIIGUARD_POLICY_IDS_H_
