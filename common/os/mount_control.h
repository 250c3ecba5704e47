// MountControl: the mount tables of every mount namespace this process can
// see, and the operations that cut writes through a filesystem that is
// already mounted read-write (BLKROSET alone does not: the block layer only
// warns about writes from a filesystem mounted before the flag was set):
//
// - MakeMountReadOnly: one mount becomes read-only (mount_setattr
//   MOUNT_ATTR_RDONLY, the new-API mount(MS_BIND|MS_REMOUNT|MS_RDONLY)). It
//   takes effect at once and writes nothing back: every later write or
//   write-open through that mount fails with EROFS.
// - MakeSuperblockReadOnly: the mount's SUPERBLOCK becomes read-only
//   (fspick + fsconfig "ro" + FSCONFIG_CMD_RECONFIGURE, the new-API
//   mount(MS_REMOUNT|MS_RDONLY) that leaves the per-mount flags such as
//   nosuid/nodev alone). A superblock is shared by every mount of the
//   filesystem in every namespace, so it closes them all; it first writes
//   back the dirty pages (slow on a slow stick).
// - Both are refused (kFailedPrecondition, "busy") while a file on the mount
//   (the superblock) is open for writing.
// - Detach: umount2(MNT_DETACH) of one mount. The mount leaves the tree at
//   once; files already open keep writing to the superblock, so a detach
//   alone does not stop a writer (the caller de-authorizes the device).
//
// A mount in another namespace is reached through /proc/PID/root (for
// MakeSuperblockReadOnly) or by entering the namespace with setns (the
// kernel changes or unmounts a mount only in the caller's namespace), so
// LinuxMountControl's MakeMountReadOnly and Detach of another namespace's
// mount must run in a single-threaded process (the medium helper,
// agent/usb/medium_helper.h). A mount is acted on only if the path still
// leads to the root of a mount of the expected device.
//
// FakeMountControl (testing/fake_mount_control.h) holds namespaces and mounts
// in memory, with "busy" superblocks (a writer holds a file open) and
// injectable failures.
//
// Thread-safety: LinuxMountControl is thread-safe for our own namespace;
// MakeMountReadOnly and Detach in another namespace are not (see above).
// The fake is not thread-safe.
#ifndef PIIGUARD_COMMON_OS_MOUNT_CONTROL_H_
#define PIIGUARD_COMMON_OS_MOUNT_CONTROL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/os/mountinfo.h"
#include "common/result.h"

namespace piiguard::os {

struct DeviceNumber {
  uint32_t major = 0;
  uint32_t minor = 0;
  bool operator==(const DeviceNumber&) const = default;
  bool operator<(const DeviceNumber& other) const {
    return major != other.major ? major < other.major : minor < other.minor;
  }
};

// "8:17" -> {8, 17} (a sysfs `dev` attribute).
Result<DeviceNumber> ParseDeviceNumber(std::string_view text);

struct NamespaceTable {
  std::string ns;  // "mnt:[4026531841]", as /proc/PID/ns/mnt reads
  int pid = 0;     // a process in it; 0 for our own namespace
  std::vector<MountInfo> mounts;
};

// One mount, as the operations take it.
struct MountTarget {
  std::string ns;
  int pid = 0;  // 0: our own namespace
  std::string mount_point;
  DeviceNumber device;
  bool operator==(const MountTarget&) const = default;
};

// Whether the mount is writable now: "rw" both in its own options and in
// its superblock's.
bool IsWritableMount(const MountInfo& mount);

// The mounts of `devices` in every namespace (`writable_only`: only the
// writable ones), in table order, our namespace first.
std::vector<MountTarget> MountsOf(const std::vector<NamespaceTable>& tables,
                                  const std::set<DeviceNumber>& devices,
                                  bool writable_only);

class MountControl {
 public:
  virtual ~MountControl() = default;
  // Our namespace first, then one entry per other namespace found in /proc
  // (namespaces whose link or table cannot be read are skipped).
  virtual Result<std::vector<NamespaceTable>> ListNamespaces() const = 0;
  [[nodiscard]] virtual Status MakeMountReadOnly(const MountTarget& target) = 0;
  [[nodiscard]] virtual Status MakeSuperblockReadOnly(
      const MountTarget& target) = 0;
  [[nodiscard]] virtual Status Detach(const MountTarget& target) = 0;
};

class LinuxMountControl : public MountControl {
 public:
  explicit LinuxMountControl(std::string proc = "/proc")
      : proc_(std::move(proc)) {}
  Result<std::vector<NamespaceTable>> ListNamespaces() const override;
  Status MakeMountReadOnly(const MountTarget& target) override;
  Status MakeSuperblockReadOnly(const MountTarget& target) override;
  Status Detach(const MountTarget& target) override;

 private:
  // Runs `op` in the target's namespace (setns there and back).
  Status InNamespace(const MountTarget& target,
                     const std::function<Status()>& op);
  std::string proc_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_MOUNT_CONTROL_H_
