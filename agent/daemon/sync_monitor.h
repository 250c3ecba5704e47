// The monitor: piiguardd's answer to each request of the sync process
// (sync::DaemonLink, in the manner of OpenSSH's privsep monitor; the
// process itself is agent/sync, unprivileged). What it decides:
// - a batch goes out only once the PC is enrolled, named by its PC id and
//   the applied policy's version;
// - an acknowledgement moves the cursor only if it names our own head at
//   that sequence number (the journal refuses any other, and never goes
//   back);
// - a policy from the office is the applied policy's to verify and apply;
// - a status report the office asks for is journaled first, then signed
//   with the device key;
// - a signed exception file from the office is the exception service's to
//   verify and apply, as `piiguard exception apply` (SetExceptionApplier).
// The material (office.json and tls/) is read from the state directory as
// root (LoadSyncMaterial) at each request, so a new enrolment or
// certificate is used by the next round; round outcomes go to SyncHealth
// (the log and `piiguard status`).
//
// Thread-safety: not thread-safe; piiguardd's event loop owns it.
#ifndef PIIGUARD_AGENT_DAEMON_SYNC_MONITOR_H_
#define PIIGUARD_AGENT_DAEMON_SYNC_MONITOR_H_

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

#include "agent/daemon/applied_policy.h"
#include "agent/daemon/device_signer.h"
#include "agent/daemon/enrolment.h"
#include "agent/daemon/event_sink.h"
#include "agent/journal/journal.h"
#include "agent/state/state_dir.h"
#include "agent/sync/daemon_link.h"
#include "agent/sync/sync_health.h"
#include "common/exception_delivery.h"
#include "common/os/clock.h"

namespace piiguard::agent {

// What the monitor answers from; each outlives it.
struct MonitorDeps {
  journal::Journal& journal;
  EventSink& events;
  AppliedPolicy& policy;
  const Enrolment& enrolment;
  const DeviceSigner& signer;
  const os::Clock& clock;  // the status report's time
  sync::SyncHealth& health;
};

class SyncMonitor : public sync::DaemonLink {
 public:
  // `legacy_owner`: the sync user's uid, accepted as the owner of tls/ as
  // older versions made it (0: root only).
  SyncMonitor(MonitorDeps deps, StatePaths paths, uid_t legacy_owner)
      : d_(deps), paths_(std::move(paths)), legacy_owner_(legacy_owner) {}

  Result<std::optional<sync::SyncMaterial>> GetMaterial() override {
    return LoadSyncMaterial(paths_, legacy_owner_);
  }
  Result<sync::PendingBatch> GetBatch() override;
  Status Acked(uint64_t seq, const journal::Hash& head) override {
    return d_.journal.SetAcked(seq, head);
  }
  Result<sync::PolicyOutcome> InstallPolicy(const std::string& bytes) override {
    return d_.policy.Install(bytes);
  }
  // At most this many files from the sync process in any minute (the
  // office serves at most kMaxDeliveredFiles a round): a compromised sync
  // process cannot keep piiguardd verifying and journaling junk; a file
  // refused so stays queued for a later round.
  static constexpr size_t kMaxFilesPerMinute = 2 * kMaxDeliveredFiles;

  // The exception service's ApplyFromSync; unset: files are refused
  // without a journal entry ("exceptions not running").
  void SetExceptionApplier(
      std::function<sync::ExceptionOutcome(std::string_view)> apply) {
    apply_exception_ = std::move(apply);
  }
  Result<sync::ExceptionOutcome> ApplyException(
      const std::string& bytes) override;
  Result<std::string> GetStatusReport(const std::string& request) override;
  Status SyncRefused(const std::string& reason) override;
  Status SyncDone(sync::FailureKind kind, const std::string& detail) override {
    d_.health.RoundDone(kind, detail);
    return Status::Ok();
  }

 private:
  MonitorDeps d_;
  StatePaths paths_;
  uid_t legacy_owner_;
  std::function<sync::ExceptionOutcome(std::string_view)> apply_exception_;
  std::deque<int64_t> applied_at_us_;  // monotonic, the last minute's files
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_SYNC_MONITOR_H_
