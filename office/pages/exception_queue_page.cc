// GET /exceptions/queue and POST /exceptions/queue/withdraw: the signed
// exception files queued for the PCs' sync, from the pages or from
// `exception publish`, and their state; a permitted user withdraws one that
// still waits (page_handlers.h; docs/exceptions.md "Issuing from the
// office's pages"). A file a PC already fetched cannot be called back: the
// page says so.
#include <algorithm>
#include <optional>
#include <string>
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

// The payload of a queued file (the office checked its signature when it
// was queued); nullopt if it no longer parses.
std::optional<exception::ExceptionFile> Payload(const std::string& bytes) {
  Result<SignedEnvelope> envelope = ParseSignedEnvelope(bytes);
  if (!envelope.ok()) return std::nullopt;
  Result<exception::ExceptionFile> file =
      exception::ParseExceptionFilePayload(envelope->payload);
  if (!file.ok()) return std::nullopt;
  return *std::move(file);
}

bool Waiting(const QueuedException& f, int64_t now_ms) {
  return f.settled_ms == 0 && f.withdrawn_ms == 0 && f.redeem_by_ms >= now_ms;
}

std::string StateText(const Ctx& ctx, const QueuedException& f) {
  if (f.settled_ms != 0) {
    return ctx.M(f.settled_type == "exception.granted"
                     ? MsgId::kPagesQueueStateGranted
                     : MsgId::kPagesQueueStateRefused);
  }
  if (f.withdrawn_ms != 0) {
    return ctx.M(MsgId::kPagesQueueStateWithdrawn,
                 {f.withdrawn_by, FormatJst(f.withdrawn_ms)});
  }
  if (f.redeem_by_ms < ctx.now) return ctx.M(MsgId::kPagesQueueStateExpired);
  return ctx.M(MsgId::kPagesQueueStateWaiting);
}

void AddRow(ctemplate::TemplateDictionary& table, const Ctx& ctx,
            const QueuedException& f, bool may_withdraw) {
  ctemplate::TemplateDictionary* row = table.AddSectionDictionary("ROW");
  row->SetValue("PC", f.pc);
  row->SetValue("ID", f.id);
  const std::optional<exception::ExceptionFile> file = Payload(f.file);
  const std::string unknown = ctx.M(MsgId::kPagesUnknown);
  if (file) {
    row->SetValue(
        "SCOPE",
        ctx.M(MsgId::kPagesExcScopeFor,
              {ctx.M(exception::ScopeMessage(file->scope)),
               std::to_string(exception::DurationMinutes(file->duration))}));
    if (!file->identity.empty()) {
      row->AddSectionDictionary("IDENTITY")->SetValue("VALUE", file->identity);
    }
    row->SetValue("PERSON", file->person);
    row->SetValue("REASON", file->reason);
  } else {
    row->SetValue("SCOPE", unknown);
    row->SetValue("PERSON", unknown);
    row->SetValue("REASON", unknown);
  }
  row->SetValue("ISSUED_BY", f.issued_by.empty() ? unknown : f.issued_by);
  row->SetValue("PUBLISHED", FormatJst(f.published_ms));
  row->SetValue("REDEEM_BY", FormatJst(f.redeem_by_ms));
  row->SetValue("STATE", StateText(ctx, f));
  if (may_withdraw && Waiting(f, ctx.now)) {
    ctemplate::TemplateDictionary* form = row->AddSectionDictionary("WITHDRAW");
    form->SetValue("LABEL", ctx.M(MsgId::kPagesQueueWithdraw));
    AddFormFields(*form, ctx);
  }
}

}  // namespace

Status ExceptionQueue(const PageShell& shell, const httplib::Request& req,
                      httplib::Response& res, Ctx& ctx) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string pc, Param(req, "pc"));
  PIIGUARD_ASSIGN_OR_RETURN(std::string withdrawn, Param(req, "withdrawn"));
  PIIGUARD_ASSIGN_OR_RETURN(std::string withdrawn_pc,
                            Param(req, "withdrawn_pc"));
  PIIGUARD_ASSIGN_OR_RETURN(bool may, MayIssueExceptions(shell, ctx));
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<QueuedException> files,
                            shell.source().ListExceptionFiles(pc, kQueueRows));
  PageView view(ctx, ctx.M(MsgId::kPagesQueueTitle), kExceptionQueueTemplate);
  ctemplate::TemplateDictionary& body = view.body();
  body.SetValue("INTRO", ctx.M(MsgId::kPagesQueueIntro));
  // The notice only for a file that really is withdrawn (the link is
  // anyone's to write).
  if (!withdrawn.empty() && !withdrawn_pc.empty()) {
    PIIGUARD_ASSIGN_OR_RETURN(
        std::vector<QueuedException> of_pc,
        shell.source().ListExceptionFiles(withdrawn_pc, kQueueRows));
    const bool is_withdrawn =
        std::any_of(of_pc.begin(), of_pc.end(), [&](const QueuedException& f) {
          return f.pc == withdrawn_pc && f.id == withdrawn &&
                 f.withdrawn_ms != 0;
        });
    if (is_withdrawn) {
      body.AddSectionDictionary("NOTICE")->SetValue(
          "TEXT",
          ctx.M(MsgId::kPagesQueueWithdrawn, {withdrawn, withdrawn_pc}));
    }
  }
  if (may) {
    ctemplate::TemplateDictionary* link =
        body.AddSectionDictionary("ISSUE_LINK");
    link->SetValue("HREF", ctx.Link("/exceptions/issue"));
    link->SetValue("TEXT", ctx.M(MsgId::kPagesIssueLink));
  }
  if (files.empty()) {
    body.AddSectionDictionary("EMPTY")->SetValue(
        "TEXT", ctx.M(MsgId::kPagesQueueEmpty));
  } else {
    ctemplate::TemplateDictionary* table = body.AddSectionDictionary("FILES");
    AddHeadings(
        *table, ctx,
        {MsgId::kPagesColPc, MsgId::kPagesQueueColId, MsgId::kPagesExcColScope,
         MsgId::kPagesExcColPermittedBy, MsgId::kPagesExcColReason,
         MsgId::kPagesQueueColIssuedBy, MsgId::kPagesQueueColRedeemBy,
         MsgId::kPagesExcColState, MsgId::kPagesQueueWithdraw});
    for (const QueuedException& f : files) AddRow(*table, ctx, f, may);
  }
  view.Send(res, kStatusOk);
  return Status::Ok();
}

Status ExceptionWithdraw(const PageShell& shell, const httplib::Request& req,
                         httplib::Response& res, Ctx& ctx) {
  const std::string& user = ctx.session->user;
  auto log = [&shell](const std::string& line) {
    if (shell.options().log) shell.options().log(line);
  };
  PIIGUARD_ASSIGN_OR_RETURN(bool may, MayIssueExceptions(shell, ctx));
  if (!may) {
    log("exceptions: withdraw: " + user + ": refused: not permitted");
    SendMessage(res, ctx, kStatusForbidden,
                ctx.M(MsgId::kPagesIssueNotPermitted, {user}));
    return Status::Ok();
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string pc, Param(req, "pc"));
  PIIGUARD_ASSIGN_OR_RETURN(std::string id, Param(req, "id"));
  Status withdrawn =
      shell.source().WithdrawExceptionFile(pc, id, user, ctx.now);
  if (!withdrawn.ok()) {
    log("exceptions: withdraw: " + user + ": " + pc +
        ": refused: " + withdrawn.ToString());
  }
  if (withdrawn.code() == StatusCode::kFailedPrecondition) {
    SendMessage(res, ctx, kStatusBadRequest,
                ctx.M(MsgId::kPagesQueueNotWaiting, {id}));
    return Status::Ok();
  }
  PIIGUARD_RETURN_IF_ERROR(withdrawn);  // 404: no such file
  log("exceptions: withdrawn: " + id + " for " + pc + " by " + user);
  res.set_redirect(
      ctx.Link("/exceptions/queue", {{"withdrawn", id}, {"withdrawn_pc", pc}}),
      kStatusSeeOther);
  return Status::Ok();
}

}  // namespace piiguard::office
