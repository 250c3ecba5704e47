#include "agent/roster/token_scan.h"

#include <cstdint>

namespace piiguard::roster {
namespace {

enum Class : uint8_t { kSkip, kDigit, kBoundary, kNewline, kSpace, kE3, kPlus };

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> c{};
  for (int d = '0'; d <= '9'; ++d) c[static_cast<size_t>(d)] = kDigit;
  for (char b : {'\t', ',', ';', '|', '"', '\r', '(', ')', '/'}) {
    c[static_cast<unsigned char>(b)] = kBoundary;
  }
  c['\n'] = kNewline;
  c[' '] = kSpace;
  c[0xE3] = kE3;
  c['+'] = kPlus;
  return c;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

constexpr std::string_view kSai = "歳";
constexpr std::string_view kNen = "年";
constexpr std::string_view kGatsu = "月";
constexpr std::string_view kNichi = "日";

bool IsDigit(std::string_view t, size_t i) {
  return i < t.size() && t[i] >= '0' && t[i] <= '9';
}

// The bytes of a hyphen people type in numbers at `i`: - ‐ − ー ―.
size_t HyphenAt(std::string_view t, size_t i) {
  if (i >= t.size()) return 0;
  if (t[i] == '-') return 1;
  std::string_view three = t.substr(i, 3);
  if (three == "\u2010" || three == "\u2212" || three == "\u30FC" ||
      three == "\u2015") {
    return 3;
  }
  return 0;
}

// Hyperscan's (?:^|[^0-9\-+]) before a number and (?:[^0-9\-]|$) after.
bool NumLeft(std::string_view t, size_t s) {
  return s == 0 || (!IsDigit(t, s - 1) && t[s - 1] != '-' && t[s - 1] != '+');
}
bool NumRight(std::string_view t, size_t e) {
  return e >= t.size() || (!IsDigit(t, e) && t[e] != '-');
}

bool IsCellEdge(char c) {
  return c == '\t' || c == ',' || c == ';' || c == '|' || c == '"' ||
         c == '\n' || c == '\r';
}
// (?:^|[\t,;|"])\x20* before, \x20*(?:[\t,;|"\r]|$) after.
bool CellLeft(std::string_view t, size_t s) {
  while (s > 0 && t[s - 1] == ' ') --s;
  return s == 0 || IsCellEdge(t[s - 1]);
}
bool CellRight(std::string_view t, size_t e) {
  while (e < t.size() && t[e] == ' ') ++e;
  return e >= t.size() || IsCellEdge(t[e]);
}

// Digits from `i`: how many (at most `max` + 1 are looked at).
size_t Digits(std::string_view t, size_t i, size_t max) {
  size_t n = 0;
  while (n <= max && IsDigit(t, i + n)) ++n;
  return n;
}

bool Starts(std::string_view t, size_t i, std::string_view what) {
  return t.substr(i, what.size()) == what;
}

// Kanji (E4..E9 lead, or 々 〆 〇) or kana (E3 81..83) ending at `end`.
bool WordCharBefore(std::string_view t, size_t end) {
  if (end < 3) return false;
  auto b0 = static_cast<unsigned char>(t[end - 3]);
  auto b1 = static_cast<unsigned char>(t[end - 2]);
  if (b0 >= 0xE4 && b0 <= 0xE9) return true;
  return b0 == 0xE3 &&
         ((b1 >= 0x81 && b1 <= 0x83) ||
          (b1 == 0x80 && static_cast<unsigned char>(t[end - 1]) >= 0x85 &&
           static_cast<unsigned char>(t[end - 1]) <= 0x87));
}

// Where a kanji or kana starting at `i` ends its lead: the offset
// Hyperscan's (?:[\xE4-\xE9]|\xE3[\x81-\x83]) would end at, or 0.
size_t WordLeadEnd(std::string_view t, size_t i) {
  if (i >= t.size()) return 0;
  auto b0 = static_cast<unsigned char>(t[i]);
  if (b0 >= 0xE4 && b0 <= 0xE9) return i + 1;
  if (b0 == 0xE3 && i + 1 < t.size()) {
    auto b1 = static_cast<unsigned char>(t[i + 1]);
    if (b1 >= 0x81 && b1 <= 0x83) return i + 2;
  }
  return 0;
}

}  // namespace

TokenScanner::TokenScanner(const std::vector<Pattern>& patterns) {
  id_.fill(-1);
  for (size_t i = 0; i < patterns.size(); ++i) {
    if (patterns[i].token == Token::kNone) continue;
    id_[static_cast<size_t>(patterns[i].token)] = static_cast<int>(i);
    any_ = true;
  }
}

void TokenScanner::Emit(Token token, size_t from, size_t to,
                        std::vector<Hit>& hits) const {
  int id = id_[static_cast<size_t>(token)];
  if (id < 0) return;
  hits.push_back({static_cast<uint32_t>(id), static_cast<uint32_t>(from),
                  static_cast<uint32_t>(to)});
}

void TokenScanner::Scan(std::string_view t, std::vector<Hit>& hits) const {
  const size_t n = t.size();
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  size_t i = 0;
  while (i < n) {
    uint8_t c = kClasses[p[i]];
    if (c == kSkip) {
      ++i;
      continue;
    }
    switch (c) {
      case kDigit: {
        size_t e = i;
        while (e < n && p[e] >= '0' && p[e] <= '9') ++e;
        Number(t, i, e, hits);
        i = e;
        continue;
      }
      case kSpace:
        if (WordCharBefore(t, i)) Emit(Token::kWordEnd, i, i + 1, hits);
        if (size_t lead = WordLeadEnd(t, i + 1); lead != 0) {
          Emit(Token::kSpaceBeforeWord, i, lead, hits);
        }
        break;
      case kBoundary:
        if (WordCharBefore(t, i)) Emit(Token::kWordEnd, i, i + 1, hits);
        break;
      case kNewline:
        if (WordCharBefore(t, i)) Emit(Token::kWordEnd, i, i, hits);
        break;
      case kE3:
        if (i + 2 < n && p[i + 1] == 0x80 && p[i + 2] == 0x81) {
          // 、 after a name: "・山内崇、〒530-0084".
          if (WordCharBefore(t, i)) Emit(Token::kWordEnd, i, i + 3, hits);
          i += 3;
          continue;
        }
        if (i + 2 < n && p[i + 1] == 0x80 && p[i + 2] == 0x80) {
          if (WordCharBefore(t, i)) Emit(Token::kWordEnd, i, i + 3, hits);
          if (size_t lead = WordLeadEnd(t, i + 3); lead != 0) {
            Emit(Token::kSpaceBeforeWord, i, lead, hits);
          }
          i += 3;
          continue;
        }
        break;
      case kPlus: {
        // +81[\-\x20]?[1-9][0-9]?[\-\x20]?[0-9]{1,4}[\-\x20]?[0-9]{4}
        size_t q = i + 1;
        if (!Starts(t, q, "81")) break;
        q += 2;
        auto sep = [&] {
          if (q < n && (t[q] == '-' || t[q] == ' ')) ++q;
        };
        sep();
        if (q >= n || t[q] < '1' || t[q] > '9') break;
        size_t d = Digits(t, q, 2);
        if (d > 2) break;
        q += d;
        sep();
        d = Digits(t, q, 4);
        if (d == 0 || d > 4) break;
        q += d;
        sep();
        if (Digits(t, q, 4) != 4) break;
        q += 4;
        if (NumRight(t, q)) Emit(Token::kIntlPhone, i, q, hits);
        break;
      }
      default:
        break;
    }
    ++i;
  }
  // A word at the very end of the text ($).
  if (WordCharBefore(t, n)) Emit(Token::kWordEnd, n, n, hits);
}

void TokenScanner::Number(std::string_view t, size_t s, size_t e,
                          std::vector<Hit>& hits) const {
  const size_t len = e - s;
  const bool left = NumLeft(t, s);
  // Most numbers are short (times, amounts, 番地): only the hyphen, an
  // age and a bracketed area code concern them.
  const char after = e < t.size() ? t[e] : '\0';
  if (len <= 3 && after != '-' && after != ' ' && after != '(' &&
      after != ')' && static_cast<unsigned char>(after) < 0x80) {
    return;
  }
  // digit, hyphen, digit: the check reads the whole number.
  if (size_t h = HyphenAt(t, e); h > 0 && IsDigit(t, e + h)) {
    Emit(Token::kHyphenInNumber, e, e + h + 1, hits);
  }
  if (left && NumRight(t, e)) {
    if (len == 11 && t[s] == '0' && t[s + 1] >= '7' && t[s + 1] <= '9' &&
        t[s + 2] == '0') {
      Emit(Token::kMobileDigits, s, e, hits);
    }
    if (len == 10 && t[s] == '0' && t[s + 1] != '0') {
      Emit(Token::kLandlineDigits, s, e, hits);
    }
    if (len == 12) Emit(Token::kTwelveDigits, s, e, hits);
    if (len == 8 && (Starts(t, s, "19") || Starts(t, s, "20"))) {
      Emit(Token::kCompactDate, s, e, hits);
    }
    if (len == 7 && CellLeft(t, s) && CellRight(t, e)) {
      Emit(Token::kCellPostalDigits, s, e, hits);
    }
  }
  if (left && len <= 3) {  // 45歳, 45 歳
    size_t q = e < t.size() && t[e] == ' ' ? e + 1 : e;
    if (Starts(t, q, kSai)) Emit(Token::kAgeDigits, s, q + kSai.size(), hits);
  }
  if (left && len == 4 &&
      (Starts(t, s, "18") || Starts(t, s, "19") || Starts(t, s, "20"))) {
    // Year, month, day: \x20?(?:年|/|-|\.)\x20? between, 日 after.
    size_t q = e;
    auto sep = [&](std::string_view unit) {
      if (q < t.size() && t[q] == ' ') ++q;
      if (Starts(t, q, unit)) {
        q += unit.size();
      } else if (q < t.size() && (t[q] == '/' || t[q] == '-' || t[q] == '.')) {
        ++q;
      } else {
        return false;
      }
      if (q < t.size() && t[q] == ' ') ++q;
      return true;
    };
    size_t d = 0;
    if (sep(kNen) && (d = Digits(t, q, 2)) >= 1 && d <= 2) {
      q += d;
      if (sep(kGatsu) && (d = Digits(t, q, 2)) >= 1 && d <= 2) {
        q += d;
        if (Starts(t, q, kNichi)) q += kNichi.size();
        if (NumRight(t, q)) Emit(Token::kYmdDate, s, q, hits);
      }
    }
  }
  if (left && len == 4 && e + 10 <= t.size() && t[e] == ' ' &&
      Digits(t, e + 1, 4) == 4 && t[e + 5] == ' ' && Digits(t, e + 6, 4) == 4 &&
      NumRight(t, e + 10)) {
    Emit(Token::kSpacedTwelveDigits, s, e + 10, hits);
  }
  if (t[s] == '0' && len >= 2 && len <= 4 && CellLeft(t, s)) {
    // A cell "090 1234 5678" or "045 543 9628": three groups, 10 or 11
    // digits, the last of four.
    size_t q = e;
    size_t total = len;
    int groups = 1;
    while (groups < 3 && q < t.size() && t[q] == ' ') {
      size_t d = Digits(t, q + 1, 4);
      if (d == 0 || d > 4) break;
      q += 1 + d;
      total += d;
      ++groups;
    }
    if (groups == 3 && (total == 10 || total == 11) &&
        Digits(t, q - 4, 4) == 4 && CellRight(t, q)) {
      Emit(Token::kCellSpacedPhone, s, q, hits);
    }
  }
  if (s > 0 && t[s - 1] == '(' && t[s] == '0' && len >= 2 && len <= 5 &&
      e < t.size() && t[e] == ')') {
    // (042)345-6789
    size_t q = e + 1;
    if (q < t.size() && t[q] == ' ') ++q;
    size_t d = Digits(t, q, 4);
    if (d >= 1 && d <= 4) {
      q += d;
      size_t h = HyphenAt(t, q);
      if (h > 0 && Digits(t, q + h, 4) == 4 && NumRight(t, q + h + 4)) {
        Emit(Token::kParenAreaPhone, s - 1, q + h + 4, hits);
      }
    }
  }
  if (left && t[s] == '0' && len >= 2 && len <= 5 && t[s + 1] != '0' &&
      e < t.size() && t[e] == '(') {
    // 03(1234)5678
    size_t d = Digits(t, e + 1, 4);
    size_t q = e + 1 + d;
    if (d >= 1 && d <= 4 && q < t.size() && t[q] == ')' &&
        Digits(t, q + 1, 4) == 4 && NumRight(t, q + 5)) {
      Emit(Token::kParenLocalPhone, s, q + 5, hits);
    }
  }
}

}  // namespace piiguard::roster
