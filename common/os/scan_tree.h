// ScanTree: walking directory trees for `piiguard scan` (agent/scan), one
// directory fd at a time and never following a symbolic link: the walk
// stats each entry without following it (StatAt) and opens files and
// directories by name relative to their directory's fd with O_NOFOLLOW, so
// a symlink swapped in after the stat is refused (ELOOP), not followed.
// Reading the files is FileSystem::ReadSparse's (file_system.h), on the
// fds OpenFileAt gives.
//
// LinuxScanTree does it with the kernel; FakeScanTree (fake_scan_tree.h)
// keeps an in-memory tree whose fds are real (memfd), so ReadSparse and
// the walker run unchanged on it. scan_tree_test.cc runs one suite on both.
//
// `name` arguments are single directory entries (CheckEntryName). Errors
// read "scan tree: OBJECT: REASON"; errno failures go through ErrnoStatus
// (EACCES is kPermissionDenied).
//
// Thread-safety: the interface makes no promise; LinuxScanTree is
// thread-safe, FakeScanTree is not.
#ifndef PIIGUARD_COMMON_OS_SCAN_TREE_H_
#define PIIGUARD_COMMON_OS_SCAN_TREE_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/os/file_system.h"
#include "common/result.h"
#include "common/unique_fd.h"

namespace piiguard::os {

inline constexpr std::string_view kScanTreeContext = "scan tree";

class ScanTree {
 public:
  virtual ~ScanTree() = default;

  // The entry at an absolute path itself (its last component is not
  // followed; symlinks before it are, as the caller named them).
  virtual Result<FileIdentity> Lstat(const std::string& absolute) const = 0;
  // Opens the directory at an absolute path (O_DIRECTORY | O_NOFOLLOW on
  // its last component).
  virtual Result<UniqueFd> OpenDir(const std::string& absolute) const = 0;
  // The names in a directory, without "." and "..", in no set order.
  virtual Result<std::vector<std::string>> ReadDir(int dir_fd) const = 0;
  // The entry `name` of `dir_fd` itself (a symlink is not followed).
  virtual Result<FileIdentity> StatAt(int dir_fd,
                                      const std::string& name) const = 0;
  // O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC: a FIFO put
  // in the file's place meanwhile does not block the walk (ReadSparse then
  // refuses it: not a regular file).
  virtual Result<UniqueFd> OpenFileAt(int dir_fd,
                                      const std::string& name) const = 0;
  // O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC.
  virtual Result<UniqueFd> OpenDirAt(int dir_fd,
                                     const std::string& name) const = 0;
};

class LinuxScanTree : public ScanTree {
 public:
  Result<FileIdentity> Lstat(const std::string& absolute) const override;
  Result<UniqueFd> OpenDir(const std::string& absolute) const override;
  Result<std::vector<std::string>> ReadDir(int dir_fd) const override;
  Result<FileIdentity> StatAt(int dir_fd,
                              const std::string& name) const override;
  Result<UniqueFd> OpenFileAt(int dir_fd,
                              const std::string& name) const override;
  Result<UniqueFd> OpenDirAt(int dir_fd,
                             const std::string& name) const override;
};

// The kind of an entry from its st_mode.
enum class EntryKind { kFile, kDirectory, kSymlink, kSpecial };
EntryKind KindOf(const FileIdentity& identity);

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_SCAN_TREE_H_
