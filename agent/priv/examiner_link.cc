#include "agent/priv/examiner_link.h"

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

namespace piiguard::priv {
namespace {

constexpr std::string_view kContext = "examiner";
// Room for a few descriptors, so that a peer sending more is seen (and its
// descriptors closed) rather than cut silently.
constexpr size_t kMaxFds = 4;

}  // namespace

Status SendMessage(int socket, std::string_view bytes, int fd) {
  iovec iov{const_cast<char*>(bytes.data()), bytes.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int))> control{};
  if (fd >= 0) {
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
  }
  for (;;) {
    ssize_t n = ::sendmsg(socket, &msg, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(kContext, "send", errno);
    if (static_cast<size_t>(n) != bytes.size()) {
      return InternalError(kContext, "send", "message cut");
    }
    return Status::Ok();
  }
}

Result<Message> ReceiveMessage(int socket, size_t max_size) {
  std::string buffer(max_size + 1, '\0');
  iovec iov{buffer.data(), buffer.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int) * kMaxFds)>
      control{};
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  ssize_t n = 0;
  do {
    n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return ErrnoStatus(kContext, "receive", errno);
  Message message;
  std::vector<UniqueFd> fds;
  bool other_control = false;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
       c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
      other_control = true;
      continue;
    }
    const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      fds.emplace_back(fd);
    }
  }
  if (n == 0 && fds.empty()) {
    return NotFoundError(kContext, "socket", "closed");
  }
  if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0 ||
      static_cast<size_t>(n) > max_size) {
    return InvalidArgumentError(kContext, "message", "too large");
  }
  if (other_control || fds.size() > 1) {
    return InvalidArgumentError(kContext, "message",
                                "unexpected ancillary data");
  }
  buffer.resize(static_cast<size_t>(n));
  message.bytes = std::move(buffer);
  if (!fds.empty()) message.fd = std::move(fds.front());
  return message;
}

}  // namespace piiguard::priv
