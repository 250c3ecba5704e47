// ExceptionService::Apply: a signed exception file (docs/exceptions.md
// "Signed exception files"), checked and granted as a redeemed response is.

#include <algorithm>

#include "agent/exception/exception_service.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/os/log.h"
#include "common/timestamp.h"
#include "policy/exception/exception_file.h"
#include "policy/exception/persons.h"

namespace piiguard::agent {
namespace {

using exception::FileRefusal;
using journal::Severity;

std::string When(int64_t unix_s) {
  return FormatRfc3339(unix_s, kJstOffsetMinutes);
}

}  // namespace

Json ExceptionService::RefuseFile(uid_t uid, Json details,
                                  std::string_view refusal,
                                  std::string_view error, MsgId id,
                                  std::initializer_list<std::string_view> ja,
                                  std::initializer_list<std::string_view> en) {
  details["refusal"] = refusal;
  details["error"] = error;
  bool journal = true;
  const bool from_sync = details.contains("origin");
  const std::string sha =
      from_sync ? details.value("file_sha256", std::string()) : std::string();
  if (from_sync) {  // once per file while piiguardd runs (already-applied
                    // too: the office settles the file on it)
    journal = std::find(sync_refused_.begin(), sync_refused_.end(), sha) ==
              sync_refused_.end();
  }
  if (journal) {
    const Status written = Journal(journal::types::kExceptionRefused,
                                   Severity::kWarning, uid, details);
    // Remembered only once written: otherwise the next round tries again.
    if (from_sync && written.ok()) {
      sync_refused_.push_back(sha);
      if (sync_refused_.size() > kMaxSyncRefusalsKept) {
        sync_refused_.pop_front();
      }
    }
  }
  details["journaled"] = journal;
  details["accepted"] = false;
  details["message_ja"] = Message(Lang::kJa, id, ja);
  details["message_en"] = Message(Lang::kEn, id, en);
  return details;
}

Json ExceptionService::ApplyFromSync(std::string_view file_bytes) {
  Result<Json> answer = ApplyFile(0, file_bytes, true);
  if (answer.ok()) return *std::move(answer);
  return Json{{"accepted", false},
              {"journaled", false},
              {"refusal", "internal"},
              {"error", answer.status().message()}};
}

Result<Json> ExceptionService::ApplyFile(uid_t uid, std::string_view file_bytes,
                                         bool from_sync) {
  // The hash names the file even when nothing in it can be believed: the
  // office stops serving a file once it sees it granted or refused.
  Json details = {{"via", "file"},
                  {"bytes", file_bytes.size()},
                  {"file_sha256", Sha256Hex(file_bytes)}};
  if (from_sync) details["origin"] = "sync";
  const std::string pc = config_.pc_id ? config_.pc_id() : std::string();
  if (pc.empty()) {
    return RefuseFile(uid, details, "not-enrolled", "no PC id",
                      MsgId::kExceptionNotEnrolled, {}, {});
  }
  if (!unreadable_.ok()) {
    return RefuseFile(uid, details, "state-unreadable", unreadable_.message(),
                      MsgId::kExceptionStateUnreadable, {unreadable_.message()},
                      {unreadable_.message()});
  }
  const policy::Policy* policy = config_.policy ? config_.policy() : nullptr;
  if (policy == nullptr) {
    return RefuseFile(uid, details, "no-policy", "no policy applied",
                      MsgId::kExceptionNoPersons, {}, {});
  }
  const std::vector<Ed25519PublicKey> trusted =
      policy->TrustedFor(policy::KeyRole::kException, config_.pinned);
  const exception::FileVerdict verdict = exception::VerifyExceptionFile(
      file_bytes, trusted, pc, config_.clock->WallMs() / 1000);
  // What the file says is believed (and journaled) only once its signature
  // verified.
  if (verdict.file) {
    const exception::ExceptionFile& f = *verdict.file;
    details["id"] = std::to_string(f.id);
    details["pc"] = f.pc_id;
    details["scope"] = exception::ScopeKindName(f.scope);
    details["minutes"] = exception::DurationMinutes(f.duration);
    details["detail"] = f.identity;
    details["responsible"] = f.person;
    details["reason"] = f.reason;
    details["issued_at"] = When(f.issued_at);
    details["redeem_by"] = When(f.redeem_by);
  }
  const std::string_view name = exception::FileRefusalName(verdict.refusal);
  switch (verdict.refusal) {
    case FileRefusal::kNone:
      break;
    case FileRefusal::kMalformed:
      return RefuseFile(uid, details, name, verdict.detail,
                        MsgId::kExceptionFileMalformed, {verdict.detail},
                        {verdict.detail});
    case FileRefusal::kUnknownSigner:
    case FileRefusal::kBadSignature:
      return RefuseFile(uid, details, name, verdict.detail,
                        MsgId::kExceptionFileBadSignature, {}, {});
    case FileRefusal::kOtherPc:
      return RefuseFile(uid, details, name, verdict.detail,
                        MsgId::kExceptionFileOtherPc, {verdict.file->pc_id, pc},
                        {verdict.file->pc_id, pc});
    case FileRefusal::kNotYetValid:
      return RefuseFile(
          uid, details, name, verdict.detail, MsgId::kExceptionFileNotYetValid,
          {When(verdict.file->issued_at)}, {When(verdict.file->issued_at)});
    case FileRefusal::kExpired:
      return RefuseFile(
          uid, details, name, verdict.detail, MsgId::kExceptionFileExpired,
          {When(verdict.file->redeem_by)}, {When(verdict.file->redeem_by)});
  }
  const exception::ExceptionFile& file = *verdict.file;
  const std::string id = std::to_string(file.id);
  // The person must be in the applied policy's list (the index is the
  // first place the name has in it, as the desk's list numbers it).
  Result<std::vector<exception::ResponsiblePerson>> persons =
      exception::ResponsiblePersons(*policy);
  if (!persons.ok()) {
    return RefuseFile(uid, details, "unknown-person",
                      persons.status().message(), MsgId::kExceptionNoPersons,
                      {}, {});
  }
  const auto person = std::find_if(persons->begin(), persons->end(),
                                   [&](const exception::ResponsiblePerson& p) {
                                     return p.id == file.person;
                                   });
  if (person == persons->end()) {
    return RefuseFile(uid, details, "unknown-person",
                      "exception file: person: not in the policy's list",
                      MsgId::kExceptionFileUnknownPerson, {file.person},
                      {file.person});
  }
  const std::string words_ja =
      Message(Lang::kJa, exception::ScopeMessage(file.scope));
  const std::string words_en =
      Message(Lang::kEn, exception::ScopeMessage(file.scope));
  if (!Offered(file.scope)) {
    return RefuseFile(uid, details, "scope-unavailable", "scope: not offered",
                      MsgId::kExceptionScopeUnavailable, {words_ja},
                      {words_en});
  }
  // Worked out on a copy and saved before it takes effect, as Redeem does:
  // a grant (and the id spent) that a restart would forget is never given.
  exception::RedemptionState trial = state_;
  exception::FileGrantRefusal why = exception::FileGrantRefusal::kNone;
  Result<std::optional<exception::Grant>> granted = trial.GrantFromFile(
      file.scope, file.duration, file.identity, person->index, person->id,
      file.id, file.redeem_by, &why);
  if (!granted.ok()) {
    const std::string error = granted.status().message();
    return RefuseFile(uid, details, "internal", error,
                      MsgId::kExceptionNotSaved, {error}, {error});
  }
  switch (why) {
    case exception::FileGrantRefusal::kNone:
      break;
    case exception::FileGrantRefusal::kAlreadyApplied:
      return RefuseFile(uid, details, "already-applied",
                        "exception file: id: applied before",
                        MsgId::kExceptionFileAlreadyApplied, {id}, {id});
    case exception::FileGrantRefusal::kTooManyGrants:
      return RefuseFile(uid, details, "too-many-grants",
                        "exception: grants: too many running",
                        MsgId::kExceptionTooManyGrants, {}, {});
    case exception::FileGrantRefusal::kListFull:
      return RefuseFile(uid, details, "applied-list-full",
                        "exception state: applied: full",
                        MsgId::kExceptionFileListFull, {}, {});
  }
  if (Status saved = Save(trial); !saved.ok()) {
    (void)Journal(
        journal::types::kExceptionError, Severity::kWarning, uid,
        Json{{"error", saved.message()}, {"action", "file not applied"}});
    return RefuseFile(uid, details, "not-recorded", saved.message(),
                      MsgId::kExceptionNotSaved, {saved.message()},
                      {saved.message()});
  }
  state_ = std::move(trial);
  const exception::Grant& grant = **granted;
  details["grant"] = GrantId(grant);
  details["person"] = grant.person_index;
  if (Status begun = Begin(uid, grant, details); !begun.ok()) {
    const Json answer = {
        {"accepted", false},
        {"message_ja",
         Message(Lang::kJa, MsgId::kExceptionNotSaved, {begun.message()})},
        {"message_en",
         Message(Lang::kEn, MsgId::kExceptionNotSaved, {begun.message()})}};
    return answer;
  }
  const std::string minutes =
      std::to_string(exception::DurationMinutes(file.duration));
  details["accepted"] = true;
  details["journaled"] = true;
  details["message_ja"] = Message(Lang::kJa, MsgId::kExceptionFileApplied,
                                  {words_ja, minutes, file.person, id});
  details["message_en"] = Message(Lang::kEn, MsgId::kExceptionFileApplied,
                                  {words_en, minutes, file.person, id});
  return details;
}

}  // namespace piiguard::agent
