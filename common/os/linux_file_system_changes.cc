// LinuxFileSystem (linux_file_system.h): the operations that change the
// tree (removing, creating, syncing, reopening for writing).
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include "common/os/linux_file_system.h"

namespace piiguard::os {
namespace {

constexpr std::string_view kContext = kFileSystemContext;
constexpr int kHiddenNameTries = 8;

std::string FdName(int fd) { return "fd " + std::to_string(fd); }
std::string ProcSelfFd(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

Result<std::string> HiddenName() {
  unsigned char bytes[8];
  if (::getrandom(bytes, sizeof(bytes), 0) != sizeof(bytes)) {
    return ErrnoStatus(kContext, "getrandom", errno);
  }
  std::string name = ".piiguard-remove-";
  constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char b : bytes) {
    name += kHex[b >> 4];
    name += kHex[b & 15];
  }
  return name;
}

// Renames `name` to a fresh hidden name in the same directory.
Result<std::string> HideEntry(int dir_fd, const std::string& name) {
  for (int attempt = 0;; ++attempt) {
    PIIGUARD_ASSIGN_OR_RETURN(std::string hidden, HiddenName());
    if (::renameat2(dir_fd, name.c_str(), dir_fd, hidden.c_str(),
                    RENAME_NOREPLACE) == 0) {
      return hidden;
    }
    if (errno != EEXIST || attempt + 1 == kHiddenNameTries) {
      return ErrnoStatus(kContext, name, errno);
    }
  }
}

// openat(O_CREAT | O_EXCL ...); the errno on failure in *error.
UniqueFd OpenExclusive(int dir_fd, const std::string& name, mode_t mode,
                       int* error) {
  UniqueFd fd(::openat(dir_fd, name.c_str(),
                       O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC,
                       mode));
  *error = fd.valid() ? 0 : errno;
  return fd;
}

}  // namespace

Status LinuxFileSystem::RemoveIfSame(int dir_fd, const std::string& name,
                                     const FileIdentity& expected) {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(name));
  PIIGUARD_ASSIGN_OR_RETURN(std::string hidden, HideEntry(dir_fd, name));
  Result<FileIdentity> now = StatAt(dir_fd, hidden);
  if (now.ok() && StillTheSame(*now, expected)) {
    if (::unlinkat(dir_fd, hidden.c_str(), 0) == 0) return Status::Ok();
    int error = errno;
    (void)::renameat2(dir_fd, hidden.c_str(), dir_fd, name.c_str(),
                      RENAME_NOREPLACE);
    return ErrnoStatus(kContext, name, error);
  }
  if (::renameat2(dir_fd, hidden.c_str(), dir_fd, name.c_str(),
                  RENAME_NOREPLACE) != 0) {
    // Someone made a new `name` meanwhile (or took ours): what we moved
    // aside stays under the hidden name, nothing is lost.
    return FailedPreconditionError(
        kContext, name,
        "changed since it was examined (left as " + hidden + ")");
  }
  return FailedPreconditionError(kContext, name,
                                 "changed since it was examined");
}

Result<UniqueFd> LinuxFileSystem::CreateExclusive(int dir_fd,
                                                  const std::string& name,
                                                  mode_t mode) {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(name));
  int error = 0;
  UniqueFd fd = OpenExclusive(dir_fd, name, mode, &error);
  if (!fd.valid()) return ErrnoStatus(kContext, name, error);
  return fd;
}

Result<CreatedFile> LinuxFileSystem::CreateUnique(int dir_fd,
                                                  const std::string& base_name,
                                                  mode_t mode) {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(base_name));
  for (int n = 1; n <= kMaxUniqueNames; ++n) {
    std::string name = UniqueName(base_name, n);
    int error = 0;
    UniqueFd fd = OpenExclusive(dir_fd, name, mode, &error);
    if (fd.valid()) return CreatedFile{std::move(fd), std::move(name)};
    if (error != EEXIST) return ErrnoStatus(kContext, name, error);
  }
  return FailedPreconditionError(kContext, base_name, "no free name");
}

Status LinuxFileSystem::MakeDirAt(int dir_fd, const std::string& name,
                                  mode_t mode) {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(name));
  if (::mkdirat(dir_fd, name.c_str(), mode) == 0) return Status::Ok();
  if (errno != EEXIST) return ErrnoStatus(kContext, name, errno);
  struct stat st {};
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoStatus(kContext, name, errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    return FailedPreconditionError(kContext, name,
                                   "exists and is not a directory");
  }
  return Status::Ok();
}

Status LinuxFileSystem::FsyncFd(int fd) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return ErrnoStatus(kContext, FdName(fd), errno);
  }
  return Status::Ok();
}

Status LinuxFileSystem::UnlinkAt(int dir_fd, const std::string& name) {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(name));
  if (::unlinkat(dir_fd, name.c_str(), 0) != 0) {
    return ErrnoStatus(kContext, name, errno);
  }
  return Status::Ok();
}

Result<UniqueFd> LinuxFileSystem::ReopenForWriting(int fd) {
  PIIGUARD_ASSIGN_OR_RETURN(FileIdentity before, Identify(fd));
  if (!before.is_regular) {
    return FailedPreconditionError(kContext, FdName(fd), "not a regular file");
  }
  UniqueFd out(::open(ProcSelfFd(fd).c_str(), O_WRONLY | O_CLOEXEC));
  if (!out.valid()) return ErrnoStatus(kContext, FdName(fd), errno);
  PIIGUARD_ASSIGN_OR_RETURN(FileIdentity after, Identify(out.get()));
  if (!after.SameFile(before)) {
    return FailedPreconditionError(kContext, FdName(fd),
                                   "reopened another file");
  }
  return out;
}

}  // namespace piiguard::os
