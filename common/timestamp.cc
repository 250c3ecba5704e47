#include "common/timestamp.h"

#include <array>

namespace piiguard {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days algorithms.
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year;
  int64_t month;
  int64_t day;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp + (mp < 10 ? 3 : -9);
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int64_t DaysInMonth(int64_t y, int64_t m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[static_cast<size_t>(m - 1)];
}

// Reads exactly `width` decimal digits at `pos`.
bool Digits(std::string_view s, size_t pos, size_t width, int64_t& out) {
  if (pos + width > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Appends 0 <= value < 100 as two digits.
void AppendTwoDigits(std::string& out, int64_t value) {
  out += static_cast<char>('0' + value / 10);
  out += static_cast<char>('0' + value % 10);
}

Status DateError(std::string_view text, std::string_view reason) {
  return InvalidArgumentError("time", "\"" + std::string(text) + "\"", reason);
}

Result<int64_t> ParseDatePart(std::string_view text) {
  int64_t y = 0;
  int64_t m = 0;
  int64_t d = 0;
  if (text.size() < 10 || !Digits(text, 0, 4, y) || text[4] != '-' ||
      !Digits(text, 5, 2, m) || text[7] != '-' || !Digits(text, 8, 2, d)) {
    return DateError(text, "expected YYYY-MM-DD");
  }
  if (y < 1970 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) {
    return DateError(text, "no such date");
  }
  return DaysFromCivil(y, m, d);
}

}  // namespace

Result<int64_t> ParseDate(std::string_view text) {
  if (text.size() != 10) return DateError(text, "expected YYYY-MM-DD");
  return ParseDatePart(text);
}

std::string FormatDate(int64_t days_since_epoch) {
  Civil c = CivilFromDays(days_since_epoch);
  std::string year = std::to_string(c.year);
  std::string out(year.size() < 4 ? 4 - year.size() : 0, '0');
  out += year;
  out += c.month < 10 ? "-0" : "-";
  out += std::to_string(c.month);
  out += c.day < 10 ? "-0" : "-";
  out += std::to_string(c.day);
  return out;
}

Result<int64_t> ParseRfc3339(std::string_view text) {
  PIIGUARD_ASSIGN_OR_RETURN(int64_t days, ParseDatePart(text));
  int64_t hh = 0;
  int64_t mm = 0;
  int64_t ss = 0;
  if (text.size() < 20 || text[10] != 'T' || !Digits(text, 11, 2, hh) ||
      text[13] != ':' || !Digits(text, 14, 2, mm) || text[16] != ':' ||
      !Digits(text, 17, 2, ss)) {
    return DateError(text,
                     "expected YYYY-MM-DDTHH:MM:SS followed by Z or +HH:MM");
  }
  if (hh > 23 || mm > 59 || ss > 59) return DateError(text, "no such time");
  std::string_view zone = text.substr(19);
  int64_t offset = 0;
  if (zone != "Z") {
    int64_t oh = 0;
    int64_t om = 0;
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') ||
        !Digits(zone, 1, 2, oh) || zone[3] != ':' || !Digits(zone, 4, 2, om) ||
        oh > 23 || om > 59) {
      return DateError(text, "expected Z or +HH:MM after the time");
    }
    offset = (oh * 60 + om) * 60 * (zone[0] == '-' ? -1 : 1);
  }
  return days * 86400 + hh * 3600 + mm * 60 + ss - offset;
}

std::string FormatRfc3339(int64_t unix_seconds, int offset_minutes) {
  int64_t local = unix_seconds + int64_t{offset_minutes} * 60;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  int64_t secs = local - days * 86400;
  std::string out = FormatDate(days);
  out += 'T';
  AppendTwoDigits(out, secs / 3600);
  out += ':';
  AppendTwoDigits(out, secs / 60 % 60);
  out += ':';
  AppendTwoDigits(out, secs % 60);
  if (offset_minutes == 0) return out + "Z";
  int abs = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  out += offset_minutes < 0 ? '-' : '+';
  AppendTwoDigits(out, abs / 60);
  out += ':';
  AppendTwoDigits(out, abs % 60);
  return out;
}

Result<int64_t> ParseExpiry(std::string_view text) {
  if (text.size() == 10) {
    PIIGUARD_ASSIGN_OR_RETURN(int64_t days, ParseDate(text));
    return days * 86400 + 86399 - int64_t{kJstOffsetMinutes} * 60;
  }
  return ParseRfc3339(text);
}

}  // namespace piiguard
