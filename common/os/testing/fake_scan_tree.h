// FakeScanTree: an in-memory ScanTree (scan_tree.h) for tests. Entries are
// directories, regular files, symlinks and special files (a FIFO), each
// with a device and inode number of its own; every fd handed out is a
// fresh memfd (a file's holds its bytes, sparse where set up so, so
// FileSystem::ReadSparse reads it as on Linux), mapped back to its entry
// by the memfd's inode number.
//
// Set-up paths are absolute; missing parents become directories on the
// parent's device. A bad set-up call aborts: it is a bug in the test.
//
// Thread-safety: not thread-safe.
#ifndef PIIGUARD_COMMON_OS_FAKE_SCAN_TREE_H_
#define PIIGUARD_COMMON_OS_FAKE_SCAN_TREE_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/os/scan_tree.h"

namespace piiguard::os {

class FakeScanTree : public ScanTree {
 public:
  // An empty root directory "/" on device 1.
  FakeScanTree();

  void AddDirectory(const std::string& path);
  void AddFile(const std::string& path, std::string_view content);
  // A file of `size` bytes with `data` at `offset` and holes elsewhere.
  void AddSparseFile(const std::string& path, uint64_t size, uint64_t offset,
                     std::string_view data);
  void AddSymlink(const std::string& path, const std::string& target);
  void AddFifo(const std::string& path);
  // The directory at `path` (made if missing) is the root of another
  // filesystem on device `dev`; entries added below it later are on `dev`.
  void AddMount(const std::string& path, uint64_t dev);
  // Opening (files and directories) or listing it fails with EACCES, as
  // for a file mode 0600 of another user.
  void DenyAccess(const std::string& path);

  Result<FileIdentity> Lstat(const std::string& absolute) const override;
  Result<UniqueFd> OpenDir(const std::string& absolute) const override;
  Result<std::vector<std::string>> ReadDir(int dir_fd) const override;
  Result<FileIdentity> StatAt(int dir_fd,
                              const std::string& name) const override;
  Result<UniqueFd> OpenFileAt(int dir_fd,
                              const std::string& name) const override;
  Result<UniqueFd> OpenDirAt(int dir_fd,
                             const std::string& name) const override;

 private:
  struct Node {
    uint32_t mode = 0;  // S_IFDIR | 0755 ...
    uint64_t dev = 1;
    uint64_t ino = 0;
    uint64_t size = 0;
    uint64_t offset = 0;  // where `data` starts (sparse files)
    std::string data;
    bool denied = false;
  };

  Node& Add(const std::string& path, uint32_t mode);
  const Node* Find(const std::string& path) const;
  static std::string Parent(const std::string& path);
  static FileIdentity IdentityOf(const Node& node);
  Result<UniqueFd> HandOut(const std::string& path) const;
  Result<std::string> PathOfFd(int fd) const;
  Result<std::string> Child(int dir_fd, const std::string& name) const;

  std::map<std::string, Node> nodes_;             // by absolute path
  mutable std::map<uint64_t, std::string> open_;  // memfd inode -> path
  uint64_t next_ino_ = 2;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_FAKE_SCAN_TREE_H_
