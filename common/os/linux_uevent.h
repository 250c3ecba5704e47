// LinuxUeventSource: the kernel's uevent multicast group over a
// NETLINK_KOBJECT_UEVENT socket (non-blocking, close-on-exec, a 4 MiB
// receive buffer). Only messages whose sender is the kernel (port 0) are
// taken. ENOBUFS (the buffer overflowed) is reported as Batch::overflow.
//
// Thread-safety: not thread-safe; one reader.
#ifndef PIIGUARD_COMMON_OS_LINUX_UEVENT_H_
#define PIIGUARD_COMMON_OS_LINUX_UEVENT_H_

#include <memory>

#include "common/os/uevent.h"
#include "common/unique_fd.h"

namespace piiguard::os {

class LinuxUeventSource : public UeventSource {
 public:
  static Result<std::unique_ptr<LinuxUeventSource>> Open();
  int fd() const override { return fd_.get(); }
  Result<Batch> Drain() override;

 private:
  explicit LinuxUeventSource(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_LINUX_UEVENT_H_
