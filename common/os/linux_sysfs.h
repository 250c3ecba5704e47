// LinuxSysfs: the Sysfs of the running kernel (or of any directory tree
// laid out like /sys, for tests).
//
// Files are opened with O_CLOEXEC | O_NOFOLLOW (a symlink as the final
// component is refused, as sysfs attributes are never symlinks); reads are
// capped at kMaxSysfsAttributeSize. Symlinks in earlier components are
// followed, as the kernel's class/ links require.
//
// Thread-safety: thread-safe (no mutable state).
#ifndef PIIGUARD_COMMON_OS_LINUX_SYSFS_H_
#define PIIGUARD_COMMON_OS_LINUX_SYSFS_H_

#include <string>
#include <string_view>

#include "common/os/sysfs.h"
#include "common/result.h"

namespace piiguard::os {

class LinuxSysfs : public Sysfs {
 public:
  // `root` is the directory that stands for /sys.
  explicit LinuxSysfs(std::string root = "/sys");

  Result<std::string> ReadAttribute(std::string_view path) const override;
  Result<std::string> ReadBinaryAttribute(std::string_view path) const override;
  Result<std::vector<std::string>> ListDirectory(
      std::string_view path) const override;
  Result<std::string> ResolvePath(std::string_view path) const override;
  Status WriteAttribute(std::string_view path, std::string_view value) override;

 private:
  // root_ + "/" + path, after CheckSysfsPath.
  Result<std::string> FullPath(std::string_view path) const;

  std::string root_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_LINUX_SYSFS_H_
