#include "common/os/block_device.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

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

Result<UniqueFd> LinuxBlockDevices::Open(std::string_view name) const {
  PIIGUARD_RETURN_IF_ERROR(CheckBlockDeviceName(name));
  constexpr int kFlags = O_RDONLY | O_NONBLOCK | O_CLOEXEC;
  std::string path = dev_dir_ + "/" + std::string(name);
  UniqueFd fd(::open(path.c_str(), kFlags));
  if (fd.valid()) return fd;
  if (errno != ENOENT || node_dir_.empty()) {
    return ErrnoStatus("block device", path, errno);
  }
  // No node: a private one from the kernel's device number.
  std::string dev_attr = sys_dir_ + "/class/block/";
  dev_attr += name;
  dev_attr += "/dev";
  UniqueFd attr(::open(dev_attr.c_str(), O_RDONLY | O_CLOEXEC));
  if (!attr.valid()) return ErrnoStatus("block device", dev_attr, errno);
  char text[32] = {0};
  ssize_t n = ::read(attr.get(), text, sizeof(text) - 1);
  unsigned int major = 0;
  unsigned int minor = 0;
  if (n <= 0 || std::sscanf(text, "%u:%u", &major, &minor) != 2) {
    return CorruptionError("block device", dev_attr, "not MAJOR:MINOR");
  }
  std::string node = node_dir_ + "/";
  node += name;
  node += ".node";
  (void)::unlink(node.c_str());
  if (::mknod(node.c_str(), S_IFBLK | 0600, ::makedev(major, minor)) != 0) {
    return ErrnoStatus("block device", node, errno);
  }
  UniqueFd private_fd(::open(node.c_str(), kFlags));
  int open_errno = errno;
  (void)::unlink(node.c_str());
  if (!private_fd.valid()) return ErrnoStatus("block device", node, open_errno);
  return private_fd;
}

Status LinuxBlockDevices::SetReadOnly(std::string_view name, bool read_only) {
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd fd, Open(name));
  int flag = read_only ? 1 : 0;
  if (::ioctl(fd.get(), BLKROSET, &flag) != 0) {
    return ErrnoStatus("block device", name, errno);
  }
  return Status::Ok();
}

Result<bool> LinuxBlockDevices::IsReadOnly(std::string_view name) const {
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd fd, Open(name));
  int flag = 0;
  if (::ioctl(fd.get(), BLKROGET, &flag) != 0) {
    return ErrnoStatus("block device", name, errno);
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
