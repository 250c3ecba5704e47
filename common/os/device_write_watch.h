// DeviceWriteWatch: sees every time a watched block device node (/dev/sdb)
// that was opened for WRITING is closed, even when all its writes failed
// because the device is read-only (BLKROSET). It uses inotify
// IN_CLOSE_WRITE watches on the nodes. fanotify would give the pid, but it
// reports events on regular files and directories only, never on device
// nodes (docs/usb.md explains the choice and what it does not see: rw mount
// attempts go through the kernel, not through the node).
//
// ParseInotifyEvents reads the kernel's event records from bytes.
// FakeDeviceWriteWatch (testing/fake_device_write_watch.h) reports the
// write-opens a test makes.
//
// Thread-safety: not thread-safe; one reader.
#ifndef PIIGUARD_COMMON_OS_DEVICE_WRITE_WATCH_H_
#define PIIGUARD_COMMON_OS_DEVICE_WRITE_WATCH_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"

namespace piiguard::os {

struct InotifyRecord {
  int wd = -1;
  uint32_t mask = 0;
  std::string name;  // empty for a watch on a file itself

  bool operator==(const InotifyRecord&) const = default;
};

// Strict: each record's header and its name (NUL-padded) must fit.
Result<std::vector<InotifyRecord>> ParseInotifyEvents(std::string_view bytes);

struct DeviceWrite {
  std::string device;   // kernel name, "sdb"
  int pid = 0;          // 0: not known (inotify does not say)
  std::string process;  // "" when not known
  // What was refused, where known ("open", "ioctl", "mount", ...).
  std::string operation;
  int64_t count = 1;  // attempts this record stands for
};

class DeviceWriteWatch {
 public:
  virtual ~DeviceWriteWatch() = default;
  virtual int fd() const = 0;
  [[nodiscard]] virtual Status Watch(std::string_view device) = 0;
  virtual void Unwatch(std::string_view device) = 0;
  virtual Result<std::vector<DeviceWrite>> Drain() = 0;
};

class LinuxDeviceWriteWatch : public DeviceWriteWatch {
 public:
  static Result<std::unique_ptr<LinuxDeviceWriteWatch>> Open(
      std::string dev_dir = "/dev");
  int fd() const override { return fd_.get(); }
  Status Watch(std::string_view device) override;
  void Unwatch(std::string_view device) override;
  Result<std::vector<DeviceWrite>> Drain() override;

 private:
  LinuxDeviceWriteWatch(UniqueFd fd, std::string dev_dir)
      : fd_(std::move(fd)), dev_dir_(std::move(dev_dir)) {}
  UniqueFd fd_;
  std::string dev_dir_;
  std::map<int, std::string> devices_;  // watch descriptor -> device
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_DEVICE_WRITE_WATCH_H_
