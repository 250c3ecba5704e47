// Frame I/O on the link between the sync process and piiguardd
// (child_protocol.h), on top of the agent/ipc framing (4-byte big-endian
// length, then the payload), with what the plain helpers lack:
// - a descriptor passed beside a frame (SCM_RIGHTS): the wake-up eventfd;
// - a receive that reads the header first and then exactly the payload
//   into one buffer of its size, so that a frame holding the TLS key is
//   never copied by buffer growth and can be overwritten after use;
// - a non-blocking partial send for piiguardd's event loop, which must
//   never wait for the sync process.
//
// Thread-safety: free functions on descriptors the caller owns.
#ifndef PIIGUARD_AGENT_SYNC_LINK_IO_H_
#define PIIGUARD_AGENT_SYNC_LINK_IO_H_

#include <string>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"

namespace piiguard::sync {

// The 4-byte header of a payload of `size` bytes.
std::string FrameHeader(size_t size);

// Blocking: sends the header then `payload` (no copy of the payload).
Status SendFrame(int fd, std::string_view payload, size_t max);

// Blocking: one frame of at most `max` bytes. A descriptor that came with
// it goes to *passed_fd when given, else it is closed.
Result<std::string> ReceiveFrame(int fd, size_t max,
                                 UniqueFd* passed_fd = nullptr);

// Non-blocking: sends what the socket takes of `bytes` (MSG_DONTWAIT), with
// `pass_fd` attached when it is >= 0 (give it with the first bytes only).
// Returns the number of bytes sent (0: the socket is full now).
Result<size_t> SendSome(int fd, std::string_view bytes, int pass_fd);

}  // namespace piiguard::sync

#endif  // PIIGUARD_AGENT_SYNC_LINK_IO_H_
