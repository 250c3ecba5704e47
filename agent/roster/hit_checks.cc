#include "agent/roster/hit_checks.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <cstring>
#include <vector>

#include "agent/roster/names.h"
#include "agent/roster/validate.h"

namespace piiguard::roster {
namespace {

enum class Script { kOther, kKanji, kHiragana, kKatakana };

Script ScriptOf(char32_t cp) {
  if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
      (cp >= 0x3005 && cp <= 0x3007) || (cp >= 0xF900 && cp <= 0xFAFF)) {
    return Script::kKanji;
  }
  if ((cp >= 0x3041 && cp <= 0x3096) || cp == 0x309D || cp == 0x309E) {
    return Script::kHiragana;
  }
  // ・ (U+30FB) separates words: "・山田 太郎" is a bullet and a name.
  if (cp >= 0x30A1 && cp <= 0x30FE && cp != 0x30FB) return Script::kKatakana;
  return Script::kOther;
}

// The code point that ends at `end` and where it starts; a lone byte that
// is not UTF-8 counts as U+FFFD.
std::pair<char32_t, size_t> PrevChar(std::string_view s, size_t end) {
  size_t start = end - 1;
  while (start > 0 && end - start < 4 &&
         (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
    --start;
  }
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  size_t n = end - start;
  char32_t cp = 0xFFFD;
  if (n == 1 && b(start) < 0x80) cp = b(start);
  if (n == 2 && (b(start) & 0xE0) == 0xC0) {
    cp = ((b(start) & 0x1FU) << 6) | (b(start + 1) & 0x3FU);
  }
  if (n == 3 && (b(start) & 0xF0) == 0xE0) {
    cp = ((b(start) & 0x0FU) << 12) | ((b(start + 1) & 0x3FU) << 6) |
         (b(start + 2) & 0x3FU);
  }
  if (n == 4 && (b(start) & 0xF8) == 0xF0) {
    cp = ((b(start) & 0x07U) << 18) | ((b(start + 1) & 0x3FU) << 12) |
         ((b(start + 2) & 0x3FU) << 6) | (b(start + 3) & 0x3FU);
  }
  if (cp == 0xFFFD) start = end - 1;
  return {cp, start};
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsCellDelimiter(char c) {
  return c == ',' || c == '\t' || c == ';' || c == '|' || c == '"' ||
         c == '\n' || c == '\r';
}

// A run of kanji or kana ending at `end`: where it starts, its length in
// characters and its script (kOther if scripts are mixed beyond kanji with
// kana, which a given name may be).
struct Word {
  size_t start = 0;
  size_t chars = 0;
  bool kanji = false;
  bool hiragana = false;
  bool katakana = false;
};

Word WordBefore(std::string_view s, size_t end, size_t max_chars) {
  Word w;
  w.start = end;
  while (w.start > 0 && w.chars <= max_chars) {
    auto [cp, start] = PrevChar(s, w.start);
    Script script = ScriptOf(cp);
    if (script == Script::kOther) break;
    w.kanji |= script == Script::kKanji;
    w.hiragana |= script == Script::kHiragana;
    w.katakana |= script == Script::kKatakana;
    w.start = start;
    ++w.chars;
  }
  return w;
}

// The code point that starts at `pos` and where the next one starts.
std::pair<char32_t, size_t> NextChar(std::string_view s, size_t pos) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = b(pos);
  size_t n = c < 0x80             ? 1
             : (c & 0xE0) == 0xC0 ? 2
             : (c & 0xF0) == 0xE0 ? 3
             : (c & 0xF8) == 0xF0 ? 4
                                  : 0;
  if (n == 0 || pos + n > s.size()) return {0xFFFD, pos + 1};
  char32_t cp = n == 1   ? c
                : n == 2 ? (c & 0x1FU)
                : n == 3 ? (c & 0x0FU)
                         : (c & 0x07U);
  for (size_t i = 1; i < n; ++i) {
    if ((b(pos + i) & 0xC0) != 0x80) return {0xFFFD, pos + 1};
    cp = (cp << 6) | (b(pos + i) & 0x3FU);
  }
  return {cp, pos + n};
}

// A run of kanji or kana starting at `pos` (at most max_chars + 1 chars
// are read); `start` is where it ends.
Word WordAfter(std::string_view s, size_t pos, size_t max_chars) {
  Word w;
  w.start = pos;
  while (w.start < s.size() && w.chars <= max_chars) {
    auto [cp, next] = NextChar(s, w.start);
    Script script = ScriptOf(cp);
    if (script == Script::kOther) break;
    w.kanji |= script == Script::kKanji;
    w.hiragana |= script == Script::kHiragana;
    w.katakana |= script == Script::kKatakana;
    w.start = next;
    ++w.chars;
  }
  return w;
}

bool KanaOnly(const Word& w) { return !w.kanji && (w.hiragana || w.katakana); }

// Hiragana to katakana (the lexicon's readings are in katakana); other
// characters unchanged. U+3041..3096 are E3 81 81..E3 82 96, katakana
// U+30A1..30F6 are E3 82 A1..E3 83 B6: the code point plus 0x60.
std::string Katakana(std::string_view s) {
  std::string out(s);
  for (size_t i = 0; i + 2 < out.size(); ++i) {
    auto b0 = static_cast<unsigned char>(out[i]);
    if (b0 != 0xE3) continue;
    auto b1 = static_cast<unsigned char>(out[i + 1]);
    auto b2 = static_cast<unsigned char>(out[i + 2]);
    char32_t cp = ((b1 & 0x3FU) << 6) | (b2 & 0x3FU) | 0x3000U;
    if (cp >= 0x3041 && cp <= 0x3096) {
      cp += 0x60;
      out[i + 1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out[i + 2] = static_cast<char>(0x80 | (cp & 0x3F));
    }
    i += 2;
  }
  return out;
}

// Where the spaces that end at `end` start (one to eight, ASCII or
// ideographic: aligned text pads names), or npos.
size_t SpaceBefore(std::string_view s, size_t end) {
  size_t pos = end;
  for (int n = 0; n < 8; ++n) {
    if (pos >= 1 && s[pos - 1] == ' ') {
      pos -= 1;
    } else if (pos >= 3 && s.substr(pos - 3, 3) == "\u3000") {
      pos -= 3;
    } else {
      break;
    }
  }
  return pos == end ? std::string_view::npos : pos;
}

bool IsPrefectureReading(std::string_view word) {
  for (std::string_view p :
       {"トウキョウト", "オオサカフ", "キョウトフ", "ホッカイドウ"}) {
    if (word == p) return true;
  }
  return word.size() >= 12 && word.ends_with("ケン");  // 4 kana or more
}

// A surname (kanji, from `start` to `end`) and a given name right after it,
// maybe after a space: a name unless a role or a place.
std::optional<Meaning> NameAt(std::string_view line, size_t start, size_t end,
                              bool listed_surname) {
  size_t pos = end;
  for (int n = 0; n < 8; ++n) {
    if (pos < line.size() && line[pos] == ' ') {
      pos += 1;
    } else if (line.substr(pos, 3) == "\u3000") {
      pos += 3;
    } else {
      break;
    }
  }
  // A place or an office before the space is not a family name (八王子市
  // めじろ台, 東京都 八王子市).
  std::string_view family = line.substr(start, end - start);
  const bool listed = listed_surname || IsSurname(family);
  if (pos != end && !listed && IsRoleOrPlace(family)) return std::nullopt;
  // Between a family name of no list and the given name: one or two
  // spaces, ASCII or ideographic (林　　太郎 pads a one-character surname).
  // A wider gap separates two columns of aligned text (世帯数    人口数),
  // unless the first word is a listed surname (永井    美代子: 姓 and 名 in
  // columns of their own).
  if (!listed &&
      (pos - end > 6 || (pos - end > 2 && line.substr(end, 3) != "\u3000"))) {
    return std::nullopt;
  }
  Word given = WordAfter(line, pos, 5);
  if (given.chars == 0 && pos == end &&
      (end == line.size() || std::strchr(",\t;|\"\r", line[end]) != nullptr)) {
    return Meaning{ColumnKind::kName, Role::kValue, true};  // 姓 alone
  }
  // A kanji given name has at most three characters (four would swallow
  // 整形外科, 人口総数 and the like).
  size_t max_kanji = 3;
  // Written together, a place suffix right after the surname makes a place
  // or an institution: 川崎市立第3中学校, 大和郡山, 横浜市.
  if (pos == end && given.chars > 0) {
    char32_t first = NextChar(line, pos).first;
    for (char32_t c : {U'市', U'区', U'県', U'都', U'府', U'郡'}) {
      if (first == c) return std::nullopt;
    }
  }
  bool fits = given.kanji ? given.chars >= 1 && given.chars <= max_kanji
                          : given.chars >= 2 && given.chars <= 5;
  if (!fits) return std::nullopt;
  // 人口 男, 総数 女性: a count by sex, not a person.
  std::string_view given_text = line.substr(pos, given.start - pos);
  for (std::string_view g : {"男", "女", "男性", "女性"}) {
    if (given_text == g) return std::nullopt;
  }
  if (KanaOnly(given) &&
      IsPrefectureReading(line.substr(pos, given.start - pos))) {
    return std::nullopt;  // 上杉 ミヤギケン, 梅田 オオサカフ: a place's reading
  }
  if (IsRoleOrPlace(given_text) ||
      (!listed && IsRoleOrPlace(line.substr(start, given.start - start)))) {
    return std::nullopt;
  }
  // Two words of no list (世帯数 人口, 東京 支社) are not a name; a listed
  // surname, or a listed given name after an unlisted (rare) surname, is.
  if (!listed && !IsGivenName(given_text) && !LooksLikeGivenName(given_text) &&
      !(KanaOnly(given) && IsGivenReading(Katakana(given_text)))) {
    return std::nullopt;
  }
  return Meaning{ColumnKind::kName, Role::kValue};
}

// A cell's edge at `pos`, spaces around the delimiter allowed (| 西村 |).
bool IsCellEdge(std::string_view line, size_t pos, bool before) {
  if (before) {
    while (pos > 0 && line[pos - 1] == ' ') --pos;
  } else {
    while (pos < line.size() && line[pos] == ' ') ++pos;
  }
  if (before ? pos == 0 : pos >= line.size()) return true;
  char c = before ? line[pos - 1] : line[pos];
  return IsCellDelimiter(c);
}

// A listed surname of two characters or more and a rare given name of
// two or three kanji that ends like one (大西颯太, 川口陽菜).
bool SplitRareName(std::string_view word) {
  for (size_t cut = 6; cut <= 12 && cut + 6 <= word.size(); cut += 3) {
    if (IsSurname(word.substr(0, cut)) &&
        LooksLikeGivenName(word.substr(cut))) {
      return true;
    }
  }
  return false;
}

// A word of kanji (kana after) that ends before the boundary at `to`: a
// name if it splits into a listed surname and given name (山田太郎), a
// surname alone if it is a whole cell (the 姓 of a split table).
std::optional<Meaning> WordName(std::string_view line, size_t to) {
  if (to == 0) return std::nullopt;
  size_t end = to;
  auto [last, last_start] = PrevChar(line, to);
  if (ScriptOf(last) == Script::kOther || last == U'様' || last == U'殿') {
    end = last_start;
  }
  Word w = WordBefore(line, end, 8);
  if (w.chars < 2 || w.chars > 8) return std::nullopt;
  auto [first, next] = NextChar(line, w.start);
  if (ScriptOf(first) != Script::kKanji) return std::nullopt;
  std::string_view word = line.substr(w.start, end - w.start);
  // 様, 殿, さん after the name.
  for (std::string_view honorific : {"様", "殿", "さん"}) {
    if (word.size() > honorific.size() && word.ends_with(honorific)) {
      word.remove_suffix(honorific.size());
      break;
    }
  }
  if (size_t cut = SplitName(word); cut > 0 || SplitRareName(word)) {
    if (IsRoleOrPlace(word)) return std::nullopt;
    return Meaning{ColumnKind::kName, Role::kValue};
  }
  if (IsSurname(word) && IsCellEdge(line, w.start, true) &&
      IsCellEdge(line, end, false)) {
    return Meaning{ColumnKind::kName, Role::kValue, true};  // 姓 alone
  }
  return std::nullopt;
}

// Two readings that spell a place, not a person (postal code lists give
// them): a prefecture (トウキョウト, …ケン), or a town (…チョウ).
bool IsPlaceReading(std::string_view first, std::string_view second) {
  return IsPrefectureReading(first) || second.ends_with("チョウ") ||
         second.ends_with("マチ");
}

// A third kana word right before or after a pair (トウキョウト ハチオウジシ
// メジロダイ): a row of place readings; a person's reading has two.
bool KanaWordAround(std::string_view line, size_t first_start,
                    size_t second_end) {
  size_t sp = SpaceBefore(line, first_start);
  if (sp != std::string_view::npos && KanaOnly(WordBefore(line, sp, 10))) {
    return true;
  }
  size_t pos = second_end;
  while (pos < line.size() && line[pos] == ' ') ++pos;
  while (line.substr(pos, 3) == "\u3000") pos += 3;
  return pos != second_end && KanaOnly(WordAfter(line, pos, 10));
}

// The hit is a space and the first byte of a kanji or kana after it.
std::optional<Meaning> SpacedWords(std::string_view line, size_t to) {
  // The match ends after a kanji's lead byte or a kana's first two bytes
  // (E3 81..83): back up to the character's first byte.
  if (to == 0) return std::nullopt;
  size_t after = to - 1;
  if (static_cast<unsigned char>(line[after]) < 0xC0 && after > 0) --after;
  size_t sp = SpaceBefore(line, after);
  if (sp == std::string_view::npos) return std::nullopt;
  Word family = WordBefore(line, sp, 10);
  if (family.chars == 0) return std::nullopt;
  if (!family.hiragana && !family.katakana && family.chars <= 4) {
    return NameAt(line, family.start, sp,
                  IsSurname(line.substr(family.start, sp - family.start)));
  }
  // Readings are written "ヤマダ タロウ" with one space (two at most, or an
  // ideographic one); wider gaps are aligned columns of place readings
  // (キョウトフ        キョウトシ).
  if (after - sp > 3) return std::nullopt;
  Word given = WordAfter(line, after, 10);
  if (IsPlaceReading(line.substr(family.start, sp - family.start),
                     line.substr(after, given.start - after)) ||
      KanaWordAround(line, family.start, given.start)) {
    return std::nullopt;
  }
  // A family name's reading has at most 7 kana (テシガワラ), a given
  // name's too (ジュンイチロウ); longer runs are place readings
  // (カワサキシナカハラク).
  if (KanaOnly(family) && KanaOnly(given) && family.chars <= 7 &&
      given.chars <= 7 && family.hiragana == given.hiragana &&
      family.katakana == given.katakana) {
    return Meaning{ColumnKind::kKana, Role::kValue};
  }
  return std::nullopt;
}

// A place name ends within the same cell before `pos`: a kanji followed by
// 市 区 町 村 郡 都 道 府 県 (東村山市, 本町, 北海道).
bool PlaceBefore(std::string_view line, size_t pos) {
  static constexpr std::array<char32_t, 9> kMarkers = {
      U'市', U'区', U'町', U'村', U'郡', U'都', U'道', U'府', U'県'};
  bool after_marker = false;
  for (int chars = 0; pos > 0 && chars < 30; ++chars) {
    if (IsCellDelimiter(line[pos - 1])) return false;
    auto [cp, start] = PrevChar(line, pos);
    if (after_marker && ScriptOf(cp) == Script::kKanji) return true;
    after_marker =
        std::find(kMarkers.begin(), kMarkers.end(), cp) != kMarkers.end();
    pos = start;
  }
  return false;
}

// A block written out without the city before it: 中崎三丁目1番19号,
// 練馬2丁目8番19号 (丁目, then a 番), 境123番地, 5番8号 — the shape of
// an address by itself. `to` is the end of the 丁目/番地/番 match.
bool BlockAddress(std::string_view line, size_t to) {
  auto digits_then = [&](size_t pos, std::string_view unit) {
    size_t d = pos;
    while (d < line.size() && IsDigit(line[d])) ++d;
    return d > pos && line.substr(d, unit.size()) == unit;
  };
  std::string_view before = line.substr(0, to);
  if (before.ends_with("番地")) return true;
  if (before.ends_with("丁目")) return digits_then(to, "番");
  if (before.ends_with("番")) return digits_then(to, "号");
  return false;
}

// The hyphen (ASCII or one of ‐ − ー ―) ending at `end`: its length, or 0.
size_t HyphenBefore(std::string_view s, size_t end) {
  if (end >= 1 && s[end - 1] == '-') return 1;
  if (end >= 3) {
    std::string_view t = s.substr(end - 3, 3);
    if (t == "\u2010" || t == "\u2212" || t == "\u30FC" || t == "\u2015") {
      return 3;
    }
  }
  return 0;
}

bool IsBusinessNumber(std::string_view digits) {
  for (std::string_view p : {"0120", "0570", "0800", "0990", "0180"}) {
    if (digits.starts_with(p)) return true;
  }
  return false;
}

// The hyphen (ASCII or one of ‐ − ー ―) starting at `pos`: its length, or 0.
size_t HyphenAt(std::string_view s, size_t pos) {
  if (pos < s.size() && s[pos] == '-') return 1;
  std::string_view t = s.substr(pos, 3);
  if (t == "\u2010" || t == "\u2212" || t == "\u30FC" || t == "\u2015") {
    return 3;
  }
  return 0;
}

// The hit is digit, hyphen, digit; the number is the whole run of digit
// groups around it, read once: at the hit of its last hyphen.
std::optional<Meaning> HyphenatedNumber(std::string_view line, size_t to) {
  if (to == 0) return std::nullopt;
  size_t end = to - 1;  // the digit after the hyphen
  while (end < line.size() && IsDigit(line[end])) ++end;
  if (size_t h = HyphenAt(line, end);
      h > 0 && end + h < line.size() && IsDigit(line[end + h])) {
    return std::nullopt;  // a later hyphen's hit reads this number
  }
  std::array<size_t, 4> groups{};  // digit counts, last group first
  std::array<char, 20> digits{};   // the digits, last first
  size_t n = 0;
  size_t count = 0;
  size_t pos = end;
  size_t run = 0;
  while (pos > 0) {
    if (IsDigit(line[pos - 1])) {
      if (count == digits.size()) return std::nullopt;
      digits[count++] = line[pos - 1];
      ++run;
      --pos;
      continue;
    }
    size_t h = HyphenBefore(line, pos);
    if (h == 0 || run == 0) break;
    if (n + 1 == groups.size()) return std::nullopt;  // too many groups
    groups[n++] = run;
    run = 0;
    pos -= h;
  }
  if (run == 0) return std::nullopt;
  groups[n++] = run;
  std::reverse(groups.begin(), groups.begin() + static_cast<std::ptrdiff_t>(n));
  std::string number(
      digits.rbegin() + static_cast<std::ptrdiff_t>(digits.size() - count),
      digits.rend());
  if (pos > 0 && (line[pos - 1] == ')' || line[pos - 1] == '+')) {
    return std::nullopt;  // (042)345-6789 and +81-... have their patterns
  }
  std::string_view digits_view = number;
  if (n == 2 && groups[0] == 3 && groups[1] == 4) {
    return Meaning{ColumnKind::kPostalCode, Role::kValue};
  }
  if (n == 3 && (number.size() == 10 || number.size() == 11) &&
      number[0] == '0' && number[1] != '0' && !IsBusinessNumber(digits_view)) {
    return Meaning{ColumnKind::kPhone, Role::kValue};
  }
  if (n == 3 && groups[0] == 4 && groups[1] == 4 && groups[2] == 4) {
    if (IsMyNumber(number)) return Meaning{ColumnKind::kMyNumber, Role::kValue};
    return std::nullopt;
  }
  bool small = std::all_of(groups.begin(),
                           groups.begin() + static_cast<std::ptrdiff_t>(n),
                           [](size_t g) { return g <= 4; });
  if (small && number.size() <= 10 && PlaceBefore(line, pos)) {
    return Meaning{ColumnKind::kAddress, Role::kValue};
  }
  return std::nullopt;
}

std::string_view Trimmed(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '"' || c == '\t'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  if (s.starts_with("\u3000")) s.remove_prefix(3);
  if (s.ends_with("\u3000")) s.remove_suffix(3);
  return s;
}

// The characters of `s`, by script; counts of other kinds.
struct Shape {
  size_t kanji = 0, kana = 0, latin = 0, digits = 0, spaces = 0, other = 0;
  size_t chars = 0;
};

Shape ShapeOf(std::string_view s) {
  Shape shape;
  size_t pos = s.size();
  while (pos > 0) {
    auto [cp, start] = PrevChar(s, pos);
    pos = start;
    ++shape.chars;
    Script script = ScriptOf(cp);
    if (script == Script::kKanji) {
      ++shape.kanji;
    } else if (script != Script::kOther) {
      ++shape.kana;
    } else if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z')) {
      ++shape.latin;
    } else if (cp >= '0' && cp <= '9') {
      ++shape.digits;
    } else if (cp == ' ' || cp == 0x3000 || cp == '.' || cp == '-' ||
               cp == '(' || cp == ')' || cp == ',') {
      ++shape.spaces;
    } else {
      ++shape.other;
    }
  }
  return shape;
}

}  // namespace

std::optional<Meaning> CheckHit(const Pattern& p, std::string_view line,
                                size_t from, size_t to) {
  to = std::min(to, line.size());
  from = std::min(from, to);
  switch (p.check) {
    case Check::kNone:
      return Meaning{p.kind, p.role};
    case Check::kCellOnly:
      return Meaning{p.kind, p.role, true};
    case Check::kEmail: {
      size_t at = line.rfind('@', to == 0 ? 0 : to - 1);
      if (at == std::string_view::npos) return std::nullopt;
      size_t start = at;
      while (start > 0 &&
             (std::isalnum(static_cast<unsigned char>(line[start - 1])) != 0 ||
              std::strchr("._%+-", line[start - 1]) != nullptr)) {
        --start;
      }
      bool bracketed = start > 0 && line[start - 1] == '<';
      return Meaning{p.kind, bracketed ? Role::kWeak : p.role};
    }
    case Check::kWord:
      return WordName(line, to);
    case Check::kPlainPhone: {
      size_t i = to;
      while (i > 0 && !IsDigit(line[i - 1])) --i;
      size_t begin = i;
      while (begin > 0 && (IsDigit(line[begin - 1]) || line[begin - 1] == '(' ||
                           line[begin - 1] == ')')) {
        --begin;
      }
      std::string digits;
      for (size_t k = begin; k < i; ++k) {
        if (IsDigit(line[k])) digits.push_back(line[k]);
      }
      if ((digits.size() != 10 && digits.size() != 11) || digits[0] != '0' ||
          IsBusinessNumber(digits)) {
        return std::nullopt;
      }
      return Meaning{p.kind, p.role};
    }
    case Check::kSpacedWords:
      return SpacedWords(line, to);
    case Check::kNumber:
      return HyphenatedNumber(line, to);
    case Check::kBlock:
      if (!PlaceBefore(line, to) && !BlockAddress(line, to)) {
        return std::nullopt;
      }
      return Meaning{p.kind, p.role};
    case Check::kMyNumber: {
      size_t end = to;
      while (end > 0 && !IsDigit(line[end - 1])) --end;
      size_t begin = end >= 14 ? end - 14 : 0;
      std::string_view s = line.substr(begin, end - begin);
      while (!s.empty() && !IsDigit(s.front())) s.remove_prefix(1);
      // Exactly the twelve digits (and spaces) the pattern matched.
      while (std::count_if(s.begin(), s.end(), IsDigit) > 12) {
        s.remove_prefix(1);
      }
      if (!IsMyNumber(s)) return std::nullopt;
      return Meaning{p.kind, p.role};
    }
    case Check::kDate: {
      std::optional<Date> date = ParseDate(line.substr(from, to - from));
      if (!date) return std::nullopt;
      bool birth = date->year >= kBirthYearMin && date->year <= kBirthYearMax;
      return Meaning{p.kind, birth ? p.role : Role::kWeak};
    }
    case Check::kAge: {
      size_t end = to;
      while (end > 0 && !IsDigit(line[end - 1])) --end;
      size_t begin = end;
      while (begin > 0 && end - begin < 4 && IsDigit(line[begin - 1])) --begin;
      if (begin == end || end - begin > 3) return std::nullopt;
      int age = std::stoi(std::string(line.substr(begin, end - begin)));
      if (age > 120) return std::nullopt;
      return Meaning{p.kind, p.role};
    }
  }
  return std::nullopt;
}

bool HasWords(std::string_view text) {
  // Forward, stopping at the first letter, digit, kanji or kana: most lines
  // start with one.
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (std::isalnum(c) != 0) return true;
      continue;
    }
    if ((c & 0xF0) != 0xE0) continue;  // 2- and 4-byte characters, trail bytes
    auto [cp, next] = NextChar(text, i);
    if (ScriptOf(cp) != Script::kOther) return true;
    i = next - 1;
  }
  return false;
}

bool CellFits(ColumnKind kind, std::string_view cell) {
  cell = Trimmed(cell);
  if (cell.empty()) return false;
  Shape s = ShapeOf(cell);
  switch (kind) {
    case ColumnKind::kName:
      return s.digits == 0 && s.other == 0 && s.chars <= 30 &&
             s.kanji + s.kana + s.latin >= 2;
    case ColumnKind::kKana:
      return s.kana >= 2 && s.kanji == 0 && s.latin == 0 && s.digits == 0;
    case ColumnKind::kAddress:
      return s.chars >= 4 && (s.digits > 0 || PlaceBefore(cell, cell.size()));
    case ColumnKind::kPhone:
      return s.kanji + s.kana + s.latin + s.other == 0 && s.digits >= 10 &&
             s.digits <= 12;
    case ColumnKind::kPostalCode:
      return s.digits == 7 && s.kanji + s.kana + s.latin == 0;
    case ColumnKind::kBirthDate:
      return ParseDate(cell).has_value();
    case ColumnKind::kAge: {
      std::string_view n = cell;
      if (n.ends_with("歳")) n.remove_suffix(3);
      return !n.empty() && n.size() <= 3 &&
             std::all_of(n.begin(), n.end(), IsDigit) &&
             std::stoi(std::string(n)) <= 120;
    }
    case ColumnKind::kGender:
      // Under a header, the codes of JIS X 0303 too (1 male, 2 female).
      return cell == "男" || cell == "女" || cell == "男性" || cell == "女性" ||
             cell == "M" || cell == "F" || cell == "1" || cell == "2";
    case ColumnKind::kEmail:
      return cell.find('@') != std::string_view::npos &&
             cell.find('.') != std::string_view::npos;
    case ColumnKind::kMyNumber:
      return IsMyNumber(cell);
  }
  return false;
}

}  // namespace piiguard::roster
