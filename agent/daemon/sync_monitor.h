// The monitor: piiguardd's answer to each request of the sync process
// (sync::DaemonLink, in the manner of OpenSSH's privsep monitor). Journal
// requests go to AgentCore; the material (office.json and tls/) is read
// from the state directory as root (LoadSyncMaterial) at each request, so
// a new enrolment or certificate is used by the next round; round outcomes
// go to SyncHealth (the log and `piiguard status`).
//
// Thread-safety: not thread-safe; piiguardd's event loop owns it.
#ifndef PIIGUARD_AGENT_DAEMON_SYNC_MONITOR_H_
#define PIIGUARD_AGENT_DAEMON_SYNC_MONITOR_H_

#include <sys/types.h>

#include "agent/daemon/agent_core.h"
#include "agent/state/state_dir.h"
#include "agent/sync/daemon_link.h"
#include "agent/sync/sync_health.h"

namespace piiguard::agent {

class SyncMonitor : public sync::DaemonLink {
 public:
  // `legacy_owner`: the sync user's uid, accepted as the owner of tls/ as
  // older versions made it (0: root only).
  SyncMonitor(AgentCore& core, sync::SyncHealth& health, StatePaths paths,
              uid_t legacy_owner)
      : core_(core),
        health_(health),
        paths_(std::move(paths)),
        legacy_owner_(legacy_owner) {}

  Result<std::optional<sync::SyncMaterial>> GetMaterial() override {
    return LoadSyncMaterial(paths_, legacy_owner_);
  }
  Result<sync::PendingBatch> GetBatch() override { return core_.GetBatch(); }
  Status Acked(uint64_t seq, const journal::Hash& head) override {
    return core_.Acked(seq, head);
  }
  Result<sync::PolicyOutcome> InstallPolicy(const std::string& bytes) override {
    return core_.InstallPolicy(bytes);
  }
  Result<std::string> GetStatusReport(const std::string& request) override {
    return core_.GetStatusReport(request);
  }
  Status SyncRefused(const std::string& reason) override {
    return core_.SyncRefused(reason);
  }
  Status SyncDone(sync::FailureKind kind, const std::string& detail) override {
    health_.RoundDone(kind, detail);
    return Status::Ok();
  }

 private:
  AgentCore& core_;
  sync::SyncHealth& health_;
  StatePaths paths_;
  uid_t legacy_owner_;
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_SYNC_MONITOR_H_
