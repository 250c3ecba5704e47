// What the sync process may ask of piiguardd (privilege separation,
// docs/sync.md "Inside the PC"). The sync client calls this interface; in
// the sync process it is ChildLink (requests over the link, see
// child_protocol.h), in piiguardd the monitor over the journal, the device
// key and the state directory (agent/daemon/sync_monitor.h); tests use
// fakes over a real journal.
//
// Thread-safety: implementations are single-threaded.
#ifndef PIIGUARD_AGENT_SYNC_DAEMON_LINK_H_
#define PIIGUARD_AGENT_SYNC_DAEMON_LINK_H_

#include <cstdint>
#include <optional>
#include <string>

#include "agent/state/office_config.h"
#include "agent/sync/failure.h"
#include "common/journal/batch.h"
#include "common/result.h"

namespace piiguard::sync {

struct PendingBatch {
  std::optional<journal::Batch> batch;  // nullopt: nothing pending
  int64_t policy_version = 0;           // the applied policy's version
};

struct PolicyOutcome {
  bool applied = false;
  std::string reason;  // why refused
};

// What piiguardd did with a signed exception file from the office
// (docs/exceptions.md "Online delivery").
struct ExceptionOutcome {
  bool applied = false;    // granted
  bool journaled = false;  // granted or refused, and journaled (false:
                           // skipped quietly, e.g. applied before)
  std::string refusal;     // why not ("already-applied", "other-pc", ...)
};

class DaemonLink {
 public:
  virtual ~DaemonLink() = default;
  // The office configuration, TLS certificate, office CA and TLS key, read
  // by piiguardd from the state directory (nullopt: not enrolled). An error
  // says what could not be read or did not check.
  virtual Result<std::optional<SyncMaterial>> GetMaterial() = 0;
  // Entries after the acknowledged position (at most kMaxBatchEntries).
  virtual Result<PendingBatch> GetBatch() = 0;
  // The office acknowledged up to `seq` whose hash it says is `head`; the
  // daemon accepts it only if that is its own hash at `seq`.
  virtual Status Acked(uint64_t seq, const journal::Hash& head) = 0;
  // A signed policy from the office; the daemon verifies it itself.
  virtual Result<PolicyOutcome> InstallPolicy(const std::string& bytes) = 0;
  // A signed exception file from the office; the daemon verifies and
  // applies it as `piiguard exception apply` does. The default: not
  // supported (a link without exceptions).
  virtual Result<ExceptionOutcome> ApplyException(const std::string& bytes) {
    (void)bytes;
    return FailedPreconditionError("sync", "apply_exception", "not supported");
  }
  // A status report envelope signed by the device key (and journaled, so
  // that the next batch carries an entry for it).
  virtual Result<std::string> GetStatusReport(const std::string& request) = 0;
  // The office refused a batch: journaled as sync.refused.
  virtual Status SyncRefused(const std::string& reason) = 0;
  // The end of a sync round (kNone: it went through) and why not, for the
  // log and `piiguard status` (not journaled: an offline PC would fill its
  // journal).
  virtual Status SyncDone(FailureKind kind, const std::string& detail) = 0;
};

}  // namespace piiguard::sync

#endif  // PIIGUARD_AGENT_SYNC_DAEMON_LINK_H_
