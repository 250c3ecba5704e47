// LinuxMaintenanceHost: MaintenanceHost (maintenance_host.h) on Linux. The
// window file's directory is opened once per call without following a
// symlink and must be a directory of the daemon's own user with no
// permission for group or others; every file in it is opened, replaced and
// removed relative to that descriptor (O_NOFOLLOW, renameat, unlinkat), so
// a symlink put in its place is refused or removed itself, never followed.
// The account's processes are read from /proc (linux_account_processes.cc)
// and signalled through a pidfd after checking that the pid still names the
// process listed (its start time).
//
// Thread-safety: no state after construction; see MaintenanceHost.
#ifndef PIIGUARD_AGENT_MAINT_LINUX_MAINTENANCE_HOST_H_
#define PIIGUARD_AGENT_MAINT_LINUX_MAINTENANCE_HOST_H_

#include <string>
#include <string_view>
#include <vector>

#include "agent/maint/maintenance_host.h"
#include "common/unique_fd.h"

namespace piiguard::maint {

struct MaintenancePaths {
  std::string window_dir = std::string(kWindowDir);
  std::string sudo_log = std::string(kSudoLog);
  std::string proc = "/proc";
};

class LinuxMaintenanceHost : public MaintenanceHost {
 public:
  // At most this many /proc entries are looked at per scan.
  static constexpr size_t kMaxProcesses = 65536;

  explicit LinuxMaintenanceHost(MaintenancePaths paths = {})
      : paths_(std::move(paths)) {}

  Result<Account> LookUpAccount(std::string_view name) override;
  Status WriteWindow(std::string_view bytes) override;
  Result<std::string> ReadWindow() override;
  Result<bool> RemoveWindow() override;
  Result<int64_t> TakeTries() override;
  Result<std::vector<AccountProcess>> AccountProcesses(uid_t uid) override;
  Status Signal(const AccountProcess& process, int signal) override;
  Result<LogMark> SudoLogEnd() override;
  Result<LogRead> ReadSudoLog(LogMark from, size_t max_bytes) override;

 private:
  // The window file's directory, made (0700) if `create` and missing; a
  // NotFound status when missing otherwise.
  Result<UniqueFd> OpenWindowDir(bool create) const;

  MaintenancePaths paths_;
};

}  // namespace piiguard::maint

#endif  // PIIGUARD_AGENT_MAINT_LINUX_MAINTENANCE_HOST_H_
