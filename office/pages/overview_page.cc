// GET /: the overview (page_handlers.h).
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "office/pages/event_format.h"
#include "office/pages/exception_reconcile.h"
#include "office/pages/page_handlers.h"
#include "office/pages/page_templates.h"
#include "office/pages/render.h"

namespace piiguard::office {
namespace {

using journal::Severity;

constexpr size_t kOverviewRows = 5;
constexpr size_t kReportRows = 200;
// Queued exception files looked at for the count of those waiting.
constexpr size_t kQueuedCounted = 500;
constexpr int64_t kDayMs = int64_t{24} * 60 * 60 * 1000;
constexpr int64_t kRecentDays = 30;

// Uncleared incidents, and PCs whose journal failed verification.
void AddProblems(ctemplate::TemplateDictionary& body, const Ctx& ctx,
                 const Register& reg, const std::vector<Incident>& incidents,
                 const std::vector<PcSummary>& pcs) {
  body.SetValue("INCIDENTS_HEADING", ctx.M(MsgId::kPagesIncidentsHeading));
  if (incidents.empty()) {
    body.AddSectionDictionary("NO_INCIDENTS")
        ->SetValue("NONE", ctx.M(MsgId::kPagesIncidentsNone));
  } else {
    ctemplate::TemplateDictionary* list =
        body.AddSectionDictionary("INCIDENTS");
    list->SetValue("INTRO", ctx.M(MsgId::kPagesIncidentsIntro));
    AddHeadings(*list, ctx,
                {MsgId::kPagesColTime, MsgId::kPagesColPc,
                 MsgId::kPagesColConsignee, MsgId::kPagesColReason});
    std::map<std::string, std::string> consignee_of;
    for (const PcSummary& pc : pcs) consignee_of[pc.pc] = pc.consignee;
    for (const Incident& incident : incidents) {
      ctemplate::TemplateDictionary* row =
          list->AddSectionDictionary("INCIDENT");
      row->SetValue("TIME", FormatJst(incident.time_ms));
      row->SetValue("PC", incident.pc);
      row->SetValue("CONSIGNEE",
                    ConsigneeName(ctx, reg, consignee_of[incident.pc]));
      const std::optional<MsgId> meaning = IncidentMsg(incident.code);
      row->SetValue("MEANING", meaning ? ctx.M(*meaning) : incident.reason);
      row->SetValue("TECHNICAL",
                    ctx.M(MsgId::kPagesTechnicalDetail,
                          {incident.code + ": " + incident.reason}));
    }
  }
  ctemplate::TemplateDictionary* failed = nullptr;
  for (const PcSummary& pc : pcs) {
    if (!pc.journal_failed) continue;
    if (failed == nullptr) {
      failed = body.AddSectionDictionary("FAILED");
      failed->SetValue("HEADING", ctx.M(MsgId::kPagesFailedPcsHeading));
      AddHeadings(*failed, ctx,
                  {MsgId::kPagesColPc, MsgId::kPagesColConsignee,
                   MsgId::kPagesColState});
    }
    ctemplate::TemplateDictionary* row = failed->AddSectionDictionary("ROW");
    row->SetValue("PC", pc.pc);
    row->SetValue("CONSIGNEE", ConsigneeName(ctx, reg, pc.consignee));
    row->SetValue("STATE",
                  ctx.M(MsgId::kPagesStateFailed, {pc.failure_reason}));
  }
}

}  // namespace

Status Overview(const PageShell& shell, const httplib::Request& /*req*/,
                httplib::Response& res, Ctx& ctx) {
  ReviewSource& source = shell.source();
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<Incident> incidents,
                            source.ListIncidents(false));
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<PcSummary> pcs, source.ListPcs());
  PIIGUARD_ASSIGN_OR_RETURN(Register reg, source.GetRegister());
  PageView view(ctx, ctx.M(MsgId::kPagesNavOverview), kOverviewTemplate);
  ctemplate::TemplateDictionary& body = view.body();
  AddProblems(body, ctx, reg, incidents, pcs);

  EventFilter recent;
  recent.from_ms = ctx.now - kRecentDays * kDayMs;
  recent.min_severity = Severity::kWarning;
  recent.limit = kOverviewRows;
  PIIGUARD_ASSIGN_OR_RETURN(EventPage violations, source.ListEvents(recent));
  EventFilter near = recent;
  near.min_severity = Severity::kInfo;
  near.types = NearMissTypes();
  PIIGUARD_ASSIGN_OR_RETURN(EventPage near_misses, source.ListEvents(near));
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<StatusRequest> requests,
                            source.ListStatusRequests("", kReportRows));
  const auto pending =
      std::count_if(requests.begin(), requests.end(),
                    [](const StatusRequest& r) { return r.received_ms == 0; });
  body.SetValue("RECENT_HEADING", ctx.M(MsgId::kPagesRecentHeading));
  body.SetValue("VIOLATIONS_HREF", ctx.Link("/violations"));
  body.SetValue("RECENT_VIOLATIONS", ctx.M(MsgId::kPagesRecentViolations,
                                           {std::to_string(violations.total)}));
  body.SetValue("NEAR_MISSES_HREF", ctx.Link("/near-misses"));
  body.SetValue("RECENT_NEAR_MISSES",
                ctx.M(MsgId::kPagesRecentNearMisses,
                      {std::to_string(near_misses.total)}));
  body.SetValue("REPORTS_HREF", ctx.Link("/reports"));
  body.SetValue("PENDING_REPORTS",
                ctx.M(MsgId::kPagesPendingReports, {std::to_string(pending)}));
  // Exception codes: a use without the desk's record is an alarm.
  PIIGUARD_ASSIGN_OR_RETURN(Reconciliation codes,
                            LoadReconciliation(source, ctx.now));
  body.SetValue("EXCEPTIONS_HREF", ctx.Link("/exceptions"));
  body.SetValue("EXCEPTIONS",
                ctx.M(MsgId::kPagesExcOverviewLine,
                      {std::to_string(codes.issued),
                       std::to_string(codes.redeemed + codes.alarms),
                       std::to_string(codes.alarms)}));
  if (codes.alarms > 0) body.ShowSection("EXCEPTION_ALARM");
  // Signed exception files still waiting for their PC.
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<QueuedException> queued,
                            source.ListExceptionFiles("", kQueuedCounted));
  const auto waiting = std::count_if(
      queued.begin(), queued.end(), [&ctx](const QueuedException& f) {
        return f.settled_ms == 0 && f.withdrawn_ms == 0 &&
               f.redeem_by_ms >= ctx.now;
      });
  body.SetValue("EXCEPTION_QUEUE_HREF", ctx.Link("/exceptions/queue"));
  body.SetValue("EXCEPTION_QUEUE", ctx.M(MsgId::kPagesQueueOverviewLine,
                                         {std::to_string(waiting)}));
  if (!violations.events.empty()) {
    ctemplate::TemplateDictionary* section =
        body.AddSectionDictionary("VIOLATIONS");
    section->SetValue("HEADING", ctx.M(MsgId::kPagesNavViolations));
    AddEventsTable(*section, ctx, reg, violations.events,
                   ListKind::kViolations);
  }
  if (!near_misses.events.empty()) {
    ctemplate::TemplateDictionary* section =
        body.AddSectionDictionary("NEAR_MISSES");
    section->SetValue("HEADING", ctx.M(MsgId::kPagesNavNearMisses));
    AddEventsTable(*section, ctx, reg, near_misses.events,
                   ListKind::kNearMisses);
  }
  view.Send(res, kStatusOk);
  return Status::Ok();
}

}  // namespace piiguard::office
