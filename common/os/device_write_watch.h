// DeviceWriteWatch: sees every process that opens a watched block device
// node (/dev/sdb) for WRITING, even when all its writes fail because the
// device is read-only (BLKROSET). It uses fanotify inode marks with
// FAN_CLOSE_WRITE: the kernel reports the close of any file that was
// opened writable, with the opener's pid (docs/usb.md explains the choice
// and what it does not see: rw mount attempts go through the kernel, not
// through the node).
//
// ParseFanotifyEvents reads the kernel's event records from bytes.
//
// Thread-safety: not thread-safe; one reader.
#ifndef PIIGUARD_COMMON_OS_DEVICE_WRITE_WATCH_H_
#define PIIGUARD_COMMON_OS_DEVICE_WRITE_WATCH_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"

namespace piiguard::os {

struct FanotifyRecord {
  uint64_t mask = 0;
  int fd = -1;  // an fd the kernel opened for us (-1: none); caller closes
  int pid = 0;

  bool operator==(const FanotifyRecord&) const = default;
};

// Strict: each record's metadata version must be the one we know, its
// event_len at least the metadata size and within the buffer.
Result<std::vector<FanotifyRecord>> ParseFanotifyEvents(std::string_view bytes);

struct DeviceWrite {
  std::string device;  // kernel name, "sdb"
  int pid = 0;
  std::string process;  // /proc/PID/comm when still readable
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
};

class FakeDeviceWriteWatch : public DeviceWriteWatch {
 public:
  int fd() const override { return -1; }
  Status Watch(std::string_view device) override;
  void Unwatch(std::string_view device) override;
  Result<std::vector<DeviceWrite>> Drain() override;
  // A write-open of `device` by `pid`; reported only if it is watched.
  void Open(std::string_view device, int pid, std::string process);
  bool watched(std::string_view device) const;
  void FailWatch(int error_number) { fail_watch_ = error_number; }

 private:
  std::vector<std::string> watched_;
  std::vector<DeviceWrite> pending_;
  int fail_watch_ = 0;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_DEVICE_WRITE_WATCH_H_
