// FakeFileSystem: an in-memory FileSystem for tests, behaving like
// LinuxFileSystem on the same calls (file_system_test.cc and
// file_system_change_test.cc run one suite on both). It keeps a tree of
// directories, regular files, symlinks and FIFOs with devices and inode
// numbers of its own; every inode is backed by a memfd, and the fds it
// hands out (Open, OpenDir, OpenFileAt, CreateExclusive...) are real fds
// reopened on that memfd, so production code can pread, write and fstat
// them, and the fake maps any of them back to its inode (by the memfd's
// inode number). File bytes live in the memfds (sparse like any tmpfs
// file). A FIFO's fd is a memfd too: only the fake's own operations
// (Identify, ReadSparse: not a regular file) see that it is a FIFO.
//
// Set-up paths are absolute and taken literally (symlinks in them are not
// followed); missing parents become directories on their parent's device.
// Lstat and OpenDir take their paths literally as well: a symlink before
// the last component is not followed (ENOENT), where Linux would follow
// it. A bad set-up call (a path through a file, a missing entry) aborts:
// it is a bug in the test.
//
// Injection: an errno on the next call of an operation; "replace this path
// by a symlink after the next call of an operation" (the swap a mover must
// survive); any action after the next call of an operation; "this file is
// open for writing by pid P"; "opening this entry is refused" (EACCES).
//
// The tree and its set-up are in fake_file_system.cc, the operations
// through an fd, the changes and the injections in fake_file_system_ops.cc,
// the operations on directories and their entries in
// fake_file_system_walk.cc.
//
// Thread-safety: not thread-safe (tests drive it from one thread).
#ifndef PIIGUARD_COMMON_OS_FAKE_FILE_SYSTEM_H_
#define PIIGUARD_COMMON_OS_FAKE_FILE_SYSTEM_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/os/file_system.h"

namespace piiguard::os {

class FakeFileSystem : public FileSystem {
 public:
  enum class Op {
    kPathOf,
    kIdentify,
    kReadSparse,
    kOpenForWritingByAnyone,
    kLstat,
    kOpenDir,
    kOpenDirNoFollow,
    kReadDir,
    kStatAt,
    kOpenFileAt,
    kOpenDirAt,
    kRemoveIfSame,
    kCreateExclusive,
    kCreateUnique,
    kMakeDirAt,
    kFsyncFd,
    kUnlinkAt,
    kReopenForWriting,
    kMountIdOf,
    kStatBeneath,
  };
  enum class Kind { kNone, kFile, kDirectory, kSymlink, kFifo };

  // An empty root directory "/" on device 1.
  FakeFileSystem();

  // Set-up.
  // A new directory owned by `uid` (an existing one is left as it is).
  void AddDirectory(const std::string& path, mode_t mode = 0755, uid_t uid = 0);
  // A new file, or new content for an existing one (same inode).
  void AddFile(const std::string& path, std::string_view content,
               mode_t mode = 0644, uid_t uid = 1000);
  // A file of `size` bytes with `data` at `offset` and holes elsewhere.
  void AddSparseFile(const std::string& path, uint64_t size, uint64_t offset,
                     std::string_view data);
  void AddSymlink(const std::string& path, const std::string& target);
  void AddFifo(const std::string& path);
  void AddHardLink(const std::string& existing, const std::string& path);
  // The directory at `path` is the root of a filesystem on device `dev`;
  // what is created below it later is on `dev` too.
  void AddMount(const std::string& path, uint64_t dev);
  void Truncate(const std::string& path, uint64_t size);
  void WriteAt(const std::string& path, uint64_t offset, std::string_view data);
  // mv within the tree; fds opened by the old name follow (like d_move).
  void Rename(const std::string& from, const std::string& to);
  // Removes the entry (a directory must be empty).
  void Remove(const std::string& path);
  // A read-only fd on the regular file at `path`, as fanotify gives.
  UniqueFd Open(const std::string& path);

  // Inspection.
  Kind KindOf(const std::string& path) const;
  std::string Content(const std::string& path) const;
  std::string LinkTarget(const std::string& path) const;
  std::vector<std::string> List(const std::string& dir) const;
  // The device of the entry at `path` (0 if there is none).
  uint64_t DeviceOf(const std::string& path) const;
  int calls(Op op) const;

  // Injection. The next call of `op` fails with `error_number`.
  void FailNext(Op op, int error_number) { failures_[op] = error_number; }
  // After the next successful call of `op`, the entry at `path` is moved
  // to `moved_to` (removed if empty) and a symlink to `target` takes its
  // place.
  void SwapForSymlinkAfter(Op op, const std::string& path,
                           const std::string& target,
                           const std::string& moved_to = "");
  // From now on, opening the entry at `path` (OpenDir, OpenDirNoFollow,
  // OpenDirAt, OpenFileAt) fails with EACCES, and so does reaching an
  // entry below it by an absolute path (Lstat, OpenDir, OpenDirNoFollow),
  // as for a file mode 0600 or a directory mode 0700 of another user.
  void DenyAccess(const std::string& path);
  // Process `pid` has (or no longer has) the file at `path` open for
  // writing.
  void SetWriter(const std::string& path, int pid, bool writing = true);
  // The same for the file `fd` is open on (a removed file has no path).
  void SetWriterOf(int fd, int pid, bool writing = true);
  // After the next successful call of `op` (and its swap, if any), runs
  // `action` once: a writer or an attacker acting between two steps.
  void AfterNext(Op op, std::function<void()> action) {
    hooks_[op] = std::move(action);
  }
  // `fd` was opened through another mount (a bind mount): MountIdOf gives
  // `mount_id`, and PathOf gives `path` when not empty (the kernel names a
  // file by the mount it was reached through). Kept for that fd number
  // until the fake is destroyed.
  void SetMountIdOf(int fd, uint64_t mount_id, const std::string& path = "") {
    mount_ids_[fd] = mount_id;
    if (!path.empty()) reported_paths_[fd] = path;
  }

  Result<std::string> PathOf(int fd) const override;
  Result<FileIdentity> Identify(int fd) const override;
  // The fd's device, unless SetMountIdOf said otherwise.
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
  struct Inode {
    uint64_t id = 0;
    uint64_t dev = 1;
    Kind kind = Kind::kDirectory;
    uint32_t perm = 0755;
    uint32_t uid = 0;
    uint64_t nlink = 0;
    UniqueFd backing;  // a memfd
    uint64_t memfd_ino = 0;
    std::map<std::string, uint64_t, std::less<>> entries;  // directories
    uint64_t parent = 0;                                   // directories
    std::string target;                                    // symlinks
    std::set<int> writers;  // pids with it open for writing
    bool denied = false;    // DenyAccess
  };
  // What an fd handed out was opened by (PathOf follows it).
  struct OpenName {
    uint64_t memfd_ino = 0;
    uint64_t parent = 0;
    std::string name;
  };
  struct Swap {
    std::string path;
    std::string target;
    std::string moved_to;
  };

  uint64_t NewInode(Kind kind, uint64_t dev, uint32_t perm, uint32_t uid);
  void Link(uint64_t dir, const std::string& name, uint64_t id);
  void Unlink(uint64_t dir, const std::string& name);
  // The directory holding `path`'s last component, made if missing.
  uint64_t ParentOf(const std::string& path, std::string* name);
  // The entry at `path`, or 0.
  uint64_t Find(const std::string& path) const;
  uint64_t FindOrDie(const std::string& path) const;
  std::string DirPath(uint64_t dir) const;
  UniqueFd HandOut(uint64_t id, uint64_t parent, const std::string& name,
                   int flags) const;
  Result<uint64_t> InodeOfFd(int fd) const;
  Result<uint64_t> DirOfFd(int dir_fd) const;
  Result<uint64_t> EntryAt(uint64_t dir, const std::string& name) const;
  // The entry at an absolute path taken literally (Lstat, OpenDir), with
  // its directory and name (the root is its own, named "").
  Result<uint64_t> Lookup(const std::string& absolute, uint64_t* parent,
                          std::string* name) const;
  FileIdentity IdentityOf(uint64_t id) const;
  // Counts the call, fails it if injected.
  Status Enter(Op op, std::string_view object) const;
  void Leave(Op op) const;
  Result<UniqueFd> CreateFileAt(uint64_t dir, const std::string& name,
                                mode_t mode, int* error);

  // An injected swap after a const call changes the tree: Leave() does it
  // through const_cast (a FakeFileSystem is never defined const).
  void DoSwap(const Swap& swap);

  std::map<uint64_t, Inode> inodes_;
  mutable std::map<int, OpenName> open_names_;
  mutable std::map<Op, int> failures_;
  mutable std::map<Op, Swap> swaps_;
  mutable std::map<Op, std::function<void()>> hooks_;
  mutable std::map<Op, int> calls_;
  std::map<int, uint64_t> mount_ids_;          // SetMountIdOf
  std::map<int, std::string> reported_paths_;  // SetMountIdOf
  std::map<uint64_t, uint64_t> by_memfd_;      // memfd inode -> inode id
  uint64_t memfd_dev_ = 0;
  uint64_t next_id_ = 2;
  mode_t umask_ = 022;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_FAKE_FILE_SYSTEM_H_
