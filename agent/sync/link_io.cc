#include "agent/sync/link_io.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>
#include <span>

namespace piiguard::sync {
namespace {

constexpr std::string_view kContext = "sync link";

// recvmsg of up to out.size() bytes into `out`, taking any passed
// descriptor.
Result<size_t> ReceiveSome(int fd, std::span<char> out, UniqueFd* passed) {
  iovec iov{out.data(), out.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  for (;;) {
    ssize_t n = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(kContext, "read", errno);
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
         c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; ++i) {
        int got = -1;
        std::memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof got);
        UniqueFd owned(got);
        if (passed != nullptr && !passed->valid()) *passed = std::move(owned);
      }
    }
    if ((msg.msg_flags & MSG_CTRUNC) != 0) {
      return InvalidArgumentError(kContext, "read", "descriptors truncated");
    }
    if (n == 0) return IoError(kContext, "read", "connection closed");
    return static_cast<size_t>(n);
  }
}

Status ReceiveExactly(int fd, std::span<char> out, UniqueFd* passed) {
  size_t done = 0;
  while (done < out.size()) {
    PIIGUARD_ASSIGN_OR_RETURN(size_t n,
                              ReceiveSome(fd, out.subspan(done), passed));
    done += n;
  }
  return Status::Ok();
}

}  // namespace

std::string FrameHeader(size_t size) {
  const auto n = static_cast<uint32_t>(size);
  return std::string{static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                     static_cast<char>(n >> 8), static_cast<char>(n)};
}

Status SendFrame(int fd, std::string_view payload, size_t max) {
  if (payload.size() > max) {
    return InvalidArgumentError(kContext, "frame", "too large");
  }
  const std::string header = FrameHeader(payload.size());
  size_t done = 0;
  const size_t total = header.size() + payload.size();
  while (done < total) {
    iovec iov[2];
    int count = 0;
    if (done < header.size()) {
      iov[count++] = {const_cast<char*>(header.data()) + done,
                      header.size() - done};
      iov[count++] = {const_cast<char*>(payload.data()), payload.size()};
    } else {
      iov[count++] = {
          const_cast<char*>(payload.data()) + (done - header.size()),
          total - done};
    }
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<size_t>(count);
    ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoStatus(kContext, "write", errno);
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Result<std::string> ReceiveFrame(int fd, size_t max, UniqueFd* passed_fd) {
  char header[4];
  PIIGUARD_RETURN_IF_ERROR(ReceiveExactly(fd, header, passed_fd));
  const auto byte = [&](int i) {
    return size_t{static_cast<unsigned char>(header[i])};
  };
  const size_t size =
      (byte(0) << 24) | (byte(1) << 16) | (byte(2) << 8) | byte(3);
  if (size > max) return InvalidArgumentError(kContext, "frame", "too large");
  std::string payload(size, '\0');
  PIIGUARD_RETURN_IF_ERROR(ReceiveExactly(fd, payload, passed_fd));
  return payload;
}

Result<size_t> SendSome(int fd, std::string_view bytes, int pass_fd) {
  iovec iov{const_cast<char*>(bytes.data()), bytes.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (pass_fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &pass_fd, sizeof pass_fd);
  }
  for (;;) {
    ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return size_t{0};
    if (n < 0) return ErrnoStatus(kContext, "write", errno);
    return static_cast<size_t>(n);
  }
}

}  // namespace piiguard::sync
