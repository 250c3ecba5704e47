// FakeDeviceWriteWatch: a DeviceWriteWatch (common/os/device_write_watch.h)
// for tests: a test makes the write-opens (Open), the watch reports those of
// watched devices, with the pid and process that inotify would not give;
// watching fails on demand.
//
// Thread-safety: not thread-safe; one reader.
#ifndef PIIGUARD_COMMON_OS_TESTING_FAKE_DEVICE_WRITE_WATCH_H_
#define PIIGUARD_COMMON_OS_TESTING_FAKE_DEVICE_WRITE_WATCH_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/os/device_write_watch.h"

namespace piiguard::os {

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

#endif  // PIIGUARD_COMMON_OS_TESTING_FAKE_DEVICE_WRITE_WATCH_H_
