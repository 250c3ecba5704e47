#include "common/os/block_device.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

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

namespace {

// The open of /dev/NAME, or of a private node made from sysfs (see the
// header). May block on a stalled device.
Result<UniqueFd> OpenNode(const std::string& dev_dir,
                          const std::string& node_dir,
                          const std::string& sys_dir, std::string_view name) {
  constexpr int kFlags = O_RDONLY | O_NONBLOCK | O_CLOEXEC;
  std::string path = dev_dir + "/" + std::string(name);
  UniqueFd fd(::open(path.c_str(), kFlags));
  if (fd.valid()) return fd;
  if (errno != ENOENT || node_dir.empty()) {
    return ErrnoStatus("block device", path, errno);
  }
  // No node: a private one from the kernel's device number.
  std::string dev_attr = sys_dir + "/class/block/";
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
  std::string node = node_dir + "/";
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

}  // namespace

struct LinuxBlockDevices::Opens {
  struct Open {
    bool done = false;
    Result<UniqueFd> fd = IoError("block device", "", "pending");
  };
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, std::shared_ptr<Open>, std::less<>> by_name;
};

LinuxBlockDevices::LinuxBlockDevices(std::string dev_dir, std::string node_dir,
                                     std::string sys_dir,
                                     std::chrono::milliseconds open_timeout,
                                     Opener opener)
    : dev_dir_(std::move(dev_dir)),
      node_dir_(std::move(node_dir)),
      sys_dir_(std::move(sys_dir)),
      open_timeout_(open_timeout),
      opener_(std::move(opener)),
      opens_(std::make_shared<Opens>()) {
  if (!opener_) {
    opener_ = [dev = dev_dir_, nodes = node_dir_,
               sys = sys_dir_](std::string_view name) {
      return OpenNode(dev, nodes, sys, name);
    };
  }
}

Result<UniqueFd> LinuxBlockDevices::Open(std::string_view name) const {
  PIIGUARD_RETURN_IF_ERROR(CheckBlockDeviceName(name));
  std::shared_ptr<Opens> opens = opens_;
  std::unique_lock lock(opens->mu);
  std::shared_ptr<Opens::Open> open;
  if (auto it = opens->by_name.find(name); it != opens->by_name.end()) {
    if (!it->second->done) {
      return IoError("block device", name,
                     "does not answer (an earlier open still waits)");
    }
    // An open that came back late: its descriptor is used now.
    open = it->second;
    opens->by_name.erase(it);
    return std::move(open->fd);
  }
  open = std::make_shared<Opens::Open>();
  opens->by_name.emplace(std::string(name), open);
  // The open may wait for minutes on a stalled device: in a thread of its
  // own, which outlives this object if it must (it holds `opens`).
  std::thread([opens, open, opener = opener_, name = std::string(name)] {
    Result<UniqueFd> fd = opener(name);
    std::lock_guard done_lock(opens->mu);
    open->fd = std::move(fd);
    open->done = true;
    opens->cv.notify_all();
  }).detach();
  if (!opens->cv.wait_for(lock, open_timeout_, [&] { return open->done; })) {
    return IoError("block device", name,
                   "does not answer (open took longer than " +
                       std::to_string(open_timeout_.count()) + " ms)");
  }
  opens->by_name.erase(std::string(name));
  return std::move(open->fd);
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

}  // namespace piiguard::os
