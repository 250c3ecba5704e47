#include "office/pages/event_format.h"

#include <utility>

#include "common/journal/event_types.h"
#include "common/json.h"
#include "office/pages/page_shell.h"
#include "office/pages/page_templates.h"
#include "office/pages/render.h"

namespace piiguard::office {
namespace {

using journal::Severity;

constexpr size_t kSummaryBytes = 160;

// Cuts `text` to at most `max` bytes at a UTF-8 character boundary.
std::string Truncate(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0U) == 0x80U) --n;
  return std::string(text.substr(0, n)) + "…";
}

}  // namespace

std::string_view SeverityKey(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kNotice:
      return "notice";
    case Severity::kWarning:
      return "warning";
    case Severity::kViolation:
      return "violation";
    case Severity::kIncident:
      return "incident";
  }
  return "info";
}

MsgId SeverityMsg(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return MsgId::kPagesSevInfo;
    case Severity::kNotice:
      return MsgId::kPagesSevNotice;
    case Severity::kWarning:
      return MsgId::kPagesSevWarning;
    case Severity::kViolation:
      return MsgId::kPagesSevViolation;
    case Severity::kIncident:
      return MsgId::kPagesSevIncident;
  }
  return MsgId::kPagesSevInfo;
}

std::optional<Severity> SeverityFromKey(std::string_view key) {
  for (Severity s : {Severity::kInfo, Severity::kNotice, Severity::kWarning,
                     Severity::kViolation, Severity::kIncident}) {
    if (SeverityKey(s) == key) return s;
  }
  return std::nullopt;
}

std::vector<std::string> NearMissTypes() {
  std::vector<std::string> types;
  for (std::string_view t : journal::NearMissTypes()) types.emplace_back(t);
  return types;
}

std::string TypeText(const Ctx& ctx, std::string_view type) {
  std::optional<MsgId> label = journal::EventTypeLabel(type);
  return label ? ctx.M(*label) : std::string(type);
}

Json ParseDetails(std::string_view details) {
  Result<Json> json = ParseJsonStrict(details, "details");
  if (!json.ok() || !json->is_object()) return Json::object();
  return *std::move(json);
}

std::string JsonText(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string DetailString(const Json& details, const char* key) {
  if (!details.is_object() || !details.contains(key)) return "";
  return JsonText(details.at(key));
}

std::string DetailSummary(const Json& details) {
  for (const char* key : {"reason", "text"}) {
    std::string value = DetailString(details, key);
    if (!value.empty()) return Truncate(value, kSummaryBytes);
  }
  std::string line;
  for (const auto& [key, value] : details.items()) {
    if (!line.empty()) line += ", ";
    line += key + ": " + JsonText(value);
  }
  return Truncate(line, kSummaryBytes);
}

std::string ConsigneeName(const Ctx& ctx, const Register& reg,
                          std::string_view id) {
  if (id.empty()) return ctx.M(MsgId::kPagesCity);
  for (const Consignee& c : reg.consignees) {
    if (c.id == id) return c.name;
  }
  return std::string(id);
}

std::string JobName(const Register& reg, std::string_view id) {
  for (const RegisterJob& job : reg.jobs) {
    if (job.id == id) return job.name;
  }
  return "";
}

std::optional<MsgId> IncidentMsg(std::string_view code) {
  if (code == "history_rewritten") return MsgId::kPagesIncidentHistoryRewritten;
  if (code == "chain_replaced") return MsgId::kPagesIncidentChainReplaced;
  return std::nullopt;
}

void SetSeverity(ctemplate::TemplateDictionary& dict, const Ctx& ctx,
                 Severity severity) {
  dict.SetValue("SEV_KEY", std::string(SeverityKey(severity)));
  dict.SetValue("SEV_LABEL", ctx.M(SeverityMsg(severity)));
}

void AddTypeCell(ctemplate::TemplateDictionary& dict, const Ctx& ctx,
                 std::string_view type) {
  ctemplate::TemplateDictionary* cell = dict.AddIncludeDictionary("TYPE_CELL");
  cell->SetFilename(kTypeCellTemplate);
  cell->SetValue("TYPE", std::string(type));
  std::optional<MsgId> label = journal::EventTypeLabel(type);
  if (label) {
    cell->AddSectionDictionary("LABELED")->SetValue("LABEL", ctx.M(*label));
  } else {
    cell->ShowSection("RAW");
  }
}

void AddEventsTable(ctemplate::TemplateDictionary& dict, const Ctx& ctx,
                    const Register& reg, const std::vector<ReviewEvent>& events,
                    ListKind kind) {
  ctemplate::TemplateDictionary* table =
      dict.AddIncludeDictionary("EVENTS_TABLE");
  table->SetFilename(kEventsTableTemplate);
  if (kind == ListKind::kNearMisses) {
    AddHeadings(
        *table, ctx,
        {MsgId::kPagesColTime, MsgId::kPagesColPc, MsgId::kPagesColConsignee,
         MsgId::kPagesColReporter, MsgId::kPagesColDetails, MsgId::kPagesMore});
  } else {
    AddHeadings(
        *table, ctx,
        {MsgId::kPagesColTime, MsgId::kPagesColPc, MsgId::kPagesColConsignee,
         MsgId::kPagesColSeverity, MsgId::kPagesColType,
         MsgId::kPagesColSubject, MsgId::kPagesColDetails, MsgId::kPagesMore});
  }
  const std::string more = ctx.M(MsgId::kPagesMore);
  for (const ReviewEvent& event : events) {
    const Json details = ParseDetails(event.details);
    ctemplate::TemplateDictionary* row = table->AddSectionDictionary("ROW");
    row->SetValue("TIME", FormatJst(event.time_ms));
    row->SetValue("PC", event.pc);
    row->SetValue("CONSIGNEE", ConsigneeName(ctx, reg, event.consignee));
    if (kind == ListKind::kNearMisses) {
      ctemplate::TemplateDictionary* near = row->AddSectionDictionary("NEAR");
      near->SetValue("USER", DetailString(details, "user"));
      near->SetValue("TEXT", DetailString(details, "text"));
    } else {
      ctemplate::TemplateDictionary* other = row->AddSectionDictionary("OTHER");
      SetSeverity(*other, ctx, event.severity);
      AddTypeCell(*other, ctx, event.type);
      other->SetValue("SUBJECT", event.subject);
      other->SetValue("SUMMARY", DetailSummary(details));
    }
    row->SetValue("HREF",
                  ctx.Link("/event", {{"pc", event.pc},
                                      {"seq", std::to_string(event.seq)}}));
    row->SetValue("MORE", more);
  }
}

}  // namespace piiguard::office
