#include "common/os/testing/fake_file_system.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace piiguard::os {
namespace {

constexpr std::string_view kContext = kFileSystemContext;
constexpr uint64_t kRoot = 1;
constexpr size_t kNameMax = 255;

std::string FdName(int fd) { return "fd " + std::to_string(fd); }

[[noreturn]] void Die(std::string_view why, std::string_view path) {
  (void)std::fprintf(stderr, "FakeFileSystem: %.*s: %.*s\n",
                     static_cast<int>(path.size()), path.data(),
                     static_cast<int>(why.size()), why.data());
  std::abort();
}

std::vector<std::string> SplitOrDie(const std::string& path) {
  Result<std::vector<std::string>> parts = SplitAbsoluteDir(path);
  if (!parts.ok()) Die("not an absolute path", path);
  return std::move(parts).value();
}

std::string Join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

int64_t Nanos(const struct timespec& t) {
  return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

void WriteOrDie(int fd, std::string_view data, uint64_t offset) {
  while (!data.empty()) {
    ssize_t n =
        ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) Die("pwrite failed", "memfd");
    data.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
}

uint32_t TypeBits(FakeFileSystem::Kind kind) {
  switch (kind) {
    case FakeFileSystem::Kind::kFile:
      return S_IFREG;
    case FakeFileSystem::Kind::kSymlink:
      return S_IFLNK;
    case FakeFileSystem::Kind::kFifo:
      return S_IFIFO;
    default:
      return S_IFDIR;
  }
}

}  // namespace

FakeFileSystem::FakeFileSystem() {
  umask_ = ::umask(0);
  (void)::umask(umask_);
  next_id_ = kRoot;
  uint64_t root = NewInode(Kind::kDirectory, 1, 0755, 0);
  inodes_[root].parent = root;
  inodes_[root].nlink = 1;
}

uint64_t FakeFileSystem::NewInode(Kind kind, uint64_t dev, uint32_t perm,
                                  uint32_t uid) {
  Inode inode;
  inode.id = next_id_++;
  inode.kind = kind;
  inode.dev = dev;
  inode.perm = perm & 07777;
  inode.uid = uid;
  inode.backing.Reset(::memfd_create("piiguard-fake-file", MFD_CLOEXEC));
  struct stat st {};
  if (!inode.backing.valid() || ::fstat(inode.backing.get(), &st) != 0) {
    Die("memfd_create failed", "memfd");
  }
  inode.memfd_ino = st.st_ino;
  memfd_dev_ = st.st_dev;
  by_memfd_[st.st_ino] = inode.id;
  uint64_t id = inode.id;
  inodes_.emplace(id, std::move(inode));
  return id;
}

void FakeFileSystem::Link(uint64_t dir, const std::string& name, uint64_t id) {
  inodes_.at(dir).entries[name] = id;
  Inode& inode = inodes_.at(id);
  ++inode.nlink;
  if (inode.kind == Kind::kDirectory) inode.parent = dir;
}

void FakeFileSystem::Unlink(uint64_t dir, const std::string& name) {
  auto& entries = inodes_.at(dir).entries;
  auto it = entries.find(name);
  if (it == entries.end()) Die("no such entry", name);
  --inodes_.at(it->second).nlink;
  entries.erase(it);
}

uint64_t FakeFileSystem::ParentOf(const std::string& path, std::string* name) {
  std::vector<std::string> parts = SplitOrDie(path);
  if (parts.empty()) Die("the root has no parent", path);
  *name = parts.back();
  parts.pop_back();
  uint64_t dir = kRoot;
  for (const std::string& part : parts) {
    auto& entries = inodes_.at(dir).entries;
    auto it = entries.find(part);
    if (it == entries.end()) {
      uint64_t made = NewInode(Kind::kDirectory, inodes_.at(dir).dev, 0755, 0);
      Link(dir, part, made);
      dir = made;
    } else if (inodes_.at(it->second).kind != Kind::kDirectory) {
      Die("a component is not a directory", path);
    } else {
      dir = it->second;
    }
  }
  return dir;
}

uint64_t FakeFileSystem::Find(const std::string& path) const {
  uint64_t id = kRoot;
  for (const std::string& part : SplitOrDie(path)) {
    const Inode& dir = inodes_.at(id);
    if (dir.kind != Kind::kDirectory) return 0;
    auto it = dir.entries.find(part);
    if (it == dir.entries.end()) return 0;
    id = it->second;
  }
  return id;
}

uint64_t FakeFileSystem::FindOrDie(const std::string& path) const {
  uint64_t id = Find(path);
  if (id == 0) Die("no such entry", path);
  return id;
}

std::string FakeFileSystem::DirPath(uint64_t dir) const {
  if (dir == kRoot) return "/";
  const Inode& parent = inodes_.at(inodes_.at(dir).parent);
  for (const auto& [name, id] : parent.entries) {
    if (id == dir) return Join(DirPath(parent.id), name);
  }
  return "/";  // an unlinked directory; callers check nlink first
}

UniqueFd FakeFileSystem::HandOut(uint64_t id, uint64_t parent,
                                 const std::string& name, int flags) const {
  const Inode& inode = inodes_.at(id);
  std::string self = "/proc/self/fd/" + std::to_string(inode.backing.get());
  UniqueFd fd(::open(self.c_str(), flags | O_CLOEXEC));
  if (fd.valid()) {
    open_names_[fd.get()] = OpenName{inode.memfd_ino, parent, name};
  }
  return fd;
}

Result<uint64_t> FakeFileSystem::InodeOfFd(int fd) const {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return ErrnoStatus(kContext, FdName(fd), errno);
  auto it = by_memfd_.find(st.st_ino);
  if (st.st_dev != memfd_dev_ || it == by_memfd_.end()) {
    return ErrnoStatus(kContext, FdName(fd), EBADF);
  }
  return it->second;
}

Result<uint64_t> FakeFileSystem::DirOfFd(int dir_fd) const {
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t id, InodeOfFd(dir_fd));
  if (inodes_.at(id).kind != Kind::kDirectory) {
    return ErrnoStatus(kContext, FdName(dir_fd), ENOTDIR);
  }
  return id;
}

Result<uint64_t> FakeFileSystem::EntryAt(uint64_t dir,
                                         const std::string& name) const {
  if (name.size() > kNameMax) return ErrnoStatus(kContext, name, ENAMETOOLONG);
  const auto& entries = inodes_.at(dir).entries;
  auto it = entries.find(name);
  if (it == entries.end()) return ErrnoStatus(kContext, name, ENOENT);
  return it->second;
}

FileIdentity FakeFileSystem::IdentityOf(uint64_t id) const {
  const Inode& inode = inodes_.at(id);
  struct stat st {};
  (void)::fstat(inode.backing.get(), &st);
  FileIdentity identity;
  identity.dev = inode.dev;
  identity.ino = inode.id;
  identity.mtime_ns = Nanos(st.st_mtim);
  identity.ctime_ns = Nanos(st.st_ctim);
  identity.mode = TypeBits(inode.kind) | inode.perm;
  identity.uid = inode.uid;
  identity.is_regular = inode.kind == Kind::kFile;
  identity.nlink = inode.nlink;
  if (inode.kind == Kind::kFile) {
    identity.size = static_cast<uint64_t>(st.st_size);
  } else if (inode.kind == Kind::kSymlink) {
    identity.size = inode.target.size();
  } else if (inode.kind == Kind::kFifo) {
    identity.size = 0;
  } else {
    identity.size = 4096;
    identity.nlink = 2;
    for (const auto& [name, child] : inode.entries) {
      if (inodes_.at(child).kind == Kind::kDirectory) ++identity.nlink;
    }
  }
  return identity;
}

// Set-up and inspection.

void FakeFileSystem::AddDirectory(const std::string& path, mode_t mode,
                                  uid_t uid) {
  if (SplitOrDie(path).empty()) return;  // the root exists
  std::string name;
  uint64_t dir = ParentOf(path, &name);
  auto& entries = inodes_.at(dir).entries;
  auto it = entries.find(name);
  if (it == entries.end()) {
    Link(dir, name, NewInode(Kind::kDirectory, inodes_.at(dir).dev, mode, uid));
  } else if (inodes_.at(it->second).kind != Kind::kDirectory) {
    Die("exists and is not a directory", path);
  }
}

void FakeFileSystem::AddFile(const std::string& path, std::string_view content,
                             mode_t mode, uid_t uid) {
  std::string name;
  uint64_t dir = ParentOf(path, &name);
  auto& entries = inodes_.at(dir).entries;
  auto it = entries.find(name);
  uint64_t id = 0;
  if (it == entries.end()) {
    id = NewInode(Kind::kFile, inodes_.at(dir).dev, mode, uid);
    Link(dir, name, id);
  } else {
    id = it->second;
    if (inodes_.at(id).kind != Kind::kFile) Die("not a regular file", path);
    if (::ftruncate(inodes_.at(id).backing.get(), 0) != 0) {
      Die("ftruncate failed", path);
    }
  }
  WriteOrDie(inodes_.at(id).backing.get(), content, 0);
}

void FakeFileSystem::AddSymlink(const std::string& path,
                                const std::string& target) {
  std::string name;
  uint64_t dir = ParentOf(path, &name);
  if (inodes_.at(dir).entries.contains(name)) Die("exists", path);
  uint64_t id = NewInode(Kind::kSymlink, inodes_.at(dir).dev, 0777, 0);
  inodes_.at(id).target = target;
  Link(dir, name, id);
}

void FakeFileSystem::AddSparseFile(const std::string& path, uint64_t size,
                                   uint64_t offset, std::string_view data) {
  if (offset + data.size() > size) Die("data past the end", path);
  AddFile(path, "");
  Truncate(path, size);
  WriteAt(path, offset, data);
}

void FakeFileSystem::AddFifo(const std::string& path) {
  std::string name;
  uint64_t dir = ParentOf(path, &name);
  if (inodes_.at(dir).entries.contains(name)) Die("exists", path);
  Link(dir, name, NewInode(Kind::kFifo, inodes_.at(dir).dev, 0644, 0));
}

void FakeFileSystem::DenyAccess(const std::string& path) {
  inodes_.at(FindOrDie(path)).denied = true;
}

void FakeFileSystem::AddHardLink(const std::string& existing,
                                 const std::string& path) {
  uint64_t id = FindOrDie(existing);
  if (inodes_.at(id).kind != Kind::kFile) Die("not a regular file", existing);
  std::string name;
  uint64_t dir = ParentOf(path, &name);
  if (inodes_.at(dir).entries.contains(name)) Die("exists", path);
  Link(dir, name, id);
}

void FakeFileSystem::AddMount(const std::string& path, uint64_t dev) {
  AddDirectory(path);
  inodes_.at(FindOrDie(path)).dev = dev;
}

void FakeFileSystem::Truncate(const std::string& path, uint64_t size) {
  const Inode& inode = inodes_.at(FindOrDie(path));
  if (inode.kind != Kind::kFile ||
      ::ftruncate(inode.backing.get(), static_cast<off_t>(size)) != 0) {
    Die("cannot truncate", path);
  }
}

void FakeFileSystem::WriteAt(const std::string& path, uint64_t offset,
                             std::string_view data) {
  const Inode& inode = inodes_.at(FindOrDie(path));
  if (inode.kind != Kind::kFile) Die("not a regular file", path);
  WriteOrDie(inode.backing.get(), data, offset);
}

void FakeFileSystem::Rename(const std::string& from, const std::string& to) {
  uint64_t id = FindOrDie(from);
  std::string from_name;
  uint64_t from_dir = ParentOf(from, &from_name);
  std::string to_name;
  uint64_t to_dir = ParentOf(to, &to_name);
  if (inodes_.at(to_dir).entries.contains(to_name)) Remove(to);
  Link(to_dir, to_name, id);
  Unlink(from_dir, from_name);
  for (auto& [fd, open] : open_names_) {
    if (open.parent == from_dir && open.name == from_name &&
        open.memfd_ino == inodes_.at(id).memfd_ino) {
      open.parent = to_dir;
      open.name = to_name;
    }
  }
}

void FakeFileSystem::Remove(const std::string& path) {
  uint64_t id = FindOrDie(path);
  if (!inodes_.at(id).entries.empty()) Die("directory not empty", path);
  std::string name;
  Unlink(ParentOf(path, &name), name);
}

UniqueFd FakeFileSystem::Open(const std::string& path) {
  uint64_t id = FindOrDie(path);
  if (inodes_.at(id).kind != Kind::kFile) Die("not a regular file", path);
  std::string name;
  uint64_t dir = ParentOf(path, &name);
  UniqueFd fd = HandOut(id, dir, name, O_RDONLY);
  if (!fd.valid()) Die("cannot reopen the memfd", path);
  return fd;
}

FakeFileSystem::Kind FakeFileSystem::KindOf(const std::string& path) const {
  uint64_t id = Find(path);
  return id == 0 ? Kind::kNone : inodes_.at(id).kind;
}

std::string FakeFileSystem::Content(const std::string& path) const {
  const Inode& inode = inodes_.at(FindOrDie(path));
  if (inode.kind != Kind::kFile) Die("not a regular file", path);
  struct stat st {};
  if (::fstat(inode.backing.get(), &st) != 0) Die("fstat failed", path);
  std::string out(static_cast<size_t>(st.st_size), '\0');
  size_t used = 0;
  while (used < out.size()) {
    ssize_t n = ::pread(inode.backing.get(), out.data() + used,
                        out.size() - used, static_cast<off_t>(used));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    used += static_cast<size_t>(n);
  }
  out.resize(used);
  return out;
}

std::string FakeFileSystem::LinkTarget(const std::string& path) const {
  const Inode& inode = inodes_.at(FindOrDie(path));
  if (inode.kind != Kind::kSymlink) Die("not a symlink", path);
  return inode.target;
}

std::vector<std::string> FakeFileSystem::List(const std::string& dir) const {
  std::vector<std::string> names;
  for (const auto& [name, id] : inodes_.at(FindOrDie(dir)).entries) {
    names.push_back(name);
  }
  return names;
}

uint64_t FakeFileSystem::DeviceOf(const std::string& path) const {
  uint64_t id = Find(path);
  return id == 0 ? 0 : inodes_.at(id).dev;
}

}  // namespace piiguard::os
