// The roster detector's pattern table: what Hyperscan looks for, and what a
// match means. Every pattern is a byte-level expression (utf8_class.h) over
// NFKC-normalised UTF-8 (text_decode.h) and ends at a boundary, so each
// candidate value is reported once, at its end. What a hit means:
//
//   kValue   a cell or phrase that is, by itself, a personal value (a phone
//            number, an address with a 番地, a name in the surname list);
//   kWeak    a value that only counts in a column whose header announces
//            its kind (a date of this decade under 生年月日);
//   kHeader  a whole cell that is a header word (氏名, 電話番号, Name);
//   kLabel   a header word followed by ':' in free text (氏名:).
//
// Patterns are anchored on literals (a surname, a space, a hyphen, 丁目,
// '@', 年) so Hyperscan skips text that holds none; what a match is comes
// from a check of its bytes after the match (docs/detector.md): the digit
// groups of a hyphenated number, the word before a space, the My Number
// check digit, a real calendar date, a "name" that is a role or a place.
//
// Thread-safety: immutable data.
#ifndef PIIGUARD_AGENT_ROSTER_PATTERNS_H_
#define PIIGUARD_AGENT_ROSTER_PATTERNS_H_

#include <string>
#include <vector>

#include "agent/roster/detector.h"

namespace piiguard::roster {

enum class Role : uint8_t { kValue, kWeak, kHeader, kLabel };

enum class Check : uint8_t {
  kNone,
  kWord,  // a kanji word before a boundary: a name if it splits into a
          // listed surname and given name (山田太郎), or a listed surname
          // alone in a cell (a 姓 column)
  kSpacedWords,  // a space before a kanji or kana: "山田 太郎" is a name,
                 // "ヤマダ タロウ" a reading, by the words around the space
  kNumber,      // a hyphen between digits: the whole number is a phone, a
                // postal code, a My Number or an address's block number,
                // by its digit groups
  kBlock,       // 丁目 / 番地: an address if a place name comes before
  kMyNumber,    // twelve digits: the check digit
  kDate,        // a real date; a value (birth date) if in the birth range,
                // else weak (needs the match's start)
  kAge,         // 0..120
  kPlainPhone,  // a phone number without hyphens: not a business number
  kEmail,       // an address; in angle brackets (a mail header, a credit
                // list: "Name <a@b>") only weak
  kCellOnly,    // the pattern's meaning, in a table cell only
};

// Patterns the token scanner (token_scan.h) matches instead of Hyperscan:
// those that start with a digit or stand at any kanji word, which
// Hyperscan can only run as automata over every byte (they made it ten
// times slower than the literal-anchored rest). The expression stays the
// specification (and what `roster_bench --dump-rg` gives ripgrep).
enum class Token : uint8_t {
  kNone,                // Hyperscan
  kWordEnd,             // a kanji word (kana after) before a space or delimiter
  kSpaceBeforeWord,     // a space, then a kanji or kana
  kHyphenInNumber,      // digit, hyphen, digit
  kParenAreaPhone,      // (042)345-6789
  kMobileDigits,        // 09012345678
  kLandlineDigits,      // 0423456789
  kParenLocalPhone,     // 03(1234)5678
  kCellPostalDigits,    // a cell of 7 digits
  kCellSpacedPhone,     // a cell "090 1234 5678"
  kIntlPhone,           // +81-90-1234-5678
  kTwelveDigits,        // a My Number candidate
  kSpacedTwelveDigits,  // 1234 5678 9012
  kYmdDate,             // 1985/4/12, 1985年4月12日 (start reported)
  kCompactDate,         // 19850412 (start reported)
  kAgeDigits,           // 45歳
};
inline constexpr int kTokens = 16;

struct Pattern {
  std::string expression;  // Hyperscan (PCRE) syntax over bytes
  ColumnKind kind = ColumnKind::kName;
  Role role = Role::kValue;
  Check check = Check::kNone;
  bool caseless = false;
  bool needs_start = false;  // HS_FLAG_SOM_LEFTMOST
  Token token = Token::kNone;
};

// The whole table, in pattern-id order.
const std::vector<Pattern>& RosterPatterns();

// Years a date must fall in to be taken as a birth date without a header
// that says so: older than any document date a PC holds today (minutes,
// timetables, logs carry dates of the last few years).
inline constexpr int kBirthYearMin = 1900;
inline constexpr int kBirthYearMax = 2020;

}  // namespace piiguard::roster

#endif  // PIIGUARD_AGENT_ROSTER_PATTERNS_H_
