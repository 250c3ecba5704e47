// ExceptionService: the state file, grants that end on time, status, what
// may be asked for, and the grants the modules ask for.

#include <algorithm>

#include "agent/exception/exception_service.h"
#include "common/file_util.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/os/log.h"
#include "policy/exception/maintenance_password.h"

namespace piiguard::agent {
namespace {

using exception::ScopeKind;
using journal::Severity;

constexpr size_t kMaxStateBytes = size_t{64} * 1024;
constexpr uid_t kDaemonUid = 0;  // entries the daemon makes on its own
constexpr int64_t kSaveRetryUs = 60'000'000;

}  // namespace

Status ExceptionService::Init() {
  Result<std::string> bytes = ReadFileBytes(config_.state_file, kMaxStateBytes);
  if (!bytes.ok() && bytes.status().code() == StatusCode::kNotFound) {
    return Status::Ok();
  }
  if (!bytes.ok()) {
    // Not read, so not known to be corrupt: an empty state saved over it
    // would forget the applied files' ids (a file could be applied again).
    // Fail closed until a start can read it.
    unreadable_ = bytes.status();
    (void)Journal(
        journal::types::kExceptionError, Severity::kWarning, kDaemonUid,
        Json{
            {"error", unreadable_.message()},
            {"action", "exceptions refused until the state file can be read"}});
    return unreadable_;
  }
  Result<exception::RedemptionState> loaded = exception::RedemptionState::Parse(
      *bytes, *config_.clock, config_.boot_id);
  if (!loaded.ok()) {
    // An empty state is safe (docs/exceptions.md): no old response can be
    // redeemed and no grant runs; only the lockout ladder is lost.
    (void)Journal(journal::types::kExceptionError, Severity::kWarning,
                  kDaemonUid,
                  Json{{"error", loaded.status().message()},
                       {"action", "started from an empty state"}});
    Status saved = Persist();
    os::LogIfError("exception: state", saved);
    return loaded.status();
  }
  state_ = std::move(*loaded);
  ResumeGrants();
  Reschedule();
  return Status::Ok();
}

void ExceptionService::ResumeGrants() {
  const int64_t now = config_.clock->MonotonicUs();
  bool ended = false;
  for (const exception::Grant& grant : state_.ActiveGrants()) {
    // The grant's exception.granted may never have been written (a crash
    // between the save and the journal): it runs again only on the record.
    const Status journaled = Journal(
        journal::types::kExceptionResumed, Severity::kNotice, kDaemonUid,
        Json{{"grant", GrantId(grant)},
             {"scope", exception::ScopeKindName(grant.challenge.scope)},
             {"detail", grant.scope_detail},
             {"person", grant.person_index},
             {"responsible", grant.responsible_id},
             {"minutes_left", grant.MinutesLeft(now)},
             {"reason", "restart"}});
    if (journaled.ok()) {
      running_.insert(grant.challenge.nonce);
      continue;
    }
    os::Log(os::LogLevel::kError, "exception: grant " + GrantId(grant) +
                                      ": not resumed: " + journaled.message());
    (void)state_.EndGrant(grant.challenge.nonce);
    ended = true;
  }
  if (ended) os::LogIfError("exception: state", Persist());
}

Status ExceptionService::Save(const exception::RedemptionState& state) {
  if (!unreadable_.ok()) return unreadable_;  // never over what was not read
  Status saved = WriteFileAtomic(config_.state_file, state.Serialize(), 0600);
  unsaved_ = !saved.ok();
  return saved;
}

Status ExceptionService::Persist() { return Save(state_); }

void ExceptionService::Reschedule() {
  if (!config_.schedule) return;
  int64_t next = 0;
  for (const exception::Grant& grant : state_.ActiveGrants()) {
    if (next == 0 || grant.end_mono_us < next) next = grant.end_mono_us;
  }
  if (unsaved_) {  // try the save again within a minute
    const int64_t retry = config_.clock->MonotonicUs() + kSaveRetryUs;
    if (next == 0 || retry < next) next = retry;
  }
  config_.schedule(next);
}

void ExceptionService::SettleGrants(std::string_view why) {
  std::set<uint64_t> now;
  for (const exception::Grant& grant : state_.ActiveGrants()) {
    now.insert(grant.challenge.nonce);
  }
  bool changed = false;
  for (uint64_t nonce : running_) {
    if (now.contains(nonce)) continue;
    changed = true;
    (void)Journal(
        journal::types::kExceptionEnded, Severity::kNotice, kDaemonUid,
        Json{{"grant", std::to_string(nonce)}, {"reason", std::string(why)}});
    Notify(MsgId::kExceptionEndedNotice, {std::to_string(nonce)},
           {std::to_string(nonce)});
  }
  running_ = std::move(now);
  if (!changed) return;
  os::LogIfError("exception: state", Persist());
  TellModules();
}

void ExceptionService::OnTimer() {
  SettleGrants("expired");
  if (unsaved_) os::LogIfError("exception: state", Persist());
  Reschedule();
}

Result<Json> ExceptionService::StatusPart() {
  SettleGrants("expired");
  if (unsaved_) os::LogIfError("exception: state", Persist());
  const int64_t now = config_.clock->MonotonicUs();
  Json grants = Json::array();
  for (const exception::Grant& grant : state_.ActiveGrants()) {
    grants.push_back(
        Json{{"grant", GrantId(grant)},
             {"scope", exception::ScopeKindName(grant.challenge.scope)},
             {"detail", grant.scope_detail},
             {"person", grant.person_index},
             {"responsible", grant.responsible_id},
             {"minutes_left", grant.MinutesLeft(now)}});
  }
  Json part = {{"available", key_.ok()},
               {"state_saved", !unsaved_},
               {"grants", grants},
               {"locked_for_s", (state_.LockedForMs() + 999) / 1000}};
  if (!key_.ok()) part["problem"] = key_.status().message();
  if (const auto& pending = state_.pending()) {
    part["challenge_waiting"] = exception::EncodeChallenge(pending->challenge);
  }
  return part;
}

std::optional<StickGrant> ExceptionService::GrantFor(
    std::string_view identity) {
  if (identity.empty()) return std::nullopt;
  for (const exception::Grant& grant : state_.ActiveGrants()) {
    if (grant.challenge.scope == ScopeKind::kStickWritable &&
        grant.scope_detail == identity) {
      return StickGrant{GrantId(grant), grant.responsible_id,
                        grant.end_mono_us};
    }
  }
  return std::nullopt;
}

std::vector<ScopeGrant> ExceptionService::Running(ScopeKind scope) {
  std::vector<ScopeGrant> running;
  for (const exception::Grant& grant : state_.ActiveGrants()) {
    if (grant.challenge.scope != scope) continue;
    running.push_back(ScopeGrant{GrantId(grant), grant.responsible_id,
                                 grant.scope_detail, grant.end_mono_us});
  }
  std::sort(running.begin(), running.end(),
            [](const ScopeGrant& a, const ScopeGrant& b) {
              return a.end_mono_us < b.end_mono_us;
            });
  return running;
}

Result<std::string> ExceptionService::MaintenancePassword(
    std::string_view grant) {
  if (!key_.ok()) return key_.status();
  for (const exception::Grant& g : state_.ActiveGrants()) {
    if (g.challenge.scope == ScopeKind::kMaintenance && GrantId(g) == grant) {
      const std::string pc = config_.pc_id ? config_.pc_id() : std::string();
      return exception::MaintenancePassword(*key_, pc, g.challenge.nonce);
    }
  }
  return NotFoundError("exception", "grant " + std::string(grant),
                       "no such maintenance exception running");
}

void ExceptionService::TellModules() {
  if (sticks_ != nullptr) sticks_->GrantsChanged();
  if (radios_ != nullptr) radios_->GrantsChanged();
  if (folders_ != nullptr) folders_->GrantsChanged();
  if (maintenance_ != nullptr) maintenance_->GrantsChanged();
}

Json ExceptionService::Choices() const {
  Json sticks = Json::array();
  if (sticks_ != nullptr) {
    std::vector<ForeignStick> list = sticks_->Foreign();
    for (size_t i = 0; i < list.size(); ++i) {
      sticks.push_back(ForeignStickJson(list[i], i));
    }
  }
  Json scopes = Json::array();
  Json minutes = Json::object();
  Json not_offered = Json::object();
  for (ScopeKind scope :
       {ScopeKind::kStickWritable, ScopeKind::kRadios,
        ScopeKind::kRosterFolderPause, ScopeKind::kMaintenance}) {
    if (!Offered(scope)) continue;
    if (scope == ScopeKind::kMaintenance) {
      // Not offered on a PC without the maintenance account: say why.
      Result<std::string> account = maintenance_->MaintenanceAccount();
      if (!account.ok()) {
        not_offered["maintenance"] = account.status().message();
        continue;
      }
    }
    const std::string name(exception::ScopeKindName(scope));
    scopes.push_back(name);
    minutes[name] = Json::array();
    for (int digit = 1; digit <= 9; ++digit) {
      std::optional<exception::DurationClass> d =
          exception::DurationClassFromDigit(digit);
      if (d && *d <= exception::MaxDuration(scope)) {
        minutes[name].push_back(exception::DurationMinutes(*d));
      }
    }
  }
  Json answer = {{"scopes", scopes},
                 {"minutes", minutes},
                 {"sticks", sticks},
                 {"locked_for_s", (state_.LockedForMs() + 999) / 1000},
                 {"available", key_.ok()}};
  if (!not_offered.empty()) answer["not_offered"] = not_offered;
  if (!key_.ok()) answer["problem"] = key_.status().message();
  return answer;
}

}  // namespace piiguard::agent
