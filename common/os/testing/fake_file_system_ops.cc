// FakeFileSystem: the operations through an fd, those that change the
// tree, and the injections (the tree and its set-up are in
// fake_file_system.cc, the operations on directories and their entries in
// fake_file_system_walk.cc). Each operation checks names first, like the
// Linux one, then counts the call and takes an injected failure (Enter),
// and after success performs an injected swap and action (Leave).

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <functional>
#include <utility>

#include "common/os/testing/fake_file_system.h"

namespace piiguard::os {
namespace {

constexpr std::string_view kContext = kFileSystemContext;
constexpr size_t kNameMax = 255;

std::string FdName(int fd) { return "fd " + std::to_string(fd); }

std::string Join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

}  // namespace

Result<std::string> FakeFileSystem::PathOf(int fd) const {
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kPathOf, FdName(fd)));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t id, InodeOfFd(fd));
  if (auto reported = reported_paths_.find(fd);
      reported != reported_paths_.end()) {
    Leave(Op::kPathOf);
    return reported->second;  // SetMountIdOf: reached through a bind mount
  }
  const Inode& inode = inodes_.at(id);
  std::string path;
  if (inode.kind == Kind::kDirectory) {
    if (inode.nlink == 0) {
      return NotFoundError(kContext, FdName(fd), "removed since it was opened");
    }
    path = DirPath(id);
  } else {
    auto it = open_names_.find(fd);
    if (it == open_names_.end() || it->second.memfd_ino != inode.memfd_ino ||
        it->second.parent == 0) {
      return NotFoundError(kContext, FdName(fd), "no name known");
    }
    path = Join(DirPath(it->second.parent), it->second.name);
    const auto& entries = inodes_.at(it->second.parent).entries;
    auto entry = entries.find(it->second.name);
    if (entry == entries.end() || entry->second != id) {
      return NotFoundError(kContext, path, "removed since it was opened");
    }
  }
  Leave(Op::kPathOf);
  return path;
}

Result<FileIdentity> FakeFileSystem::Identify(int fd) const {
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kIdentify, FdName(fd)));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t id, InodeOfFd(fd));
  Leave(Op::kIdentify);
  return IdentityOf(id);
}

Result<ReadResult> FakeFileSystem::ReadSparse(int fd, size_t max_bytes) const {
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kReadSparse, FdName(fd)));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t id, InodeOfFd(fd));
  if (inodes_.at(id).kind != Kind::kFile) {
    return FailedPreconditionError(kContext, FdName(fd), "not a regular file");
  }
  // The bytes live in the memfd behind `fd`: the same reader as Linux.
  PIIGUARD_ASSIGN_OR_RETURN(ReadResult result, ReadSparseFd(fd, max_bytes));
  Leave(Op::kReadSparse);
  return result;
}

Result<bool> FakeFileSystem::OpenForWritingByAnyone(
    const FileIdentity& file) const {
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kOpenForWritingByAnyone, "/proc"));
  bool writing = false;
  auto it = inodes_.find(file.ino);
  if (it != inodes_.end() && it->second.dev == file.dev) {
    writing = !it->second.writers.empty();
  }
  Leave(Op::kOpenForWritingByAnyone);
  return writing;
}

Status FakeFileSystem::RemoveIfSame(int dir_fd, const std::string& name,
                                    const FileIdentity& expected) {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(name));
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kRemoveIfSame, name));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t dir, DirOfFd(dir_fd));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t id, EntryAt(dir, name));
  if (!StillTheSame(IdentityOf(id), expected)) {
    return FailedPreconditionError(kContext, name,
                                   "changed since it was examined");
  }
  Unlink(dir, name);
  Leave(Op::kRemoveIfSame);
  return Status::Ok();
}

Result<UniqueFd> FakeFileSystem::CreateFileAt(uint64_t dir,
                                              const std::string& name,
                                              mode_t mode, int* error) {
  *error = 0;
  if (name.size() > kNameMax) *error = ENAMETOOLONG;
  if (*error == 0 && inodes_.at(dir).entries.contains(name)) *error = EEXIST;
  if (*error != 0) return ErrnoStatus(kContext, name, *error);
  uint64_t id = NewInode(Kind::kFile, inodes_.at(dir).dev, mode & ~umask_,
                         static_cast<uint32_t>(::geteuid()));
  Link(dir, name, id);
  UniqueFd fd = HandOut(id, dir, name, O_WRONLY);
  if (!fd.valid()) {
    *error = errno;
    return ErrnoStatus(kContext, name, *error);
  }
  return fd;
}

Result<UniqueFd> FakeFileSystem::CreateExclusive(int dir_fd,
                                                 const std::string& name,
                                                 mode_t mode) {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(name));
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kCreateExclusive, name));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t dir, DirOfFd(dir_fd));
  int error = 0;
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd fd, CreateFileAt(dir, name, mode, &error));
  Leave(Op::kCreateExclusive);
  return fd;
}

Result<CreatedFile> FakeFileSystem::CreateUnique(int dir_fd,
                                                 const std::string& base_name,
                                                 mode_t mode) {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(base_name));
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kCreateUnique, base_name));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t dir, DirOfFd(dir_fd));
  for (int n = 1; n <= kMaxUniqueNames; ++n) {
    std::string name = UniqueName(base_name, n);
    int error = 0;
    Result<UniqueFd> fd = CreateFileAt(dir, name, mode, &error);
    if (fd.ok()) {
      Leave(Op::kCreateUnique);
      return CreatedFile{std::move(fd).value(), std::move(name)};
    }
    if (error != EEXIST) return fd.status();
  }
  return FailedPreconditionError(kContext, base_name, "no free name");
}

Status FakeFileSystem::MakeDirAt(int dir_fd, const std::string& name,
                                 mode_t mode) {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(name));
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kMakeDirAt, name));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t dir, DirOfFd(dir_fd));
  if (name.size() > kNameMax) return ErrnoStatus(kContext, name, ENAMETOOLONG);
  auto it = inodes_.at(dir).entries.find(name);
  if (it != inodes_.at(dir).entries.end()) {
    if (inodes_.at(it->second).kind != Kind::kDirectory) {
      return FailedPreconditionError(kContext, name,
                                     "exists and is not a directory");
    }
  } else {
    Link(dir, name,
         NewInode(Kind::kDirectory, inodes_.at(dir).dev, mode & ~umask_,
                  static_cast<uint32_t>(::geteuid())));
  }
  Leave(Op::kMakeDirAt);
  return Status::Ok();
}

Status FakeFileSystem::FsyncFd(int fd) {
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kFsyncFd, FdName(fd)));
  PIIGUARD_RETURN_IF_ERROR(InodeOfFd(fd).status());
  Leave(Op::kFsyncFd);
  return Status::Ok();
}

Status FakeFileSystem::UnlinkAt(int dir_fd, const std::string& name) {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(name));
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kUnlinkAt, name));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t dir, DirOfFd(dir_fd));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t id, EntryAt(dir, name));
  if (inodes_.at(id).kind == Kind::kDirectory) {
    return ErrnoStatus(kContext, name, EISDIR);
  }
  Unlink(dir, name);
  Leave(Op::kUnlinkAt);
  return Status::Ok();
}

Result<UniqueFd> FakeFileSystem::ReopenForWriting(int fd) {
  PIIGUARD_RETURN_IF_ERROR(Enter(Op::kReopenForWriting, FdName(fd)));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t id, InodeOfFd(fd));
  if (inodes_.at(id).kind != Kind::kFile) {
    return FailedPreconditionError(kContext, FdName(fd), "not a regular file");
  }
  OpenName name;
  auto it = open_names_.find(fd);
  if (it != open_names_.end()) name = it->second;
  UniqueFd out = HandOut(id, name.parent, name.name, O_WRONLY);
  if (!out.valid()) return ErrnoStatus(kContext, FdName(fd), errno);
  Leave(Op::kReopenForWriting);
  return out;
}

// Injection.

Status FakeFileSystem::Enter(Op op, std::string_view object) const {
  ++calls_[op];
  auto it = failures_.find(op);
  if (it == failures_.end()) return Status::Ok();
  int error_number = it->second;
  failures_.erase(it);
  return ErrnoStatus(kContext, object, error_number);
}

int FakeFileSystem::calls(Op op) const {
  auto it = calls_.find(op);
  return it == calls_.end() ? 0 : it->second;
}

void FakeFileSystem::SwapForSymlinkAfter(Op op, const std::string& path,
                                         const std::string& target,
                                         const std::string& moved_to) {
  swaps_[op] = Swap{path, target, moved_to};
}

void FakeFileSystem::Leave(Op op) const {
  auto it = swaps_.find(op);
  if (it != swaps_.end()) {
    Swap swap = std::move(it->second);
    swaps_.erase(it);
    // NOLINTNEXTLINE: never defined const (see DoSwap's declaration).
    const_cast<FakeFileSystem*>(this)->DoSwap(swap);
  }
  auto hook = hooks_.find(op);
  if (hook == hooks_.end()) return;
  std::function<void()> action = std::move(hook->second);
  hooks_.erase(hook);
  action();
}

void FakeFileSystem::DoSwap(const Swap& swap) {
  if (swap.moved_to.empty()) {
    Remove(swap.path);
  } else {
    Rename(swap.path, swap.moved_to);
  }
  AddSymlink(swap.path, swap.target);
}

void FakeFileSystem::SetWriter(const std::string& path, int pid, bool writing) {
  Inode& inode = inodes_.at(FindOrDie(path));
  if (writing) {
    inode.writers.insert(pid);
  } else {
    inode.writers.erase(pid);
  }
}

void FakeFileSystem::SetWriterOf(int fd, int pid, bool writing) {
  Result<uint64_t> id = InodeOfFd(fd);
  if (!id.ok()) std::abort();  // a bug in the test
  Inode& inode = inodes_.at(*id);
  if (writing) {
    inode.writers.insert(pid);
  } else {
    inode.writers.erase(pid);
  }
}

}  // namespace piiguard::os
