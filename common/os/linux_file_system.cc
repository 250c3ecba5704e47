// LinuxFileSystem (linux_file_system.h): what reads the tree and walks it,
// and the look through /proc for writers. The operations that change the
// tree are in linux_file_system_changes.cc.
#include "common/os/linux_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <memory>
#include <optional>
#include <vector>

namespace piiguard::os {
namespace {

constexpr std::string_view kContext = kFileSystemContext;
constexpr std::string_view kDeleted = " (deleted)";
constexpr size_t kMaxFdinfoSize = size_t{64} * 1024;

std::string FdName(int fd) { return "fd " + std::to_string(fd); }
std::string ProcSelfFd(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

int64_t Nanos(const struct timespec& t) {
  return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

}  // namespace

FileIdentity IdentityOf(const struct stat& st) {
  FileIdentity id;
  id.dev = st.st_dev;
  id.ino = st.st_ino;
  id.size = static_cast<uint64_t>(st.st_size);
  id.mtime_ns = Nanos(st.st_mtim);
  id.ctime_ns = Nanos(st.st_ctim);
  id.nlink = st.st_nlink;
  id.mode = st.st_mode;
  id.uid = st.st_uid;
  id.is_regular = S_ISREG(st.st_mode);
  return id;
}

namespace {

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};

// The entry names of the directory `dir_fd` (not consumed), without "."
// and "..".
Result<std::vector<std::string>> ListNames(int dir_fd, std::string_view what) {
  UniqueFd copy(::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0));
  if (!copy.valid()) return ErrnoStatus(kContext, what, errno);
  std::unique_ptr<DIR, DirCloser> dir(::fdopendir(copy.get()));
  if (dir == nullptr) return ErrnoStatus(kContext, what, errno);
  copy.Release();  // the DIR owns it now
  ::rewinddir(dir.get());
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir.get())) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  return names;
}

bool IsPid(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Reads a small /proc file relative to `dir_fd`; nullopt if it is gone.
std::optional<std::string> ReadSmallAt(int dir_fd, const std::string& path) {
  UniqueFd fd(::openat(dir_fd, path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return std::nullopt;
  std::string out(kMaxFdinfoSize, '\0');
  size_t used = 0;
  while (used < out.size()) {
    ssize_t n = ::read(fd.get(), out.data() + used, out.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  out.resize(used);
  return out;
}

// Whether process `pid` holds `file` open for writing. A process that
// exits meanwhile holds nothing; an fdinfo we cannot read counts as a
// writer (the caller waits rather than move a file being written).
bool ProcessWrites(int proc_fd, const std::string& pid,
                   const FileIdentity& file) {
  std::string fd_dir = pid + "/fd";
  UniqueFd fds(
      ::openat(proc_fd, fd_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fds.valid()) return false;
  Result<std::vector<std::string>> names = ListNames(fds.get(), fd_dir);
  if (!names.ok()) return false;
  for (const std::string& name : *names) {
    struct stat st {};
    if (::fstatat(fds.get(), name.c_str(), &st, 0) != 0) continue;
    if (st.st_dev != file.dev || st.st_ino != file.ino) continue;
    std::string info_path = pid;
    info_path += "/fdinfo/";
    info_path += name;
    std::optional<std::string> info = ReadSmallAt(proc_fd, info_path);
    if (!info.has_value()) continue;  // closed meanwhile
    Result<int> flags = ParseFdinfoFlags(*info);
    if (!flags.ok() || (*flags & O_ACCMODE) != O_RDONLY) return true;
  }
  return false;
}

Result<UniqueFd> OpenDirByComponents(const std::string& absolute_dir) {
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<std::string> parts,
                            SplitAbsoluteDir(absolute_dir));
  constexpr int kFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  UniqueFd dir(::open("/", kFlags));
  if (!dir.valid()) return ErrnoStatus(kContext, "/", errno);
  for (const std::string& part : parts) {
    UniqueFd next(::openat(dir.get(), part.c_str(), kFlags));
    if (!next.valid()) {
      int error = errno;
      // O_NOFOLLOW | O_DIRECTORY on a symlink says ENOTDIR; say ELOOP
      // like openat2.
      struct stat st {};
      if (error == ENOTDIR &&
          ::fstatat(dir.get(), part.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          S_ISLNK(st.st_mode)) {
        error = ELOOP;
      }
      return ErrnoStatus(kContext, absolute_dir, error);
    }
    dir = std::move(next);
  }
  return dir;
}

Result<UniqueFd> OpenChecked(int dir_fd, const std::string& name, int flags) {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(name));
  UniqueFd fd(::openat(dir_fd, name.c_str(), flags | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return ErrnoStatus(kContext, name, errno);
  return fd;
}

}  // namespace

Result<int> ParseFdinfoFlags(std::string_view bytes) {
  std::optional<int64_t> flags;
  while (!bytes.empty()) {
    size_t end = bytes.find('\n');
    std::string_view line = bytes.substr(0, end);
    bytes.remove_prefix(end == std::string_view::npos ? bytes.size() : end + 1);
    if (!line.starts_with("flags:")) continue;
    if (flags.has_value()) {
      return InvalidArgumentError("fdinfo", "flags", "two flags lines");
    }
    line.remove_prefix(6);
    while (!line.empty() && (line[0] == '\t' || line[0] == ' ')) {
      line.remove_prefix(1);
    }
    if (line.empty() || line.size() > 11) {
      return InvalidArgumentError("fdinfo", "flags", "bad length");
    }
    int64_t value = 0;
    for (char c : line) {
      if (c < '0' || c > '7') {
        return InvalidArgumentError("fdinfo", "flags", "not octal");
      }
      value = value * 8 + (c - '0');
    }
    if (value > INT_MAX) {
      return InvalidArgumentError("fdinfo", "flags", "out of range");
    }
    flags = value;
  }
  if (!flags.has_value()) {
    return InvalidArgumentError("fdinfo", "flags", "no flags line");
  }
  return static_cast<int>(*flags);
}

Result<std::string> LinuxFileSystem::PathOf(int fd) const {
  char buffer[PATH_MAX + 32];
  ssize_t n = ::readlink(ProcSelfFd(fd).c_str(), buffer, sizeof(buffer));
  if (n < 0) return ErrnoStatus(kContext, FdName(fd), errno);
  if (static_cast<size_t>(n) == sizeof(buffer)) {
    return FailedPreconditionError(kContext, FdName(fd), "path too long");
  }
  std::string path(buffer, static_cast<size_t>(n));
  if (path.empty() || path[0] != '/') {
    return FailedPreconditionError(kContext, path, "not a file in a directory");
  }
  if (!path.ends_with(kDeleted)) return path;
  // " (deleted)" may be part of a real name: it is one if that name is
  // this very file.
  struct stat by_fd {};
  struct stat by_name {};
  if (::fstat(fd, &by_fd) == 0 && ::lstat(path.c_str(), &by_name) == 0 &&
      by_fd.st_dev == by_name.st_dev && by_fd.st_ino == by_name.st_ino) {
    return path;
  }
  path.resize(path.size() - kDeleted.size());
  return NotFoundError(kContext, path, "removed since it was opened");
}

Result<FileIdentity> LinuxFileSystem::Identify(int fd) const {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return ErrnoStatus(kContext, FdName(fd), errno);
  return IdentityOf(st);
}

Result<uint64_t> LinuxFileSystem::MountIdOf(int fd) const {
  struct statx stx {};
  if (::statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID,
              &stx) != 0) {
    return ErrnoStatus(kContext, FdName(fd), errno);
  }
  if ((stx.stx_mask & STATX_MNT_ID) == 0) {
    return FailedPreconditionError(kContext, FdName(fd), "no mount id (statx)");
  }
  return uint64_t{stx.stx_mnt_id};
}

Result<ReadResult> LinuxFileSystem::ReadSparse(int fd, size_t max_bytes) const {
  return ReadSparseFd(fd, max_bytes);
}

Result<bool> LinuxFileSystem::OpenForWritingByAnyone(
    const FileIdentity& file) const {
  UniqueFd proc(::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!proc.valid()) return ErrnoStatus(kContext, "/proc", errno);
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<std::string> entries,
                            ListNames(proc.get(), "/proc"));
  const std::string self = std::to_string(::getpid());
  for (const std::string& pid : entries) {
    if (!IsPid(pid) || pid == self) continue;
    if (ProcessWrites(proc.get(), pid, file)) return true;
  }
  return false;
}

Result<FileIdentity> LinuxFileSystem::Lstat(const std::string& absolute) const {
  struct stat st {};
  if (::lstat(absolute.c_str(), &st) != 0) {
    return ErrnoStatus(kContext, absolute, errno);
  }
  return IdentityOf(st);
}

Result<UniqueFd> LinuxFileSystem::OpenDir(const std::string& absolute) const {
  UniqueFd fd(::open(absolute.c_str(),
                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(kContext, absolute, errno);
  return fd;
}

Result<UniqueFd> LinuxFileSystem::OpenDirNoFollow(
    const std::string& absolute_dir) const {
  PIIGUARD_RETURN_IF_ERROR(SplitAbsoluteDir(absolute_dir).status());
  if (!options_.use_openat2) return OpenDirByComponents(absolute_dir);
  // No O_NOFOLLOW: with it a symlink as the last component gives ENOTDIR;
  // without it RESOLVE_NO_SYMLINKS refuses every symlink with ELOOP.
  open_how how{};
  how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  int64_t fd =
      ::syscall(SYS_openat2, AT_FDCWD, absolute_dir.c_str(), &how, sizeof(how));
  if (fd >= 0) return UniqueFd(static_cast<int>(fd));
  if (errno == ENOSYS) return OpenDirByComponents(absolute_dir);
  return ErrnoStatus(kContext, absolute_dir, errno);
}

Result<std::vector<std::string>> LinuxFileSystem::ReadDir(int dir_fd) const {
  UniqueFd copy(::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0));
  if (!copy.valid()) return ErrnoStatus(kContext, "directory", errno);
  std::unique_ptr<DIR, DirCloser> dir(::fdopendir(copy.get()));
  if (dir == nullptr) return ErrnoStatus(kContext, "directory", errno);
  copy.Release();  // the DIR owns it now
  ::rewinddir(dir.get());
  std::vector<std::string> names;
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) return ErrnoStatus(kContext, "directory", errno);
      break;
    }
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  return names;
}

Result<FileIdentity> LinuxFileSystem::StatAt(int dir_fd,
                                             const std::string& name) const {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(name));
  struct stat st {};
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoStatus(kContext, name, errno);
  }
  return IdentityOf(st);
}

Result<UniqueFd> LinuxFileSystem::OpenFileAt(int dir_fd,
                                             const std::string& name) const {
  return OpenChecked(dir_fd, name, O_RDONLY | O_NONBLOCK | O_NOCTTY);
}

Result<FileIdentity> LinuxFileSystem::StatBeneath(
    int dir_fd, const std::string& relative) const {
  if (relative.empty() || relative[0] == '/' ||
      !SplitAbsoluteDir("/" + relative).ok()) {
    return InvalidArgumentError(kContext, relative, "not a clean path");
  }
  if (options_.use_openat2) {
    open_how how{};
    // No O_NOFOLLOW: with it a final symlink opens as itself; without it
    // RESOLVE_NO_SYMLINKS refuses it (ELOOP).
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
                  RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
    int64_t raw =
        ::syscall(SYS_openat2, dir_fd, relative.c_str(), &how, sizeof(how));
    if (raw >= 0) {
      UniqueFd fd(static_cast<int>(raw));
      struct stat st {};
      if (::fstat(fd.get(), &st) != 0) {
        return ErrnoStatus(kContext, relative, errno);
      }
      return IdentityOf(st);
    }
    // ENOSYS: an old kernel, or systemd's RestrictSUIDSGID= (it refuses
    // every openat2, whose flags seccomp cannot inspect): piiguardd.service.
    if (errno != ENOSYS) return ErrnoStatus(kContext, relative, errno);
  }
  return StatBeneathByComponents(dir_fd, relative);
}

Result<FileIdentity> LinuxFileSystem::StatBeneathByComponents(
    int dir_fd, const std::string& relative) const {
  // What openat2's RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV
  // would do: the path is clean (no "..", checked above), every component
  // is opened with O_NOFOLLOW (a symlink is refused, never followed) and
  // must be on dir_fd's mount (a mount on the way, a bind mount included,
  // is refused: EXDEV).
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t mount, MountIdOf(dir_fd));
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<std::string> parts,
                            SplitAbsoluteDir("/" + relative));
  UniqueFd current;
  for (size_t i = 0; i < parts.size(); ++i) {
    bool last = i + 1 == parts.size();
    int flags = O_PATH | O_NOFOLLOW | O_CLOEXEC | (last ? 0 : O_DIRECTORY);
    int at = current.valid() ? current.get() : dir_fd;
    UniqueFd next(::openat(at, parts[i].c_str(), flags));
    if (!next.valid()) return ErrnoStatus(kContext, relative, errno);
    struct stat st {};
    if (::fstat(next.get(), &st) != 0) {
      return ErrnoStatus(kContext, relative, errno);
    }
    // O_PATH | O_NOFOLLOW opens a final symlink as itself; an earlier one
    // fails O_DIRECTORY (ENOTDIR). Either way: ELOOP, as openat2 says.
    if (S_ISLNK(st.st_mode)) return ErrnoStatus(kContext, relative, ELOOP);
    PIIGUARD_ASSIGN_OR_RETURN(uint64_t here, MountIdOf(next.get()));
    if (here != mount) return ErrnoStatus(kContext, relative, EXDEV);
    if (last) return IdentityOf(st);
    current = std::move(next);
  }
  return InvalidArgumentError(kContext, relative, "not a clean path");
}

Result<UniqueFd> LinuxFileSystem::OpenDirAt(int dir_fd,
                                            const std::string& name) const {
  return OpenChecked(dir_fd, name, O_RDONLY | O_DIRECTORY);
}

}  // namespace piiguard::os
