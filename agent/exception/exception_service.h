// The PC's exception service (issue 17, docs/exceptions.md "On the PC"):
// the offline codes read over the phone, wired to what they lift. Staff ask
// for an exception (`piiguard exception request`): the service shows a
// challenge bound to what staff picked (for a stick, its identity); the IT
// desk reads back a response; staff type it (`redeem`); the service checks
// it (policy/exception/redemption.h: single use, tries, lockout) against
// this PC's key K_pc and the person list of the applied policy
// (policy/exception/persons.h), and grants the exception for its time on the
// monotonic clock. Grants end on time (OnTimer) or early (`end`).
//
// What a grant lifts is decided by its module, asked through
// agent/interlock/stick_exceptions.h (the USB enforcer asks GrantFor() for
// each stick it decides) and agent/interlock/exception_grants.h (the session
// manager's radios, the roster guard's folders and the maintenance window
// ask Running()); every
// module is told GrantsChanged() whenever grants begin or end. A scope whose
// module is not wired is refused when asked for (no code is shown for
// something the PC would not do).
//
// Everything is journaled (exception.requested, .granted, .refused, .ended,
// .error) before it takes effect; a grant that cannot be journaled or whose
// state cannot be saved is not given (fail closed). The state (lockout,
// used nonces, pending challenge, grants) is kept in STATE/exceptions.state
// (root 0600) and survives a restart of the daemon; grants and the pending
// challenge end at reboot (another boot id).
//
// Thread-safety: not thread-safe; the daemon's event loop owns it.
#ifndef PIIGUARD_AGENT_EXCEPTION_EXCEPTION_SERVICE_H_
#define PIIGUARD_AGENT_EXCEPTION_EXCEPTION_SERVICE_H_

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agent/interlock/exception_grants.h"
#include "agent/interlock/stick_exceptions.h"
#include "agent/journal/journal.h"
#include "agent/notify/notifier.h"
#include "common/crypto.h"
#include "common/json_fwd.h"
#include "common/os/clock.h"
#include "common/result.h"
#include "policy/exception/redemption.h"
#include "policy/policy.h"

namespace piiguard::agent {

// Files from the sync whose refusal is remembered (ApplyFromSync).
inline constexpr size_t kMaxSyncRefusalsKept = 256;

struct ExceptionConfig {
  // Outlives the service.
  const os::Clock* clock = &os::SystemClock();
  // The journal; null: every append fails (and nothing is granted).
  journal::Appender* journal = nullptr;
  notify::Notifier* notify = nullptr;  // staff's notices; may be null
  // STATE/exceptions.state.
  std::string state_file;
  // The kernel's boot id (/proc/sys/kernel/random/boot_id).
  std::string boot_id;
  // This PC's id (the MAC's pc_id); "" before enrolment.
  std::function<std::string()> pc_id;
  // The applied policy (its person list); null before any.
  std::function<const policy::Policy*()> policy;
  // The login name of a uid (common/user_name.h); may be empty.
  std::function<std::string(uid_t)> user_name;
  // The monotonic time OnTimer() is wanted (0: none); may be empty.
  std::function<void(int64_t)> schedule;
  // The city key pinned at installation: with the applied policy's
  // exception-role keys, what signed exception files are checked against.
  std::vector<Ed25519PublicKey> pinned;
};

// What staff ask for (exception_request). `scope` empty: what may be asked
// for now. `index` and `identity` pick a stick: `identity`, if not empty,
// must be that of the stick at `index` (the one staff saw in the list).
// `folder`: the folder to pause (roster-folder), an absolute path.
struct ExceptionAsk {
  std::string scope;
  int64_t minutes = 0;
  int64_t index = 0;
  std::string identity;
  std::string folder;
};

class ExceptionService : public StickExceptions, public ExceptionGrants {
 public:
  // `key`: K_pc, or why there is none (no key file, a bad one): requests
  // are then refused with that reason.
  ExceptionService(ExceptionConfig config, Result<exception::ExceptionKey> key);

  // The module that makes foreign sticks writable; null: none (the stick
  // scope is refused). Outlives the service.
  void SetForeignSticks(ForeignSticks* sticks) { sticks_ = sticks; }
  // The session manager (radios) and the roster guard (folders); null: that
  // scope is refused. Each outlives the service.
  void SetRadios(GrantListener* radios) { radios_ = radios; }
  void SetFolders(FolderExceptions* folders) { folders_ = folders; }
  // The maintenance window (agent/maint); null: that scope is refused.
  // Outlives the service.
  void SetMaintenance(MaintenanceExceptions* maintenance) {
    maintenance_ = maintenance;
  }

  // Loads the state file. A missing file is an empty state; a corrupt one
  // is journaled (exception.error) and replaced by an empty state, which is
  // safe (docs/exceptions.md "If the file is corrupt"). One that cannot be
  // read (an I/O error, not a regular file, too large) is journaled, left
  // as it is, and no exception is asked for, redeemed or applied until a
  // start reads it: an empty state written over it would forget which
  // files were applied. Each grant still running is journaled
  // exception.resumed; one that cannot be journaled is ended.
  Status Init();

  // exception_request.
  Result<Json> Request(uid_t uid, const ExceptionAsk& ask);
  // exception_redeem.
  Result<Json> Redeem(uid_t uid, std::string_view response_text);
  // exception_end.
  Result<Json> End(uid_t uid, std::string_view grant);
  // exception_apply: a signed exception file's bytes, as staff gave them
  // (policy/exception/exception_file.h). Checked (signature, this PC, its
  // window on the wall clock, never applied before, the person, the scope
  // offered) and granted as a redeemed response is; every refusal is
  // journaled. The answer says which, in both languages.
  Result<Json> Apply(uid_t uid, std::string_view file_bytes) {
    return ApplyFile(uid, file_bytes, false);
  }
  // A signed exception file the sync process fetched from the office
  // (docs/exceptions.md "Online delivery"): the same checks and grant as
  // Apply, as root (uid 0), journaled with "origin": "sync". A file applied
  // before on this PC is skipped quietly (not journaled again at every
  // round); another refusal is journaled once per file (by its SHA-256,
  // while piiguardd runs; the last kMaxSyncRefusalsKept), then skipped
  // quietly. The answer is Apply's, with "journaled": false when skipped.
  Json ApplyFromSync(std::string_view file_bytes);
  // The time given to config.schedule has come: grants that ended are
  // journaled and their modules told.
  void OnTimer();
  // The "exceptions" part of `piiguard status`.
  Result<Json> StatusPart();
  // The vendor's one-time password of the running maintenance grant
  // `grant` (policy/exception/maintenance_password.h), from this PC's key:
  // what the maintenance window hashes into its file. Nothing else has
  // K_pc.
  Result<std::string> MaintenancePassword(std::string_view grant);

  // StickExceptions.
  std::optional<StickGrant> GrantFor(std::string_view identity) override;
  // ExceptionGrants.
  std::vector<ScopeGrant> Running(exception::ScopeKind scope) override;

 private:
  Status Journal(std::string type, journal::Severity severity, uid_t uid,
                 Json details) const;
  void Notify(MsgId id, std::initializer_list<std::string_view> ja,
              std::initializer_list<std::string_view> en) const;
  // Saves the state; a failure is retried at the next timer, request or
  // status (a grant ended but not saved must not come back at a restart).
  Status Persist();
  Status Save(const exception::RedemptionState& state);
  // Grants that ended since last seen: journaled, notices, modules told.
  // Init(): journals each running grant exception.resumed, ends the rest.
  void ResumeGrants();
  void SettleGrants(std::string_view why);
  void Reschedule();
  std::string UserName(uid_t uid) const;
  Result<std::vector<std::string>> PersonIds() const;
  // Every module: grants began or ended.
  void TellModules();
  // Whether the module that honours `scope` is wired.
  bool Offered(exception::ScopeKind scope) const;
  // What `request` without a scope answers.
  Json Choices() const;
  // What staff picked, checked: the detail bound to the challenge, and
  // what the request's answer and journal entry say of it (`what`).
  struct Picked {
    unsigned index = 0;
    std::string detail;
    Json what;            // {"stick": {...}} or {"folder": "..."}
    std::string said_ja;  // what staff say on the phone about it
    std::string said_en;
  };
  Result<Picked> PickStick(int64_t index, std::string_view identity) const;
  Result<Picked> Pick(uid_t uid, exception::ScopeKind scope,
                      const ExceptionAsk& ask) const;
  Result<Json> Challenge(uid_t uid, exception::ScopeKind scope,
                         exception::DurationClass duration, Picked picked);
  Result<Json> ApplyFile(uid_t uid, std::string_view file_bytes,
                         bool from_sync);
  // Apply's refusal: journaled (a file from the sync: once, see
  // ApplyFromSync), and the answer staff see.
  Json RefuseFile(uid_t uid, Json details, std::string_view refusal,
                  std::string_view error, MsgId id,
                  std::initializer_list<std::string_view> ja,
                  std::initializer_list<std::string_view> en);
  // A grant just saved takes effect: journaled exception.granted with
  // `details` first (if that fails it is ended, and the error returned),
  // then the modules told and staff noticed.
  Status Begin(uid_t uid, const exception::Grant& grant, const Json& details);

  ExceptionConfig config_;
  Result<exception::ExceptionKey> key_;
  exception::RedemptionState state_;
  ForeignSticks* sticks_ = nullptr;
  GrantListener* radios_ = nullptr;
  FolderExceptions* folders_ = nullptr;
  MaintenanceExceptions* maintenance_ = nullptr;
  std::set<uint64_t> running_;  // grants last seen running (their nonces)
  std::optional<exception::Challenge> last_shown_;
  bool unsaved_ = false;  // the last save failed
  // Not ok when Init() could not read the state file: nothing is saved
  // over it and every request is refused.
  Status unreadable_ = Status::Ok();
  // Files from the sync already refused and journaled (SHA-256 hex), oldest
  // first.
  std::deque<std::string> sync_refused_;
};

// A grant's id as shown and typed: its nonce in decimal.
std::string GrantId(const exception::Grant& grant);
// A foreign stick as `request` lists it and its journal entry names it.
Json ForeignStickJson(const ForeignStick& stick, size_t index);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_EXCEPTION_EXCEPTION_SERVICE_H_
