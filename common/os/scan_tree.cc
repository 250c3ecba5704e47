// LinuxScanTree (scan_tree.h): fstatat, openat and readdir without
// following symbolic links.
#include "common/os/scan_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <memory>

#include "common/os/linux_file_system.h"

namespace piiguard::os {
namespace {

constexpr std::string_view kContext = kScanTreeContext;

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};

Result<UniqueFd> OpenChecked(int dir_fd, const std::string& name, int flags) {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(name));
  UniqueFd fd(::openat(dir_fd, name.c_str(), flags | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return ErrnoStatus(kContext, name, errno);
  return fd;
}

}  // namespace

EntryKind KindOf(const FileIdentity& identity) {
  if (S_ISREG(identity.mode)) return EntryKind::kFile;
  if (S_ISDIR(identity.mode)) return EntryKind::kDirectory;
  if (S_ISLNK(identity.mode)) return EntryKind::kSymlink;
  return EntryKind::kSpecial;
}

Result<FileIdentity> LinuxScanTree::Lstat(const std::string& absolute) const {
  struct stat st {};
  if (::lstat(absolute.c_str(), &st) != 0) {
    return ErrnoStatus(kContext, absolute, errno);
  }
  return IdentityOf(st);
}

Result<UniqueFd> LinuxScanTree::OpenDir(const std::string& absolute) const {
  UniqueFd fd(::open(absolute.c_str(),
                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(kContext, absolute, errno);
  return fd;
}

Result<std::vector<std::string>> LinuxScanTree::ReadDir(int dir_fd) const {
  UniqueFd copy(::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0));
  if (!copy.valid()) return ErrnoStatus(kContext, "directory", errno);
  std::unique_ptr<DIR, DirCloser> dir(::fdopendir(copy.get()));
  if (dir == nullptr) return ErrnoStatus(kContext, "directory", errno);
  copy.Release();  // the DIR owns it now
  ::rewinddir(dir.get());
  std::vector<std::string> names;
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) return ErrnoStatus(kContext, "directory", errno);
      break;
    }
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  return names;
}

Result<FileIdentity> LinuxScanTree::StatAt(int dir_fd,
                                           const std::string& name) const {
  PIIGUARD_RETURN_IF_ERROR(CheckEntryName(name));
  struct stat st {};
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoStatus(kContext, name, errno);
  }
  return IdentityOf(st);
}

Result<UniqueFd> LinuxScanTree::OpenFileAt(int dir_fd,
                                           const std::string& name) const {
  return OpenChecked(dir_fd, name, O_RDONLY | O_NONBLOCK | O_NOCTTY);
}

Result<UniqueFd> LinuxScanTree::OpenDirAt(int dir_fd,
                                          const std::string& name) const {
  return OpenChecked(dir_fd, name, O_RDONLY | O_DIRECTORY);
}

}  // namespace piiguard::os
