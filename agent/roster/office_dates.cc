// Spreadsheet dates and OOXML string escapes (office_internal.h).

#include <chrono>
#include <cmath>
#include <string>

#include "agent/roster/office_internal.h"

namespace piiguard::roster::office {
namespace {

char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

bool StartsWithNoCase(std::string_view text, size_t at, std::string_view word) {
  if (text.size() - at < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (Lower(text[at + i]) != word[i]) return false;
  }
  return true;
}

void AppendDigits(std::string& out, unsigned value, int width) {
  std::string digits(static_cast<size_t>(width), '0');
  for (int i = width - 1; i >= 0 && value != 0; --i, value /= 10) {
    digits[static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
  }
  out += digits;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = Lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void AppendUtf8(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

}  // namespace

bool IsBuiltinDateFormat(uint32_t id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) ||
         (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

bool IsDateFormatCode(std::string_view code) {
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '"') {  // literal text
      size_t end = code.find('"', i + 1);
      if (end == std::string_view::npos) return false;
      i = end;
    } else if (c == '[') {  // [Red], [$-411], [h]: no date token inside
      size_t end = code.find(']', i + 1);
      if (end == std::string_view::npos) return false;
      i = end;
    } else if (c == '\\' || c == '_' || c == '*') {  // escaped, padding, fill
      ++i;
    } else if (StartsWithNoCase(code, i, "general")) {
      i += 6;
    } else {
      switch (Lower(c)) {
        case 'y':  // year
        case 'd':  // day
        case 'g':  // era name (Japanese: 平成)
          return true;
        case 'e':  // era year, unless the exponent of 0.00E+00
          if (i + 1 < code.size() &&
              (code[i + 1] == '+' || code[i + 1] == '-')) {
            ++i;
            break;
          }
          return true;
        default:  // 'm' alone is minutes or a month: not enough
          break;
      }
    }
  }
  return false;
}

std::optional<std::string> SerialToIsoDate(double serial, bool date1904) {
  // 9999-12-31 is serial 2958465 (1900) and 2957003 (1904).
  const double last = date1904 ? 2957003.0 : 2958465.0;
  if (!(serial >= 0.0) || serial >= last + 1.0) return std::nullopt;
  const auto day = static_cast<int64_t>(std::floor(serial));
  using std::chrono::days;
  using std::chrono::December;
  using std::chrono::January;
  using std::chrono::sys_days;
  using std::chrono::year_month_day;
  std::string out;
  year_month_day date;
  if (date1904) {
    date = year_month_day(sys_days(std::chrono::year(1904) / January / 1) +
                          days(day));
  } else if (day < 1) {
    return std::nullopt;  // 1900-01-00: a time of day, not a date
  } else if (day == 60) {
    return "1900-02-29";  // Lotus 1-2-3's leap day, kept by Excel
  } else {
    // Day 1 is 1900-01-01; after the false leap day, one day less.
    date = year_month_day(sys_days(std::chrono::year(1899) / December / 31) +
                          days(day < 60 ? day : day - 1));
  }
  AppendDigits(out, static_cast<unsigned>(static_cast<int>(date.year())), 4);
  out.push_back('-');
  AppendDigits(out, static_cast<unsigned>(date.month()), 2);
  out.push_back('-');
  AppendDigits(out, static_cast<unsigned>(date.day()), 2);
  return out;
}

std::string DecodeXstring(std::string_view text) {
  if (text.find("_x") == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_' && i + 6 < text.size() && text[i + 1] == 'x' &&
        text[i + 6] == '_') {
      uint32_t code = 0;
      bool hex = true;
      for (size_t k = i + 2; k < i + 6; ++k) {
        int v = HexValue(text[k]);
        if (v < 0) hex = false;
        code = code * 16 + static_cast<uint32_t>(v < 0 ? 0 : v);
      }
      if (hex && (code < 0xD800 || code > 0xDFFF)) {
        AppendUtf8(out, code < 0x20 || code == 0x7F ? ' ' : code);
        i += 6;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace piiguard::roster::office
