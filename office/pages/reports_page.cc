// GET /reports[.csv] and POST /reports/request: status reports (R8)
// (page_handlers.h).
#include <string>
#include <vector>

#include "common/json.h"
#include "office/pages/event_format.h"
#include "office/pages/page_handlers.h"
#include "office/pages/page_templates.h"
#include "office/pages/render.h"

namespace piiguard::office {
namespace {

constexpr size_t kReportRows = 200;

// One line about a received report; "pending" before it arrives.
std::string ReportSummary(const Ctx& ctx, const StatusRequest& r) {
  if (r.received_ms == 0) return ctx.M(MsgId::kPagesReportPending);
  const Json report = ParseDetails(r.report);
  auto number = [&ctx, &report](const char* key) {
    if (report.contains(key) && report.at(key).is_number_integer()) {
      return std::to_string(report.at(key).get<int64_t>());
    }
    return ctx.M(MsgId::kPagesUnknown);
  };
  std::string sticks = ctx.M(MsgId::kPagesUnknown);
  if (report.contains("sticks") && report.at("sticks").is_array()) {
    sticks = std::to_string(report.at("sticks").size());
  }
  std::string sessions = ctx.M(MsgId::kPagesUnknown);
  if (report.contains("sessions") && report.at("sessions").is_object()) {
    sessions = DetailString(report.at("sessions"), "count");
  }
  std::string scan = ctx.M(MsgId::kPagesUnknown);
  if (report.contains("last_scan") && report.at("last_scan").is_object()) {
    scan = DetailString(report.at("last_scan"), "result");
  }
  return ctx.M(MsgId::kPagesReportSummary,
               {number("policy_version"), number("journal_seq"), sticks,
                sessions, scan});
}

void AddRequests(ctemplate::TemplateDictionary& body, const Ctx& ctx,
                 const std::vector<StatusRequest>& requests) {
  if (requests.empty()) {
    body.AddSectionDictionary("EMPTY")->SetValue("NO_RECORDS",
                                                 ctx.M(MsgId::kPagesNoRecords));
    return;
  }
  ctemplate::TemplateDictionary* table = body.AddSectionDictionary("REQUESTS");
  AddHeadings(*table, ctx,
              {MsgId::kPagesColPc, MsgId::kPagesColRequestedAt,
               MsgId::kPagesColRequestedBy, MsgId::kPagesColReceivedAt,
               MsgId::kPagesColReport});
  for (const StatusRequest& r : requests) {
    ctemplate::TemplateDictionary* row = table->AddSectionDictionary("ROW");
    row->SetValue("PC", r.pc);
    row->SetValue("REQUESTED_AT", FormatJst(r.requested_ms));
    row->SetValue("REQUESTED_BY", r.requested_by);
    row->SetValue("RECEIVED_AT", r.received_ms == 0
                                     ? ctx.M(MsgId::kPagesReportPending)
                                     : FormatJst(r.received_ms));
    row->SetValue("SUMMARY", ReportSummary(ctx, r));
    if (r.received_ms != 0) {
      const Json report = ParseDetails(r.report);
      row->AddSectionDictionary("RECEIVED")
          ->SetValue("JSON", report.dump(2, ' ', false,
                                         Json::error_handler_t::replace));
    }
  }
}

}  // namespace

Status Reports(const PageShell& shell, const httplib::Request& req,
               httplib::Response& res, Ctx& ctx) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string pc, Param(req, "pc"));
  PIIGUARD_ASSIGN_OR_RETURN(std::string requested, Param(req, "requested"));
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<StatusRequest> requests,
                            shell.source().ListStatusRequests(pc, kReportRows));
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<PcSummary> pcs,
                            shell.source().ListPcs());
  PageView view(ctx, ctx.M(MsgId::kPagesNavReports), kReportsTemplate);
  ctemplate::TemplateDictionary& body = view.body();
  if (!requested.empty()) {
    body.AddSectionDictionary("REQUESTED")
        ->SetValue("TEXT", ctx.M(MsgId::kPagesReportRequested, {requested}));
  }
  body.SetValue("INTRO", ctx.M(MsgId::kPagesReportsIntro));
  body.SetValue("PC_LABEL", ctx.M(MsgId::kPagesColPc));
  for (const PcSummary& p : pcs) {
    ctemplate::TemplateDictionary* option =
        body.AddSectionDictionary("PC_OPTION");
    option->SetValue("VALUE", p.pc);
    if (p.pc == pc) option->ShowSection("SELECTED");
  }
  AddFormFields(body, ctx);
  body.SetValue("ASK", ctx.M(MsgId::kPagesAskReport));
  body.SetValue("CSV_HREF", ctx.Link("/reports.csv", {{"pc", pc}}));
  body.SetValue("CSV", ctx.M(MsgId::kPagesCsv));
  AddRequests(body, ctx, requests);
  view.Send(res, kStatusOk);
  return Status::Ok();
}

Status ReportsCsv(const PageShell& shell, const httplib::Request& req,
                  httplib::Response& res, Ctx& ctx) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string pc, Param(req, "pc"));
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<StatusRequest> requests,
                            shell.source().ListStatusRequests(pc, kReportRows));
  std::string csv = CsvRow(
      {ctx.M(MsgId::kPagesColPc), ctx.M(MsgId::kPagesColRequestedAt),
       ctx.M(MsgId::kPagesColRequestedBy), ctx.M(MsgId::kPagesColReceivedAt),
       ctx.M(MsgId::kPagesColReport), "JSON"});
  for (const StatusRequest& r : requests) {
    csv += CsvRow({r.pc, FormatJst(r.requested_ms), r.requested_by,
                   FormatJst(r.received_ms), ReportSummary(ctx, r), r.report});
  }
  SendCsv(res, ctx, "status-reports", csv);
  return Status::Ok();
}

Status RequestReport(const PageShell& shell, const httplib::Request& req,
                     httplib::Response& res, Ctx& ctx) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string pc, Param(req, "pc"));
  if (pc.empty()) return InvalidArgumentError("status report", "pc", "missing");
  PIIGUARD_ASSIGN_OR_RETURN(
      StatusRequest request,
      shell.source().RequestStatusReport(pc, ctx.session->user, ctx.now));
  res.set_redirect(
      ctx.Link("/reports", {{"pc", request.pc}, {"requested", request.pc}}),
      kStatusSeeOther);
  return Status::Ok();
}

}  // namespace piiguard::office
