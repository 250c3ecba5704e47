// FakeFileSystem: the operations on directories and their entries, what
// `piiguard scan` walks the tree with and the mover finds a file's
// directory with (the tree is in fake_file_system.cc, the other operations
// in fake_file_system_ops.cc). Like those, each operation checks names
// first, then counts the call and takes an injected failure (Enter), and
// after success performs an injected swap and action (Leave).
#include <fcntl.h>

#include <cerrno>
#include <string>
#include <vector>

#include "common/os/testing/fake_file_system.h"

namespace piiguard::os {
namespace {

constexpr std::string_view kContext = kFileSystemContext;
constexpr size_t kNameMax = 255;

}  // namespace

Result<uint64_t> FakeFileSystem::Lookup(const std::string& absolute,
                                        uint64_t* parent,
                                        std::string* name) const {
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<std::string> parts,
                            SplitAbsoluteDir(absolute));
  uint64_t id = 1;
  *parent = 1;
  name->clear();
  for (const std::string& part : parts) {
    if (part.size() > kNameMax) {
      return ErrnoStatus(kContext, absolute, ENAMETOOLONG);
    }
    const Inode& dir = inodes_.at(id);
    if (dir.kind != Kind::kDirectory) {
      // Through a file: ENOTDIR; through a symlink, which Linux would
      // follow: taken literally, there is no such entry.
      return ErrnoStatus(kContext, absolute,
                         dir.kind == Kind::kSymlink ? ENOENT : ENOTDIR);
    }
    if (dir.denied) return ErrnoStatus(kContext, absolute, EACCES);
    auto it = dir.entries.find(part);
    if (it == dir.entries.end()) return ErrnoStatus(kContext, absolute, ENOENT);
    *parent = id;
    *name = part;
    id = it->second;
  }
  return id;
}

Result<FileIdentity> FakeFileSystem::Lstat(const std::string& absolute) const {
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kLstat, absolute));
  uint64_t parent = 0;
  std::string name;
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t id, Lookup(absolute, &parent, &name));
  FileIdentity identity = IdentityOf(id);
  Leave(Op::kLstat);
  return identity;
}

Result<UniqueFd> FakeFileSystem::OpenDir(const std::string& absolute) const {
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kOpenDir, absolute));
  uint64_t parent = 0;
  std::string name;
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t id, Lookup(absolute, &parent, &name));
  const Inode& inode = inodes_.at(id);
  // O_DIRECTORY | O_NOFOLLOW on a symlink: ENOTDIR, as on Linux.
  if (inode.kind != Kind::kDirectory) {
    return ErrnoStatus(kContext, absolute, ENOTDIR);
  }
  if (inode.denied) return ErrnoStatus(kContext, absolute, EACCES);
  UniqueFd fd = HandOut(id, parent, name, O_RDONLY);
  if (!fd.valid()) return ErrnoStatus(kContext, absolute, errno);
  Leave(Op::kOpenDir);
  return fd;
}

Result<UniqueFd> FakeFileSystem::OpenDirNoFollow(
    const std::string& absolute_dir) const {
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<std::string> parts,
                            SplitAbsoluteDir(absolute_dir));
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kOpenDirNoFollow, absolute_dir));
  uint64_t dir = 1;
  uint64_t parent = 1;
  std::string name;
  for (const std::string& part : parts) {
    if (part.size() > kNameMax) {
      return ErrnoStatus(kContext, absolute_dir, ENAMETOOLONG);
    }
    if (inodes_.at(dir).denied) {
      return ErrnoStatus(kContext, absolute_dir, EACCES);
    }
    const auto& entries = inodes_.at(dir).entries;
    auto it = entries.find(part);
    if (it == entries.end()) return ErrnoStatus(kContext, absolute_dir, ENOENT);
    Kind kind = inodes_.at(it->second).kind;
    if (kind == Kind::kSymlink) {
      return ErrnoStatus(kContext, absolute_dir, ELOOP);
    }
    if (kind != Kind::kDirectory) {
      return ErrnoStatus(kContext, absolute_dir, ENOTDIR);
    }
    parent = dir;
    name = part;
    dir = it->second;
  }
  if (inodes_.at(dir).denied) {
    return ErrnoStatus(kContext, absolute_dir, EACCES);
  }
  UniqueFd fd = HandOut(dir, parent, name, O_RDONLY);
  if (!fd.valid()) return ErrnoStatus(kContext, absolute_dir, errno);
  Leave(Op::kOpenDirNoFollow);
  return fd;
}

Result<std::vector<std::string>> FakeFileSystem::ReadDir(int dir_fd) const {
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kReadDir, "directory"));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t dir, DirOfFd(dir_fd));
  std::vector<std::string> names;
  for (const auto& [name, id] : inodes_.at(dir).entries) {
    names.push_back(name);
  }
  Leave(Op::kReadDir);
  return names;
}

Result<FileIdentity> FakeFileSystem::StatAt(int dir_fd,
                                            const std::string& name) const {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(name));
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kStatAt, name));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t dir, DirOfFd(dir_fd));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t id, EntryAt(dir, name));
  FileIdentity identity = IdentityOf(id);
  Leave(Op::kStatAt);
  return identity;
}

Result<UniqueFd> FakeFileSystem::OpenFileAt(int dir_fd,
                                            const std::string& name) const {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(name));
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kOpenFileAt, name));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t dir, DirOfFd(dir_fd));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t id, EntryAt(dir, name));
  const Inode& inode = inodes_.at(id);
  if (inode.kind == Kind::kSymlink) return ErrnoStatus(kContext, name, ELOOP);
  if (inode.denied) return ErrnoStatus(kContext, name, EACCES);
  // A FIFO opens without blocking (O_NONBLOCK), a directory opens too:
  // ReadSparse refuses both.
  UniqueFd fd = HandOut(id, dir, name, O_RDONLY);
  if (!fd.valid()) return ErrnoStatus(kContext, name, errno);
  Leave(Op::kOpenFileAt);
  return fd;
}

Result<UniqueFd> FakeFileSystem::OpenDirAt(int dir_fd,
                                           const std::string& name) const {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(name));
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kOpenDirAt, name));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t dir, DirOfFd(dir_fd));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t id, EntryAt(dir, name));
  const Inode& inode = inodes_.at(id);
  // O_DIRECTORY | O_NOFOLLOW on a symlink: ENOTDIR, as on Linux.
  if (inode.kind != Kind::kDirectory) {
    return ErrnoStatus(kContext, name, ENOTDIR);
  }
  if (inode.denied) return ErrnoStatus(kContext, name, EACCES);
  UniqueFd fd = HandOut(id, dir, name, O_RDONLY);
  if (!fd.valid()) return ErrnoStatus(kContext, name, errno);
  Leave(Op::kOpenDirAt);
  return fd;
}

Result<uint64_t> FakeFileSystem::MountIdOf(int fd) const {
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kMountIdOf, "fd " + std::to_string(fd)));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t id, InodeOfFd(fd));
  auto it = mount_ids_.find(fd);
  uint64_t mount = it != mount_ids_.end() ? it->second : inodes_.at(id).dev;
  Leave(Op::kMountIdOf);
  return mount;
}

Result<FileIdentity> FakeFileSystem::StatBeneath(
    int dir_fd, const std::string& relative) const {
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kStatBeneath, relative));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t at, DirOfFd(dir_fd));
  if (relative.empty() || relative[0] == '/') {
    return ErrnoStatus(kContext, relative, EXDEV);  // RESOLVE_BENEATH
  }
  const uint64_t dev = inodes_.at(at).dev;
  size_t start = 0;
  while (true) {
    size_t slash = relative.find('/', start);
    std::string part = relative.substr(
        start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part == "..") return ErrnoStatus(kContext, relative, EXDEV);
    if (part.empty() || part == ".") {
      return InvalidArgumentError(kContext, relative, "not a clean path");
    }
    if (inodes_.at(at).kind != Kind::kDirectory) {
      return ErrnoStatus(kContext, relative, ENOTDIR);
    }
    PIIGUARD_ASSIGN_OR_RETURN(at, EntryAt(at, part));
    const Inode& inode = inodes_.at(at);
    if (inode.kind == Kind::kSymlink) {
      return ErrnoStatus(kContext, relative, ELOOP);  // RESOLVE_NO_SYMLINKS
    }
    if (inode.dev != dev) {
      return ErrnoStatus(kContext, relative, EXDEV);  // RESOLVE_NO_XDEV
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  FileIdentity identity = IdentityOf(at);
  Leave(Op::kStatBeneath);
  return identity;
}

}  // namespace piiguard::os
