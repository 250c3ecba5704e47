#include "agent/maint/testing/fake_maintenance_host.h"

#include <csignal>

namespace piiguard::maint {

Result<Account> FakeMaintenanceHost::LookUpAccount(std::string_view name) {
  auto it = accounts.find(std::string(name));
  if (it == accounts.end()) {
    return NotFoundError("maintenance", "account " + std::string(name),
                         "no such user");
  }
  return Account{it->first, it->second};
}

Status FakeMaintenanceHost::WriteWindow(std::string_view bytes) {
  if (!write_error.ok()) return write_error;
  // rename(2) replaces a symlink itself.
  window = std::string(bytes);
  window_is_symlink = false;
  ++window_writes;
  calls.emplace_back("window+");
  return Status::Ok();
}

Result<std::string> FakeMaintenanceHost::ReadWindow() {
  if (window_is_symlink) {
    return FailedPreconditionError("maintenance", "window", "a symlink");
  }
  if (!window) return NotFoundError("maintenance", "window", "none");
  return *window;
}

Result<bool> FakeMaintenanceHost::RemoveWindow() {
  if (!remove_error.ok()) return remove_error;
  const bool was = window.has_value() || window_is_symlink;
  window.reset();
  window_is_symlink = false;
  calls.emplace_back("window-");
  return was;
}

Result<int64_t> FakeMaintenanceHost::TakeTries() {
  const int64_t n = tries;
  tries = 0;
  calls.emplace_back("tries-");
  return n;
}

pid_t FakeMaintenanceHost::Spawn(uid_t uid, std::string name, int forks,
                                 bool ignores_term) {
  const pid_t pid = next_pid_++;
  processes[pid] = Process{
      AccountProcess{pid, next_start_++, std::move(name), uid, "cgroup"},
      ignores_term, false, forks};
  return pid;
}

void FakeMaintenanceHost::ReusePid(pid_t pid, uid_t uid, std::string name) {
  processes[pid] = Process{
      AccountProcess{pid, next_start_++, std::move(name), uid, "cgroup"}, false,
      false, 0};
}

Result<std::vector<AccountProcess>> FakeMaintenanceHost::AccountProcesses(
    uid_t uid) {
  if (!list_error.ok()) return list_error;
  std::vector<AccountProcess> out;
  for (const auto& [pid, p] : processes) {
    if (p.info.uid == uid) out.push_back(p.info);
  }
  return out;
}

Status FakeMaintenanceHost::Signal(const AccountProcess& process, int signal) {
  signals.emplace_back(process.pid, signal);
  calls.push_back("signal " + std::to_string(signal));
  auto it = processes.find(process.pid);
  // Gone, or the pid is another process's now: nothing happens.
  if (it == processes.end() ||
      it->second.info.start_ticks != process.start_ticks) {
    return Status::Ok();
  }
  Process& p = it->second;
  if (p.forks > 0) {
    // A child appears before the signal lands.
    const pid_t child =
        Spawn(p.info.uid, p.info.name, p.forks - 1, p.ignores_term);
    --p.forks;
    processes[child].info.why = "child";
  }
  const bool dies = signal == SIGKILL ? !p.unkillable : !p.ignores_term;
  if (dies) processes.erase(it);
  return Status::Ok();
}

Result<LogMark> FakeMaintenanceHost::SudoLogEnd() {
  if (!sudo_error.ok()) return sudo_error;
  return LogMark{sudo_inode, sudo_log.size()};
}

Result<LogRead> FakeMaintenanceHost::ReadSudoLog(LogMark from,
                                                 size_t max_bytes) {
  if (!sudo_error.ok()) return sudo_error;
  LogRead read;
  uint64_t offset = from.size;
  if (from.inode != sudo_inode || offset > sudo_log.size()) {
    read.restarted = from.inode != 0 || from.size != 0;
    offset = 0;
  }
  const std::string rest = sudo_log.substr(offset);
  read.truncated = rest.size() > max_bytes;
  read.bytes = rest.substr(0, max_bytes);
  return read;
}

}  // namespace piiguard::maint
