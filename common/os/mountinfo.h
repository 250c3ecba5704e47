// The mount table (/proc/self/mountinfo): its parser (bytes in), the
// choice of the filesystems the roster guard watches (LocalDiskFilesystems:
// disk-backed, one mount per superblock, not on USB). Mounts are matched
// to devices by MAJ:MIN, never by their source text, which FUSE lets any
// user set (agent/rosterguard/stick_choice.h). MountTable is the seam
// that reads the table: LinuxMountTable keeps /proc/self/mountinfo open
// (its fd reports EPOLLPRI when the table changes), FakeMountTable
// (testing/fake_mount_table.h) holds bytes set by a test. docs/roster-guard.md
// says what "local disk" means.
//
// A mountinfo line (proc(5)):
//   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root
//   rw,errors=continue (1)(2)(3)  (4)   (5)   (6)       (7)      (8) (9) (10)
//   (11)
// root, mount point, filesystem type and source escape ' ', '\t', '\n',
// '\\' (and '#' on newer kernels) as \ooo; they are decoded. Options and
// optional fields are kept as printed.
//
// Thread-safety: the functions are pure; LinuxMountTable is thread-safe.
#ifndef PIIGUARD_COMMON_OS_MOUNTINFO_H_
#define PIIGUARD_COMMON_OS_MOUNTINFO_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/os/sysfs.h"
#include "common/result.h"
#include "common/unique_fd.h"

namespace piiguard::os {

struct MountInfo {
  int mount_id = 0;
  int parent_id = 0;
  uint32_t major = 0;       // st_dev of the superblock (0 for anonymous ones:
  uint32_t minor = 0;       // btrfs, fuseblk, tmpfs...)
  std::string root;         // the directory of the filesystem mounted here
  std::string mount_point;  // absolute
  std::string options;      // per-mount options, "rw,relatime"
  std::vector<std::string> optional_fields;  // "shared:1", "master:2"
  std::string fs_type;                       // "ext4", "fuse.sshfs"
  std::string source;                        // "/dev/sda2", "none", maybe ""
  std::string super_options;                 // per-superblock options

  bool operator==(const MountInfo&) const = default;
};

// Every line of a mountinfo file. Strict: decimal ids and MAJ:MIN, at
// least six fields before the "-" separator and exactly three after it, a
// mount point starting with '/', non-empty fields (the source may be
// empty), escapes exactly \ooo (<= \377, not \000); an empty line is
// refused; the last line may lack its '\n'.
Result<std::vector<MountInfo>> ParseMountInfo(std::string_view bytes);

// One line (ending in '\n') that parses back to `mount`.
std::string FormatMountInfoLine(const MountInfo& mount);

// Whether the comma-separated `options` hold `option` ("ro").
bool HasMountOption(std::string_view options, std::string_view option);

// ext2/3/4, xfs, btrfs, f2fs, jfs, reiserfs, vfat, msdos, exfat, ntfs,
// ntfs3 and fuseblk (ntfs-3g on a disk partition). Everything else
// (proc, sysfs, tmpfs, overlay, squashfs, network and FUSE filesystems...)
// is not a local disk.
bool IsDiskFilesystemType(std::string_view fs_type);

using UsbPredicate = std::function<bool(const MountInfo&)>;

// The filesystems to watch, one mount each, in table order: disk types
// only; one mount per superblock (MAJ:MIN), preferring a mount of its
// whole tree (root "/"); mounts no longer reachable by their path
// (mounted over) skipped; superblocks on USB (is_usb_device) dropped.
std::vector<MountInfo> LocalDiskFilesystems(
    const std::vector<MountInfo>& mounts, const UsbPredicate& is_usb_device);

// Whether the block device under `mount` sits on USB: sysfs
// dev/block/MAJ:MIN resolved (for an anonymous MAJ:MIN, as btrfs and
// fuseblk have, the /dev/NAME or /dev/mapper/NAME of its source) contains
// "/usb", itself or through its slaves (dm-crypt or LVM on a USB disk).
// Unknown devices are not USB (they stay watched).
bool IsUsbBlockDevice(const Sysfs& sysfs, const MountInfo& mount);

class MountTable {
 public:
  virtual ~MountTable() = default;
  // Signals EPOLLPRI when the table changes (for epoll); -1 for a fake.
  virtual int fd() const = 0;
  // The table's bytes now.
  virtual Result<std::string> Read() const = 0;
};

class LinuxMountTable : public MountTable {
 public:
  static Result<std::unique_ptr<LinuxMountTable>> Open(
      const std::string& path = "/proc/self/mountinfo");
  int fd() const override { return fd_.get(); }
  Result<std::string> Read() const override;

 private:
  explicit LinuxMountTable(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_MOUNTINFO_H_
