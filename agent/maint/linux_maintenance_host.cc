// LinuxMaintenanceHost: the window file, the PAM gate's tries, the account
// and sudo's log (the processes: linux_account_processes.cc).

#include "agent/maint/linux_maintenance_host.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace piiguard::maint {
namespace {

constexpr std::string_view kContext = "maintenance";
constexpr char kTempName[] = "window.tmp";
constexpr size_t kMaxWindowRead = 4096;
// window_file.h's names, as C strings for the *at() calls.
constexpr char kWindowName[] = "window";
constexpr char kTriesName[] = "tries";
static_assert(std::string_view(kWindowName) == kWindowFileName);
static_assert(std::string_view(kTriesName) == kTriesFileName);

Status WriteAll(int fd, std::string_view bytes, const std::string& what) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(kContext, what, errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// Up to `max` bytes of `fd` from `offset` (pread, so the descriptor's
// position does not matter).
Result<std::string> ReadFrom(int fd, uint64_t offset, size_t max,
                             const std::string& what) {
  std::string out(max, '\0');
  size_t used = 0;
  while (used < max) {
    const ssize_t n = ::pread(fd, out.data() + used, max - used,
                              static_cast<off_t>(offset + used));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(kContext, what, errno);
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  out.resize(used);
  return out;
}

}  // namespace

Result<Account> LinuxMaintenanceHost::LookUpAccount(std::string_view name) {
  const std::string n(name);
  std::vector<char> buffer(16384);
  struct passwd entry {};
  struct passwd* found = nullptr;
  const int error =
      ::getpwnam_r(n.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (error != 0) return ErrnoStatus(kContext, "account " + n, error);
  if (found == nullptr) {
    return NotFoundError(kContext, "account " + n, "no such user");
  }
  return Account{n, found->pw_uid};
}

Result<UniqueFd> LinuxMaintenanceHost::OpenWindowDir(bool create) const {
  const std::string& dir = paths_.window_dir;
  if (create && ::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus(kContext, dir, errno);
  }
  UniqueFd fd(
      ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    // ELOOP/ENOTDIR: a symlink or a file has the directory's name.
    return ErrnoStatus(kContext, dir, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(kContext, dir, errno);
  if (st.st_uid != ::geteuid()) {
    return FailedPreconditionError(kContext, dir, "not owned by the daemon");
  }
  if ((st.st_mode & 077) != 0 && ::fchmod(fd.get(), 0700) != 0) {
    return ErrnoStatus(kContext, dir, errno);
  }
  return fd;
}

Status LinuxMaintenanceHost::WriteWindow(std::string_view bytes) {
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd dir, OpenWindowDir(true));
  const std::string what = paths_.window_dir + "/" + kWindowName;
  // A temporary file left by a crash (or anything else with its name).
  if (::unlinkat(dir.get(), kTempName, 0) != 0 && errno != ENOENT) {
    return ErrnoStatus(kContext, what, errno);
  }
  UniqueFd file(::openat(dir.get(), kTempName,
                         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                         0600));
  if (!file.valid()) return ErrnoStatus(kContext, what, errno);
  Status written = WriteAll(file.get(), bytes, what);
  if (written.ok() && ::fchmod(file.get(), 0600) != 0) {
    written = ErrnoStatus(kContext, what, errno);
  }
  if (written.ok() && ::fsync(file.get()) != 0) {
    written = ErrnoStatus(kContext, what, errno);
  }
  file.Reset();
  // rename(2) replaces whatever has the name, a symlink included, and
  // never follows it.
  if (written.ok() &&
      ::renameat(dir.get(), kTempName, dir.get(), kWindowName) != 0) {
    written = ErrnoStatus(kContext, what, errno);
  }
  if (!written.ok()) (void)::unlinkat(dir.get(), kTempName, 0);
  return written;
}

Result<std::string> LinuxMaintenanceHost::ReadWindow() {
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd dir, OpenWindowDir(false));
  const std::string what = paths_.window_dir + "/" + kWindowName;
  UniqueFd file(::openat(dir.get(), kWindowName,
                         O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!file.valid()) {
    if (errno == ELOOP) {
      return FailedPreconditionError(kContext, what, "a symlink");
    }
    return ErrnoStatus(kContext, what, errno);
  }
  struct stat st {};
  if (::fstat(file.get(), &st) != 0) return ErrnoStatus(kContext, what, errno);
  if (!S_ISREG(st.st_mode)) {
    return FailedPreconditionError(kContext, what, "not a regular file");
  }
  return ReadFrom(file.get(), 0, kMaxWindowRead, what);
}

Result<bool> LinuxMaintenanceHost::RemoveWindow() {
  Result<UniqueFd> dir = OpenWindowDir(false);
  if (!dir.ok() && dir.status().code() == StatusCode::kNotFound) return false;
  if (!dir.ok()) return dir.status();
  (void)::unlinkat(dir->get(), kTempName, 0);
  if (::unlinkat(dir->get(), kWindowName, 0) == 0) return true;
  if (errno == ENOENT) return false;
  const std::string what = paths_.window_dir + "/" + kWindowName;
  if (errno == EISDIR) {
    // A directory in its place: the PAM gate refuses it all the same.
    if (::unlinkat(dir->get(), kWindowName, AT_REMOVEDIR) == 0) return true;
  }
  return ErrnoStatus(kContext, what, errno);
}

Result<int64_t> LinuxMaintenanceHost::TakeTries() {
  Result<UniqueFd> dir = OpenWindowDir(false);
  if (!dir.ok() && dir.status().code() == StatusCode::kNotFound) {
    return int64_t{0};
  }
  if (!dir.ok()) return dir.status();
  const std::string what = paths_.window_dir + "/" + kTriesName;
  struct stat st {};
  if (::fstatat(dir->get(), kTriesName, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return int64_t{0};
    return ErrnoStatus(kContext, what, errno);
  }
  const int64_t tries = S_ISREG(st.st_mode) ? st.st_size : -1;
  if (::unlinkat(dir->get(), kTriesName,
                 S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) != 0 &&
      errno != ENOENT) {
    return ErrnoStatus(kContext, what, errno);
  }
  return tries;
}

Result<LogMark> LinuxMaintenanceHost::SudoLogEnd() {
  struct stat st {};
  if (::lstat(paths_.sudo_log.c_str(), &st) != 0) {
    if (errno == ENOENT) return LogMark{};
    return ErrnoStatus(kContext, paths_.sudo_log, errno);
  }
  if (!S_ISREG(st.st_mode)) {
    return FailedPreconditionError(kContext, paths_.sudo_log,
                                   "not a regular file");
  }
  return LogMark{static_cast<uint64_t>(st.st_ino),
                 static_cast<uint64_t>(st.st_size)};
}

Result<LogRead> LinuxMaintenanceHost::ReadSudoLog(LogMark from,
                                                  size_t max_bytes) {
  const std::string& path = paths_.sudo_log;
  UniqueFd file(
      ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!file.valid()) {
    if (errno == ENOENT && from.inode == 0) return LogRead{};
    return ErrnoStatus(kContext, path, errno);
  }
  struct stat st {};
  if (::fstat(file.get(), &st) != 0) return ErrnoStatus(kContext, path, errno);
  if (!S_ISREG(st.st_mode)) {
    return FailedPreconditionError(kContext, path, "not a regular file");
  }
  LogRead read;
  const auto size = static_cast<uint64_t>(st.st_size);
  uint64_t offset = from.size;
  if (static_cast<uint64_t>(st.st_ino) != from.inode || size < offset) {
    read.restarted = from.inode != 0 || from.size != 0;
    offset = 0;
  }
  const uint64_t left = size - offset;
  read.truncated = left > max_bytes;
  PIIGUARD_ASSIGN_OR_RETURN(
      read.bytes,
      ReadFrom(file.get(), offset,
               static_cast<size_t>(std::min<uint64_t>(left, max_bytes)), path));
  return read;
}

}  // namespace piiguard::maint
