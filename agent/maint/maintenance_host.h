// MaintenanceHost: what the maintenance window (maintenance_window.h) does
// to the system, behind one small interface so that every path is tested
// with an in-memory fake (testing/fake_maintenance_host.h): the window file
// the PAM gate reads, the gate's count of failed tries, the maintenance
// account, its processes, and sudo's log. LinuxMaintenanceHost is the real
// one (linux_maintenance_host.h); only piiguardd's main makes it.
//
// Thread-safety: implementations are owned by the daemon's event loop and
// called from it only.
#ifndef PIIGUARD_AGENT_MAINT_MAINTENANCE_HOST_H_
#define PIIGUARD_AGENT_MAINT_MAINTENANCE_HOST_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/maint/window_file.h"
#include "common/result.h"

namespace piiguard::maint {

// Where sudo logs the maintenance account's commands and their terminal
// input and output (installer/piiguard-maint.sudoers). The window file's
// place and the account's default name are window_file.h's.
inline constexpr std::string_view kSudoLog = "/var/log/piiguard/maint-sudo.log";
inline constexpr std::string_view kIoLogDir = "/var/log/piiguard/maint-io";

struct Account {
  std::string name;
  uid_t uid = 0;
  bool operator==(const Account&) const = default;
};

// A process of the maintenance account, and why it counts as one.
struct AccountProcess {
  pid_t pid = 0;
  // Its start time (/proc/PID/stat field 22, clock ticks since boot): with
  // the pid, who it is; a pid reused by another process is not signalled.
  uint64_t start_ticks = 0;
  std::string name;  // its command name (/proc/PID/stat comm), as given
  uid_t uid = 0;     // its real uid
  // "cgroup" (in the account's user-UID.slice), "uid" (a real, effective,
  // saved or filesystem uid is the account's), "loginuid" (its login
  // session is the account's) or "child" (a descendant of one of those).
  std::string why;
  bool operator==(const AccountProcess&) const = default;
};

// A place in sudo's log: which file (its inode) and how far.
struct LogMark {
  uint64_t inode = 0;  // 0: no log
  uint64_t size = 0;
  bool operator==(const LogMark&) const = default;
};

struct LogRead {
  std::string bytes;  // at most the asked bound
  // The log was replaced (another inode) or is shorter than the mark
  // (rotated, truncated): read from its start.
  bool restarted = false;
  // More was written than the bound: the first part only.
  bool truncated = false;
};

class MaintenanceHost {
 public:
  virtual ~MaintenanceHost() = default;

  // The account named `name` (getpwnam); NotFound when there is none.
  virtual Result<Account> LookUpAccount(std::string_view name) = 0;

  // Writes the window file atomically (a temporary file, then rename), mode
  // 0600, in its directory (made 0700 when missing). A directory that is a
  // symlink or not the daemon's own is refused.
  [[nodiscard]] virtual Status WriteWindow(std::string_view bytes) = 0;
  // The window file's bytes (at most 4096): NotFound when there is none;
  // FailedPrecondition when what has its name is not a regular file (a
  // symlink is never followed).
  virtual Result<std::string> ReadWindow() = 0;
  // Removes whatever has the window file's name (a symlink itself, never
  // what it points to): whether something was there.
  virtual Result<bool> RemoveWindow() = 0;
  // The PAM gate's failed tries recorded for this window (one byte each; -1
  // when what has the name is not a regular file), and removes them: the
  // next window starts with none.
  virtual Result<int64_t> TakeTries() = 0;

  // The account's processes now (at most a bound; never pid 1 nor the
  // daemon itself): see AccountProcess::why.
  virtual Result<std::vector<AccountProcess>> AccountProcesses(uid_t uid) = 0;
  // Sends `signal` to `process` if it still runs as listed (the same pid
  // and start time, through a pidfd); OK when it has gone.
  [[nodiscard]] virtual Status Signal(const AccountProcess& process,
                                      int signal) = 0;

  // Where sudo's log ends now ({0, 0} when there is none yet).
  virtual Result<LogMark> SudoLogEnd() = 0;
  // What sudo's log holds after `from`, at most `max_bytes`.
  virtual Result<LogRead> ReadSudoLog(LogMark from, size_t max_bytes) = 0;
};

}  // namespace piiguard::maint

#endif  // PIIGUARD_AGENT_MAINT_MAINTENANCE_HOST_H_
