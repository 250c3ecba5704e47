// One sync round of docs/sync.md: push batches until nothing is pending,
// advancing the acknowledged position only where the office's acked_head is
// this PC's own hash (the daemon checks), send a status report when the
// office asked for one, then pull a newer signed policy.
//
// Thread-safety: not thread-safe; the sync child's loop owns it.
#ifndef PIIGUARD_AGENT_SYNC_SYNC_CLIENT_H_
#define PIIGUARD_AGENT_SYNC_SYNC_CLIENT_H_

#include <string>

#include "agent/sync/daemon_link.h"
#include "agent/sync/transport.h"

namespace piiguard::sync {

struct RoundResult {
  bool ok = false;
  size_t batches_sent = 0;
  std::string detail;  // why it failed ("offline: ...", "refused: gap: ...")
};

class SyncClient {
 public:
  SyncClient(Transport& transport, DaemonLink& link)
      : transport_(transport), link_(link) {}
  // Never throws; a failed round leaves everything pending for the next.
  RoundResult RunRound();

 private:
  // Batches until nothing is pending; false with *detail on failure.
  bool Push(RoundResult& result, int64_t* policy_version, std::string* detail);
  // A newer signed policy, handed to the daemon to verify and apply.
  bool Pull(int64_t policy_version, bool* applied, std::string* detail);

  Transport& transport_;
  DaemonLink& link_;
  std::string status_request_;  // the office's pending request id
};

}  // namespace piiguard::sync

#endif  // PIIGUARD_AGENT_SYNC_SYNC_CLIENT_H_
