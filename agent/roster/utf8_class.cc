#include "agent/roster/utf8_class.h"

#include <algorithm>
#include <array>

namespace piiguard::roster {
namespace {

constexpr std::array<char32_t, 4> kMaxOfLength = {0x7F, 0x7FF, 0xFFFF,
                                                  0x10FFFF};

std::string HexByte(unsigned byte) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out = "\\x";
  out += kDigits[(byte >> 4) & 0xF];
  out += kDigits[byte & 0xF];
  return out;
}

std::string ByteRange(unsigned lo, unsigned hi) {
  if (lo == hi) return HexByte(lo);
  return "[" + HexByte(lo) + "-" + HexByte(hi) + "]";
}

// Appends alternatives for [lo, hi], where both encode to the same number
// of bytes, splitting until every position is a plain byte range (the
// classic range-to-UTF-8 construction, as in RE2 and Go's regexp).
void AddSameLength(char32_t lo, char32_t hi, std::vector<std::string>& out) {
  std::string a = EncodeUtf8(lo);
  std::string b = EncodeUtf8(hi);
  size_t n = a.size();
  // Split where a continuation suffix does not span its whole range.
  for (size_t i = 1; i < n; ++i) {
    char32_t mask = (char32_t{1} << (6 * i)) - 1;
    if ((lo & ~mask) != (hi & ~mask)) {
      if ((lo & mask) != 0) {
        AddSameLength(lo, lo | mask, out);
        AddSameLength((lo | mask) + 1, hi, out);
        return;
      }
      if ((hi & mask) != mask) {
        AddSameLength(lo, (hi & ~mask) - 1, out);
        AddSameLength(hi & ~mask, hi, out);
        return;
      }
    }
  }
  std::string alt;
  for (size_t i = 0; i < n; ++i) {
    alt += ByteRange(static_cast<unsigned char>(a[i]),
                     static_cast<unsigned char>(b[i]));
  }
  out.push_back(std::move(alt));
}

void AddRange(char32_t lo, char32_t hi, std::vector<std::string>& out) {
  // Leave out surrogates.
  if (lo <= 0xDFFF && hi >= 0xD800) {
    if (lo < 0xD800) AddRange(lo, 0xD7FF, out);
    if (hi > 0xDFFF) AddRange(0xE000, hi, out);
    return;
  }
  for (char32_t max : kMaxOfLength) {
    if (lo > hi) return;
    if (lo <= max) {
      AddSameLength(lo, std::min(hi, max), out);
      lo = max + 1;
    }
  }
}

}  // namespace

std::string EncodeUtf8(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

std::string Utf8Class(const CodePointRanges& ranges) {
  std::vector<std::string> alternatives;
  for (const auto& [lo, hi] : ranges) {
    if (lo <= hi) AddRange(lo, std::min<char32_t>(hi, 0x10FFFF), alternatives);
  }
  std::string out = "(?:";
  for (size_t i = 0; i < alternatives.size(); ++i) {
    if (i > 0) out += '|';
    out += alternatives[i];
  }
  out += ')';
  return out;
}

}  // namespace piiguard::roster
