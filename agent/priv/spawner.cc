#include "agent/priv/spawner.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <string>
#include <vector>

#include "common/unique_fd.h"

namespace piiguard::agent {
namespace {

constexpr size_t kMaxKeptFds = 8;

// In the forked child: async-signal-safe calls only; any failure exits.
// `exe_fd` is the program, opened by root before the fork: the sync user
// need not be able to reach its directory (a build under /root, mode 0700).
[[noreturn]] void ChildExec(const SpawnSpec& spec, int exe_fd,
                            const std::vector<char*>& argv) {
  // Move the kept descriptors to 3, 4, ... (first above the range, so a
  // descriptor already at its target is not clobbered).
  // No allocation after fork: a fixed array (Spawn checks the count).
  std::array<int, kMaxKeptFds> moved{};
  const size_t count = spec.fds.size();
  for (size_t i = 0; i < count; ++i) {
    moved.at(i) = ::fcntl(spec.fds[i], F_DUPFD, 100);
    if (moved.at(i) < 0) ::_exit(120);
  }
  const int exe_moved = ::fcntl(exe_fd, F_DUPFD, 100);
  if (exe_moved < 0) ::_exit(120);
  for (size_t i = 0; i < count; ++i) {
    if (::dup2(moved.at(i), static_cast<int>(3 + i)) < 0) ::_exit(121);
  }
  const int exe = static_cast<int>(3 + count);
  if (::dup3(exe_moved, exe, O_CLOEXEC) < 0) ::_exit(121);
  ::syscall(SYS_close_range, exe + 1, UINT_MAX, 0);
  // Nothing relative to the daemon's directory, which the user may not
  // reach.
  if (::chdir("/") != 0) ::_exit(121);
  if (!spec.keep_user) {
    if (::setgroups(0, nullptr) != 0) ::_exit(122);
    if (::setresgid(spec.gid, spec.gid, spec.gid) != 0) ::_exit(123);
    if (::setresuid(spec.uid, spec.uid, spec.uid) != 0) ::_exit(124);
    // Fail closed: the drop must have happened, and cannot be undone.
    if (spec.uid != 0 && (::setuid(0) == 0 || ::geteuid() != spec.uid)) {
      ::_exit(125);
    }
  }
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) ::_exit(126);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::syscall(SYS_execveat, exe, "", argv.data(), environ, AT_EMPTY_PATH);
  ::_exit(127);
}

}  // namespace

Result<pid_t> LinuxSpawner::Spawn(const SpawnSpec& spec) {
  if (spec.fds.size() > kMaxKeptFds) {
    return InvalidArgumentError("spawn", spec.exe, "too many descriptors");
  }
  std::vector<std::string> storage;
  storage.push_back(spec.exe);
  storage.insert(storage.end(), spec.args.begin(), spec.args.end());
  std::vector<char*> argv;
  argv.reserve(storage.size() + 1);
  for (std::string& arg : storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  UniqueFd exe(::open(spec.exe.c_str(), O_PATH | O_CLOEXEC));
  if (!exe.valid()) return ErrnoStatus("spawn", spec.exe, errno);
  pid_t pid = ::fork();
  if (pid < 0) return ErrnoStatus("spawn", spec.exe, errno);
  if (pid == 0) ChildExec(spec, exe.get(), argv);
  return pid;
}

void LinuxSpawner::Kill(pid_t pid) {
  if (pid > 0) ::kill(pid, SIGKILL);
}

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) {
    return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  }
  if (WIFSIGNALED(wait_status)) {
    const int signal = WTERMSIG(wait_status);
    std::string text = "killed by signal " + std::to_string(signal);
    if (signal == SIGSYS) {
      text += " (its sandbox refused a system call)";
    } else if (const char* name = ::sigabbrev_np(signal)) {
      text += std::string(" (SIG") + name + ")";
    }
    return text;
  }
  return "ended (status " + std::to_string(wait_status) + ")";
}

Result<std::pair<uid_t, gid_t>> LookUpUser(const std::string& user,
                                           std::string_view context) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  int rc =
      ::getpwnam_r(user.c_str(), &pw, buffer.data(), buffer.size(), &found);
  if (rc != 0) return ErrnoStatus(context, user, rc);
  if (found == nullptr) return NotFoundError(context, user, "no such user");
  if (pw.pw_uid == 0) {
    return FailedPreconditionError(context, user, "is root");
  }
  return std::make_pair(pw.pw_uid, pw.pw_gid);
}

}  // namespace piiguard::agent
