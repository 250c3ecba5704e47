// ExceptionService: asking for an exception, redeeming the response and
// ending a grant (the state file, the timer and status:
// exception_service_state.cc).

#include "agent/exception/exception_service.h"

#include <algorithm>
#include <charconv>

#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/os/log.h"
#include "policy/exception/persons.h"

namespace piiguard::agent {
namespace {

using exception::DurationClass;
using exception::ScopeKind;
using journal::Severity;

constexpr std::string_view kContext = "exception";

Status Refused(MsgId id, std::initializer_list<std::string_view> ja,
               std::initializer_list<std::string_view> en) {
  // The CLI shows the error as it is: both languages, Japanese first.
  return FailedPreconditionError(
      kContext, "request",
      Message(Lang::kJa, id, ja) + " / " + Message(Lang::kEn, id, en));
}

std::optional<DurationClass> DurationOf(int64_t minutes) {
  for (int digit = 1; digit <= 9; ++digit) {
    std::optional<DurationClass> d = exception::DurationClassFromDigit(digit);
    if (d && exception::DurationMinutes(*d) == minutes) return d;
  }
  return std::nullopt;
}

std::string ScopeWords(ScopeKind kind, Lang lang) {
  return Message(lang, exception::ScopeMessage(kind));
}

}  // namespace

Json ForeignStickJson(const ForeignStick& stick, size_t index) {
  return Json{{"index", index},
              {"device", stick.device},
              {"identity", stick.identity},
              {"vid_pid", stick.vid_pid},
              {"serial", stick.serial},
              {"capacity_bytes", stick.capacity_bytes},
              {"reason", stick.reason}};
}

std::string GrantId(const exception::Grant& grant) {
  return std::to_string(grant.challenge.nonce);
}

ExceptionService::ExceptionService(ExceptionConfig config,
                                   Result<exception::ExceptionKey> key)
    : config_(std::move(config)),
      key_(std::move(key)),
      state_(*config_.clock, config_.boot_id) {}

Status ExceptionService::Journal(std::string type, Severity severity, uid_t uid,
                                 Json details) const {
  details["uid"] = uid;
  details["user"] = UserName(uid);
  journal::Event event{std::move(type), severity, "uid:" + std::to_string(uid),
                       std::move(details)};
  Status status =
      config_.journal != nullptr
          ? config_.journal->Append(event).status()
          : FailedPreconditionError(kContext, "journal", "none given");
  os::LogIfError("exception: journal: " + event.type, status);
  return status;
}

void ExceptionService::Notify(
    MsgId id, std::initializer_list<std::string_view> ja,
    std::initializer_list<std::string_view> en) const {
  if (config_.notify == nullptr) return;
  config_.notify->Notify(notify::CatalogueNotice(id, ja, en));
}

std::string ExceptionService::UserName(uid_t uid) const {
  return config_.user_name ? config_.user_name(uid) : std::string();
}

Result<std::vector<std::string>> ExceptionService::PersonIds() const {
  const policy::Policy* policy = config_.policy ? config_.policy() : nullptr;
  if (policy == nullptr) return Refused(MsgId::kExceptionNoPersons, {}, {});
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<exception::ResponsiblePerson> persons,
                            exception::ResponsiblePersons(*policy));
  if (persons.empty()) return Refused(MsgId::kExceptionNoPersons, {}, {});
  return exception::ResponsibleIds(persons);
}

Result<Json> ExceptionService::Request(uid_t uid, const ExceptionAsk& ask) {
  if (ask.scope.empty()) return Choices();
  std::optional<ScopeKind> kind = exception::ScopeKindFromName(ask.scope);
  if (!kind) return InvalidArgumentError(kContext, ask.scope, "unknown scope");
  const std::string words_ja = ScopeWords(*kind, Lang::kJa);
  const std::string words_en = ScopeWords(*kind, Lang::kEn);
  // Only scopes whose module applies grants are offered.
  if (!Offered(*kind)) {
    return Refused(MsgId::kExceptionScopeUnavailable, {words_ja}, {words_en});
  }
  std::optional<DurationClass> duration = DurationOf(ask.minutes);
  const std::string longest =
      std::to_string(exception::DurationMinutes(exception::MaxDuration(*kind)));
  if (!duration || *duration > exception::MaxDuration(*kind)) {
    return Refused(MsgId::kExceptionBadMinutes, {words_ja, longest},
                   {words_en, longest});
  }
  if (!key_.ok()) {
    return Refused(MsgId::kExceptionNoKey, {key_.status().message()},
                   {key_.status().message()});
  }
  if (!unreadable_.ok()) {
    return Refused(MsgId::kExceptionStateUnreadable, {unreadable_.message()},
                   {unreadable_.message()});
  }
  PIIGUARD_ASSIGN_OR_RETURN(Picked picked, Pick(uid, *kind, ask));
  return Challenge(uid, *kind, *duration, std::move(picked));
}

bool ExceptionService::Offered(ScopeKind scope) const {
  switch (scope) {
    case ScopeKind::kStickWritable:
      return sticks_ != nullptr;
    case ScopeKind::kRadios:
      return radios_ != nullptr;
    case ScopeKind::kRosterFolderPause:
      return folders_ != nullptr;
    case ScopeKind::kMaintenance:
      return maintenance_ != nullptr;
  }
  return false;
}

Result<ExceptionService::Picked> ExceptionService::Pick(
    uid_t uid, ScopeKind scope, const ExceptionAsk& ask) const {
  Picked picked;
  switch (scope) {
    case ScopeKind::kStickWritable:
      return PickStick(ask.index, ask.identity);
    case ScopeKind::kRadios:
      // Every radio the session blocks: nothing to pick.
      picked.said_ja = Message(Lang::kJa, MsgId::kExceptionWhatRadios);
      picked.said_en = Message(Lang::kEn, MsgId::kExceptionWhatRadios);
      return picked;
    case ScopeKind::kRosterFolderPause: {
      if (ask.folder.empty()) {
        return InvalidArgumentError(kContext, "folder", "missing");
      }
      PIIGUARD_ASSIGN_OR_RETURN(picked.detail,
                                folders_->CheckFolder(uid, ask.folder));
      picked.what = Json{{"folder", picked.detail}};
      picked.said_ja =
          Message(Lang::kJa, MsgId::kExceptionWhatFolder, {picked.detail});
      picked.said_en =
          Message(Lang::kEn, MsgId::kExceptionWhatFolder, {picked.detail});
      return picked;
    }
    case ScopeKind::kMaintenance: {
      // This PC's maintenance account (the scope is not offered without
      // it), and no session running: the window would wait for its end.
      PIIGUARD_ASSIGN_OR_RETURN(picked.detail,
                                maintenance_->MaintenanceAccount());
      PIIGUARD_RETURN_IF_ERROR(maintenance_->CheckMaintenance());
      picked.what = Json{{"account", picked.detail}};
      picked.said_ja =
          Message(Lang::kJa, MsgId::kExceptionWhatMaintenance, {picked.detail});
      picked.said_en =
          Message(Lang::kEn, MsgId::kExceptionWhatMaintenance, {picked.detail});
      return picked;
    }
  }
  return InvalidArgumentError(kContext, ScopeKindName(scope), "not offered");
}

Result<ExceptionService::Picked> ExceptionService::PickStick(
    int64_t index, std::string_view identity) const {
  if (index < 0 || index > exception::kMaxIndex) {
    return InvalidArgumentError(kContext, "index", "out of range");
  }
  std::vector<ForeignStick> sticks = sticks_->Foreign();
  if (static_cast<size_t>(index) >= sticks.size()) {
    const std::string n = std::to_string(index);
    return Refused(MsgId::kExceptionNoSuchStick, {n}, {n});
  }
  const ForeignStick& stick = sticks[static_cast<size_t>(index)];
  // The stick staff saw in the list, not whatever is at that place now.
  if (!identity.empty() && identity != stick.identity) {
    return Refused(MsgId::kExceptionListChanged, {}, {});
  }
  // Two sticks that look the same to the PC cannot be told apart.
  if (std::count_if(sticks.begin(), sticks.end(), [&](const ForeignStick& s) {
        return s.identity == stick.identity;
      }) > 1) {
    return Refused(MsgId::kExceptionStickNoSerial, {stick.device},
                   {stick.device});
  }
  // Its identity is the kernel's view of it: without a serial, every stick
  // of the model and size has the same one.
  if (stick.serial.empty()) {
    return Refused(MsgId::kExceptionStickNoSerial, {stick.device},
                   {stick.device});
  }
  const auto at = static_cast<size_t>(index);
  const std::string n = std::to_string(index);
  const std::string described =
      stick.device + " " + stick.vid_pid + " " + stick.serial;
  return Picked{
      .index = static_cast<unsigned>(index),
      .detail = stick.identity,
      .what = Json{{"stick", ForeignStickJson(stick, at)}},
      .said_ja = Message(Lang::kJa, MsgId::kExceptionWhatStick, {n, described}),
      .said_en = Message(Lang::kEn, MsgId::kExceptionWhatStick, {n, described}),
  };
}

Result<Json> ExceptionService::Challenge(uid_t uid, ScopeKind scope,
                                         DurationClass duration,
                                         Picked picked) {
  const std::string pc = config_.pc_id ? config_.pc_id() : std::string();
  if (pc.empty()) return Refused(MsgId::kExceptionNotEnrolled, {}, {});
  PIIGUARD_RETURN_IF_ERROR(PersonIds().status());
  PIIGUARD_ASSIGN_OR_RETURN(
      exception::Challenge challenge,
      state_.NewChallenge(scope, duration, picked.index, picked.detail));
  last_shown_ = challenge;
  const std::string text = exception::EncodeChallenge(challenge);
  const std::string minutes =
      std::to_string(exception::DurationMinutes(duration));
  Json details = {{"challenge", text},
                  {"scope", exception::ScopeKindName(scope)},
                  {"minutes", exception::DurationMinutes(duration)},
                  {"index", picked.index}};
  if (picked.what.is_object()) details.update(picked.what);
  PIIGUARD_RETURN_IF_ERROR(Journal(journal::types::kExceptionRequested,
                                   Severity::kNotice, uid, details));
  if (Status saved = Persist(); !saved.ok()) {
    os::LogIfError("exception: state", saved);
    return saved;
  }
  // The desk builds the person list from the same policy version.
  const policy::Policy* policy = config_.policy();
  const std::string version = std::to_string(policy->version);
  details["policy_version"] = policy->version;
  details["say_ja"] = Message(Lang::kJa, MsgId::kExceptionSayOnPhone,
                              {text, ScopeWords(scope, Lang::kJa), minutes,
                               picked.said_ja, pc, version});
  details["say_en"] = Message(Lang::kEn, MsgId::kExceptionSayOnPhone,
                              {text, ScopeWords(scope, Lang::kEn), minutes,
                               picked.said_en, pc, version});
  if (scope == ScopeKind::kMaintenance) {
    // The desk reads the vendor's password to the vendor, never to staff.
    details["say_ja"] = details["say_ja"].get<std::string>() + "\n" +
                        Message(Lang::kJa, MsgId::kMaintenanceStaffNote);
    details["say_en"] = details["say_en"].get<std::string>() + "\n" +
                        Message(Lang::kEn, MsgId::kMaintenanceStaffNote);
  }
  details["pc"] = pc;
  return details;
}

Result<Json> ExceptionService::Redeem(uid_t uid,
                                      std::string_view response_text) {
  if (!key_.ok()) {
    return Refused(MsgId::kExceptionNoKey, {key_.status().message()},
                   {key_.status().message()});
  }
  if (!unreadable_.ok()) {
    return Refused(MsgId::kExceptionStateUnreadable, {unreadable_.message()},
                   {unreadable_.message()});
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<std::string> ids, PersonIds());
  const std::string pc = config_.pc_id ? config_.pc_id() : std::string();
  const std::optional<exception::PendingChallenge> pending = state_.pending();
  // With nothing pending, the challenge shown last: its response, typed
  // again, is refused as used.
  const exception::Challenge challenge =
      pending ? pending->challenge
              : last_shown_.value_or(exception::Challenge{});
  // The outcome is worked out on a copy and saved before anything of it is
  // told or takes effect: a try that cannot be saved is not answered, so a
  // full disk cannot make tries that a restart forgets.
  exception::RedemptionState trial = state_;
  exception::Outcome outcome =
      trial.Redeem(challenge, response_text, *key_, pc, ids);
  if (Status saved = Save(trial); !saved.ok()) {
    (void)Journal(
        journal::types::kExceptionError, Severity::kWarning, uid,
        Json{{"error", saved.message()}, {"action", "response not checked"}});
    return Refused(MsgId::kExceptionNotSaved, {saved.message()},
                   {saved.message()});
  }
  state_ = std::move(trial);
  Json details = Json::object();
  if (pending) details["challenge"] = exception::EncodeChallenge(challenge);
  if (!outcome.accepted()) {
    details["refusal"] = exception::RefusalName(outcome.refusal);
    if (outcome.group > 0) details["group"] = outcome.group;
    if (outcome.refusal == exception::Refusal::kWrongResponse) {
      details["tries_left"] = outcome.tries_left;
    }
    if (outcome.wait_ms > 0) details["wait_s"] = (outcome.wait_ms + 999) / 1000;
    (void)Journal(journal::types::kExceptionRefused, Severity::kWarning, uid,
                  details);
    details["accepted"] = false;
    details["message_ja"] = exception::DescribeOutcome(outcome, Lang::kJa);
    details["message_en"] = exception::DescribeOutcome(outcome, Lang::kEn);
    return details;
  }
  const exception::Grant& grant = *outcome.grant;
  const ScopeKind scope = grant.challenge.scope;
  const int64_t minutes = exception::DurationMinutes(grant.challenge.duration);
  details["grant"] = GrantId(grant);
  details["scope"] = exception::ScopeKindName(scope);
  details["minutes"] = minutes;
  details["detail"] = grant.scope_detail;
  details["person"] = grant.person_index;
  details["responsible"] = grant.responsible_id;
  if (Status begun = Begin(uid, grant, details); !begun.ok()) {
    return Refused(MsgId::kExceptionNotSaved, {begun.message()},
                   {begun.message()});
  }
  details["accepted"] = true;
  details["message_ja"] = exception::DescribeOutcome(outcome, Lang::kJa);
  details["message_en"] = exception::DescribeOutcome(outcome, Lang::kEn);
  return details;
}

Status ExceptionService::Begin(uid_t uid, const exception::Grant& grant,
                               const Json& details) {
  const ScopeKind scope = grant.challenge.scope;
  // Journaled before it takes effect: otherwise nothing is granted.
  if (Status done = Journal(journal::types::kExceptionGranted,
                            Severity::kNotice, uid, details);
      !done.ok()) {
    (void)state_.EndGrant(grant.challenge.nonce);
    os::LogIfError("exception: state", Persist());
    // A failed save is retried (the grant must not come back at a restart).
    Reschedule();
    return done;
  }
  running_.insert(grant.challenge.nonce);
  Reschedule();
  TellModules();
  const std::string m =
      std::to_string(exception::DurationMinutes(grant.challenge.duration));
  Notify(MsgId::kExceptionGranted, {ScopeWords(scope, Lang::kJa), m},
         {ScopeWords(scope, Lang::kEn), m});
  return Status::Ok();
}

Result<Json> ExceptionService::End(uid_t uid, std::string_view grant) {
  uint64_t nonce = 0;
  auto [end, error] =
      std::from_chars(grant.data(), grant.data() + grant.size(), nonce);
  std::optional<exception::Grant> found;
  if (error == std::errc() && end == grant.data() + grant.size()) {
    for (const exception::Grant& g : state_.ActiveGrants()) {
      if (g.challenge.nonce == nonce) found = g;
    }
  }
  if (!found) {
    return Json{{"ended", false},
                {"refused", "no_such_grant"},
                {"message_ja",
                 Message(Lang::kJa, MsgId::kExceptionNoSuchGrant, {grant})},
                {"message_en",
                 Message(Lang::kEn, MsgId::kExceptionNoSuchGrant, {grant})}};
  }
  (void)state_.EndGrant(nonce);
  running_.erase(nonce);
  Status saved = Persist();
  os::LogIfError("exception: state", saved);
  (void)Journal(
      journal::types::kExceptionEnded, Severity::kNotice, uid,
      Json{{"grant", GrantId(*found)},
           {"scope", exception::ScopeKindName(found->challenge.scope)},
           {"detail", found->scope_detail},
           {"reason", "ended"}});
  Reschedule();
  TellModules();
  Json answer = {{"ended", true}, {"grant", GrantId(*found)}};
  if (!saved.ok()) answer["problem"] = saved.message();
  return answer;
}

}  // namespace piiguard::agent
