// One sync round of docs/sync.md: push batches until nothing is pending,
// advancing the acknowledged position only where the office's acked_head is
// this PC's own hash (the daemon checks), send a status report when the
// office asked for one, then pull a newer signed policy, then the signed
// exception files the office queued for this PC (each handed to the daemon,
// which verifies and applies it; docs/exceptions.md "Online delivery"). A
// failed round says why (failure.h); the caller reports it
// (DaemonLink::SyncDone).
//
// Thread-safety: not thread-safe; the sync process's loop owns it.
#ifndef PIIGUARD_AGENT_SYNC_SYNC_CLIENT_H_
#define PIIGUARD_AGENT_SYNC_SYNC_CLIENT_H_

#include <string>

#include "agent/sync/daemon_link.h"
#include "agent/sync/failure.h"
#include "agent/sync/transport.h"

namespace piiguard::sync {

struct RoundResult {
  bool ok = false;
  FailureKind kind = FailureKind::kNone;  // why it failed
  size_t batches_sent = 0;
  size_t exceptions_applied = 0;  // files the daemon granted this round
  bool more = false;   // ok, but the round's bound was reached: go again
  std::string detail;  // the reason ("sync: office: no connection: ...")
};

class SyncClient {
 public:
  explicit SyncClient(DaemonLink& link) : link_(link) {}
  // Never throws; a failed round leaves everything pending for the next.
  // The office's pending status request is kept for the next round.
  RoundResult RunRound(Transport& transport);

 private:
  // Batches until nothing is pending; false with result's kind and detail
  // on failure.
  bool Push(Transport& transport, RoundResult& result, int64_t* policy_version);
  // A newer signed policy, handed to the daemon to verify and apply.
  bool Pull(Transport& transport, RoundResult& result, int64_t policy_version,
            bool* applied);
  // The office's queued exception files, each handed to the daemon; *news
  // is set when the daemon journaled something (granted or refused).
  bool FetchExceptions(Transport& transport, RoundResult& result, bool* news);

  DaemonLink& link_;
  std::string status_request_;  // the office's pending request id
};

}  // namespace piiguard::sync

#endif  // PIIGUARD_AGENT_SYNC_SYNC_CLIENT_H_
