#include "common/os/block_device.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>

#include <cerrno>

#include "common/unique_fd.h"

namespace piiguard::os {

Status CheckBlockDeviceName(std::string_view name) {
  if (name.empty() || name.size() > 32) {
    return InvalidArgumentError("block device", name, "bad name");
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return InvalidArgumentError("block device", name, "bad name");
    }
  }
  return Status::Ok();
}

Status LinuxBlockDevices::SetReadOnly(std::string_view name, bool read_only) {
  PIIGUARD_RETURN_IF_ERROR(CheckBlockDeviceName(name));
  std::string path = dev_dir_ + "/" + std::string(name);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus("block device", path, errno);
  int flag = read_only ? 1 : 0;
  if (::ioctl(fd.get(), BLKROSET, &flag) != 0) {
    return ErrnoStatus("block device", path, errno);
  }
  return Status::Ok();
}

Result<bool> LinuxBlockDevices::IsReadOnly(std::string_view name) const {
  PIIGUARD_RETURN_IF_ERROR(CheckBlockDeviceName(name));
  std::string path = dev_dir_ + "/" + std::string(name);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus("block device", path, errno);
  int flag = 0;
  if (::ioctl(fd.get(), BLKROGET, &flag) != 0) {
    return ErrnoStatus("block device", path, errno);
  }
  return flag != 0;
}

void FakeBlockDevices::Add(std::string_view name, bool read_only) {
  read_only_[std::string(name)] = read_only;
}

void FakeBlockDevices::Remove(std::string_view name) {
  if (auto it = read_only_.find(name); it != read_only_.end()) {
    read_only_.erase(it);
  }
}

void FakeBlockDevices::FailSet(std::string_view name, int error_number) {
  failures_[std::string(name)] = error_number;
}

Status FakeBlockDevices::SetReadOnly(std::string_view name, bool read_only) {
  PIIGUARD_RETURN_IF_ERROR(CheckBlockDeviceName(name));
  auto it = read_only_.find(name);
  if (it == read_only_.end()) {
    return ErrnoStatus("block device", name, ENOENT);
  }
  if (auto f = failures_.find(name); f != failures_.end() && f->second != 0) {
    return ErrnoStatus("block device", name, f->second);
  }
  it->second = read_only;
  log_.push_back(std::string(name) + (read_only ? "=1" : "=0"));
  return Status::Ok();
}

Result<bool> FakeBlockDevices::IsReadOnly(std::string_view name) const {
  auto it = read_only_.find(name);
  if (it == read_only_.end()) {
    return ErrnoStatus("block device", name, ENOENT);
  }
  return it->second;
}

}  // namespace piiguard::os
