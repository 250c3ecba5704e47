#include "agent/session/session_manager.h"

#include <algorithm>
#include <set>

#include "agent/session/radio_guard.h"
#include "agent/session/session_internal.h"
#include "agent/session/standalone.h"
#include "common/file_util.h"
#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::agent::session {
namespace {

constexpr int kMaxPumpRounds = 16;

}  // namespace

Result<SessionRules> RulesFromPolicy(const policy::Policy& policy) {
  SessionRules rules;
  for (const std::string& name : policy.radio.block_types) {
    std::optional<os::RadioType> type = os::ParseRadioType(name);
    if (!type) {
      return InvalidArgumentError("session", "radio.block_types",
                                  "unknown type " + name);
    }
    rules.block_types.push_back(static_cast<uint8_t>(*type));
  }
  rules.standalone = policy.radio.standalone;
  rules.standalone_allow = policy.radio.standalone_allow;
  rules.ends_on_removal = policy.keyed_sticks.session_ends_on_removal;
  return rules;
}

SessionManager::SessionManager(SessionConfig config, os::Rfkill& rfkill,
                               os::Links* links, os::Firewall* firewall,
                               SessionRules rules)
    : config_(std::move(config)),
      rfkill_(rfkill),
      links_(links),
      firewall_(firewall),
      rules_(std::move(rules)) {}

Status SessionManager::Journal(std::string type, journal::Severity severity,
                               Json details) const {
  journal::Event event;
  event.type = std::move(type);
  event.severity = severity;
  event.subject = "session";
  event.details = std::move(details);
  if (config_.journal == nullptr) {
    return FailedPreconditionError("session", "journal", "none given");
  }
  return config_.journal->Append(event).status();
}

void SessionManager::PublishGuard() const {
  if (config_.guard_types) {
    config_.guard_types(
        state_ && !radios_allowed_ ? GuardMask(state_->block_types) : 0);
  }
}

Status SessionManager::Persist() {
  // Every change of the session passes here before the radios change: the
  // guard's set follows it (cleared before a session's end restores any
  // radio, set before a start blocks them).
  PublishGuard();
  return WriteFileAtomic(config_.state_file, SerializeSessionState(state_),
                         0600);
}

bool SessionManager::Blocks(uint8_t type) const {
  if (!state_ || radios_allowed_) return false;
  return std::any_of(state_->block_types.begin(), state_->block_types.end(),
                     [type](uint8_t b) { return Matches(b, type); });
}

// ---------------------------------------------------------------- radios

std::vector<SessionManager::Attempt> SessionManager::Apply(
    const std::vector<os::RfkillEvent>& events) {
  std::vector<Attempt> attempts;
  for (const os::RfkillEvent& e : events) {
    if (e.op == os::RfkillOp::kDel) {
      radios_.erase(e.idx);
      continue;
    }
    if (e.op == os::RfkillOp::kChangeAll) continue;  // not sent by kernels
    auto [it, added] = radios_.try_emplace(e.idx);
    Radio& radio = it->second;
    if (added) {
      Result<std::string> name = rfkill_.Name(e.idx);
      radio.name = name.ok() ? *name : "";
    }
    radio.type = e.type;
    radio.soft = e.soft;
    radio.hard = e.hard;
    if (Blocks(e.type) && !e.soft) {
      attempts.push_back(
          Attempt{e, radio.name, added || e.op == os::RfkillOp::kAdd});
    }
  }
  return attempts;
}

Status SessionManager::ReadFailed(const Status& error) {
  Journal(journal::types::kRadioReadFailed, journal::Severity::kIncident,
          Json{{"error", error.message()}})
      .IgnoreError();
  if (state_) FailClosed(error.message()).IgnoreError();
  return error;
}

Status SessionManager::Pump(int64_t since_us) {
  Status first;
  for (int round = 0; round < kMaxPumpRounds; ++round) {
    Result<std::vector<os::RfkillEvent>> events = rfkill_.ReadEvents();
    if (!events.ok()) {
      Status failed = ReadFailed(events.status());
      return first.ok() ? failed : first;
    }
    if (events->empty()) break;
    std::vector<Attempt> attempts = Apply(*events);
    if (!attempts.empty()) {
      Status s = Reblock(attempts, since_us);
      if (first.ok() && !s.ok()) first = s;
    }
    since_us = config_.clock->MonotonicUs();
  }
  Status s = UpdateConfirmation();
  return first.ok() ? s : first;
}

Status SessionManager::Reblock(const std::vector<Attempt>& attempts,
                               int64_t since_us) {
  std::set<uint8_t> types;
  for (const Attempt& a : attempts) {
    for (uint8_t b : state_->block_types) {
      if (Matches(b, a.event.type)) types.insert(b);
    }
  }
  // First each radio that came up (RFKILL_OP_CHANGE touches one device:
  // the shortest window), then CHANGE_ALL per type, which also restores the
  // type's default in case the unblock was a CHANGE_ALL.
  Status failed;
  for (const Attempt& a : attempts) {
    Status s = rfkill_.Change(a.event.idx, true);
    if (!s.ok() && failed.ok()) failed = s;
  }
  for (uint8_t t : types) {
    Status s = rfkill_.ChangeAll(t, true);
    if (!s.ok() && failed.ok()) failed = s;
  }
  block_failed_ = !failed.ok();
  int64_t took_us = config_.clock->MonotonicUs() - since_us;
  Status first;
  for (const Attempt& a : attempts) {
    Status s = Journal(
        journal::types::kRadioUnblockAttempt, journal::Severity::kViolation,
        Json{{"idx", a.event.idx},
             {"type", os::RadioTypeName(a.event.type)},
             {"name", a.name},
             {"op", os::RfkillOpName(a.event.op)},
             {"soft", a.event.soft},
             {"hard", a.event.hard},
             {"new_radio", a.new_radio},
             {"tried", a.new_radio ? "a radio appeared unblocked"
                                   : "soft unblock by another program"}});
    if (first.ok() && !s.ok()) first = s;
  }
  std::vector<uint8_t> list(types.begin(), types.end());
  if (!failed.ok()) {
    Status s = Journal(journal::types::kRadioReblockFailed,
                       journal::Severity::kIncident,
                       Json{{"types", TypeNames(list)},
                            {"error", failed.message()},
                            {"micros", took_us}});
    if (first.ok() && !s.ok()) first = s;
    FailClosed("radio re-block failed: " + failed.message()).IgnoreError();
    return failed;
  }
  Json details = {{"types", TypeNames(list)}, {"micros", took_us}};
  if (config_.guard_micros) details["guard_micros"] = config_.guard_micros();
  Status s = Journal(journal::types::kRadioReblocked,
                     journal::Severity::kNotice, std::move(details));
  return first.ok() ? s : first;
}

Status SessionManager::BlockAll(std::string_view why) {
  // A radio exception runs: Reconsider() blocks them when it ends.
  if (radios_allowed_) return Pump(config_.clock->MonotonicUs());
  Status failed;
  for (uint8_t t : state_->block_types) {
    Status s = rfkill_.ChangeAll(t, true);
    if (!s.ok()) {
      Journal(journal::types::kRadioBlockFailed, journal::Severity::kIncident,
              Json{{"type", os::RadioTypeName(t)},
                   {"error", s.message()},
                   {"why", why}})
          .IgnoreError();
      if (failed.ok()) failed = s;
    }
  }
  block_failed_ = !failed.ok();
  Status pumped = Pump(config_.clock->MonotonicUs());
  if (!failed.ok()) {
    FailClosed("radio block failed: " + failed.message()).IgnoreError();
    return failed;
  }
  return pumped;
}

Status SessionManager::UpdateConfirmation() {
  if (!state_ || radios_allowed_) {
    confirmed_ = false;
    return Status::Ok();
  }
  std::string open;
  for (const auto& [idx, radio] : radios_) {
    if (Blocks(radio.type) && !radio.soft) {
      open = radio.name.empty() ? std::to_string(idx) : radio.name;
    }
  }
  if (block_failed_ && open.empty()) open = "(a block write failed)";
  if (open.empty() && !confirmed_) {
    confirmed_ = true;
    Status s =
        Journal(journal::types::kRadioConfirmed, journal::Severity::kNotice,
                Json{{"types", TypeNames(state_->block_types)},
                     {"radios", RadiosJson()}});
    if (sticks_ != nullptr && !in_gate_call_ && !MaintenanceHolds()) {
      Status released = sticks_->ReleaseWaiting();
      if (!released.ok()) return released;
    }
    return s;
  }
  if (!open.empty() && confirmed_ && !block_failed_) {
    return FailClosed("radio " + open + " is not blocked");
  }
  return Status::Ok();
}

Status SessionManager::FailClosed(std::string_view reason) {
  confirmed_ = false;
  Status sticks;
  if (sticks_ != nullptr) sticks = sticks_->MakeAllReadOnly(reason);
  Status s =
      Journal(journal::types::kSessionFailClosed, journal::Severity::kIncident,
              Json{{"reason", reason},
                   {"sticks_read_only", sticks.ok()},
                   {"error", sticks.ok() ? "" : sticks.message()}});
  return sticks.ok() ? s : sticks;
}

Status SessionManager::OnRfkillReadable() {
  return Pump(config_.clock->MonotonicUs());
}

// ---------------------------------------------------------------- lifecycle

Status SessionManager::Init() {
  Status pumped = Pump(config_.clock->MonotonicUs());
  if (!pumped.ok()) return pumped;
  if (links_ != nullptr) {
    Result<std::vector<os::LinkInfo>> list = links_->List();
    if (list.ok()) {
      for (const os::LinkInfo& l : *list) link_state_[l.ifindex] = l;
    }
  }
  Result<std::string> bytes =
      ReadFileBytes(config_.state_file, kMaxSessionFileBytes);
  if (!bytes.ok() && bytes.status().code() != StatusCode::kNotFound) {
    bytes = std::string("unreadable: ") + bytes.status().message();
  }
  if (bytes.ok()) {
    Result<std::optional<SessionState>> parsed = ParseSessionState(*bytes);
    if (!parsed.ok()) {
      // Fail closed: the session stays on with every configured type
      // blocked (all types if the policy names none); the earlier state is
      // unknown, so nothing is restored at the end.
      WriteFileAtomic(config_.state_file + ".corrupt", *bytes, 0600)
          .IgnoreError();
      SessionState s;
      s.origin = Origin::kRecovered;
      s.started_ms = config_.clock->WallMs();
      s.block_types = rules_.block_types.empty() ? std::vector<uint8_t>{kAll}
                                                 : rules_.block_types;
      s.prior_known = false;
      Status j = Journal(journal::types::kSessionFileCorrupt,
                         journal::Severity::kIncident,
                         Json{{"error", parsed.status().message()},
                              {"kept", config_.state_file + ".corrupt"},
                              {"action",
                               "session kept on, radios blocked, earlier "
                               "state not restored; root ends it"}});
      Status begun = Begin(std::move(s), false);
      return j.ok() ? begun : j;
    }
    if (*parsed) {
      state_ = std::move(**parsed);
      confirmed_ = false;
      PublishGuard();
      Status j =
          Journal(journal::types::kSessionResumed, journal::Severity::kNotice,
                  Json{{"origin", OriginName(state_->origin)},
                       {"job", state_->job},
                       {"types", TypeNames(state_->block_types)}});
      Status blocked = BlockAll("resume");
      if (rules_.standalone) {
        Status isolated = IsolateLinks();
        if (blocked.ok()) blocked = isolated;
      }
      Status persisted = Persist();
      if (!j.ok()) return j;
      return blocked.ok() ? persisted : blocked;
    }
  }
  if (rules_.standalone) {
    SessionState s;
    s.origin = Origin::kStandalone;
    s.started_ms = config_.clock->WallMs();
    s.block_types = rules_.block_types;
    return Begin(std::move(s), true);
  }
  return Status::Ok();
}

Status SessionManager::Begin(SessionState state, bool record_prior) {
  if (record_prior) {
    for (const auto& [idx, radio] : radios_) {
      state.prior_radios.push_back(
          PriorRadio{idx, radio.type, radio.name, radio.soft});
    }
  }
  state_ = std::move(state);
  confirmed_ = false;
  // The earlier state is on disk before anything changes.
  Status persisted = Persist();
  Status j =
      Journal(journal::types::kSessionStarted, journal::Severity::kNotice,
              Json{{"origin", OriginName(state_->origin)},
                   {"uid", state_->uid},
                   {"user", state_->user},
                   {"job", state_->job},
                   {"types", TypeNames(state_->block_types)}});
  Status blocked = BlockAll("session start");
  if (rules_.standalone) {
    Status isolated = IsolateLinks();
    if (blocked.ok()) blocked = isolated;
  }
  Status persisted_again = Persist();
  // A radio exception that runs already applies to the new session.
  Status allowed = Reconsider("session start");
  if (!persisted.ok()) return persisted;
  if (!j.ok()) return j;
  if (!blocked.ok()) return blocked;
  return persisted_again.ok() ? allowed : persisted_again;
}

Status SessionManager::ApplyRules(SessionRules rules) {
  bool was_standalone = rules_.standalone;
  rules_ = std::move(rules);
  if (!state_) {
    if (!rules_.standalone) return Status::Ok();
    SessionState s;
    s.origin = Origin::kStandalone;
    s.started_ms = config_.clock->WallMs();
    s.block_types = rules_.block_types;
    return Begin(std::move(s), true);
  }
  if (state_->origin == Origin::kStandalone && !rules_.standalone) {
    return Finish("policy", -1);
  }
  for (uint8_t t : rules_.block_types) {
    if (std::find(state_->block_types.begin(), state_->block_types.end(), t) ==
        state_->block_types.end()) {
      for (const auto& [idx, radio] : radios_) {
        bool known = std::any_of(
            state_->prior_radios.begin(), state_->prior_radios.end(),
            [idx = idx](const PriorRadio& p) { return p.idx == idx; });
        if (!known && Matches(t, radio.type)) {
          state_->prior_radios.push_back(
              PriorRadio{idx, radio.type, radio.name, radio.soft});
        }
      }
      state_->block_types.push_back(t);
    }
  }
  Status persisted = Persist();
  Status blocked = BlockAll("policy applied");
  if (rules_.standalone && !was_standalone) {
    Status isolated = IsolateLinks();
    if (blocked.ok()) blocked = isolated;
  }
  Status again = Persist();
  if (!persisted.ok()) return persisted;
  return blocked.ok() ? again : blocked;
}

Result<Json> SessionManager::Start(const ipc::Peer& peer,
                                   const std::string& job) {
  if (state_) {
    return Json{{"started", false},
                {"already", true},
                {"origin", OriginName(state_->origin)},
                {"radios_confirmed", confirmed_}};
  }
  if (std::optional<Json> refused = RefuseForMaintenance(peer)) return *refused;
  SessionState s;
  s.origin = Origin::kCommand;
  s.uid = peer.uid;
  s.user = config_.user_name ? config_.user_name(peer.uid) : "";
  s.job = job;
  s.started_ms = config_.clock->WallMs();
  s.block_types = rules_.block_types;
  Status begun = Begin(std::move(s), true);
  Json answer = {{"started", true},
                 {"radios_confirmed", confirmed_},
                 {"radios", RadiosJson()}};
  if (!begun.ok()) answer["problem"] = begun.message();
  return answer;
}

Result<Json> SessionManager::End(const ipc::Peer& peer) {
  if (!state_) return Json{{"ended", false}, {"refused", "no_session"}};
  std::string refused;
  // While a keyed stick is in, no session ends, whoever asks (root too):
  // its data could leave by radio once they are back (issue 14). Asked of
  // the USB enforcer, which knows what is plugged now.
  const bool keyed_present =
      sticks_ != nullptr && !sticks_->KeyedSticks().empty();
  switch (state_->origin) {
    case Origin::kCommand:
      if (peer.uid != 0 && static_cast<int64_t>(peer.uid) != state_->uid) {
        refused = "not_starter";
      }
      break;
    case Origin::kStick:
      if (peer.uid != 0 && !state_->sticks.empty()) refused = "stick_present";
      break;
    case Origin::kStandalone:
      refused = "standalone";
      break;
    case Origin::kRecovered:
      if (peer.uid != 0) refused = "root_only";
      break;
  }
  if (keyed_present && refused.empty()) refused = "stick_present";
  if (!refused.empty()) {
    PIIGUARD_RETURN_IF_ERROR(Journal(
        journal::types::kSessionEndRefused, journal::Severity::kNotice,
        Json{{"uid", peer.uid},
             {"user", config_.user_name ? config_.user_name(peer.uid) : ""},
             {"origin", OriginName(state_->origin)},
             {"reason", refused}}));
    return Json{{"ended", false},
                {"refused", refused},
                {"origin", OriginName(state_->origin)}};
  }
  PIIGUARD_RETURN_IF_ERROR(Finish("command", peer.uid));
  Json answer = {{"ended", true}, {"radios", RadiosJson()}};
  if (!restore_problem_.empty()) answer["problem"] = restore_problem_;
  return answer;
}

Status SessionManager::Finish(std::string_view by, int64_t by_uid) {
  // Sticks first: no keyed stick may stay writable once radios may unblock.
  if (sticks_ != nullptr) {
    Status s = sticks_->MakeAllReadOnly("session ended");
    if (!s.ok()) {
      Journal(journal::types::kSessionEndFailed, journal::Severity::kIncident,
              Json{{"error", s.message()}, {"action", "session kept on"}})
          .IgnoreError();
      return s;
    }
  }
  SessionState saved = *state_;
  const bool was_allowed = radios_allowed_;
  state_.reset();
  confirmed_ = false;
  radios_allowed_ = false;
  if (Status s = Persist(); !s.ok()) {
    state_ = std::move(saved);
    radios_allowed_ = was_allowed;
    PublishGuard();
    Journal(journal::types::kSessionEndFailed, journal::Severity::kIncident,
            Json{{"error", s.message()}, {"action", "session kept on"}})
        .IgnoreError();
    return s;
  }
  Json restored = Json::object();
  Status radios = RestoreRadios(saved, restored);
  Status links = RestoreLinks(saved, restored);
  Status j = Journal(journal::types::kSessionEnded, journal::Severity::kNotice,
                     Json{{"by", by},
                          {"uid", by_uid},
                          {"origin", OriginName(saved.origin)},
                          {"job", saved.job},
                          {"started_ms", saved.started_ms},
                          {"restored", restored}});
  // The session has ended either way; what could not be restored is in
  // the journal entry and the answer.
  restore_problem_ = !radios.ok()  ? radios.message()
                     : !links.ok() ? links.message()
                                   : std::string();
  last_restored_ = std::move(restored);
  // A maintenance window that waited for the session may open now.
  if (maintenance_ != nullptr) maintenance_->SessionEnded();
  return j;
}

Result<Json> SessionManager::Release() {
  // The radios and links present now; no session is active yet, so
  // nothing is re-blocked while reading them.
  Status pumped = Pump(config_.clock->MonotonicUs());
  if (links_ != nullptr) {
    Result<std::vector<os::LinkInfo>> list = links_->List();
    if (list.ok()) {
      for (const os::LinkInfo& l : *list) link_state_[l.ifindex] = l;
    }
  }
  Result<std::string> bytes =
      ReadFileBytes(config_.state_file, kMaxSessionFileBytes);
  if (!bytes.ok()) {
    if (bytes.status().code() == StatusCode::kNotFound) {
      return Json{{"session", false}};
    }
    return bytes.status();
  }
  Result<std::optional<SessionState>> parsed = ParseSessionState(*bytes);
  if (parsed.ok() && !*parsed) return Json{{"session", false}};
  SessionState saved;
  if (parsed.ok()) {
    saved = std::move(**parsed);
  } else {
    // Unknown earlier state: every radio unblocked (a PC without piiguard
    // blocks none), the table removed, the links left alone.
    saved.origin = Origin::kRecovered;
    saved.started_ms = config_.clock->WallMs();
    saved.block_types = {kAll};
    saved.prior_known = true;
    saved.firewall = true;
  }
  state_ = std::move(saved);
  confirmed_ = false;
  std::string origin(OriginName(state_->origin));
  PIIGUARD_RETURN_IF_ERROR(Finish("release", 0));
  Json answer = {{"session", true},
                 {"origin", origin},
                 {"corrupt", !parsed.ok()},
                 {"restored", last_restored_}};
  if (!parsed.ok()) answer["restored"]["links"] = "earlier state unknown";
  std::string problem = restore_problem_;
  if (problem.empty() && !pumped.ok()) problem = pumped.message();
  if (!problem.empty()) answer["problem"] = problem;
  return answer;
}

Status SessionManager::RestoreRadios(const SessionState& saved,
                                     Json& restored) {
  Json list = Json::array();
  Status first;
  if (!saved.prior_known) {
    restored["radios"] = "not restored: earlier state unknown";
    return Status::Ok();
  }
  for (uint8_t t : saved.block_types) {
    bool any_blocked = false;
    for (const PriorRadio& p : saved.prior_radios) {
      if (Matches(t, p.type) && p.soft) any_blocked = true;
    }
    if (!any_blocked) {
      // Also resets the type's default for radios that appear later.
      Status s = rfkill_.ChangeAll(t, false);
      list.push_back({{"type", os::RadioTypeName(t)},
                      {"unblocked", "all"},
                      {"ok", s.ok()}});
      if (first.ok() && !s.ok()) first = s;
      continue;
    }
    for (const PriorRadio& p : saved.prior_radios) {
      if (!Matches(t, p.type) || p.soft || !radios_.contains(p.idx)) continue;
      Status s = rfkill_.Change(p.idx, false);
      list.push_back({{"type", os::RadioTypeName(p.type)},
                      {"unblocked", p.name},
                      {"ok", s.ok()}});
      if (first.ok() && !s.ok()) first = s;
    }
  }
  restored["radios"] = list;
  Status pumped = Pump(config_.clock->MonotonicUs());
  return first.ok() ? pumped : first;
}

}  // namespace piiguard::agent::session
