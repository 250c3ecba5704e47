// SessionManager: the interlock with keyed sticks, radio exceptions
// (issue 17) and status.

#include <algorithm>

#include "agent/session/session_internal.h"
#include "agent/session/session_manager.h"
#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::agent::session {

// ---------------------------------------------------------------- interlock

bool SessionManager::KeyedStickVerified(const KeyedStick& stick) {
  // No session starts and no stick is written during maintenance.
  if (MaintenanceHolds()) return RefuseStickForMaintenance(stick);
  in_gate_call_ = true;
  if (!state_) {
    SessionState s;
    s.origin = Origin::kStick;
    s.user = stick.holder;
    s.job = stick.job;
    s.started_ms = config_.clock->WallMs();
    s.block_types = rules_.block_types;
    s.sticks.push_back(stick.stick_id);
    Begin(std::move(s), true).IgnoreError();  // journaled inside
  } else if (std::find(state_->sticks.begin(), state_->sticks.end(),
                       stick.stick_id) == state_->sticks.end()) {
    state_->sticks.push_back(stick.stick_id);
    Persist().IgnoreError();
  }
  // A keyed stick comes first: radios a radio exception allowed are
  // blocked again, and confirmed, before it may be written.
  Reconsider("keyed stick verified").IgnoreError();  // journaled inside
  in_gate_call_ = false;
  bool open = radios_confirmed();
  Journal(journal::types::kSessionStickGate, journal::Severity::kInfo,
          Json{{"stick_id", stick.stick_id},
               {"device", stick.device},
               {"job", stick.job},
               {"writable", open}})
      .IgnoreError();
  return open;
}

void SessionManager::KeyedStickGone(const KeyedStick& stick) {
  if (!state_) return;
  auto it =
      std::find(state_->sticks.begin(), state_->sticks.end(), stick.stick_id);
  if (it == state_->sticks.end()) return;
  state_->sticks.erase(it);
  if (state_->origin == Origin::kStick && state_->sticks.empty() &&
      rules_.ends_on_removal) {
    Finish("stick removed", -1).IgnoreError();  // journaled inside
    return;
  }
  Persist().IgnoreError();
  Reconsider("keyed stick removed").IgnoreError();  // journaled inside
}

// ---------------------------------------------------------------- exceptions

void SessionManager::SticksChanged() {
  // Called from inside the USB enforcer's decisions: no stick is released
  // from here (none waits while radios are allowed).
  const bool was = in_gate_call_;
  in_gate_call_ = true;
  Reconsider("stick changed").IgnoreError();  // journaled inside
  in_gate_call_ = was;
}

void SessionManager::GrantsChanged() {
  Reconsider("radio exception changed").IgnoreError();  // journaled inside
}

std::optional<ScopeGrant> SessionManager::RadioGrant() const {
  if (!state_ || grants_ == nullptr) return std::nullopt;
  std::vector<ScopeGrant> running =
      grants_->Running(exception::ScopeKind::kRadios);
  if (running.empty()) return std::nullopt;
  return running.back();  // the one that ends last
}

Status SessionManager::Reconsider(std::string_view why) {
  std::optional<ScopeGrant> grant = RadioGrant();
  // Any keyed stick present, whatever its state (read-only, waiting,
  // writable), one the session counts, or any stick not settled yet (its
  // key still being read: it may be keyed): no radio while it is in.
  const bool stick_in =
      (state_ && !state_->sticks.empty()) ||
      (sticks_ != nullptr &&
       (!sticks_->KeyedSticks().empty() || sticks_->AnyUnsettled()));
  const bool allow = grant.has_value() && !stick_in;
  if (allow == radios_allowed_) {
    if (allow) allowed_by_ = grant->grant;
    if (!grant) allowance_suspended_ = false;  // it ended while it waited
    return Status::Ok();
  }
  if (allow) {
    // Journaled before any radio may come on: otherwise they stay blocked.
    PIIGUARD_RETURN_IF_ERROR(
        Journal(journal::types::kRadioAllowed, journal::Severity::kNotice,
                Json{{"grant", grant->grant},
                     {"responsible", grant->responsible},
                     {"types", TypeNames(state_->block_types)},
                     {"why", why}}));
    radios_allowed_ = true;
    allowed_by_ = grant->grant;
    confirmed_ = false;
    PublishGuard();
    if (allowance_suspended_) {
      allowance_suspended_ = false;
      NotifyAllowance(MsgId::kRadioAllowanceResumed, grant->grant);
    }
    // As they were before the session: a radio that was on comes back on.
    Json restored = Json::object();
    return RestoreRadios(*state_, restored);
  }
  // Blocked whether or not this entry can be written; radio.confirmed
  // follows once every radio shows blocked.
  Status journaled =
      Journal(journal::types::kRadioAllowanceEnded, journal::Severity::kNotice,
              Json{{"grant", allowed_by_},
                   {"why", why},
                   {"grant_running", grant.has_value()}});
  radios_allowed_ = false;
  PublishGuard();
  // The grant runs on: a keyed stick came in (the exception service tells
  // staff when a grant itself ends).
  allowance_suspended_ = grant.has_value();
  if (allowance_suspended_) {
    NotifyAllowance(MsgId::kRadioAllowanceSuspended, allowed_by_);
  }
  allowed_by_.clear();
  Status blocked = BlockAll(why);
  return blocked.ok() ? journaled : blocked;
}

void SessionManager::NotifyAllowance(MsgId id, const std::string& grant) {
  if (notify_ == nullptr) return;
  notify_->Notify(notify::CatalogueNotice(id, {grant}, {grant}));
}

Json SessionManager::AllowanceJson() const {
  if (radios_allowed()) return Json{{"allowed", true}, {"grant", allowed_by_}};
  std::optional<ScopeGrant> grant = RadioGrant();
  if (!grant) return Json{{"allowed", false}};
  // A radio exception runs but a keyed stick is in.
  return Json{{"allowed", false}, {"grant", grant->grant}, {"waiting", true}};
}

// ---------------------------------------------------------------- maintenance

bool SessionManager::MaintenanceHolds() const {
  return maintenance_ != nullptr && maintenance_->HeldUntilUs().has_value();
}

int64_t SessionManager::MaintenanceUntilMs() const {
  const int64_t now_us = config_.clock->MonotonicUs();
  const int64_t until_us = maintenance_->HeldUntilUs().value_or(now_us);
  return config_.clock->WallMs() +
         std::max<int64_t>(0, until_us - now_us) / 1000;
}

std::optional<Json> SessionManager::RefuseForMaintenance(
    const ipc::Peer& peer) {
  if (!MaintenanceHolds()) return std::nullopt;
  const int64_t until_ms = MaintenanceUntilMs();
  Journal(journal::types::kSessionStartRefused, journal::Severity::kNotice,
          Json{{"origin", OriginName(Origin::kCommand)},
               {"uid", peer.uid},
               {"user", config_.user_name ? config_.user_name(peer.uid) : ""},
               {"reason", "maintenance"},
               {"until_ms", until_ms}})
      .IgnoreError();
  return Json{
      {"started", false}, {"refused", "maintenance"}, {"until_ms", until_ms}};
}

bool SessionManager::RefuseStickForMaintenance(const KeyedStick& stick) {
  Json details = {{"stick_id", stick.stick_id},
                  {"device", stick.device},
                  {"job", stick.job},
                  {"reason", "maintenance"},
                  {"until_ms", MaintenanceUntilMs()}};
  if (state_) {
    details["writable"] = false;
    Journal(journal::types::kSessionStickGate, journal::Severity::kNotice,
            std::move(details))
        .IgnoreError();
  } else {
    details["origin"] = OriginName(Origin::kStick);
    Journal(journal::types::kSessionStartRefused, journal::Severity::kNotice,
            std::move(details))
        .IgnoreError();
  }
  return false;  // it waits read-only; MaintenanceChanged() decides again
}

void SessionManager::MaintenanceChanged() {
  if (MaintenanceHolds() || sticks_ == nullptr) return;
  // The window has closed: each keyed stick that waited is decided as when
  // it was verified (a session starts for it, the radios go off), then
  // every waiting stick is released once they are confirmed.
  for (const KeyedStickState& keyed : sticks_->KeyedSticks()) {
    if (!keyed.writable) (void)KeyedStickVerified(keyed.stick);
  }
  if (radios_confirmed()) sticks_->ReleaseWaiting().IgnoreError();
}

// ---------------------------------------------------------------- status

Json SessionManager::RadiosJson() const {
  Json radios = Json::array();
  for (const auto& [idx, radio] : radios_) {
    radios.push_back({{"idx", idx},
                      {"type", os::RadioTypeName(radio.type)},
                      {"name", radio.name},
                      {"soft", radio.soft},
                      {"hard", radio.hard},
                      {"blocked", radio.soft || radio.hard}});
  }
  return radios;
}

Result<Json> SessionManager::StatusPart() const {
  Json part = {{"active", state_.has_value()},
               {"radios_confirmed", radios_confirmed()},
               {"radio_exception", AllowanceJson()},
               {"standalone", rules_.standalone},
               {"radios", RadiosJson()}};
  if (state_) {
    part["origin"] = OriginName(state_->origin);
    part["uid"] = state_->uid;
    part["user"] = state_->user;
    part["job"] = state_->job;
    part["started_ms"] = state_->started_ms;
    part["block_types"] = TypeNames(state_->block_types);
    part["sticks"] = state_->sticks;
  }
  Json links = Json::array();
  for (const auto& [index, link] : link_state_) {
    if (link.loopback) continue;
    links.push_back(
        {{"name", link.name}, {"up", link.up}, {"kept", KeptUp(link.name)}});
  }
  part["links"] = links;
  return part;
}

}  // namespace piiguard::agent::session
