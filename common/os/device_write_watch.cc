#include "common/os/device_write_watch.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/os/block_device.h"

namespace piiguard::os {
namespace {}  // namespace

Result<std::vector<InotifyRecord>> ParseInotifyEvents(std::string_view bytes) {
  std::vector<InotifyRecord> records;
  size_t offset = 0;
  while (offset < bytes.size()) {
    if (bytes.size() - offset < sizeof(inotify_event)) {
      return InvalidArgumentError("inotify", "events", "truncated record");
    }
    inotify_event header;
    std::memcpy(&header, bytes.data() + offset, sizeof(header));
    offset += sizeof(header);
    if (header.len > bytes.size() - offset) {
      return InvalidArgumentError("inotify", "events", "name overruns");
    }
    std::string_view name = bytes.substr(offset, header.len);
    name = name.substr(0, name.find('\0'));
    records.push_back(InotifyRecord{header.wd, header.mask, std::string(name)});
    offset += header.len;
  }
  return records;
}

Result<std::unique_ptr<LinuxDeviceWriteWatch>> LinuxDeviceWriteWatch::Open(
    std::string dev_dir) {
  UniqueFd fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus("inotify", "init", errno);
  return std::unique_ptr<LinuxDeviceWriteWatch>(
      new LinuxDeviceWriteWatch(std::move(fd), std::move(dev_dir)));
}

Status LinuxDeviceWriteWatch::Watch(std::string_view device) {
  PIIGUARD_RETURN_IF_ERROR(CheckBlockDeviceName(device));
  std::string path = dev_dir_ + "/" + std::string(device);
  int wd = ::inotify_add_watch(fd_.get(), path.c_str(),
                               IN_CLOSE_WRITE | IN_DONT_FOLLOW);
  if (wd < 0) return ErrnoStatus("inotify", path, errno);
  devices_[wd] = std::string(device);
  return Status::Ok();
}

void LinuxDeviceWriteWatch::Unwatch(std::string_view device) {
  for (auto it = devices_.begin(); it != devices_.end(); ++it) {
    if (it->second == device) {
      // The node may be gone already (the watch went with its inode).
      (void)::inotify_rm_watch(fd_.get(), it->first);
      devices_.erase(it);
      return;
    }
  }
}

Result<std::vector<DeviceWrite>> LinuxDeviceWriteWatch::Drain() {
  std::vector<DeviceWrite> writes;
  alignas(inotify_event) char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd_.get(), buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      return ErrnoStatus("inotify", "read", errno);
    }
    if (n == 0) break;
    PIIGUARD_ASSIGN_OR_RETURN(
        std::vector<InotifyRecord> records,
        ParseInotifyEvents(std::string_view(buffer, static_cast<size_t>(n))));
    for (const InotifyRecord& record : records) {
      if ((record.mask & IN_IGNORED) != 0) {
        devices_.erase(record.wd);  // the node went away
        continue;
      }
      auto it = devices_.find(record.wd);
      if (it == devices_.end() || (record.mask & IN_CLOSE_WRITE) == 0) continue;
      writes.push_back(DeviceWrite{it->second, 0, "", "", 1});
    }
  }
  return writes;
}

}  // namespace piiguard::os
