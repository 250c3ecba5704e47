#include "common/os/linux_sysfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <memory>
#include <utility>

#include "common/unique_fd.h"

namespace piiguard::os {
namespace {

constexpr int kOpenFlags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

Result<std::string> RealPath(const std::string& path) {
  std::unique_ptr<char, FreeDeleter> resolved(
      ::realpath(path.c_str(), nullptr));
  if (resolved == nullptr) return ErrnoStatus("sysfs", path, errno);
  return std::string(resolved.get());
}

// Reads up to kMaxSysfsAttributeSize bytes; more is an error.
Result<std::string> ReadCapped(int fd, const std::string& path) {
  std::string out(kMaxSysfsAttributeSize + 1, '\0');
  size_t used = 0;
  while (used < out.size()) {
    ssize_t n = ::read(fd, out.data() + used, out.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("sysfs", path, errno);
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  if (used > kMaxSysfsAttributeSize) {
    return InvalidArgumentError("sysfs", path, "attribute larger than 64 KiB");
  }
  out.resize(used);
  return out;
}

}  // namespace

LinuxSysfs::LinuxSysfs(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

Result<std::string> LinuxSysfs::FullPath(std::string_view path) const {
  PIIGUARD_RETURN_IF_ERROR(CheckSysfsPath(path));
  std::string full = root_;
  if (full != "/") full += '/';
  full += path;
  return full;
}

Result<std::string> LinuxSysfs::ReadAttribute(std::string_view path) const {
  PIIGUARD_ASSIGN_OR_RETURN(std::string contents, ReadBinaryAttribute(path));
  if (!contents.empty() && contents.back() == '\n') contents.pop_back();
  return contents;
}

Result<std::string> LinuxSysfs::ReadBinaryAttribute(
    std::string_view path) const {
  PIIGUARD_ASSIGN_OR_RETURN(std::string full, FullPath(path));
  UniqueFd fd(::open(full.c_str(), O_RDONLY | kOpenFlags));
  if (!fd.valid()) return ErrnoStatus("sysfs", full, errno);
  return ReadCapped(fd.get(), full);
}

Result<std::vector<std::string>> LinuxSysfs::ListDirectory(
    std::string_view path) const {
  PIIGUARD_ASSIGN_OR_RETURN(std::string full, FullPath(path));
  UniqueFd fd(::open(full.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus("sysfs", full, errno);
  DIR* dir = ::fdopendir(fd.get());
  if (dir == nullptr) return ErrnoStatus("sysfs", full, errno);
  (void)fd.Release();  // closedir closes it
  std::unique_ptr<DIR, int (*)(DIR*)> closer(dir, ::closedir);
  std::vector<std::string> names;
  errno = 0;
  while (dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  if (errno != 0) return ErrnoStatus("sysfs", full, errno);
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::string> LinuxSysfs::ResolvePath(std::string_view path) const {
  PIIGUARD_ASSIGN_OR_RETURN(std::string full, FullPath(path));
  PIIGUARD_ASSIGN_OR_RETURN(std::string root, RealPath(root_));
  PIIGUARD_ASSIGN_OR_RETURN(std::string resolved, RealPath(full));
  if (resolved == root) return std::string();
  if (root != "/") root += '/';
  if (resolved.compare(0, root.size(), root) != 0) {
    return InvalidArgumentError("sysfs", full, "resolves outside " + root_);
  }
  return resolved.substr(root.size());
}

Status LinuxSysfs::WriteAttribute(std::string_view path,
                                  std::string_view value) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string full, FullPath(path));
  UniqueFd fd(::open(full.c_str(), O_WRONLY | kOpenFlags));
  if (!fd.valid()) return ErrnoStatus("sysfs", full, errno);
  ssize_t n = 0;
  do {
    n = ::write(fd.get(), value.data(), value.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) return ErrnoStatus("sysfs", full, errno);
  if (static_cast<size_t>(n) != value.size()) {
    return IoError("sysfs", full, "short write");
  }
  return Status::Ok();
}

}  // namespace piiguard::os
