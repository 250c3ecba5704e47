// LinuxUeventSource: a uevent multicast group over a NETLINK_KOBJECT_UEVENT
// socket (non-blocking, close-on-exec, a 4 MiB receive buffer): the
// kernel's (only messages from port 0, the kernel, are taken) or udevd's
// (events after udev's rules ran; only messages from a process, parsed as
// udev's format; sending to the group needs CAP_NET_ADMIN). ENOBUFS (the
// buffer overflowed) is reported as Batch::overflow.
//
// Thread-safety: not thread-safe; one reader.
#ifndef PIIGUARD_COMMON_OS_LINUX_UEVENT_H_
#define PIIGUARD_COMMON_OS_LINUX_UEVENT_H_

#include <memory>

#include "common/os/uevent.h"
#include "common/unique_fd.h"

namespace piiguard::os {

enum class UeventGroup { kKernel = 1, kUdev = 2 };

class LinuxUeventSource : public UeventSource {
 public:
  static Result<std::unique_ptr<LinuxUeventSource>> Open(
      UeventGroup group = UeventGroup::kKernel);
  int fd() const override { return fd_.get(); }
  Result<Batch> Drain() override;

 private:
  LinuxUeventSource(UniqueFd fd, UeventGroup group)
      : fd_(std::move(fd)), group_(group) {}
  UniqueFd fd_;
  UeventGroup group_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_LINUX_UEVENT_H_
