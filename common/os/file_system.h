// FileSystem: the one file-system seam of the agent, in the manner of
// leveldb's Env: every file operation the agent's file code needs, each
// small. LinuxFileSystem (linux_file_system.h) does them with the kernel;
// FakeFileSystem (testing/fake_file_system.h) keeps an in-memory tree whose
// fds are real (memfd) so the same production code runs on both.
// file_system_test.cc and file_system_change_test.cc run one suite against
// both so the fake cannot drift.
//
// Two users:
//  - the roster guard's mover (agent/rosterguard) works from the fd of a
//    fanotify event: it identifies the file (Identify), reads it
//    (ReadSparse), checks that no one still writes it, finds its directory
//    without following symlinks (PathOf, OpenDirNoFollow) and removes the
//    name only if it still is the file examined (RemoveIfSame).
//    docs/roster-guard.md explains what remains racy.
//  - the walker of `piiguard scan` (agent/scan) walks directory trees one
//    directory fd at a time and never follows a symbolic link: it stats
//    each entry without following it (StatAt) and opens files and
//    directories by name relative to their directory's fd with O_NOFOLLOW
//    (OpenFileAt, OpenDirAt), so a symlink swapped in after the stat is
//    refused (ELOOP), not followed; it reads the files with ReadSparse.
//
// `name` arguments are single directory entries: not empty, not "." or
// "..", no '/' and no NUL (kInvalidArgument otherwise). Errors read
// "file system: OBJECT: REASON"; errno failures go through ErrnoStatus
// (EACCES is kPermissionDenied).
//
// Thread-safety: the interface makes no promise; each implementation says.
#ifndef PIIGUARD_COMMON_OS_FILE_SYSTEM_H_
#define PIIGUARD_COMMON_OS_FILE_SYSTEM_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"

namespace piiguard::os {

inline constexpr std::string_view kFileSystemContext = "file system";
// CreateUnique tries "name", "name (2)", ... up to "name (kMaxUniqueNames)".
inline constexpr int kMaxUniqueNames = 100;

struct FileIdentity {
  uint64_t dev = 0;
  uint64_t ino = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  uint64_t nlink = 0;
  uint32_t mode = 0;  // st_mode: the type and the permission bits
  uint32_t uid = 0;
  bool is_regular = false;

  // The same inode (a symlink's own inode never equals its target's).
  bool SameFile(const FileIdentity& other) const {
    return dev == other.dev && ino == other.ino;
  }
};

struct ReadResult {
  // The data regions in order; each hole between or around them becomes
  // one '\n', so text on both sides of a hole never joins.
  std::string text;
  // Reading stopped after max_bytes of data.
  bool truncated = false;
  // Bytes of data and of holes in the part examined (the whole file unless
  // truncated).
  uint64_t data_bytes = 0;
  uint64_t hole_bytes = 0;
};

struct CreatedFile {
  UniqueFd fd;
  std::string name;  // the name chosen ("名簿 (2).csv")
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Through an fd.

  // The path `fd` was opened by, as the kernel sees it now (it follows
  // renames). kNotFound when that name was removed (" (deleted)").
  virtual Result<std::string> PathOf(int fd) const = 0;

  virtual Result<FileIdentity> Identify(int fd) const = 0;

  // Reads a regular file from offset 0 with pread (the fd's offset may
  // move: SEEK_DATA/SEEK_HOLE skip holes without reading them). A file that
  // shrinks meanwhile ends where it ends. kFailedPrecondition for anything
  // but a regular file.
  virtual Result<ReadResult> ReadSparse(int fd, size_t max_bytes) const = 0;

  // Whether a process other than this one has the file open for writing
  // (O_WRONLY or O_RDWR). Processes that exit meanwhile are skipped.
  virtual Result<bool> OpenForWritingByAnyone(
      const FileIdentity& file) const = 0;

  // The id of the mount `fd` was opened through (statx STATX_MNT_ID): the
  // same filesystem seen through a bind mount has another one.
  // kFailedPrecondition where the kernel gives none (before Linux 5.8).
  virtual Result<uint64_t> MountIdOf(int fd) const = 0;

  // Directories and their entries.

  // The entry at an absolute path itself (its last component is not
  // followed; symlinks before it are, as the caller named them).
  virtual Result<FileIdentity> Lstat(const std::string& absolute) const = 0;

  // Opens the directory at an absolute path (O_DIRECTORY | O_NOFOLLOW on
  // its last component).
  virtual Result<UniqueFd> OpenDir(const std::string& absolute) const = 0;

  // Opens the directory `absolute_dir` ("/home/u/docs") refusing any
  // symlink on the way (ELOOP). REQUIRES: absolute, no "." or ".."
  // components (kInvalidArgument otherwise).
  virtual Result<UniqueFd> OpenDirNoFollow(
      const std::string& absolute_dir) const = 0;

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

  // The entry at `relative` ("a/b.csv": no "." or ".." components, not
  // absolute) below `dir_fd`, reached without leaving it, without following
  // any symlink (its last component included) and without crossing a mount
  // (openat2 O_PATH, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
  // RESOLVE_NO_XDEV). kFailedPrecondition where openat2 is missing.
  virtual Result<FileIdentity> StatBeneath(
      int dir_fd, const std::string& relative) const = 0;

  // Changes.

  // Removes the entry `name` only if it still is `expected`, unchanged
  // (StillTheSame): renames it to a unique hidden name first, checks that,
  // and unlinks it or renames it back. kFailedPrecondition
  // "...: NAME: changed since it was examined" when it is not the file or
  // was written since. REQUIRES: the caller still holds an fd on the file
  // `expected` describes (else its inode number may already be reused).
  [[nodiscard]] virtual Status RemoveIfSame(int dir_fd, const std::string& name,
                                            const FileIdentity& expected) = 0;

  // O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC.
  virtual Result<UniqueFd> CreateExclusive(int dir_fd, const std::string& name,
                                           mode_t mode) = 0;
  // CreateExclusive of `base_name`, then "stem (2).ext", "stem (3).ext"...
  // (UniqueName) while the name exists.
  virtual Result<CreatedFile> CreateUnique(int dir_fd,
                                           const std::string& base_name,
                                           mode_t mode) = 0;
  // An existing directory (not a symlink to one) is fine.
  [[nodiscard]] virtual Status MakeDirAt(int dir_fd, const std::string& name,
                                         mode_t mode) = 0;
  [[nodiscard]] virtual Status FsyncFd(int fd) = 0;
  [[nodiscard]] virtual Status UnlinkAt(int dir_fd,
                                        const std::string& name) = 0;
  // A new write-only fd on the same file (through /proc/self/fd), to
  // overwrite its data before removal. Regular files only.
  virtual Result<UniqueFd> ReopenForWriting(int fd) = 0;
};

// The kind of an entry from its st_mode.
enum class EntryKind { kFile, kDirectory, kSymlink, kSpecial };
EntryKind KindOf(const FileIdentity& identity);

// Whether `now` is the regular file `expected` described, not written
// since: same dev/ino, size and mtime (mtime has the kernel's timestamp
// granularity, a few ms on most filesystems).
bool StillTheSame(const FileIdentity& now, const FileIdentity& expected);

// OK for a single directory entry name (see above).
Status CheckEntryName(std::string_view name);

// The `n`th candidate name for CreateUnique: n == 1 is `base_name`; later
// ones put " (n)" before the extension ("a.csv" -> "a (2).csv"; ".bashrc"
// and "README" have none).
std::string UniqueName(std::string_view base_name, int n);

// The components of an absolute directory path ("/home//u/" -> home, u; "/"
// -> none); kInvalidArgument for a relative path or a "." or ".."
// component.
Result<std::vector<std::string>> SplitAbsoluteDir(std::string_view path);

// ReadSparse on an fd (both implementations use it).
Result<ReadResult> ReadSparseFd(int fd, size_t max_bytes);

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_FILE_SYSTEM_H_
