#include "common/os/testing/fake_device_write_watch.h"

#include <algorithm>
#include <utility>

namespace piiguard::os {

Status FakeDeviceWriteWatch::Watch(std::string_view device) {
  if (fail_watch_ != 0) return ErrnoStatus("inotify", device, fail_watch_);
  if (!watched(device)) watched_.emplace_back(device);
  return Status::Ok();
}

void FakeDeviceWriteWatch::Unwatch(std::string_view device) {
  std::erase(watched_, std::string(device));
}

bool FakeDeviceWriteWatch::watched(std::string_view device) const {
  return std::find(watched_.begin(), watched_.end(), device) != watched_.end();
}

void FakeDeviceWriteWatch::Open(std::string_view device, int pid,
                                std::string process) {
  if (watched(device)) {
    pending_.push_back(
        DeviceWrite{std::string(device), pid, std::move(process), "", 1});
  }
}

Result<std::vector<DeviceWrite>> FakeDeviceWriteWatch::Drain() {
  return std::exchange(pending_, {});
}

}  // namespace piiguard::os
