// Messages on the examiner's SOCK_SEQPACKET socketpair (docs/examiner.md):
// one message per request or reply, a request carrying one descriptor
// (SCM_RIGHTS). Both ends use these; every read is bounded.
//
// Thread-safety: functions of the descriptor they are given; one caller per
// socket at a time.
#ifndef PIIGUARD_AGENT_PRIV_EXAMINER_LINK_H_
#define PIIGUARD_AGENT_PRIV_EXAMINER_LINK_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"

namespace piiguard::priv {

// Sends `bytes` as one message, with `fd` attached unless it is -1.
Status SendMessage(int socket, std::string_view bytes, int fd);

struct Message {
  std::string bytes;
  UniqueFd fd;  // the descriptor that came with it, if any (close-on-exec)
};

// Receives one message of at most `max_size` bytes. The peer closed the
// socket: NotFound "examiner: socket: closed". A longer message, more than
// one descriptor, or ancillary data other than SCM_RIGHTS: InvalidArgument
// (descriptors that came anyway are closed).
Result<Message> ReceiveMessage(int socket, size_t max_size);

}  // namespace piiguard::priv

#endif  // PIIGUARD_AGENT_PRIV_EXAMINER_LINK_H_
