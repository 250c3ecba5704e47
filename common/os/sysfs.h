// Sysfs: a small seam between code that reads or writes sysfs attributes
// and the kernel's /sys, in the manner of leveldb's Env. Production code
// uses LinuxSysfs (linux_sysfs.h); tests use FakeSysfs (fake_sysfs.h), an
// in-memory tree of files and symlinks.
//
// Paths are relative to the sysfs root ("class/block/sdb/size"); both
// implementations refuse (kInvalidArgument) an empty path, a path starting
// with '/', and a path with a ".." component (see CheckSysfsPath).
//
// Thread-safety: the interface makes no promise; each implementation says.
#ifndef PIIGUARD_COMMON_OS_SYSFS_H_
#define PIIGUARD_COMMON_OS_SYSFS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace piiguard::os {

// Attribute reads larger than this fail.
inline constexpr size_t kMaxSysfsAttributeSize = size_t{64} * 1024;

class Sysfs {
 public:
  virtual ~Sysfs() = default;

  // Returns the contents of the attribute file at `path`, with one trailing
  // newline stripped. The final component must not be a symlink.
  virtual Result<std::string> ReadAttribute(std::string_view path) const = 0;

  // Like ReadAttribute, but the bytes exactly as read (for binary
  // attributes such as a USB device's `descriptors`).
  virtual Result<std::string> ReadBinaryAttribute(
      std::string_view path) const = 0;

  // The names in the directory at `path` (symlinks followed), sorted,
  // without "." and "..".
  virtual Result<std::vector<std::string>> ListDirectory(
      std::string_view path) const = 0;

  // Like realpath(3): follows every symlink in `path` and returns the
  // canonical path, relative to the sysfs root
  // ("devices/pci0000:00/.../block/sdb"). A path that leads outside the
  // root is an error.
  virtual Result<std::string> ResolvePath(std::string_view path) const = 0;

  // Writes `value` to the attribute file at `path` in one write.
  virtual Status WriteAttribute(std::string_view path,
                                std::string_view value) = 0;
};

// OK if `path` is acceptable to a Sysfs (see above), else kInvalidArgument.
Status CheckSysfsPath(std::string_view path);

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_SYSFS_H_
