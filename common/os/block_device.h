// BlockDevices: the read-only flag of block devices (BLKROSET / BLKROGET),
// by kernel name ("sdb", "sdb1"). The flag lives in the kernel: it stays set
// if the daemon dies, and it stops raw write(2) as well as new rw mounts.
// LinuxBlockDevices opens /dev/NAME read-only (O_NONBLOCK, close-on-exec)
// for each ioctl; FakeBlockDevices (testing/fake_block_devices.h) keeps
// flags in memory with injectable errors.
//
// The ioctl itself never waits, but OPENING a removable SCSI disk does: the
// kernel first asks the drive whether its medium changed (a command that
// waits behind a read the stick stalls, and during SCSI error recovery, for
// minutes). So LinuxBlockDevices opens in a thread of its own and waits for
// it at most `open_timeout`; a device whose open does not come back in time
// is an error (kIoError, "does not answer"), and while that open still
// hangs, every further call for the device fails at once. The caller fails
// closed (docs/usb.md "Work on the medium").
//
// Thread-safety: LinuxBlockDevices is thread-safe.
#ifndef PIIGUARD_COMMON_OS_BLOCK_DEVICE_H_
#define PIIGUARD_COMMON_OS_BLOCK_DEVICE_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"

namespace piiguard::os {

// A kernel block device name: [a-z0-9]+ (no '/', no "..").
Status CheckBlockDeviceName(std::string_view name);

class BlockDevices {
 public:
  virtual ~BlockDevices() = default;
  [[nodiscard]] virtual Status SetReadOnly(std::string_view name,
                                           bool read_only) = 0;
  virtual Result<bool> IsReadOnly(std::string_view name) const = 0;
};

// Opens DEV_DIR/NAME; when that node does not exist (devtmpfs can lose a
// node when a disk of the same number is removed and added quickly, and a
// PC may have no /dev node yet when the uevent arrives), it makes a private
// node from SYS_DIR/class/block/NAME/dev in NODE_DIR (root-only), opens it
// and removes it at once.
class LinuxBlockDevices : public BlockDevices {
 public:
  // Opens the device (may block); tests pass their own.
  using Opener = std::function<Result<UniqueFd>(std::string_view name)>;

  explicit LinuxBlockDevices(
      std::string dev_dir = "/dev", std::string node_dir = "",
      std::string sys_dir = "/sys",
      std::chrono::milliseconds open_timeout = std::chrono::milliseconds(500),
      Opener opener = nullptr);
  Status SetReadOnly(std::string_view name, bool read_only) override;
  Result<bool> IsReadOnly(std::string_view name) const override;

 private:
  struct Opens;  // opens in flight, shared with their threads
  Result<UniqueFd> Open(std::string_view name) const;
  std::string dev_dir_;
  std::string node_dir_;
  std::string sys_dir_;
  std::chrono::milliseconds open_timeout_;
  Opener opener_;
  std::shared_ptr<Opens> opens_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_BLOCK_DEVICE_H_
