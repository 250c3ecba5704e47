// Reading and writing one frame of the signer's protocol
// (signer_protocol.h) on a connected stream socket, bounded by a deadline
// on the monotonic clock: a peer that sends nothing, or one byte at a time,
// or does not read, cannot hold the caller past it. Every read and write
// waits in poll(2) first; give a non-blocking socket (a blocking send(2)
// of a frame larger than the socket's buffer could wait past the deadline).
//
// Thread-safety: thread-safe (no shared state; one fd per caller).
#ifndef PIIGUARD_OFFICE_SIGNER_FRAME_IO_H_
#define PIIGUARD_OFFICE_SIGNER_FRAME_IO_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/os/clock.h"
#include "common/result.h"

namespace piiguard::office::signer {

// A point `timeout_ms` from now on `clock`'s monotonic clock.
struct Deadline {
  const os::Clock& clock;
  int64_t at_ms;

  static Deadline In(const os::Clock& clock, int64_t timeout_ms) {
    return {clock, clock.MonotonicMs() + timeout_ms};
  }
};

// `side` names who reads or writes in the errors ("signer", or "exception
// signer" for the office's client); `who` the other end.
//
// One frame's body. kInvalidArgument: the length is over `max_bytes`
// (nothing more is read); kIoError: the peer closed before the frame was
// whole, the deadline passed ("timed out"), or the socket failed.
Result<std::string> ReadFrame(int fd, size_t max_bytes,
                              const Deadline& deadline, std::string_view side,
                              std::string_view who);
// Sends Frame(body) whole (MSG_NOSIGNAL: a closed peer is an error, not
// SIGPIPE). kIoError as above.
Status WriteFrame(int fd, std::string_view body, const Deadline& deadline,
                  std::string_view side, std::string_view who);

}  // namespace piiguard::office::signer

#endif  // PIIGUARD_OFFICE_SIGNER_FRAME_IO_H_
