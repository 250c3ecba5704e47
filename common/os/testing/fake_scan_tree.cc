// FakeScanTree (fake_scan_tree.h): an in-memory tree handing out memfds.
#include "common/os/testing/fake_scan_tree.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace piiguard::os {
namespace {

constexpr std::string_view kContext = kScanTreeContext;

[[noreturn]] void SetupBug() { std::abort(); }

}  // namespace

FakeScanTree::FakeScanTree() {
  Node root;
  root.mode = S_IFDIR | 0755;
  root.ino = next_ino_++;
  nodes_["/"] = root;
}

std::string FakeScanTree::Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || path == "/") SetupBug();
  return slash == 0 ? "/" : path.substr(0, slash);
}

FakeScanTree::Node& FakeScanTree::Add(const std::string& path, uint32_t mode) {
  if (path.empty() || path[0] != '/' || path == "/" || path.back() == '/') {
    SetupBug();
  }
  std::string parent = Parent(path);
  if (!nodes_.contains(parent)) AddDirectory(parent);
  const Node& up = nodes_.at(parent);
  if (!S_ISDIR(up.mode)) SetupBug();
  Node& node = nodes_[path];
  node = Node{};
  node.mode = mode;
  node.dev = up.dev;
  node.ino = next_ino_++;
  return node;
}

void FakeScanTree::AddDirectory(const std::string& path) {
  if (path == "/") return;
  auto it = nodes_.find(path);
  if (it != nodes_.end()) {
    if (!S_ISDIR(it->second.mode)) SetupBug();
    return;
  }
  Add(path, S_IFDIR | 0755);
}

void FakeScanTree::AddFile(const std::string& path, std::string_view content) {
  AddSparseFile(path, content.size(), 0, content);
}

void FakeScanTree::AddSparseFile(const std::string& path, uint64_t size,
                                 uint64_t offset, std::string_view data) {
  if (offset + data.size() > size) SetupBug();
  Node& node = Add(path, S_IFREG | 0644);
  node.size = size;
  node.offset = offset;
  node.data = std::string(data);
}

void FakeScanTree::AddSymlink(const std::string& path,
                              const std::string& target) {
  Node& node = Add(path, S_IFLNK | 0777);
  node.data = target;
  node.size = target.size();
}

void FakeScanTree::AddFifo(const std::string& path) {
  Add(path, S_IFIFO | 0644);
}

void FakeScanTree::AddMount(const std::string& path, uint64_t dev) {
  AddDirectory(path);
  nodes_.at(path).dev = dev;
}

void FakeScanTree::DenyAccess(const std::string& path) {
  auto it = nodes_.find(path);
  if (it == nodes_.end()) SetupBug();
  it->second.denied = true;
}

const FakeScanTree::Node* FakeScanTree::Find(const std::string& path) const {
  auto it = nodes_.find(path);
  return it == nodes_.end() ? nullptr : &it->second;
}

FileIdentity FakeScanTree::IdentityOf(const Node& node) {
  FileIdentity id;
  id.dev = node.dev;
  id.ino = node.ino;
  id.size = node.size;
  id.nlink = 1;
  id.mode = node.mode;
  id.is_regular = S_ISREG(node.mode);
  return id;
}

Result<UniqueFd> FakeScanTree::HandOut(const std::string& path) const {
  const Node& node = nodes_.at(path);
  UniqueFd fd(::memfd_create("fake_scan_tree", MFD_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(kContext, path, errno);
  if (S_ISREG(node.mode)) {
    if (::ftruncate(fd.get(), static_cast<off_t>(node.size)) != 0) {
      return ErrnoStatus(kContext, path, errno);
    }
    size_t done = 0;
    while (done < node.data.size()) {
      ssize_t n =
          ::pwrite(fd.get(), node.data.data() + done, node.data.size() - done,
                   static_cast<off_t>(node.offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return ErrnoStatus(kContext, path, errno);
      done += static_cast<size_t>(n);
    }
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(kContext, path, errno);
  open_[st.st_ino] = path;
  return fd;
}

Result<std::string> FakeScanTree::PathOfFd(int fd) const {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return ErrnoStatus(kContext, "fd", errno);
  auto it = open_.find(st.st_ino);
  if (it == open_.end() || Find(it->second) == nullptr) {
    return ErrnoStatus(kContext, "fd", EBADF);
  }
  return it->second;
}

Result<std::string> FakeScanTree::Child(int dir_fd,
                                        const std::string& name) const {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(name));
  PIIGUARD_ASSIGN_OR_RETURN(std::string dir, PathOfFd(dir_fd));
  if (!S_ISDIR(nodes_.at(dir).mode)) {
    return ErrnoStatus(kContext, name, ENOTDIR);
  }
  std::string path = dir == "/" ? "/" + name : dir + "/" + name;
  if (Find(path) == nullptr) return ErrnoStatus(kContext, name, ENOENT);
  return path;
}

Result<FileIdentity> FakeScanTree::Lstat(const std::string& absolute) const {
  const Node* node = Find(absolute);
  if (node == nullptr) return ErrnoStatus(kContext, absolute, ENOENT);
  return IdentityOf(*node);
}

Result<UniqueFd> FakeScanTree::OpenDir(const std::string& absolute) const {
  const Node* node = Find(absolute);
  if (node == nullptr) return ErrnoStatus(kContext, absolute, ENOENT);
  if (S_ISLNK(node->mode)) return ErrnoStatus(kContext, absolute, ELOOP);
  if (!S_ISDIR(node->mode)) return ErrnoStatus(kContext, absolute, ENOTDIR);
  if (node->denied) return ErrnoStatus(kContext, absolute, EACCES);
  return HandOut(absolute);
}

Result<std::vector<std::string>> FakeScanTree::ReadDir(int dir_fd) const {
  PIIGUARD_ASSIGN_OR_RETURN(std::string dir, PathOfFd(dir_fd));
  if (!S_ISDIR(nodes_.at(dir).mode)) {
    return ErrnoStatus(kContext, "directory", ENOTDIR);
  }
  std::string prefix = dir == "/" ? "/" : dir + "/";
  std::vector<std::string> names;
  for (auto it = nodes_.lower_bound(prefix);
       it != nodes_.end() && it->first.starts_with(prefix); ++it) {
    std::string_view rest = it->first;
    rest.remove_prefix(prefix.size());
    if (!rest.empty() && rest.find('/') == std::string_view::npos) {
      names.emplace_back(rest);
    }
  }
  return names;
}

Result<FileIdentity> FakeScanTree::StatAt(int dir_fd,
                                          const std::string& name) const {
  PIIGUARD_ASSIGN_OR_RETURN(std::string path, Child(dir_fd, name));
  return IdentityOf(nodes_.at(path));
}

Result<UniqueFd> FakeScanTree::OpenFileAt(int dir_fd,
                                          const std::string& name) const {
  PIIGUARD_ASSIGN_OR_RETURN(std::string path, Child(dir_fd, name));
  const Node& node = nodes_.at(path);
  if (S_ISLNK(node.mode)) return ErrnoStatus(kContext, name, ELOOP);
  if (node.denied) return ErrnoStatus(kContext, name, EACCES);
  if (!S_ISREG(node.mode) && !S_ISDIR(node.mode)) {
    // A FIFO opened O_NONBLOCK: a real pipe's read end, not a file.
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0)
      return ErrnoStatus(kContext, name, errno);
    ::close(ends[1]);
    return UniqueFd(ends[0]);
  }
  return HandOut(path);
}

Result<UniqueFd> FakeScanTree::OpenDirAt(int dir_fd,
                                         const std::string& name) const {
  PIIGUARD_ASSIGN_OR_RETURN(std::string path, Child(dir_fd, name));
  const Node& node = nodes_.at(path);
  if (S_ISLNK(node.mode)) return ErrnoStatus(kContext, name, ELOOP);
  if (!S_ISDIR(node.mode)) return ErrnoStatus(kContext, name, ENOTDIR);
  if (node.denied) return ErrnoStatus(kContext, name, EACCES);
  return HandOut(path);
}

}  // namespace piiguard::os
