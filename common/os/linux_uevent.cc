#include "common/os/linux_uevent.h"

#include <linux/netlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <vector>

namespace piiguard::os {

Result<std::unique_ptr<LinuxUeventSource>> LinuxUeventSource::Open(
    UeventGroup group) {
  UniqueFd fd(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
                       NETLINK_KOBJECT_UEVENT));
  if (!fd.valid()) return ErrnoStatus("uevent", "netlink socket", errno);
  int size = 4 * 1024 * 1024;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) !=
          0 &&
      ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) != 0) {
    return ErrnoStatus("uevent", "netlink socket buffer", errno);
  }
  sockaddr_nl address{};
  address.nl_family = AF_NETLINK;
  address.nl_groups = static_cast<uint32_t>(group);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address),
             sizeof(address)) != 0) {
    return ErrnoStatus("uevent", "netlink bind", errno);
  }
  return std::unique_ptr<LinuxUeventSource>(
      new LinuxUeventSource(std::move(fd), group));
}

Result<UeventSource::Batch> LinuxUeventSource::Drain() {
  Batch batch;
  std::vector<char> buffer(kMaxUeventSize + 1);
  for (;;) {
    sockaddr_nl sender{};
    socklen_t sender_size = sizeof(sender);
    ssize_t n = ::recvfrom(fd_.get(), buffer.data(), buffer.size(), 0,
                           reinterpret_cast<sockaddr*>(&sender), &sender_size);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == ENOBUFS) {
        batch.overflow = true;
        continue;
      }
      return ErrnoStatus("uevent", "netlink receive", errno);
    }
    std::string_view bytes(buffer.data(), static_cast<size_t>(n));
    const bool from_kernel = sender.nl_pid == 0;
    if (from_kernel != (group_ == UeventGroup::kKernel)) continue;
    Result<Uevent> event = group_ == UeventGroup::kKernel
                               ? ParseKernelUevent(bytes)
                               : ParseUdevMessage(bytes);
    if (event.ok()) batch.events.push_back(std::move(*event));
  }
  return batch;
}

}  // namespace piiguard::os
