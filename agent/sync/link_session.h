// piiguardd's side of one link to the sync process, whichever way it came
// (spawned on a socketpair, or connected to the sync socket): takes each
// request frame, parses it strictly against the permit table
// (child_protocol.h), checks it comes in turn (`hello` first, and once),
// and answers it through the DaemonLink. No I/O: the supervisor
// (agent/daemon/sync_supervisor.h) reads and writes the socket, and passes
// the wake-up eventfd with the answer to `hello`.
//
// Thread-safety: not thread-safe; one per link, owned by the event loop.
#ifndef PIIGUARD_AGENT_SYNC_LINK_SESSION_H_
#define PIIGUARD_AGENT_SYNC_LINK_SESSION_H_

#include <string>
#include <string_view>

#include "agent/sync/child_protocol.h"
#include "agent/sync/daemon_link.h"
#include "common/result.h"

namespace piiguard::sync {

struct LinkReply {
  std::string payload;        // the answer frame's payload
  bool secret = false;        // holds the TLS key: overwrite after sending
  bool with_wake_fd = false;  // send the wake-up eventfd beside it
};

class LinkSession {
 public:
  LinkSession(DaemonLink& link, int interval_seconds)
      : link_(link), interval_seconds_(interval_seconds) {}

  // The reply to one request frame. An error: the sync process broke the
  // protocol (malformed, unpermitted, oversized, out of turn); end the link.
  Result<LinkReply> Handle(std::string_view frame);

  // The request the last Handle parsed (for logs), if any.
  std::string_view last_op() const { return last_op_; }
  // What the process said in hello about its sandbox.
  const std::string& sandbox() const { return sandbox_; }

 private:
  DaemonLink& link_;
  int interval_seconds_;
  bool greeted_ = false;
  std::string_view last_op_;
  std::string sandbox_;
};

}  // namespace piiguard::sync

#endif  // PIIGUARD_AGENT_SYNC_LINK_SESSION_H_
