// The session manager (issue 6, REQUIREMENTS R3/R12): personal-data
// sessions, the radios they keep blocked, standalone links, and the
// interlock with keyed sticks. docs/session.md describes the states,
// transitions, persistence, interlock and rights.
//
// - A session starts from `piiguard session start` (Start), from a keyed
//   stick verified by the USB module (WriteGate::KeyedStickVerified), or at
//   Init when the policy says standalone.
// - On start it remembers each radio's soft state, blocks every type in the
//   policy's radio.block_types with RFKILL_OP_CHANGE_ALL, and confirms from
//   the rfkill state that each such radio is blocked; only then may keyed
//   sticks be written (StickControl::ReleaseWaiting).
// - Any unblock of a blocked type during the session is undone at once
//   (CHANGE_ALL again) and journaled (radio.unblock_attempt,
//   radio.reblocked with the microseconds it took); if re-blocking fails,
//   every keyed stick is made read-only (StickControl::MakeAllReadOnly).
// - Standalone (policy radio.standalone): every non-loopback link down but
//   the allowed ones, which keep only their CIDR's traffic (nftables table
//   inet piiguard); a link brought back up is taken down again.
// - The session is persisted (DIR/session.json, atomic writes) and resumed
//   after a restart; a corrupt file fails closed (session on, radios
//   blocked, nothing restored).
// - A radio exception (issue 17, docs/exceptions.md "Radios during a
//   session"): while a grant of the radios scope runs and no keyed stick is
//   in, the session's radios are allowed: put back as they were before the
//   session, and not re-blocked. A keyed stick comes first: when one is
//   verified the radios are blocked again (and confirmed) before it may be
//   written, and they are allowed again once every keyed stick is out.
// - A maintenance window (issue 17 item 3, agent/interlock/maintenance.h):
//   while one is open or closing, no session starts (staff's command or a
//   keyed stick; journaled session.start_refused) and no keyed stick is
//   made writable, whatever session runs; when it has closed, keyed sticks
//   that waited start their session as when they were verified.
//
// Thread-safety: not thread-safe; the daemon's event loop owns it.
#ifndef PIIGUARD_AGENT_SESSION_SESSION_MANAGER_H_
#define PIIGUARD_AGENT_SESSION_SESSION_MANAGER_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/interlock/exception_grants.h"
#include "agent/interlock/interlock.h"
#include "agent/interlock/maintenance.h"
#include "agent/ipc/ipc.h"
#include "agent/journal/journal.h"
#include "agent/notify/notifier.h"
#include "agent/session/session_state.h"
#include "common/json_fwd.h"
#include "common/messages.h"
#include "common/os/clock.h"
#include "common/os/firewall.h"
#include "common/os/links.h"
#include "common/os/rfkill.h"
#include "policy/policy.h"

namespace piiguard::agent::session {

// What the manager takes from the policy.
struct SessionRules {
  std::vector<uint8_t> block_types;  // rfkill type values
  bool standalone = false;
  std::vector<policy::StandaloneAllow> standalone_allow;
  bool ends_on_removal = true;
};
// From a parsed policy; an unknown radio type name is an error.
Result<SessionRules> RulesFromPolicy(const policy::Policy& policy);

struct SessionConfig {
  std::string state_file;  // DIR/session.json
  // Wall clock (when a session started), monotonic clock (deadlines and
  // re-block latencies); outlives the manager.
  const os::Clock* clock = &os::SystemClock();
  // Durable journal (agent/journal); a failed append is returned to the
  // caller, after the security action was taken. Outlives the manager;
  // null: every append fails.
  journal::Appender* journal = nullptr;
  std::function<std::string(uid_t)> user_name;
  // Optional: the radio guard (radio_guard.h). `guard_types` gets the mask
  // of types to keep blocked (0 when no session) whenever it changes;
  // `guard_micros` is the guard's time for its latest re-block, journaled
  // with radio.reblocked.
  std::function<void(uint32_t)> guard_types;
  std::function<int64_t()> guard_micros;
};

class SessionManager : public WriteGate,
                       public GrantListener,
                       public MaintenanceSessions {
 public:
  // `links` and `firewall` may be null on a PC that is never standalone
  // (then a standalone policy fails closed: Init returns an error).
  SessionManager(SessionConfig config, os::Rfkill& rfkill, os::Links* links,
                 os::Firewall* firewall, SessionRules rules);

  void SetStickControl(StickControl* sticks) { sticks_ = sticks; }
  // The running exceptions (agent/exception); null: radios are never
  // allowed during a session. Call GrantsChanged() once after Init().
  void SetExceptionGrants(ExceptionGrants* grants) { grants_ = grants; }
  // The maintenance window (agent/maint); null: none ever holds.
  void SetMaintenance(MaintenanceHold* maintenance) {
    maintenance_ = maintenance;
  }
  // Staff's notices (a keyed stick suspends a radio exception, and taking
  // it out resumes it); null: none. Outlives the manager.
  void SetNotifier(notify::Notifier* notify) { notify_ = notify; }

  // Reads the radios present, then the session file: resumes a session,
  // fails closed on a corrupt file, or starts the standalone session.
  Status Init();
  // The policy changed (a new one was applied).
  Status ApplyRules(SessionRules rules);

  // The rfkill / rtnetlink descriptor became readable.
  Status OnRfkillReadable();
  Status OnLinksReadable();

  // Local requests; answers for the CLI. An answer with "refused" is not
  // an error of the daemon.
  Result<Json> Start(const ipc::Peer& peer, const std::string& job);
  Result<Json> End(const ipc::Peer& peer);
  // The "session" part of `piiguard status`.
  Result<Json> StatusPart() const;

  // `piiguardd --release` (the daemon stopped, the package being removed):
  // ends the session on disk whatever its origin, through the same restore
  // paths as any ended session (radios as they were before it, links
  // brought back up, the nft table removed), journaled as session.ended
  // "by" release. A corrupt session file: the earlier state is unknown, so
  // every radio is unblocked and the nft table removed; links are left as
  // they are ("links": "earlier state unknown"). Call instead of Init().
  // The answer: {"session": false} when there was none, else "origin",
  // "restored", and "problem" when something could not be restored.
  Result<Json> Release();

  bool KeyedStickVerified(const KeyedStick& stick) override;
  void KeyedStickGone(const KeyedStick& stick) override;
  void SticksChanged() override;

  // GrantListener: a radio exception began or ended.
  void GrantsChanged() override;
  // MaintenanceSessions (session_interlock.cc).
  bool SessionActive() const override { return active(); }
  void MaintenanceChanged() override;

  bool active() const { return state_.has_value(); }
  bool radios_confirmed() const { return active() && confirmed_; }
  // A radio exception lets the session's radios be on now.
  bool radios_allowed() const { return active() && radios_allowed_; }
  const std::optional<SessionState>& state() const { return state_; }

 private:
  struct Radio {
    uint8_t type = 0;
    std::string name;
    bool soft = false;
    bool hard = false;
  };
  struct Attempt {
    os::RfkillEvent event;
    std::string name;
    bool new_radio = false;
  };

  Status Journal(std::string type, journal::Severity severity,
                 Json details) const;
  Status Persist();
  void PublishGuard() const;
  Status ReadFailed(const Status& error);
  bool Blocks(uint8_t type) const;
  // Applies `events` to radios_; returns the unblocks of blocked types.
  std::vector<Attempt> Apply(const std::vector<os::RfkillEvent>& events);
  // Reads and handles pending events (re-blocking) until none is left.
  Status Pump(int64_t since_us);
  Status Reblock(const std::vector<Attempt>& attempts, int64_t since_us);
  Status BlockAll(std::string_view why);
  Status UpdateConfirmation();
  Status FailClosed(std::string_view reason);

  // `record_prior`: remember the radios' state now (false after a corrupt
  // file: the earlier state is unknown).
  Status Begin(SessionState state, bool record_prior);
  Status Finish(std::string_view by, int64_t by_uid);
  Status RestoreRadios(const SessionState& saved, Json& restored);

  Status IsolateLinks();
  Status RestoreLinks(const SessionState& saved, Json& restored);
  Status TakeDown(const os::LinkInfo& link, std::string_view why);
  bool KeptUp(const std::string& name) const;

  Json RadiosJson() const;

  // The radio exception that may apply now (the session on, a grant of the
  // radios scope running), or nullopt.
  std::optional<ScopeGrant> RadioGrant() const;
  // Allows the radios or blocks them again as RadioGrant() and the keyed
  // sticks present say; `why` goes to the journal.
  Status Reconsider(std::string_view why);
  void NotifyAllowance(MsgId id, const std::string& grant);
  Json AllowanceJson() const;
  // A maintenance window is open or closing (session_interlock.cc).
  bool MaintenanceHolds() const;
  // Start() during a window: journaled, and the answer; nullopt: none.
  std::optional<Json> RefuseForMaintenance(const ipc::Peer& peer);
  // A keyed stick verified during a window: journaled; it stays read-only.
  bool RefuseStickForMaintenance(const KeyedStick& stick);
  // When the window ends, wall clock (for staff).
  int64_t MaintenanceUntilMs() const;

  SessionConfig config_;
  os::Rfkill& rfkill_;
  os::Links* links_;
  os::Firewall* firewall_;
  SessionRules rules_;
  StickControl* sticks_ = nullptr;
  ExceptionGrants* grants_ = nullptr;
  notify::Notifier* notify_ = nullptr;
  // The radio exception waits for a keyed stick to go (notice given).
  bool allowance_suspended_ = false;
  MaintenanceHold* maintenance_ = nullptr;

  std::map<uint32_t, Radio> radios_;
  std::map<int32_t, os::LinkInfo> link_state_;
  std::optional<SessionState> state_;
  bool confirmed_ = false;
  bool radios_allowed_ = false;  // by a radio exception (RadioGrant)
  std::string allowed_by_;       // that grant's id
  bool firewall_failed_ = false;
  bool in_gate_call_ = false;    // inside KeyedStickVerified
  bool block_failed_ = false;    // the last CHANGE_ALL of a type failed
  std::string restore_problem_;  // of the last Finish
  Json last_restored_;           // of the last Finish
};

}  // namespace piiguard::agent::session

#endif  // PIIGUARD_AGENT_SESSION_SESSION_MANAGER_H_
