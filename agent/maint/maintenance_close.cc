// MaintenanceWindow: closing a window. The window file goes first, then
// the account's processes (SIGTERM, SIGKILL after a grace, rescans in
// bounded rounds), then maintenance.closed with what ran.

#include <csignal>
#include <cstdio>
#include <utility>

#include "agent/maint/maintenance_window.h"
#include "agent/maint/sudo_log.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/os/log.h"

namespace piiguard::maint {
namespace {

constexpr size_t kMaxProcessName = 64;

Json ProcessJson(const AccountProcess& p) {
  return Json{{"pid", p.pid},
              {"name", SafeText(p.name, kMaxProcessName)},
              {"uid", p.uid},
              {"why", p.why}};
}

Json CommandJson(const SudoCommand& c) {
  Json entry = {{"time", c.time},      {"user", c.user}, {"as", c.run_as},
                {"tty", c.tty},        {"pwd", c.pwd},   {"tsid", c.tsid},
                {"command", c.command}};
  if (!c.refused.empty()) entry["refused"] = c.refused;
  return entry;
}

}  // namespace

void MaintenanceWindow::BeginClose(std::string reason) {
  phase_ = Phase::kClosing;
  reason_ = std::move(reason);
  // No new login from here: the PAM gate reads this file.
  Result<bool> removed = host_.RemoveWindow();
  window_removed_ = removed.ok() && *removed;
  remove_failed_ = !removed.ok();
  if (!removed.ok()) problems_.push_back(removed.status().message());
  Result<int64_t> tries = host_.TakeTries();
  tries_ = tries.ok() ? *tries : -1;
  if (!tries.ok()) problems_.push_back(tries.status().message());
  ended_.clear();
  ended_count_ = 0;
  round_ = 0;
  stuck_journaled_ = false;
  // SIGTERM first: a program the vendor runs may finish cleanly.
  Result<size_t> listed = Sweep(SIGTERM);
  const int64_t now = config_.clock->MonotonicUs();
  if (listed.ok() && *listed == 0 && !remove_failed_) {
    Finish();
    return;
  }
  next_step_us_ = now + config_.term_grace_us;
  Reschedule();
}

Result<size_t> MaintenanceWindow::Sweep(int signal) {
  if (!uid_known_ || record_.uid == 0) {
    // Never uid 0 (the PC's own processes), nor a guess.
    problems_.emplace_back("the account's uid is unknown: no process ended");
    left_ = 0;
    return size_t{0};
  }
  Result<std::vector<AccountProcess>> listed =
      host_.AccountProcesses(record_.uid);
  if (!listed.ok()) {
    problems_.push_back(listed.status().message());
    return listed.status();
  }
  left_ = listed->size();
  for (const AccountProcess& process : *listed) {
    bool known = false;
    for (const AccountProcess& seen : ended_) {
      known = known || (seen.pid == process.pid &&
                        seen.start_ticks == process.start_ticks);
    }
    if (!known) {
      ++ended_count_;
      if (ended_.size() < kMaxNamedProcesses) ended_.push_back(process);
    }
    os::LogIfError("maintenance: signal", host_.Signal(process, signal));
  }
  return listed->size();
}

void MaintenanceWindow::Step() {
  // A window file that could not be removed is removed again first: while
  // it is there, the account may log in (until the file's own end).
  if (remove_failed_) {
    Result<bool> removed = host_.RemoveWindow();
    if (removed.ok()) {
      remove_failed_ = false;
      window_removed_ = window_removed_ || *removed;
    }
  }
  // SIGKILL and a rescan, again at once while some are left (a process
  // that forks as it is killed), at most kRescans times this round.
  for (int rescan = 0; rescan < kRescans; ++rescan) {
    Result<size_t> listed = Sweep(SIGKILL);
    if (!listed.ok()) break;  // tried again next round
    if (*listed == 0) {
      if (!remove_failed_) {
        Finish();
        return;
      }
      break;
    }
  }
  ++round_;
  const int64_t now = config_.clock->MonotonicUs();
  if (round_ >= config_.kill_rounds && !stuck_journaled_) {
    // Still there: journaled once; the window stays closing (sessions
    // refused) and is tried again until it is gone.
    stuck_journaled_ = true;
    Json left = Json::array();
    Result<std::vector<AccountProcess>> listed =
        host_.AccountProcesses(record_.uid);
    for (const AccountProcess& p :
         listed.ok() ? *listed : std::vector<AccountProcess>{}) {
      if (left.size() < kMaxNamedProcesses) left.push_back(ProcessJson(p));
    }
    const std::string error = remove_failed_
                                  ? "window file not removed"
                                  : "processes of the account not ended";
    (void)Journal(
        journal::types::kMaintenanceError, journal::Severity::kIncident,
        Json{{"grant", record_.grant},
             {"account", record_.account},
             {"uid", record_.uid},
             {"error", error},
             {"left", left},
             {"rounds", round_},
             {"problems", problems_},
             {"action", "sessions refused; tried again every " +
                            std::to_string(config_.stuck_retry_us / 1'000'000) +
                            " s"}});
  }
  next_step_us_ = now + (round_ >= config_.kill_rounds ? config_.stuck_retry_us
                                                       : config_.kill_retry_us);
}

Json MaintenanceWindow::ClosedDetails() {
  Json details = {{"grant", record_.grant},
                  {"account", record_.account},
                  {"uid", record_.uid},
                  {"reason", reason_},
                  {"window_removed", window_removed_},
                  {"tries", tries_},
                  {"processes_ended", ended_count_},
                  {"sudo_log", config_.sudo_log},
                  {"io_log_dir", config_.io_log_dir}};
  if (record_.opened_wall_ms > 0) {
    details["opened_ms"] = record_.opened_wall_ms;
    details["minutes_open"] =
        (config_.clock->WallMs() - record_.opened_wall_ms) / 60'000;
  }
  Json processes = Json::array();
  for (const AccountProcess& p : ended_) processes.push_back(ProcessJson(p));
  details["processes"] = processes;
  // What ran: sudo's log since the window opened (its tail, bounded, when
  // where it stood is not known).
  LogMark from{record_.sudo_log_inode, record_.sudo_log_offset};
  if (!offset_known_) {
    Result<LogMark> end = host_.SudoLogEnd();
    from = end.ok() ? *end : LogMark{};
    from.size = from.size > kMaxSudoLogBytes ? from.size - kMaxSudoLogBytes : 0;
    details["sudo_log_from"] = "tail (the window's start is not known)";
  }
  Result<LogRead> read = host_.ReadSudoLog(from, kMaxSudoLogBytes);
  if (read.ok()) {
    const SudoLog log = ParseSudoLog(read->bytes);
    Json commands = Json::array();
    for (const SudoCommand& c : log.commands)
      commands.push_back(CommandJson(c));
    details["commands"] = commands;
    details["commands_total"] = log.total;
    details["commands_refused"] = log.refused;
    details["sudo_log_unread_lines"] = log.unread;
    if (read->restarted) details["sudo_log_restarted"] = true;
    if (read->truncated) details["sudo_log_truncated"] = true;
  } else {
    details["sudo_log_error"] = read.status().message();
  }
  if (!problems_.empty()) details["problems"] = problems_;
  return details;
}

void MaintenanceWindow::Finish() {
  left_ = 0;
  ++closed_;
  Json details = ClosedDetails();
  Status journaled = Journal(journal::types::kMaintenanceClosed,
                             journal::Severity::kNotice, std::move(details));
  // The record stays until the close is journaled: a restart closes (and
  // journals) it again.
  if (journaled.ok() && std::remove(config_.record_file.c_str()) != 0 &&
      errno != ENOENT) {
    os::LogIfError("maintenance: record",
                   ErrnoStatus("maintenance", config_.record_file, errno));
  }
  const std::string account = record_.account;
  phase_ = Phase::kIdle;
  record_ = MaintenanceRecord();
  offset_known_ = true;
  uid_known_ = false;
  problems_.clear();
  reason_.clear();
  Notify(MsgId::kMaintenanceClosedNotice, {account}, {account});
  Changed();
  Decide();
  Reschedule();
}

}  // namespace piiguard::maint
