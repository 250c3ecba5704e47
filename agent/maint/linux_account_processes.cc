// LinuxMaintenanceHost: the maintenance account's processes, from /proc,
// and signalling them through a pidfd.

#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/maint/linux_maintenance_host.h"
#include "agent/maint/proc_files.h"
#include "common/file_util.h"

namespace piiguard::maint {
namespace {

constexpr std::string_view kContext = "maintenance";

struct Entry {
  ProcStat stat;
  uid_t uid = 0;
  std::string why;  // "" when not the account's by itself
};

// A /proc/PID file, read through the PID directory's descriptor.
Result<std::string> ReadAt(int dir, const char* name) {
  UniqueFd fd(::openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return ErrnoStatus(kContext, name, errno);
  std::string out(kMaxProcFileBytes, '\0');
  size_t used = 0;
  while (used < out.size()) {
    const ssize_t n = ::read(fd.get(), out.data() + used, out.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(kContext, name, errno);
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  out.resize(used);
  return out;
}

std::optional<pid_t> PidOf(const char* name) {
  pid_t pid = 0;
  const std::string_view text(name);
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), pid);
  if (error != std::errc() || end != text.data() + text.size() || pid <= 0) {
    return std::nullopt;
  }
  return pid;
}

// One process as the scan sees it; nullopt when it went meanwhile or is a
// zombie (it runs nothing; its parent or init reaps it).
std::optional<Entry> ReadEntry(int proc, pid_t pid, uid_t account) {
  UniqueFd dir(::openat(proc, std::to_string(pid).c_str(),
                        O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return std::nullopt;
  Result<std::string> stat_bytes = ReadAt(dir.get(), "stat");
  Result<ProcStat> stat = stat_bytes.ok()
                              ? ParseProcStat(*stat_bytes)
                              : Result<ProcStat>(stat_bytes.status());
  Result<std::string> status = ReadAt(dir.get(), "status");
  Result<std::array<uint32_t, 4>> uids =
      status.ok() ? ParseStatusUids(*status)
                  : Result<std::array<uint32_t, 4>>(status.status());
  if (!stat.ok() || !uids.ok() || stat->state == 'Z') return std::nullopt;
  Entry entry{*stat, (*uids)[0], ""};
  Result<std::string> cgroup = ReadAt(dir.get(), "cgroup");
  Result<std::string> login = ReadAt(dir.get(), "loginuid");
  if (cgroup.ok() && InUserSlice(*cgroup, account)) {
    entry.why = "cgroup";
  } else if (std::find(uids->begin(), uids->end(), account) != uids->end()) {
    entry.why = "uid";
  } else if (login.ok() && ParseLoginUid(*login) == account) {
    entry.why = "loginuid";
  }
  return entry;
}

}  // namespace

Result<std::vector<AccountProcess>> LinuxMaintenanceHost::AccountProcesses(
    uid_t uid) {
  UniqueFd proc(
      ::open(paths_.proc.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!proc.valid()) return ErrnoStatus(kContext, paths_.proc, errno);
  DIR* listing = ::fdopendir(::dup(proc.get()));
  if (listing == nullptr) return ErrnoStatus(kContext, paths_.proc, errno);
  std::map<pid_t, Entry> entries;
  const pid_t self = ::getpid();
  size_t seen = 0;
  while (struct dirent* d = ::readdir(listing)) {
    std::optional<pid_t> pid = PidOf(d->d_name);
    if (!pid || *pid == 1 || *pid == self) continue;
    if (++seen > kMaxProcesses) break;
    if (std::optional<Entry> entry = ReadEntry(proc.get(), *pid, uid)) {
      entries.emplace(*pid, std::move(*entry));
    }
  }
  ::closedir(listing);
  // Descendants of the account's processes count too (a command sudo runs
  // as root from a shell whose session is another user's); a parent is
  // found by walking up, at most as many steps as there are processes.
  std::vector<AccountProcess> out;
  for (auto& [pid, entry] : entries) {
    std::string why = entry.why;
    int64_t parent = entry.stat.ppid;
    for (size_t steps = 0; why.empty() && steps < entries.size(); ++steps) {
      auto up = entries.find(static_cast<pid_t>(parent));
      if (up == entries.end()) break;
      if (!up->second.why.empty()) why = "child";
      parent = up->second.stat.ppid;
    }
    // Kernel threads (children of kthreadd, pid 2) are never the account's.
    if (why.empty() || pid == 2 || entry.stat.ppid == 2) continue;
    out.push_back(AccountProcess{pid, entry.stat.start_ticks, entry.stat.comm,
                                 entry.uid, why});
  }
  return out;
}

Status LinuxMaintenanceHost::Signal(const AccountProcess& process, int signal) {
  const std::string what = "pid " + std::to_string(process.pid);
  // The pidfd first, then the check: if the pid is reused after it was
  // taken, the check sees the new process and refuses; if the check
  // passes, the pidfd is that process.
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, process.pid, 0)));
  if (!pidfd.valid()) {
    return errno == ESRCH ? Status::Ok() : ErrnoStatus(kContext, what, errno);
  }
  Result<std::string> bytes =
      ReadFileBytes(paths_.proc + "/" + std::to_string(process.pid) + "/stat",
                    kMaxProcFileBytes);
  if (!bytes.ok()) {
    return bytes.status().code() == StatusCode::kNotFound ? Status::Ok()
                                                          : bytes.status();
  }
  Result<ProcStat> stat = ParseProcStat(*bytes);
  if (!stat.ok() || stat->start_ticks != process.start_ticks) {
    return Status::Ok();  // another process now has the pid: not ours
  }
  if (::syscall(SYS_pidfd_send_signal, pidfd.get(), signal, nullptr, 0) != 0 &&
      errno != ESRCH) {
    return ErrnoStatus(kContext, what, errno);
  }
  return Status::Ok();
}

}  // namespace piiguard::maint
