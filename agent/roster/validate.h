// Validators the roster detector runs on a candidate match after Hyperscan
// found it: the My Number check digit, calendar dates (western and the
// Japanese eras), and whether a kanji "name" is really a role or a place
// (山田委員長, 中央図書館). Each takes the bytes of the match (UTF-8 after
// NFKC, see text_decode.h) and never reads outside them.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_ROSTER_VALIDATE_H_
#define PIIGUARD_AGENT_ROSTER_VALIDATE_H_

#include <optional>
#include <string_view>

namespace piiguard::roster {

// True if `text` holds exactly 12 ASCII digits (separators ' ', '-' between
// them are skipped) whose last is the My Number check digit of the first
// eleven (行政手続における特定の個人を識別するための番号の利用等に関する
// 法律施行令 第8条).
bool IsMyNumber(std::string_view text);

struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
};

// Parses one date: "1985/04/12", "1985-4-12", "1985.4.12", "1985年4月12日",
// "昭和60年4月12日", "S60.4.12", "H2/3/4", "平成元年1月8日" (spaces between
// the parts allowed). Leading or trailing non-date bytes (a boundary
// character from the match) are skipped. nullopt if it is not a real
// calendar day or an era year outside its era.
std::optional<Date> ParseDate(std::string_view text);

// True for a "name" whose last word says it is a role, an honorific title
// of office, a place or an organisation (委員長, 課長, 市, 町, 館, 公園,
// センター...), so not a person's name. Honorifics of private persons
// (様, 殿, さん) are names.
bool IsRoleOrPlace(std::string_view name);

}  // namespace piiguard::roster

#endif  // PIIGUARD_AGENT_ROSTER_VALIDATE_H_
