#include "common/os/mount_control.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>

#include "common/unique_fd.h"

namespace piiguard::os {
namespace {

constexpr const char* kContext = "mounts";
constexpr size_t kMaxTableSize = size_t{16} << 20;

Result<std::string> ReadProcFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(kContext, path, errno);
  std::string out;
  char buffer[16384];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(kContext, path, errno);
    if (n == 0) return out;
    out.append(buffer, static_cast<size_t>(n));
    if (out.size() > kMaxTableSize) {
      return InvalidArgumentError(kContext, path, "larger than 16 MiB");
    }
  }
}

Result<std::string> ReadLink(const std::string& path) {
  char target[PATH_MAX];
  ssize_t n = ::readlink(path.c_str(), target, sizeof(target) - 1);
  if (n < 0) return ErrnoStatus(kContext, path, errno);
  return std::string(target, static_cast<size_t>(n));
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

// The mount point below `root_fd` (RESOLVE_IN_ROOT: absolute symlinks in
// another namespace's tree resolve in that tree; mountinfo paths have no
// symlinks, so any symlink means the tree changed), checked to be the root
// of a mount of `target.device`.
Result<UniqueFd> OpenMountRoot(int root_fd, const MountTarget& target) {
  open_how how{};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  std::string relative = target.mount_point;
  if (relative.empty() || relative.front() != '/') {
    return InvalidArgumentError(kContext, relative, "not an absolute path");
  }
  UniqueFd fd(static_cast<int>(
      ::syscall(SYS_openat2, root_fd, relative.c_str(), &how, sizeof how)));
  if (!fd.valid()) return ErrnoStatus(kContext, target.mount_point, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return ErrnoStatus(kContext, target.mount_point, errno);
  }
  if (st.st_dev != ::makedev(target.device.major, target.device.minor)) {
    return FailedPreconditionError(kContext, target.mount_point,
                                   "no longer a mount of the device");
  }
  return fd;
}

Result<UniqueFd> OpenRoot(const std::string& proc, const MountTarget& target) {
  std::string root =
      target.pid == 0 ? "/" : proc + "/" + std::to_string(target.pid) + "/root";
  UniqueFd fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(kContext, root, errno);
  return fd;
}

// The namespace of `pid`, checked to still be `ns` (the pid may have been
// reused by a process elsewhere).
Result<UniqueFd> OpenNamespace(const std::string& proc,
                               const MountTarget& target) {
  std::string link = proc + "/" + std::to_string(target.pid) + "/ns/mnt";
  UniqueFd fd(::open(link.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(kContext, link, errno);
  PIIGUARD_ASSIGN_OR_RETURN(std::string now, ReadLink(link));
  if (now != target.ns) {
    return FailedPreconditionError(kContext, link, "now in another namespace");
  }
  return fd;
}

Status Busy(const MountTarget& target, int error) {
  if (error == EBUSY) {
    return FailedPreconditionError(kContext, target.mount_point,
                                   "busy: a file on it is open for writing");
  }
  return ErrnoStatus(kContext, target.mount_point, error);
}

Status MountReadOnlyHere(const MountTarget& target) {
  UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) return ErrnoStatus(kContext, "/", errno);
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd mount, OpenMountRoot(root.get(), target));
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_RDONLY;
  if (::mount_setattr(mount.get(), "", AT_EMPTY_PATH, &attr, sizeof attr) !=
      0) {
    return Busy(target, errno);
  }
  return Status::Ok();
}

Status DetachHere(const MountTarget& target) {
  UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) return ErrnoStatus(kContext, "/", errno);
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd mount, OpenMountRoot(root.get(), target));
  if (::umount2(target.mount_point.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) !=
      0) {
    return ErrnoStatus(kContext, target.mount_point, errno);
  }
  return Status::Ok();
}

}  // namespace

Result<DeviceNumber> ParseDeviceNumber(std::string_view text) {
  size_t colon = text.find(':');
  DeviceNumber number;
  auto parse = [](std::string_view part, uint32_t& out) {
    return AllDigits(part) &&
           std::from_chars(part.data(), part.data() + part.size(), out).ec ==
               std::errc();
  };
  if (colon == std::string_view::npos ||
      !parse(text.substr(0, colon), number.major) ||
      !parse(text.substr(colon + 1), number.minor)) {
    return InvalidArgumentError(kContext, text, "not MAJOR:MINOR");
  }
  return number;
}

bool IsWritableMount(const MountInfo& mount) {
  return HasMountOption(mount.options, "rw") &&
         HasMountOption(mount.super_options, "rw");
}

std::vector<MountTarget> MountsOf(const std::vector<NamespaceTable>& tables,
                                  const std::set<DeviceNumber>& devices,
                                  bool writable_only) {
  std::vector<MountTarget> out;
  for (const NamespaceTable& table : tables) {
    for (const MountInfo& mount : table.mounts) {
      DeviceNumber device{mount.major, mount.minor};
      if (!devices.contains(device)) continue;
      if (writable_only && !IsWritableMount(mount)) continue;
      out.push_back({table.ns, table.pid, mount.mount_point, device});
    }
  }
  return out;
}

Result<std::vector<NamespaceTable>> LinuxMountControl::ListNamespaces() const {
  std::vector<NamespaceTable> tables;
  NamespaceTable own;
  PIIGUARD_ASSIGN_OR_RETURN(own.ns, ReadLink(proc_ + "/self/ns/mnt"));
  PIIGUARD_ASSIGN_OR_RETURN(std::string bytes,
                            ReadProcFile(proc_ + "/self/mountinfo"));
  PIIGUARD_ASSIGN_OR_RETURN(own.mounts, ParseMountInfo(bytes));
  tables.push_back(std::move(own));
  std::set<std::string> seen = {tables.front().ns};
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(proc_.c_str()), ::closedir);
  if (!dir) return ErrnoStatus(kContext, proc_, errno);
  while (dirent* entry = ::readdir(dir.get())) {
    std::string_view name = entry->d_name;
    if (!AllDigits(name)) continue;
    std::string base = proc_ + "/" + std::string(name);
    Result<std::string> ns = ReadLink(base + "/ns/mnt");
    if (!ns.ok() || seen.contains(*ns)) continue;  // gone, or not ours to see
    Result<std::string> table = ReadProcFile(base + "/mountinfo");
    if (!table.ok()) continue;
    Result<std::vector<MountInfo>> mounts = ParseMountInfo(*table);
    if (!mounts.ok()) continue;
    seen.insert(*ns);
    NamespaceTable other;
    other.ns = *ns;
    (void)std::from_chars(name.data(), name.data() + name.size(), other.pid);
    other.mounts = std::move(mounts).value();
    tables.push_back(std::move(other));
  }
  return tables;
}

Status LinuxMountControl::MakeMountReadOnly(const MountTarget& target) {
  if (target.pid == 0) return MountReadOnlyHere(target);
  return InNamespace(target, [&] { return MountReadOnlyHere(target); });
}

Status LinuxMountControl::MakeSuperblockReadOnly(const MountTarget& target) {
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd root, OpenRoot(proc_, target));
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd mount, OpenMountRoot(root.get(), target));
  UniqueFd context(
      ::fspick(mount.get(), "",
               FSPICK_EMPTY_PATH | FSPICK_CLOEXEC | FSPICK_NO_AUTOMOUNT));
  if (!context.valid()) return ErrnoStatus(kContext, target.mount_point, errno);
  if (::fsconfig(context.get(), FSCONFIG_SET_FLAG, "ro", nullptr, 0) != 0 ||
      ::fsconfig(context.get(), FSCONFIG_CMD_RECONFIGURE, nullptr, nullptr,
                 0) != 0) {
    return Busy(target, errno);
  }
  return Status::Ok();
}

Status LinuxMountControl::Detach(const MountTarget& target) {
  if (target.pid == 0) return DetachHere(target);
  return InNamespace(target, [&] { return DetachHere(target); });
}

Status LinuxMountControl::InNamespace(const MountTarget& target,
                                      const std::function<Status()>& op) {
  // The kernel changes and unmounts mounts only in the caller's namespace:
  // enter the other one, act, come back.
  UniqueFd own(::open((proc_ + "/self/ns/mnt").c_str(), O_RDONLY | O_CLOEXEC));
  if (!own.valid()) return ErrnoStatus(kContext, "own namespace", errno);
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd other, OpenNamespace(proc_, target));
  if (::setns(other.get(), CLONE_NEWNS) != 0) {
    return ErrnoStatus(kContext, target.ns, errno);
  }
  Status done = op();
  if (::setns(own.get(), CLONE_NEWNS) != 0) {
    return ErrnoStatus(kContext, "own namespace", errno);
  }
  return done;
}

}  // namespace piiguard::os
