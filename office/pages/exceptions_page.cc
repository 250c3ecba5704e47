// GET /exceptions: the exception codes the IT desk issued against those the
// PCs used, per consignee (page_handlers.h; exception_reconcile.h).
#include <map>
#include <string>
#include <vector>

#include "common/timestamp.h"
#include "office/pages/event_format.h"
#include "office/pages/exception_reconcile.h"
#include "office/pages/page_handlers.h"
#include "office/pages/page_templates.h"
#include "office/pages/render.h"
#include "policy/exception/redemption.h"

namespace piiguard::office {
namespace {

// Rows shown per table; the counts above it cover everything.
constexpr size_t kMaxRows = 500;

void Headings(ctemplate::TemplateDictionary& dict, const Ctx& ctx,
              std::initializer_list<MsgId> labels) {
  for (const MsgId label : labels) {
    dict.AddSectionDictionary("TH")->SetValue("LABEL", ctx.M(label));
  }
}

void PcHeading(ctemplate::TemplateDictionary& dict, const Ctx& ctx) {
  dict.AddSectionDictionary("TH")->SetValue("LABEL", ctx.M(MsgId::kPagesColPc));
}

std::string ScopeText(const Ctx& ctx, const std::string& scope,
                      int64_t minutes) {
  const std::optional<exception::ScopeKind> kind =
      exception::ScopeKindFromName(scope);
  const std::string name = kind ? ctx.M(exception::ScopeMessage(*kind)) : scope;
  return ctx.M(MsgId::kPagesExcScopeFor, {name, std::to_string(minutes)});
}

std::string PersonText(const Ctx& ctx, const IssuedException& issued) {
  return ctx.M(issued.deputy ? MsgId::kPagesExcDeputy : MsgId::kPagesExcPerson,
               {issued.person_name, std::to_string(issued.person)});
}

std::string EventHref(const Ctx& ctx, const GrantedUse& use) {
  return ctx.Link("/event", {{"pc", use.pc}, {"seq", std::to_string(use.seq)}});
}

std::string StateText(const Ctx& ctx, const IssuedLine& line,
                      const std::map<std::string, int64_t>& reach) {
  switch (line.state) {
    case IssuedState::kRedeemed:
      return ctx.M(MsgId::kPagesExcStateRedeemed);
    case IssuedState::kUsable:
      return ctx.M(MsgId::kPagesExcStateUsable,
                   {FormatDate(line.issued.issue_day)});
    case IssuedState::kAwaitingJournal: {
      auto it = reach.find(line.issued.pc);
      return ctx.M(MsgId::kPagesExcStateAwaiting,
                   {it == reach.end() ? ctx.M(MsgId::kPagesExcNever)
                                      : FormatJst(it->second)});
    }
    case IssuedState::kExpiredUnused:
      return ctx.M(MsgId::kPagesExcStateExpired);
    case IssuedState::kUnknownPc:
      return ctx.M(MsgId::kPagesExcStateUnknownPc);
    case IssuedState::kSuperseded:
      return ctx.M(MsgId::kPagesExcStateSuperseded);
  }
  return {};
}

std::string AlarmText(const Ctx& ctx, const UnissuedLine& line,
                      int64_t covered_until_ms) {
  switch (line.alarm) {
    case UseAlarm::kNoLedgerImported:
      return ctx.M(MsgId::kPagesExcCauseNoLedger);
    case UseAlarm::kLedgerNotImportedYet:
      return ctx.M(MsgId::kPagesExcCauseNotYet, {FormatJst(covered_until_ms)});
    case UseAlarm::kOutsideLedger:
      return ctx.M(MsgId::kPagesExcCauseOutside);
    case UseAlarm::kRecordDiffers: {
      const IssuedException& r = *line.recorded;
      return ctx.M(
          MsgId::kPagesExcCauseDiffers,
          {PersonText(ctx, r) + ", " + ScopeText(ctx, r.scope, r.minutes)});
    }
  }
  return {};
}

// The note above a table cut at kMaxRows.
void Cut(ctemplate::TemplateDictionary& table, const Ctx& ctx, size_t total) {
  if (total <= kMaxRows) return;
  table.AddSectionDictionary("CUT")->SetValue(
      "TEXT", ctx.M(MsgId::kPagesShowing,
                    {std::to_string(total), "1", std::to_string(kMaxRows)}));
}

void AddUnissued(ctemplate::TemplateDictionary& group, const Ctx& ctx,
                 const ConsigneeReconciliation& c, int64_t covered_until_ms) {
  if (c.unissued.empty()) return;
  ctemplate::TemplateDictionary* table = group.AddSectionDictionary("UNISSUED");
  table->SetValue("HEADING", ctx.M(MsgId::kPagesExcAlarmHeading));
  table->SetValue("INTRO", ctx.M(MsgId::kPagesExcAlarmIntro));
  Cut(*table, ctx, c.unissued.size());
  Headings(*table, ctx, {MsgId::kPagesExcColUsedAt});
  PcHeading(*table, ctx);
  Headings(*table, ctx,
           {MsgId::kPagesExcColScope, MsgId::kPagesExcColPermittedBy,
            MsgId::kPagesExcColUser, MsgId::kPagesExcColRequest,
            MsgId::kPagesExcColExplanation});
  for (size_t i = 0; i < c.unissued.size() && i < kMaxRows; ++i) {
    const UnissuedLine& line = c.unissued[i];
    ctemplate::TemplateDictionary* row = table->AddSectionDictionary("ROW");
    row->SetValue("HREF", EventHref(ctx, line.use));
    row->SetValue("TIME", FormatJst(line.use.time_ms));
    row->SetValue("PC", line.use.pc);
    row->SetValue("SCOPE", ScopeText(ctx, line.use.scope, line.use.minutes));
    row->SetValue("PERSON", ctx.M(MsgId::kPagesExcPerson,
                                  {line.use.responsible,
                                   std::to_string(line.use.person)}));
    row->SetValue("USER", line.use.user);
    row->SetValue("REQUEST", line.use.challenge);
    row->SetValue("CAUSE", AlarmText(ctx, line, covered_until_ms));
  }
}

void AddIssued(ctemplate::TemplateDictionary& group, const Ctx& ctx,
               const ConsigneeReconciliation& c,
               const std::map<std::string, int64_t>& reach) {
  if (c.issued.empty()) return;
  ctemplate::TemplateDictionary* table = group.AddSectionDictionary("ISSUED");
  table->SetValue("HEADING", ctx.M(MsgId::kPagesExcIssuedHeading));
  Cut(*table, ctx, c.issued.size());
  Headings(*table, ctx, {MsgId::kPagesExcColIssuedAt});
  PcHeading(*table, ctx);
  Headings(*table, ctx,
           {MsgId::kPagesExcColScope, MsgId::kPagesExcColPermittedBy,
            MsgId::kPagesExcColReason, MsgId::kPagesExcColState,
            MsgId::kPagesExcColRequest});
  for (size_t i = 0; i < c.issued.size() && i < kMaxRows; ++i) {
    const IssuedLine& line = c.issued[i];
    const IssuedException& issued = line.issued;
    ctemplate::TemplateDictionary* row = table->AddSectionDictionary("ROW");
    if (line.state == IssuedState::kExpiredUnused ||
        line.state == IssuedState::kUnknownPc) {
      row->ShowSection("DIM");
    }
    row->SetValue("TIME", FormatJst(issued.issued_ms));
    row->SetValue("PC", issued.pc);
    row->SetValue("SCOPE", ScopeText(ctx, issued.scope, issued.minutes));
    row->SetValue("PERSON", PersonText(ctx, issued));
    row->SetValue("REASON", issued.reason);
    row->SetValue("STATE", StateText(ctx, line, reach));
    if (line.use) {
      ctemplate::TemplateDictionary* used = row->AddSectionDictionary("USED");
      used->SetValue("HREF", EventHref(ctx, *line.use));
      used->SetValue("USED_AT", FormatJst(line.use->time_ms));
      used->SetValue("USER", line.use->user);
    }
    row->SetValue("REQUEST", issued.challenge);
  }
}

void AddLedgers(ctemplate::TemplateDictionary& body, const Ctx& ctx,
                const Reconciliation& r,
                const std::vector<IssuedImport>& imports) {
  if (imports.empty() && r.ledgers.empty()) return;
  ctemplate::TemplateDictionary* ledgers = body.AddSectionDictionary("LEDGERS");
  ledgers->SetValue("HEADING", ctx.M(MsgId::kPagesExcLedgersHeading));
  for (const LedgerCoverage& c : r.ledgers) {
    if (c.stored >= c.highest_seq) continue;
    ledgers->AddSectionDictionary("MISSING")->SetValue(
        "TEXT", ctx.M(MsgId::kPagesExcLedgerMissing,
                      {c.ledger, std::to_string(c.highest_seq - c.stored),
                       std::to_string(c.highest_seq)}));
  }
  Headings(*ledgers, ctx,
           {MsgId::kPagesExcColLedger, MsgId::kPagesExcColExportedAt,
            MsgId::kPagesExcColImportedAt, MsgId::kPagesExcColRecords});
  for (size_t i = 0; i < imports.size() && i < kMaxRows; ++i) {
    const IssuedImport& file = imports[i];
    ctemplate::TemplateDictionary* row = ledgers->AddSectionDictionary("ROW");
    row->SetValue("LEDGER", file.ledger);
    row->SetValue("SEQS", std::to_string(file.from_seq) + "–" +
                              std::to_string(file.through));
    row->SetValue("EXPORTED", FormatJst(file.exported_ms));
    row->SetValue("IMPORTED", FormatJst(file.imported_ms));
    row->SetValue("RECORDS", std::to_string(file.records) + " (" +
                                 std::to_string(file.stored) + ")");
  }
}

}  // namespace

Status Exceptions(const PageShell& shell, const httplib::Request& /*req*/,
                  httplib::Response& res, Ctx& ctx) {
  ReviewSource& source = shell.source();
  PIIGUARD_ASSIGN_OR_RETURN(Reconciliation r,
                            LoadReconciliation(source, ctx.now));
  PIIGUARD_ASSIGN_OR_RETURN(Register reg, source.GetRegister());
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<IssuedImport> imports,
                            source.ListIssuedImports());
  PIIGUARD_ASSIGN_OR_RETURN(auto reach, source.JournalReach());
  PageView view(ctx, ctx.M(MsgId::kPagesExcTitle), kExceptionsTemplate);
  ctemplate::TemplateDictionary& body = view.body();
  body.SetValue("INTRO", ctx.M(MsgId::kPagesExcIntro));
  body.SetValue("QUEUE_HREF", ctx.Link("/exceptions/queue"));
  body.SetValue("QUEUE", ctx.M(MsgId::kPagesQueueLink));
  body.SetValue("ISSUE_HREF", ctx.Link("/exceptions/issue"));
  body.SetValue("ISSUE", ctx.M(MsgId::kPagesIssueLink));
  body.SetValue("TOTALS", ctx.M(MsgId::kPagesExcOverviewLine,
                                {std::to_string(r.issued),
                                 std::to_string(r.redeemed + r.alarms),
                                 std::to_string(r.alarms)}));
  if (r.alarms > 0) body.ShowSection("ALARMS");
  if (r.issued == 0 && r.alarms == 0) {
    body.AddSectionDictionary("NOTHING")->SetValue(
        "TEXT", ctx.M(MsgId::kPagesExcNothing));
  }
  for (const ConsigneeReconciliation& c : r.consignees) {
    if (c.issued.empty() && c.unissued.empty()) continue;
    ctemplate::TemplateDictionary* group =
        body.AddSectionDictionary("CONSIGNEE");
    group->SetValue("NAME", ConsigneeName(ctx, reg, c.consignee));
    group->SetValue("ID", c.consignee);
    group->SetValue(
        "SUMMARY",
        ctx.M(MsgId::kPagesExcSummary,
              {std::to_string(c.issued.size()), std::to_string(c.redeemed),
               std::to_string(c.expired), std::to_string(c.open),
               std::to_string(c.unissued.size())}));
    if (!c.unissued.empty()) group->ShowSection("ALARM");
    AddUnissued(*group, ctx, c, r.covered_until_ms);
    AddIssued(*group, ctx, c, reach);
  }
  AddLedgers(body, ctx, r, imports);
  view.Send(res, kStatusOk);
  return Status::Ok();
}

}  // namespace piiguard::office
