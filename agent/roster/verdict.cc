// Verdict: its words for people and its JSON (detector.h).
#include <array>
#include <string>

#include "agent/roster/detector.h"
#include "common/json.h"

namespace piiguard::roster {
namespace {

constexpr std::array<MsgId, kColumnKinds> kKindMessages = {
    MsgId::kRosterKindName,       MsgId::kRosterKindKana,
    MsgId::kRosterKindAddress,    MsgId::kRosterKindPhone,
    MsgId::kRosterKindPostalCode, MsgId::kRosterKindBirthDate,
    MsgId::kRosterKindAge,        MsgId::kRosterKindGender,
    MsgId::kRosterKindEmail,      MsgId::kRosterKindMyNumber};

std::string ColumnWords(const Column& c, Lang lang) {
  std::string kind = Message(lang, kKindMessages[static_cast<size_t>(c.kind)]);
  if (c.index < 0) return kind;
  return Message(lang, MsgId::kRosterColumnAt,
                 {kind, std::to_string(c.index + 1)});
}

}  // namespace

std::string_view ColumnKindName(ColumnKind kind) {
  static constexpr std::array<std::string_view, kColumnKinds> kNames = {
      "name",       "kana", "address", "phone", "postal_code",
      "birth_date", "age",  "gender",  "email", "my_number"};
  return kNames[static_cast<size_t>(kind)];
}

std::string Verdict::Explain(Lang lang) const {
  if (!examined) return Message(lang, MsgId::kRosterNotExamined, {reason});
  std::string out;
  if (roster) {
    std::string list;
    for (const Column& c : columns) {
      if (!list.empty()) list += lang == Lang::kJa ? "、" : ", ";
      list += ColumnWords(c, lang);
    }
    out = Message(
        lang, early ? MsgId::kRosterIsRosterAtLeast : MsgId::kRosterIsRoster,
        {std::to_string(rows), list});
  } else {
    out = Message(lang, MsgId::kRosterNotRoster);
  }
  if (partial) out += Message(lang, MsgId::kRosterPartial);
  return out;
}

Json Verdict::ToJson() const {
  Json cols = Json::array();
  for (const Column& c : columns) {
    Json col{{"kind", ColumnKindName(c.kind)}, {"hits", c.hits}};
    if (c.index >= 0) col["column"] = c.index + 1;
    if (!c.header.empty()) col["header"] = c.header;
    cols.push_back(std::move(col));
  }
  return Json{
      {"examined", examined}, {"roster", roster}, {"partial", partial},
      {"early", early},       {"format", format}, {"encoding", encoding},
      {"people", rows},       {"columns", cols},  {"reason", reason}};
}

}  // namespace piiguard::roster
