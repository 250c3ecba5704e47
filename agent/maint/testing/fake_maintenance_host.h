// FakeMaintenanceHost: a MaintenanceHost (maintenance_host.h) in memory, for
// the maintenance window's tests: accounts, the window file (or a symlink
// in its place), the PAM gate's tries, processes that may ignore SIGTERM,
// fork as they are killed or not die at all, and sudo's log.
//
// Thread-safety: tests only (one thread).
#ifndef PIIGUARD_AGENT_MAINT_TESTING_FAKE_MAINTENANCE_HOST_H_
#define PIIGUARD_AGENT_MAINT_TESTING_FAKE_MAINTENANCE_HOST_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/maint/maintenance_host.h"

namespace piiguard::maint {

class FakeMaintenanceHost : public MaintenanceHost {
 public:
  struct Process {
    AccountProcess info;
    bool ignores_term = false;  // SIGTERM does nothing
    bool unkillable = false;    // SIGKILL does nothing (stuck in D state)
    // Forks a child just as each signal reaches it, this many times in all
    // (its children fork as many times less one).
    int forks = 0;
  };

  // MaintenanceHost.
  Result<Account> LookUpAccount(std::string_view name) override;
  Status WriteWindow(std::string_view bytes) override;
  Result<std::string> ReadWindow() override;
  Result<bool> RemoveWindow() override;
  Result<int64_t> TakeTries() override;
  Result<std::vector<AccountProcess>> AccountProcesses(uid_t uid) override;
  Status Signal(const AccountProcess& process, int signal) override;
  Result<LogMark> SudoLogEnd() override;
  Result<LogRead> ReadSudoLog(LogMark from, size_t max_bytes) override;

  // Test controls.
  void AddAccount(std::string name, uid_t uid) {
    accounts[std::move(name)] = uid;
  }
  // A process of `uid` (why "cgroup"), or of another user (not listed).
  pid_t Spawn(uid_t uid, std::string name, int forks = 0,
              bool ignores_term = false);
  // A process dies by itself; its pid given to a process of `uid`.
  void ReusePid(pid_t pid, uid_t uid, std::string name);
  void AppendSudoLog(std::string_view line) {
    sudo_log += std::string(line) + "\n";
  }
  void RotateSudoLog() {
    sudo_log.clear();
    ++sudo_inode;
  }
  bool Alive(pid_t pid) const { return processes.contains(pid); }

  std::map<std::string, uid_t> accounts;
  std::optional<std::string> window;  // the file's bytes
  bool window_is_symlink = false;     // something else has its name
  Status write_error;                 // WriteWindow fails with it
  Status remove_error;                // RemoveWindow fails with it
  int window_writes = 0;
  int64_t tries = 0;
  std::map<pid_t, Process> processes;
  Status list_error;                           // AccountProcesses fails with it
  std::vector<std::pair<pid_t, int>> signals;  // every one sent, in order
  std::string sudo_log;
  uint64_t sudo_inode = 7;
  Status sudo_error;  // both sudo log calls fail with it
  // Order of what was done: "window+", "window-", "tries-", "signal N".
  std::vector<std::string> calls;

 private:
  pid_t next_pid_ = 1000;
  uint64_t next_start_ = 5000;
};

}  // namespace piiguard::maint

#endif  // PIIGUARD_AGENT_MAINT_TESTING_FAKE_MAINTENANCE_HOST_H_
