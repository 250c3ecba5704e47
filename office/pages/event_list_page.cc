// GET /violations[.csv] and /near-misses[.csv] (page_handlers.h): a filter
// form, a page of events and links to the pages before and after; the CSV
// holds every matching event (up to 200,000).
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "office/pages/event_format.h"
#include "office/pages/page_handlers.h"
#include "office/pages/page_templates.h"
#include "office/pages/render.h"

namespace piiguard::office {
namespace {

using httplib::Request;
using httplib::Response;
using journal::Severity;

constexpr size_t kCsvChunk = 1000;
constexpr size_t kCsvMaxRows = 200000;
constexpr int64_t kDayMs = int64_t{24} * 60 * 60 * 1000;

Result<int64_t> DayStart(const std::string& date, const char* name) {
  Result<int64_t> ms = JstDayStartMs(date);
  if (!ms.ok())
    return InvalidArgumentError("filter", name, "expected YYYY-MM-DD");
  return *ms;
}

// The filter of a list page from its GET parameters, and those parameters
// (to repeat in links) in `echo`.
Result<EventFilter> ParseFilter(const Request& req, ListKind kind,
                                Params* echo) {
  EventFilter filter;
  PIIGUARD_ASSIGN_OR_RETURN(filter.pc, Param(req, "pc"));
  PIIGUARD_ASSIGN_OR_RETURN(filter.consignee, Param(req, "consignee"));
  echo->emplace_back("pc", filter.pc);
  echo->emplace_back("consignee", filter.consignee);
  if (kind == ListKind::kNearMisses) {
    filter.types = NearMissTypes();
    filter.min_severity = Severity::kInfo;
  } else {
    PIIGUARD_ASSIGN_OR_RETURN(filter.type_prefix, Param(req, "type"));
    PIIGUARD_ASSIGN_OR_RETURN(std::string severity, Param(req, "severity"));
    filter.min_severity = Severity::kWarning;
    if (!severity.empty()) {
      std::optional<Severity> parsed = SeverityFromKey(severity);
      if (!parsed) {
        return InvalidArgumentError("filter", "severity", "unknown severity");
      }
      filter.min_severity = std::max(*parsed, Severity::kWarning);
    }
    echo->emplace_back("type", filter.type_prefix);
    echo->emplace_back("severity", severity);
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string from, Param(req, "from"));
  PIIGUARD_ASSIGN_OR_RETURN(std::string to, Param(req, "to"));
  if (!from.empty()) {
    PIIGUARD_ASSIGN_OR_RETURN(filter.from_ms, DayStart(from, "from"));
  }
  if (!to.empty()) {
    PIIGUARD_ASSIGN_OR_RETURN(int64_t to_day, DayStart(to, "to"));
    filter.to_ms = to_day + kDayMs;  // the whole day
  }
  echo->emplace_back("from", from);
  echo->emplace_back("to", to);
  PIIGUARD_ASSIGN_OR_RETURN(std::string offset, Param(req, "offset"));
  PIIGUARD_ASSIGN_OR_RETURN(filter.offset, ParseCount(offset, "offset"));
  return filter;
}

std::string Echoed(const Params& echo, std::string_view key) {
  for (const auto& [k, v] : echo) {
    if (k == key) return v;
  }
  return "";
}

void AddFilterForm(ctemplate::TemplateDictionary& body, const Ctx& ctx,
                   ListKind kind, const EventFilter& filter, const Params& echo,
                   const Register& reg, const std::vector<PcSummary>& pcs) {
  body.SetValue("FILTER_HEADING", ctx.M(MsgId::kPagesFilterHeading));
  body.SetValue("PC_LABEL", ctx.M(MsgId::kPagesColPc));
  body.SetValue("PC", filter.pc);
  for (const PcSummary& pc : pcs) {
    body.AddSectionDictionary("PC_OPTION")->SetValue("VALUE", pc.pc);
  }
  body.SetValue("CONSIGNEE_LABEL", ctx.M(MsgId::kPagesColConsignee));
  body.SetValue("ALL", ctx.M(MsgId::kPagesFilterAll));
  bool listed = filter.consignee.empty();
  for (const Consignee& c : reg.consignees) {
    listed = listed || c.id == filter.consignee;
    ctemplate::TemplateDictionary* option =
        body.AddSectionDictionary("CONSIGNEE");
    option->SetValue("VALUE", c.id);
    option->SetValue("NAME", c.name);
    if (c.id == filter.consignee) option->ShowSection("SELECTED");
  }
  if (!listed) {
    body.AddSectionDictionary("UNLISTED")->SetValue("VALUE", filter.consignee);
  }
  if (kind == ListKind::kViolations) {
    ctemplate::TemplateDictionary* severity =
        body.AddSectionDictionary("SEVERITY_FILTER");
    severity->SetValue("MIN_SEVERITY_LABEL",
                       ctx.M(MsgId::kPagesFilterMinSeverity));
    for (Severity s :
         {Severity::kWarning, Severity::kViolation, Severity::kIncident}) {
      ctemplate::TemplateDictionary* option =
          severity->AddSectionDictionary("SEVERITY");
      option->SetValue("VALUE", std::string(SeverityKey(s)));
      option->SetValue("LABEL", ctx.M(SeverityMsg(s)));
      if (s == filter.min_severity) option->ShowSection("SELECTED");
    }
    severity->SetValue("TYPE_LABEL", ctx.M(MsgId::kPagesFilterType));
    severity->SetValue("TYPE", filter.type_prefix);
  }
  body.SetValue("FROM_LABEL", ctx.M(MsgId::kPagesFilterFrom));
  body.SetValue("FROM", Echoed(echo, "from"));
  body.SetValue("TO_LABEL", ctx.M(MsgId::kPagesFilterTo));
  body.SetValue("TO", Echoed(echo, "to"));
  AddLangField(body, ctx);
  body.SetValue("APPLY", ctx.M(MsgId::kPagesFilterApply));
  body.SetValue("CLEAR", ctx.M(MsgId::kPagesFilterClear));
}

Status EventList(const PageShell& shell, const Request& req, Response& res,
                 Ctx& ctx, ListKind kind) {
  const size_t page_size = shell.options().page_size;
  Params echo;
  PIIGUARD_ASSIGN_OR_RETURN(EventFilter filter, ParseFilter(req, kind, &echo));
  filter.limit = page_size;
  ReviewSource& source = shell.source();
  PIIGUARD_ASSIGN_OR_RETURN(EventPage page, source.ListEvents(filter));
  PIIGUARD_ASSIGN_OR_RETURN(Register reg, source.GetRegister());
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<PcSummary> pcs, source.ListPcs());
  const bool near = kind == ListKind::kNearMisses;
  const std::string action = near ? "/near-misses" : "/violations";
  PageView view(
      ctx,
      ctx.M(near ? MsgId::kPagesNavNearMisses : MsgId::kPagesNavViolations),
      kEventListTemplate);
  ctemplate::TemplateDictionary& body = view.body();
  body.SetValue("INTRO", ctx.M(near ? MsgId::kPagesNearMissesIntro
                                    : MsgId::kPagesViolationsIntro));
  body.SetValue("ACTION", action);
  body.SetValue("CLEAR_HREF", ctx.Link(action));
  AddFilterForm(body, ctx, kind, filter, echo, reg, pcs);
  body.SetValue("CSV_HREF", ctx.Link(action + ".csv", echo));
  body.SetValue("CSV", ctx.M(MsgId::kPagesCsv));
  if (page.events.empty()) {
    body.AddSectionDictionary("EMPTY")->SetValue("NO_RECORDS",
                                                 ctx.M(MsgId::kPagesNoRecords));
    view.Send(res, kStatusOk);
    return Status::Ok();
  }
  ctemplate::TemplateDictionary* results = body.AddSectionDictionary("RESULTS");
  const uint64_t first = filter.offset + 1;
  const uint64_t last = filter.offset + page.events.size();
  results->SetValue("SHOWING",
                    ctx.M(MsgId::kPagesShowing,
                          {std::to_string(page.total), std::to_string(first),
                           std::to_string(last)}));
  AddEventsTable(*results, ctx, reg, page.events, kind);
  const bool has_prev = filter.offset > 0;
  const bool has_next = last < page.total;
  if (has_prev || has_next) {
    ctemplate::TemplateDictionary* pager =
        results->AddSectionDictionary("PAGER");
    if (has_prev) {
      Params prev = echo;
      const size_t back =
          filter.offset > page_size ? filter.offset - page_size : 0;
      prev.emplace_back("offset", back == 0 ? "" : std::to_string(back));
      ctemplate::TemplateDictionary* link = pager->AddSectionDictionary("LINK");
      link->SetValue("HREF", ctx.Link(action, prev));
      link->SetValue("LABEL", ctx.M(MsgId::kPagesPrev));
    }
    if (has_next) {
      Params next = echo;
      next.emplace_back("offset", std::to_string(last));
      ctemplate::TemplateDictionary* link = pager->AddSectionDictionary("LINK");
      link->SetValue("HREF", ctx.Link(action, next));
      link->SetValue("LABEL", ctx.M(MsgId::kPagesNext));
    }
  }
  view.Send(res, kStatusOk);
  return Status::Ok();
}

std::string CsvHeader(const Ctx& ctx, ListKind kind) {
  if (kind == ListKind::kNearMisses) {
    return CsvRow({ctx.M(MsgId::kPagesColTime), ctx.M(MsgId::kPagesColPc),
                   ctx.M(MsgId::kPagesColConsignee),
                   ctx.M(MsgId::kPagesColReporter),
                   ctx.M(MsgId::kPagesColDetails), ctx.M(MsgId::kPagesColSeq)});
  }
  return CsvRow({ctx.M(MsgId::kPagesColTime), ctx.M(MsgId::kPagesColPc),
                 ctx.M(MsgId::kPagesColConsignee),
                 ctx.M(MsgId::kPagesColSeverity), ctx.M(MsgId::kPagesColType),
                 "type", ctx.M(MsgId::kPagesColSubject),
                 ctx.M(MsgId::kPagesColDetails), ctx.M(MsgId::kPagesColSeq)});
}

std::string CsvLine(const Ctx& ctx, const Register& reg,
                    const ReviewEvent& event, ListKind kind) {
  const Json details = ParseDetails(event.details);
  const std::string consignee = ConsigneeName(ctx, reg, event.consignee);
  if (kind == ListKind::kNearMisses) {
    return CsvRow({FormatJst(event.time_ms), event.pc, consignee,
                   DetailString(details, "user"), DetailString(details, "text"),
                   std::to_string(event.seq)});
  }
  return CsvRow({FormatJst(event.time_ms), event.pc, consignee,
                 ctx.M(SeverityMsg(event.severity)), TypeText(ctx, event.type),
                 event.type, event.subject, event.details,
                 std::to_string(event.seq)});
}

Status EventCsv(const PageShell& shell, const Request& req, Response& res,
                Ctx& ctx, ListKind kind) {
  Params echo;
  PIIGUARD_ASSIGN_OR_RETURN(EventFilter filter, ParseFilter(req, kind, &echo));
  PIIGUARD_ASSIGN_OR_RETURN(Register reg, shell.source().GetRegister());
  std::string csv = CsvHeader(ctx, kind);
  size_t written = 0;
  filter.limit = kCsvChunk;
  while (written < kCsvMaxRows) {
    PIIGUARD_ASSIGN_OR_RETURN(EventPage page,
                              shell.source().ListEvents(filter));
    for (const ReviewEvent& event : page.events) {
      csv += CsvLine(ctx, reg, event, kind);
    }
    written += page.events.size();
    filter.offset += page.events.size();
    if (page.events.size() < kCsvChunk || filter.offset >= page.total) break;
  }
  SendCsv(res, ctx,
          kind == ListKind::kNearMisses ? "near-misses" : "violations", csv);
  return Status::Ok();
}

}  // namespace

Status Violations(const PageShell& shell, const Request& req, Response& res,
                  Ctx& ctx) {
  return EventList(shell, req, res, ctx, ListKind::kViolations);
}
Status NearMisses(const PageShell& shell, const Request& req, Response& res,
                  Ctx& ctx) {
  return EventList(shell, req, res, ctx, ListKind::kNearMisses);
}
Status ViolationsCsv(const PageShell& shell, const Request& req, Response& res,
                     Ctx& ctx) {
  return EventCsv(shell, req, res, ctx, ListKind::kViolations);
}
Status NearMissesCsv(const PageShell& shell, const Request& req, Response& res,
                     Ctx& ctx) {
  return EventCsv(shell, req, res, ctx, ListKind::kNearMisses);
}

}  // namespace piiguard::office
