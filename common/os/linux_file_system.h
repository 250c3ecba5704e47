// LinuxFileSystem: FileSystem on the running kernel.
//
// PathOf reads /proc/self/fd/N. OpenDirNoFollow uses openat2(2) with
// RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS (Linux 5.6; called through
// syscall(2), glibc 2.36 has no wrapper) and, where the kernel lacks it
// (ENOSYS), opens component by component with O_NOFOLLOW | O_DIRECTORY.
// The walk's operations are fstatat, openat and readdir without following
// symbolic links. RemoveIfSame uses renameat2(RENAME_NOREPLACE); a
// filesystem without it (EINVAL) makes RemoveIfSame fail rather than fall
// back to a racy unlink. OpenForWritingByAnyone walks /proc/[pid]/fd and
// reads /proc/[pid]/fdinfo/N; it sees every process only with root (or
// CAP_SYS_PTRACE): others' fds are skipped otherwise.
//
// The queries and the walk are in linux_file_system.cc, the operations
// that change the tree in linux_file_system_changes.cc.
//
// Thread-safety: thread-safe (no mutable state).
#ifndef PIIGUARD_COMMON_OS_LINUX_FILE_SYSTEM_H_
#define PIIGUARD_COMMON_OS_LINUX_FILE_SYSTEM_H_

#include <sys/stat.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/os/file_system.h"

namespace piiguard::os {

// The identity of the file `st` describes (what Identify, StatAt and Lstat
// return).
FileIdentity IdentityOf(const struct stat& st);

class LinuxFileSystem : public FileSystem {
 public:
  struct Options {
    // false: OpenDirNoFollow always takes the component-by-component path
    // (what it does on ENOSYS), so that tests exercise it.
    bool use_openat2 = true;
  };
  LinuxFileSystem() = default;
  explicit LinuxFileSystem(Options options) : options_(options) {}

  Result<std::string> PathOf(int fd) const override;
  Result<FileIdentity> Identify(int fd) const override;
  Result<uint64_t> MountIdOf(int fd) const override;
  Result<ReadResult> ReadSparse(int fd, size_t max_bytes) const override;
  Result<bool> OpenForWritingByAnyone(const FileIdentity& file) const override;
  Result<FileIdentity> Lstat(const std::string& absolute) const override;
  Result<UniqueFd> OpenDir(const std::string& absolute) const override;
  Result<UniqueFd> OpenDirNoFollow(
      const std::string& absolute_dir) const override;
  Result<std::vector<std::string>> ReadDir(int dir_fd) const override;
  Result<FileIdentity> StatAt(int dir_fd,
                              const std::string& name) const override;
  Result<FileIdentity> StatBeneath(int dir_fd,
                                   const std::string& relative) const override;
  Result<UniqueFd> OpenFileAt(int dir_fd,
                              const std::string& name) const override;
  Result<UniqueFd> OpenDirAt(int dir_fd,
                             const std::string& name) const override;
  Status RemoveIfSame(int dir_fd, const std::string& name,
                      const FileIdentity& expected) override;
  Result<UniqueFd> CreateExclusive(int dir_fd, const std::string& name,
                                   mode_t mode) override;
  Result<CreatedFile> CreateUnique(int dir_fd, const std::string& base_name,
                                   mode_t mode) override;
  Status MakeDirAt(int dir_fd, const std::string& name, mode_t mode) override;
  Status FsyncFd(int fd) override;
  Status UnlinkAt(int dir_fd, const std::string& name) override;
  Result<UniqueFd> ReopenForWriting(int fd) override;

 private:
  // StatBeneath without openat2 (ENOSYS, or Options::use_openat2 false).
  Result<FileIdentity> StatBeneathByComponents(
      int dir_fd, const std::string& relative) const;

  Options options_;
};

// The open flags in the bytes of /proc/PID/fdinfo/N: its one
// "flags:\t0OCTAL" line. Strict: exactly one such line, octal digits only,
// a value that fits in 31 bits.
Result<int> ParseFdinfoFlags(std::string_view bytes);

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_LINUX_FILE_SYSTEM_H_
