// Timestamps in piiguard's formats: RFC 3339 strings with an explicit
// offset ("2027-03-31T23:59:59+09:00" or "...Z") and calendar dates
// ("2027-03-31"). Internally: seconds since the Unix epoch (UTC).
//
// Parsing is strict: four-digit years 1970..9999, valid days per month
// (leap years included), seconds 00..59 (no leap second), no fractions.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_COMMON_TIMESTAMP_H_
#define PIIGUARD_COMMON_TIMESTAMP_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace piiguard {

// Japan Standard Time, the offset dates without a time are read in.
inline constexpr int kJstOffsetMinutes = 9 * 60;

Result<int64_t> ParseRfc3339(std::string_view text);
// "YYYY-MM-DDTHH:MM:SS+HH:MM" (or "Z" for offset 0).
std::string FormatRfc3339(int64_t unix_seconds, int offset_minutes);

// Days since 1970-01-01 of a "YYYY-MM-DD" date.
Result<int64_t> ParseDate(std::string_view text);
std::string FormatDate(int64_t days_since_epoch);

// Accepts an RFC 3339 time, or a date meaning the end of that day
// (23:59:59) in Japan Standard Time: how people write an expiry.
Result<int64_t> ParseExpiry(std::string_view text);

}  // namespace piiguard

#endif  // PIIGUARD_COMMON_TIMESTAMP_H_
