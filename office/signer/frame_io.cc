#include "office/signer/frame_io.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "office/signer/signer_protocol.h"

namespace piiguard::office::signer {
namespace {

// Waits until `fd` is ready for `events` or the deadline passes.
Status WaitFor(int fd, int events, const Deadline& deadline,
               std::string_view side, std::string_view who) {
  for (;;) {
    const int64_t left = deadline.at_ms - deadline.clock.MonotonicMs();
    if (left <= 0) return IoError(side, who, "timed out");
    pollfd p{.fd = fd, .events = static_cast<int16_t>(events), .revents = 0};
    const int n =
        ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, INT_MAX)));
    if (n > 0) return Status::Ok();  // ready, or an error read() reports
    if (n < 0 && errno != EINTR) return ErrnoStatus(side, who, errno);
  }
}

// Reads exactly `size` bytes into `out`.
Status ReadExactly(int fd, char* out, size_t size, const Deadline& deadline,
                   std::string_view side, std::string_view who) {
  size_t done = 0;
  while (done < size) {
    PIIGUARD_RETURN_IF_ERROR(WaitFor(fd, POLLIN, deadline, side, who));
    const ssize_t n = ::read(fd, out + done, size - done);
    if (n == 0) return IoError(side, who, "connection closed");
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return ErrnoStatus(side, who, errno);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> ReadFrame(int fd, size_t max_bytes,
                              const Deadline& deadline, std::string_view side,
                              std::string_view who) {
  unsigned char header[4];
  PIIGUARD_RETURN_IF_ERROR(ReadExactly(fd, reinterpret_cast<char*>(header),
                                       sizeof header, deadline, side, who));
  const uint32_t length = FrameLength(header);
  if (length > max_bytes) {
    return InvalidArgumentError(side, who,
                                "frame of " + std::to_string(length) +
                                    " bytes, at most " +
                                    std::to_string(max_bytes));
  }
  std::string body(length, '\0');
  PIIGUARD_RETURN_IF_ERROR(
      ReadExactly(fd, body.data(), length, deadline, side, who));
  return body;
}

Status WriteFrame(int fd, std::string_view body, const Deadline& deadline,
                  std::string_view side, std::string_view who) {
  const std::string frame = Frame(body);
  size_t done = 0;
  while (done < frame.size()) {
    PIIGUARD_RETURN_IF_ERROR(WaitFor(fd, POLLOUT, deadline, side, who));
    const ssize_t n =
        ::send(fd, frame.data() + done, frame.size() - done, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return ErrnoStatus(side, who, errno);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace piiguard::office::signer
