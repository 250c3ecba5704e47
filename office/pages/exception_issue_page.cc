// GET and POST /exceptions/issue: a permitted office user issues a signed
// exception file for an enrolled PC (page_handlers.h; docs/exceptions.md
// "Issuing from the office's pages"). The file is built by the desk's own
// rules (policy/admin/exception_issue.h), signed by the signer service
// (office/exception_signer.h: this process holds no key) and queued through
// the checks of `exception publish` (exception_publisher.h). Every refusal
// is shown in plain words and logged; nothing is queued unless all passed.
#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/crypto.h"
#include "common/signed_envelope.h"
#include "office/pages/page_handlers.h"
#include "office/pages/page_templates.h"
#include "office/pages/render.h"
#include "policy/admin/exception_issue.h"
#include "policy/exception/exception_file.h"
#include "policy/exception/redemption.h"

namespace piiguard::office {
namespace {

constexpr int kStatusBadGateway = 502;
constexpr int kStatusUnavailable = 503;
// A form field, at most (as Param), and the files that may wait for one PC.
constexpr size_t kMaxFieldBytes = 256;
constexpr size_t kMaxWaitingPerPc = 16;
constexpr size_t kQueueRows = 500;
constexpr int64_t kMinutes[] = {15, 30, 60, 120, 240, 480};
constexpr std::string_view kScopes[] = {"stick", "radios"};

// What the form was given (kept to show it again after a refusal).
struct IssueForm {
  std::string pc;
  std::string scope = "stick";
  std::string identity;
  std::string minutes = "60";
  std::string person;
  std::string reason;
  std::string days = "7";
};

void Log(const PageShell& shell, const std::string& line) {
  if (shell.options().log) shell.options().log(line);
}

// A small decimal number; -1 when `text` is not one.
int64_t Number(std::string_view text) {
  int64_t value = -1;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && !text.empty() ? value : -1;
}

std::string ScopeName(const Ctx& ctx, std::string_view scope) {
  const std::optional<exception::ScopeKind> kind =
      exception::ScopeKindFromName(scope);
  return kind ? ctx.M(exception::ScopeMessage(*kind)) : std::string(scope);
}

std::string PersonLabel(const Ctx& ctx,
                        const exception::ResponsiblePerson& person) {
  return ctx.M(person.deputy ? MsgId::kPagesExcDeputy : MsgId::kPagesExcPerson,
               {person.name, std::to_string(person.index)}) +
         " — " + person.consignee;
}

void AddOption(ctemplate::TemplateDictionary& form, const char* section,
               const std::string& value, const std::string& label,
               bool selected) {
  ctemplate::TemplateDictionary* option = form.AddSectionDictionary(section);
  option->SetValue("VALUE", value);
  option->SetValue("LABEL", label);
  if (selected) option->ShowSection("SELECTED");
}

std::string MinutesHelp(const Ctx& ctx) {
  auto cap = [](exception::ScopeKind kind) {
    return std::to_string(
        exception::DurationMinutes(exception::MaxDuration(kind)));
  };
  return ctx.M(
      MsgId::kPagesIssueMinutesHelp,
      {ScopeName(ctx, "stick"), cap(exception::ScopeKind::kStickWritable),
       ScopeName(ctx, "radios"), cap(exception::ScopeKind::kRadios)});
}

void AddForm(ctemplate::TemplateDictionary& body, const Ctx& ctx,
             const IssueForm& in, const std::vector<PcSummary>& pcs,
             const std::vector<exception::ResponsiblePerson>& persons) {
  ctemplate::TemplateDictionary* form = body.AddSectionDictionary("FORM");
  form->SetValue("PC_LABEL", ctx.M(MsgId::kPagesColPc));
  for (const PcSummary& p : pcs) {
    AddOption(*form, "PC_OPTION", p.pc, p.pc, p.pc == in.pc);
  }
  form->SetValue("SCOPE_LABEL", ctx.M(MsgId::kPagesIssueLabelScope));
  for (std::string_view scope : kScopes) {
    AddOption(*form, "SCOPE_OPTION", std::string(scope), ScopeName(ctx, scope),
              scope == in.scope);
  }
  form->SetValue("IDENTITY_LABEL", ctx.M(MsgId::kPagesIssueLabelIdentity));
  form->SetValue("IDENTITY", in.identity);
  form->SetValue("IDENTITY_HELP", ctx.M(MsgId::kPagesIssueIdentityHelp));
  form->SetValue("MINUTES_LABEL", ctx.M(MsgId::kPagesIssueLabelMinutes));
  for (int64_t minutes : kMinutes) {
    const std::string value = std::to_string(minutes);
    AddOption(*form, "MINUTES_OPTION", value, value, value == in.minutes);
  }
  form->SetValue("MINUTES_HELP", MinutesHelp(ctx));
  form->SetValue("PERSON_LABEL", ctx.M(MsgId::kPagesExcColPermittedBy));
  for (const exception::ResponsiblePerson& person : persons) {
    const std::string value = std::to_string(person.index);
    AddOption(*form, "PERSON_OPTION", value, PersonLabel(ctx, person),
              value == in.person);
  }
  form->SetValue("REASON_LABEL", ctx.M(MsgId::kPagesExcColReason));
  form->SetValue("REASON", in.reason);
  form->SetValue("REASON_HELP", ctx.M(MsgId::kPagesIssueReasonHelp));
  form->SetValue("DAYS_LABEL", ctx.M(MsgId::kPagesIssueLabelDays));
  for (int days = 1; days <= 7; ++days) {
    const std::string value = std::to_string(days);
    AddOption(*form, "DAYS_OPTION", value, value, value == in.days);
  }
  form->SetValue("SUBMIT", ctx.M(MsgId::kPagesIssueSubmit));
  AddFormFields(*form, ctx);
}

// The form page: the form when the user may issue, the signer is there, a
// PC is enrolled and the policy names persons; else why not. `refused`, if
// not empty, is shown above it.
Status SendForm(const PageShell& shell, httplib::Response& res, Ctx& ctx,
                const IssueForm& in, const std::string& refused, int status) {
  PageView view(ctx, ctx.M(MsgId::kPagesIssueTitle), kExceptionIssueTemplate);
  ctemplate::TemplateDictionary& body = view.body();
  body.SetValue("INTRO", ctx.M(MsgId::kPagesIssueIntro));
  body.SetValue("QUEUE_HREF", ctx.Link("/exceptions/queue"));
  body.SetValue("QUEUE", ctx.M(MsgId::kPagesQueueLink));
  if (!refused.empty()) {
    body.AddSectionDictionary("REFUSED")->SetValue("TEXT", refused);
  }
  auto notice = [&body](const std::string& text) {
    body.AddSectionDictionary("NOTICE")->SetValue("TEXT", text);
  };
  const PagesOptions& options = shell.options();
  PIIGUARD_ASSIGN_OR_RETURN(bool may, MayIssueExceptions(shell, ctx));
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<PcSummary> pcs,
                            shell.source().ListPcs());
  if (!may) {
    notice(ctx.M(MsgId::kPagesIssueNotPermitted, {ctx.session->user}));
  } else if (options.exception_signer == nullptr ||
             options.exception_publisher == nullptr) {
    notice(ctx.M(MsgId::kPagesIssueNoSigner));
  } else if (pcs.empty()) {
    notice(ctx.M(MsgId::kPagesIssueNoPcs));
  } else {
    PIIGUARD_ASSIGN_OR_RETURN(std::vector<exception::ResponsiblePerson> persons,
                              options.exception_publisher->Persons(ctx.now));
    if (persons.empty()) {
      notice(ctx.M(MsgId::kPagesIssueNoPersons));
    } else {
      AddForm(body, ctx, in, pcs, persons);
    }
  }
  view.Send(res, status);
  return Status::Ok();
}

// The form's fields; a field over kMaxFieldBytes is left empty and named
// in `too_long` (refused in the form's words, not as a filter's).
IssueForm ReadForm(const httplib::Request& req, std::string& too_long) {
  IssueForm in;
  const std::pair<const char*, std::string*> fields[] = {
      {"pc", &in.pc},
      {"scope", &in.scope},
      {"identity", &in.identity},
      {"minutes", &in.minutes},
      {"person", &in.person},
      {"reason", &in.reason},
      {"days", &in.days}};
  for (const auto& [name, value] : fields) {
    std::string text = req.get_param_value(name);
    if (text.size() > kMaxFieldBytes) {
      if (too_long.empty()) too_long = name;
      text.clear();
    }
    *value = std::move(text);
  }
  return in;
}

admin::IssueRequest ToRequest(const IssueForm& in) {
  admin::IssueRequest request;
  request.pc_id = in.pc;
  request.scope = in.scope;
  // Only a stick names one; a hash left in the field for radios is not
  // the user's intent to refuse over.
  if (in.scope == "stick") request.identity = in.identity;
  request.minutes = Number(in.minutes);
  const int64_t person = Number(in.person);
  request.person = person > 1000 ? -1 : static_cast<int>(person);
  request.reason = in.reason;
  request.days = Number(in.days);
  return request;
}

// The signer's answer must be the file asked for: signed, of the payload
// built here (the publish check then verifies the signature).
Status SameFile(std::string_view bytes, const admin::BuiltFile& built) {
  Result<SignedEnvelope> envelope = ParseSignedEnvelope(bytes);
  if (!envelope.ok()) return envelope.status().Annotate("signer answer");
  if (envelope->type != exception::kExceptionFileEnvelopeType ||
      envelope->payload != built.payload) {
    return CorruptionError("signer", "answer", "is not the file asked for");
  }
  return Status::Ok();
}

// Why a POST issued nothing: the text to show, its detail and the status.
struct Refusal {
  MsgId id;
  Status why;
  int status;
  std::string signed_file;  // for the log: the id and SHA-256 of a signed
                            // file that was not queued
};
struct Issued {
  admin::BuiltFile built;
  QueuedException queued;
};
using Outcome = std::variant<Refusal, Issued>;

// Builds the file of `in` for the logged-in user, has it signed and queues
// it: Issued, or the Refusal of the first step that said no (nothing is
// queued then); an error only when the office's store fails.
Result<Outcome> BuildSignQueue(const PageShell& shell, const Ctx& ctx,
                               const IssueForm& in, ExceptionSigner& signer,
                               ExceptionPublisher& publisher) {
  auto input = [](Status why, int status = kStatusBadRequest) {
    return Outcome(
        Refusal{MsgId::kPagesIssueRefusedInput, std::move(why), status, ""});
  };
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<PcSummary> pcs,
                            shell.source().ListPcs());
  auto pc = std::find_if(pcs.begin(), pcs.end(),
                         [&in](const PcSummary& p) { return p.pc == in.pc; });
  if (pc == pcs.end()) {
    return input(InvalidArgumentError("exception issue", "pc " + in.pc,
                                      "not enrolled at this office"));
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<exception::ResponsiblePerson> persons,
                            publisher.Persons(ctx.now));
  Result<admin::BuiltFile> built =
      admin::BuildExceptionFile(ToRequest(in), persons, *shell.options().clock);
  if (!built.ok()) return input(built.status());
  if (Status own = admin::CheckPersonForPc(built->person, in.pc, pc->consignee);
      !own.ok()) {
    return input(own);
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      std::vector<QueuedException> queue,
      shell.source().ListExceptionFiles(in.pc, kQueueRows));
  const auto waiting = static_cast<size_t>(std::count_if(
      queue.begin(), queue.end(), [&ctx](const QueuedException& f) {
        return f.settled_ms == 0 && f.withdrawn_ms == 0 &&
               f.redeem_by_ms >= ctx.now;
      }));
  if (waiting >= kMaxWaitingPerPc) {
    return input(FailedPreconditionError(
                     "exception issue", "pc " + in.pc,
                     std::to_string(waiting) +
                         " files already wait for its sync (at most " +
                         std::to_string(kMaxWaitingPerPc) +
                         "): withdraw one or let them be used or expire"),
                 kStatusTooManyRequests);
  }
  Result<std::string> bytes = signer.Sign(built->payload, ctx.session->user);
  const std::string file_id = std::to_string(built->file.id);
  if (!bytes.ok() && bytes.status().code() == StatusCode::kCorruption) {
    return Outcome(Refusal{
        MsgId::kPagesIssueRefusedPublish,
        CorruptionError("the signer answered with another file",
                        "nothing was queued", bytes.status().ToString()),
        kStatusBadGateway, "asked for file id " + file_id});
  }
  if (!bytes.ok()) {
    const bool down = bytes.status().code() == StatusCode::kIoError;
    return Outcome(Refusal{down ? MsgId::kPagesIssueRefusedSignerDown
                                : MsgId::kPagesIssueRefusedSigner,
                           bytes.status(),
                           down ? kStatusUnavailable : kStatusBadGateway, ""});
  }
  const std::string signed_file =
      "signed file id " + file_id + ", sha256 " + Sha256Hex(*bytes);
  if (Status same = SameFile(*bytes, *built); !same.ok()) {
    return Outcome(
        Refusal{MsgId::kPagesIssueRefusedPublish,
                CorruptionError("the signer answered with another file",
                                "nothing was queued", same.ToString()),
                kStatusBadGateway, signed_file});
  }
  Result<QueuedException> queued =
      publisher.Publish(*bytes, ctx.session->user, ctx.now);
  if (queued.status().code() == StatusCode::kFailedPrecondition) {
    return Outcome(Refusal{MsgId::kPagesIssueRefusedPublish, queued.status(),
                           kStatusBadRequest, signed_file});
  }
  PIIGUARD_RETURN_IF_ERROR(queued.status());
  return Outcome(Issued{*std::move(built), *std::move(queued)});
}

}  // namespace

Result<bool> MayIssueExceptions(const PageShell& shell, const Ctx& ctx) {
  if (!ctx.session) return false;
  Result<OfficeUser> user = shell.source().GetUser(ctx.session->user);
  if (user.status().code() == StatusCode::kNotFound) return false;
  PIIGUARD_RETURN_IF_ERROR(user.status());
  return user->may_issue_exceptions;
}

Status ExceptionIssueForm(const PageShell& shell, const httplib::Request& req,
                          httplib::Response& res, Ctx& ctx) {
  IssueForm in;
  PIIGUARD_ASSIGN_OR_RETURN(in.pc, Param(req, "pc"));
  return SendForm(shell, res, ctx, in, "", kStatusOk);
}

Status ExceptionIssue(const PageShell& shell, const httplib::Request& req,
                      httplib::Response& res, Ctx& ctx) {
  const std::string& user = ctx.session->user;
  PIIGUARD_ASSIGN_OR_RETURN(bool may, MayIssueExceptions(shell, ctx));
  if (!may) {
    Log(shell, "exceptions: issue: " + user + ": refused: not permitted");
    SendMessage(res, ctx, kStatusForbidden,
                ctx.M(MsgId::kPagesIssueNotPermitted, {user}));
    return Status::Ok();
  }
  ExceptionSigner* signer = shell.options().exception_signer;
  ExceptionPublisher* publisher = shell.options().exception_publisher;
  if (signer == nullptr || publisher == nullptr) {
    Log(shell, "exceptions: issue: " + user + ": refused: no signer");
    SendMessage(res, ctx, kStatusUnavailable,
                ctx.M(MsgId::kPagesIssueNoSigner));
    return Status::Ok();
  }
  std::string too_long;
  const IssueForm in = ReadForm(req, too_long);
  if (!too_long.empty()) {
    const Status why = InvalidArgumentError(
        "exception issue", too_long,
        "over " + std::to_string(kMaxFieldBytes) + " bytes");
    Log(shell, "exceptions: issue: " + user + ": " + in.pc +
                   ": refused, nothing queued: " + why.ToString());
    return SendForm(shell, res, ctx, in,
                    ctx.M(MsgId::kPagesIssueRefusedInput, {why.message()}),
                    kStatusBadRequest);
  }
  Result<Outcome> outcome = BuildSignQueue(shell, ctx, in, *signer, *publisher);
  if (!outcome.ok()) {
    Log(shell, "exceptions: issue: " + user + ": " + in.pc +
                   ": not issued: " + outcome.status().ToString());
    return outcome.status();
  }
  if (const Refusal* refused = std::get_if<Refusal>(&*outcome)) {
    Log(shell,
        "exceptions: issue: " + user + ": " + in.pc +
            ": refused, nothing queued: " + refused->why.ToString() +
            (refused->signed_file.empty() ? ""
                                          : " (" + refused->signed_file + ")"));
    return SendForm(shell, res, ctx, in,
                    ctx.M(refused->id, {refused->why.message()}),
                    refused->status);
  }
  const Issued& issued = std::get<Issued>(*outcome);
  const QueuedException& queued = issued.queued;
  Log(shell, "exceptions: issued: " + queued.id + " for " + queued.pc + " by " +
                 user + " (" + in.scope + ", " + in.minutes +
                 " min, redeem_by " + FormatJst(queued.redeem_by_ms) + ")");
  // POST-redirect-GET: a reload or a second click shows the file again
  // and issues nothing.
  res.set_redirect(
      ctx.Link("/exceptions/issued", {{"pc", queued.pc}, {"id", queued.id}}),
      kStatusSeeOther);
  return Status::Ok();
}

}  // namespace piiguard::office
