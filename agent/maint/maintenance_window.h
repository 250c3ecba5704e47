// The maintenance window (issue 17 item 3, REQUIREMENTS R6;
// docs/exceptions.md "The maintenance window"): while a maintenance
// exception runs, the vendor may log in to the maintenance account
// (default piiguard-maint, whose password is locked) with a one-time
// password the IT desk read to them, and use sudo; staff never learn it.
//
// - The PAM gate (installer, helper maint-pam) lets the account in only
//   while the window file (agent/maint/window_file.h) says so: this module
//   writes that file when a grant of the maintenance scope runs, and
//   removes it when the grant ends (on time, `piiguard exception end`), or
//   at the daemon's next start if it was left over.
// - Opening: journaled (maintenance.opened) BEFORE the window file is
//   written; if the journal fails, there is no window (fail closed). A
//   record (maintenance_record.h) is kept in the state directory until the
//   close is journaled.
// - Closing: the window file is removed FIRST (no new login), then every
//   process of the account is ended (MaintenanceHost::AccountProcesses:
//   its slice, its uids, its login session, their descendants): SIGTERM,
//   then after term_grace_us SIGKILL, rescanned until none is left, in
//   bounded rounds on the daemon's timer; processes still there after
//   kill_rounds are journaled (maintenance.error) and retried every
//   stuck_retry_us: the window counts as closing, and holds, until none is
//   left (and while the window file could not be removed, it is removed
//   again at each round). Then maintenance.closed says what ran: the part
//   of sudo's log
//   written since the window opened (sudo_log.h), the PAM gate's failed
//   tries and the processes ended.
// - Sessions (agent/interlock/maintenance.h): a window does not open while
//   a personal-data session runs (it waits for its end; staff cannot even
//   ask for one then); while it is open or closing (HeldUntilUs) no session
//   starts and no keyed stick is made writable.
// - The service (agent/interlock/exception_grants.h): the scope is offered
//   only when the account exists; the challenge is bound to its name.
//
// Time: config.clock's monotonic clock (CLOCK_BOOTTIME on the PC, as the
// grants' ends and the window file's end); the module tells the daemon its
// next deadline through config.schedule and expects OnTimer() then.
//
// Thread-safety: not thread-safe; the daemon's event loop owns it.
#ifndef PIIGUARD_AGENT_MAINT_MAINTENANCE_WINDOW_H_
#define PIIGUARD_AGENT_MAINT_MAINTENANCE_WINDOW_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agent/interlock/exception_grants.h"
#include "agent/interlock/maintenance.h"
#include "agent/journal/journal.h"
#include "agent/maint/maintenance_host.h"
#include "agent/maint/maintenance_record.h"
#include "agent/notify/notifier.h"
#include "common/json_fwd.h"
#include "common/messages.h"
#include "common/os/clock.h"

namespace piiguard::maint {

struct MaintenanceConfig {
  // Outlive the module. journal null: every append fails (no window opens).
  const os::Clock* clock = &os::SystemClock();
  journal::Appender* journal = nullptr;
  agent::notify::Notifier* notify = nullptr;  // staff's notices; may be null
  std::string account = std::string(kMaintenanceAccount);
  std::string record_file;  // STATE/maintenance.json
  std::string boot_id;      // /proc/sys/kernel/random/boot_id
  std::string sudo_log = std::string(kSudoLog);  // for the journal
  std::string io_log_dir = std::string(kIoLogDir);
  // The vendor's password of a running maintenance grant, "ABCD-EFGH-...":
  // the exception service's (it alone holds K_pc).
  std::function<Result<std::string>(std::string_view grant)> password;
  // The monotonic time OnTimer() is wanted (0: none); may be empty.
  std::function<void(int64_t)> schedule;
  int64_t term_grace_us = 5'000'000;    // SIGTERM, then SIGKILL after this
  int64_t kill_retry_us = 1'000'000;    // between SIGKILL rounds
  int kill_rounds = 5;                  // then maintenance.error
  int64_t stuck_retry_us = 60'000'000;  // and a round this often after
};

class MaintenanceWindow : public agent::MaintenanceExceptions,
                          public agent::MaintenanceHold {
 public:
  // Rescans right after a SIGKILL round, in the same turn of the loop.
  static constexpr int kRescans = 8;
  // Processes named in maintenance.closed (the count has them all).
  static constexpr size_t kMaxNamedProcesses = 32;

  MaintenanceWindow(MaintenanceConfig config, MaintenanceHost& host);

  // The exception service (its grants) and the session manager; each
  // outlives the module. Without grants no window ever opens.
  void SetGrants(agent::ExceptionGrants* grants) { grants_ = grants; }
  void SetSessions(agent::MaintenanceSessions* sessions) {
    sessions_ = sessions;
  }

  // At the daemon's start, before GrantsChanged(): a window left over (its
  // record or its file, whatever is in it) is closed as any other, with
  // `reason` ("restart"; "release" for `piiguardd --release`); so are
  // processes of the account found with no window.
  Status Init(std::string_view reason = "restart");
  // A window is closing: its account's processes are being ended (OnTimer()
  // at the scheduled times goes on with it).
  bool Closing() const { return phase_ == Phase::kClosing; }
  // Windows closed (maintenance.closed written or tried) since made.
  int closed() const { return closed_; }
  // The time given to config.schedule has come.
  void OnTimer();
  // The "maintenance" part of `piiguard status`.
  Result<Json> StatusPart() const;

  // MaintenanceExceptions.
  Result<std::string> MaintenanceAccount() override;
  Status CheckMaintenance() override;
  void GrantsChanged() override;
  // MaintenanceHold.
  std::optional<int64_t> HeldUntilUs() const override;
  void SessionEnded() override;

 private:
  enum class Phase { kIdle, kOpen, kClosing };

  Status Journal(std::string type, journal::Severity severity,
                 Json details) const;
  void Notify(MsgId id, std::initializer_list<std::string_view> ja,
              std::initializer_list<std::string_view> en) const;
  void Reschedule() const;
  void Changed() const;
  // The running maintenance grant a window is for now, if any.
  std::optional<agent::ScopeGrant> CurrentGrant() const;
  void Decide();
  // maintenance_open.cc.
  void Open(const agent::ScopeGrant& grant);
  Status OpenSteps(const agent::ScopeGrant& grant, uid_t& uid);
  void NotOpened(const agent::ScopeGrant& grant, std::string_view why);
  // maintenance_close.cc.
  void BeginClose(std::string reason);
  // Signals every process of the account listed now; how many there were,
  // or the listing's error.
  Result<size_t> Sweep(int signal);
  void Step();
  void Finish();
  Json ClosedDetails();

  MaintenanceConfig config_;
  MaintenanceHost& host_;
  agent::ExceptionGrants* grants_ = nullptr;
  agent::MaintenanceSessions* sessions_ = nullptr;

  Phase phase_ = Phase::kIdle;
  int closed_ = 0;
  MaintenanceRecord record_;  // of the window open or closing
  bool offset_known_ = true;  // the record's sudo log mark (not a guess)
  bool uid_known_ = false;    // the record's uid (never 0 when swept)
  std::string waiting_;       // a grant that waits for the session's end
  std::set<std::string> not_opened_;  // grants that could not open
  // Closing.
  std::string reason_;
  std::vector<std::string> problems_;  // what failed while closing
  int64_t tries_ = 0;
  bool window_removed_ = false;
  bool remove_failed_ = false;         // the window file is still there
  std::vector<AccountProcess> ended_;  // signalled, the first ones
  size_t ended_count_ = 0;
  size_t left_ = 0;  // listed at the last round
  int round_ = 0;    // SIGKILL rounds so far
  int64_t next_step_us_ = 0;
  bool stuck_journaled_ = false;
};

}  // namespace piiguard::maint

#endif  // PIIGUARD_AGENT_MAINT_MAINTENANCE_WINDOW_H_
