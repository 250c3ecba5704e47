#include "common/os/device_write_watch.h"

#include <fcntl.h>
#include <sys/fanotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "common/os/block_device.h"

namespace piiguard::os {
namespace {

std::string ProcessName(int pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/comm";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return "";
  char buffer[64];
  ssize_t n = ::read(fd.get(), buffer, sizeof(buffer));
  if (n <= 0) return "";
  std::string name(buffer, static_cast<size_t>(n));
  if (!name.empty() && name.back() == '\n') name.pop_back();
  return name;
}

}  // namespace

Result<std::vector<FanotifyRecord>> ParseFanotifyEvents(
    std::string_view bytes) {
  std::vector<FanotifyRecord> records;
  size_t offset = 0;
  while (offset < bytes.size()) {
    if (bytes.size() - offset < sizeof(fanotify_event_metadata)) {
      return InvalidArgumentError("fanotify", "events", "truncated record");
    }
    fanotify_event_metadata meta;
    std::memcpy(&meta, bytes.data() + offset, sizeof(meta));
    if (meta.vers != FANOTIFY_METADATA_VERSION) {
      return InvalidArgumentError("fanotify", "events", "unknown version");
    }
    if (meta.event_len < sizeof(meta) ||
        meta.event_len > bytes.size() - offset) {
      return InvalidArgumentError("fanotify", "events", "bad event length");
    }
    records.push_back(
        FanotifyRecord{meta.mask, meta.fd >= 0 ? meta.fd : -1, meta.pid});
    offset += meta.event_len;
  }
  return records;
}

Result<std::unique_ptr<LinuxDeviceWriteWatch>> LinuxDeviceWriteWatch::Open(
    std::string dev_dir) {
  UniqueFd fd(::fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK,
                              O_RDONLY | O_CLOEXEC | O_LARGEFILE));
  if (!fd.valid()) return ErrnoStatus("fanotify", "init", errno);
  return std::unique_ptr<LinuxDeviceWriteWatch>(
      new LinuxDeviceWriteWatch(std::move(fd), std::move(dev_dir)));
}

Status LinuxDeviceWriteWatch::Watch(std::string_view device) {
  PIIGUARD_RETURN_IF_ERROR(CheckBlockDeviceName(device));
  std::string path = dev_dir_ + "/" + std::string(device);
  if (::fanotify_mark(fd_.get(), FAN_MARK_ADD, FAN_CLOSE_WRITE, AT_FDCWD,
                      path.c_str()) != 0) {
    return ErrnoStatus("fanotify", path, errno);
  }
  return Status::Ok();
}

void LinuxDeviceWriteWatch::Unwatch(std::string_view device) {
  if (!CheckBlockDeviceName(device).ok()) return;
  std::string path = dev_dir_ + "/" + std::string(device);
  // The node may be gone already (the mark went with its inode).
  (void)::fanotify_mark(fd_.get(), FAN_MARK_REMOVE, FAN_CLOSE_WRITE, AT_FDCWD,
                        path.c_str());
}

Result<std::vector<DeviceWrite>> LinuxDeviceWriteWatch::Drain() {
  std::vector<DeviceWrite> writes;
  alignas(fanotify_event_metadata) char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd_.get(), buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      return ErrnoStatus("fanotify", "read", errno);
    }
    if (n == 0) break;
    PIIGUARD_ASSIGN_OR_RETURN(
        std::vector<FanotifyRecord> records,
        ParseFanotifyEvents(std::string_view(buffer, static_cast<size_t>(n))));
    for (const FanotifyRecord& record : records) {
      UniqueFd event_fd(record.fd);
      if (!event_fd.valid()) continue;
      char target[PATH_MAX];
      std::string link = "/proc/self/fd/" + std::to_string(record.fd);
      ssize_t len = ::readlink(link.c_str(), target, sizeof(target) - 1);
      if (len <= 0) continue;
      std::string_view path(target, static_cast<size_t>(len));
      size_t slash = path.rfind('/');
      std::string name(path.substr(slash + 1));
      writes.push_back(DeviceWrite{name, record.pid, ProcessName(record.pid)});
    }
  }
  return writes;
}

Status FakeDeviceWriteWatch::Watch(std::string_view device) {
  if (fail_watch_ != 0) return ErrnoStatus("fanotify", device, fail_watch_);
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
        DeviceWrite{std::string(device), pid, std::move(process)});
  }
}

Result<std::vector<DeviceWrite>> FakeDeviceWriteWatch::Drain() {
  return std::exchange(pending_, {});
}

}  // namespace piiguard::os
