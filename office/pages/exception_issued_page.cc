// GET /exceptions/issued?pc=PC&id=ID: the page a POST /exceptions/issue
// redirects to once the file is queued (POST-redirect-GET: reloading it
// issues nothing). It shows the queued file from the store, its bytes
// parsed with the PC's own parser (page_handlers.h; docs/review-pages.md).
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/signed_envelope.h"
#include "office/pages/page_handlers.h"
#include "office/pages/page_templates.h"
#include "office/pages/render.h"
#include "policy/exception/exception_file.h"
#include "policy/exception/redemption.h"

namespace piiguard::office {
namespace {

constexpr size_t kQueueRows = 500;

}  // namespace

Status ExceptionIssued(const PageShell& shell, const httplib::Request& req,
                       httplib::Response& res, Ctx& ctx) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string pc, Param(req, "pc"));
  PIIGUARD_ASSIGN_OR_RETURN(std::string id, Param(req, "id"));
  if (pc.empty() || id.empty()) {
    return NotFoundError("exceptions issued", "pc " + pc + " id " + id,
                         "no such queued file");
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<QueuedException> files,
                            shell.source().ListExceptionFiles(pc, kQueueRows));
  auto it = std::find_if(
      files.begin(), files.end(),
      [&](const QueuedException& f) { return f.pc == pc && f.id == id; });
  if (it == files.end()) {
    return NotFoundError("exceptions issued", "pc " + pc + " id " + id,
                         "no such queued file");
  }
  const QueuedException& queued = *it;
  Result<SignedEnvelope> envelope = ParseSignedEnvelope(queued.file);
  if (!envelope.ok()) return envelope.status().Annotate("queued file " + id);
  PIIGUARD_ASSIGN_OR_RETURN(
      exception::ExceptionFile file,
      exception::ParseExceptionFilePayload(envelope->payload));
  PageView view(ctx, ctx.M(MsgId::kPagesIssuedTitle), kExceptionIssuedTemplate);
  ctemplate::TemplateDictionary& body = view.body();
  const std::string redeem_by = FormatJst(queued.redeem_by_ms);
  body.SetValue("TEXT", ctx.M(MsgId::kPagesIssuedText,
                              {queued.id, queued.pc, redeem_by}));
  const std::string scope =
      ctx.M(MsgId::kPagesExcScopeFor,
            {ctx.M(exception::ScopeMessage(file.scope)),
             std::to_string(exception::DurationMinutes(file.duration))});
  const std::pair<MsgId, std::string> rows[] = {
      {MsgId::kPagesQueueColId, queued.id},
      {MsgId::kPagesColPc, queued.pc},
      {MsgId::kPagesExcColScope, scope},
      {MsgId::kPagesIssueLabelIdentity, file.identity},
      {MsgId::kPagesExcColPermittedBy, file.person},
      {MsgId::kPagesExcColReason, file.reason},
      {MsgId::kPagesQueueColRedeemBy, redeem_by},
      {MsgId::kPagesQueueColIssuedBy, queued.issued_by},
  };
  for (const auto& [label, value] : rows) {
    if (value.empty()) continue;  // no identity for the radios
    ctemplate::TemplateDictionary* row = body.AddSectionDictionary("ROW");
    row->SetValue("LABEL", ctx.M(label));
    row->SetValue("VALUE", value);
  }
  body.SetValue("STAFF_SEES",
                ctx.M(MsgId::kPagesIssuedStaffSees, {scope, file.person}));
  body.SetValue("QUEUE_HREF", ctx.Link("/exceptions/queue"));
  body.SetValue("QUEUE", ctx.M(MsgId::kPagesQueueLink));
  body.SetValue("ISSUE_HREF", ctx.Link("/exceptions/issue"));
  body.SetValue("ISSUE", ctx.M(MsgId::kPagesIssueLink));
  view.Send(res, kStatusOk);
  return Status::Ok();
}

}  // namespace piiguard::office
