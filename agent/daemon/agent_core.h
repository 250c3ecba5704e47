// The daemon's decisions about the journal, the policy and the office, in
// one place the event loop calls: what a local request does (near miss,
// status, enrolment), and the journal's side of the sync process's
// requests (batches, acknowledgements checked against our own hashes,
// policy verification against the pinned city key and the applied version,
// signed status reports; the monitor, sync_monitor.h, forwards them here).
// No OS calls but the journal and the state files, so tests drive it
// directly.
//
// Thread-safety: not thread-safe; the daemon's event loop owns it.
#ifndef PIIGUARD_AGENT_DAEMON_AGENT_CORE_H_
#define PIIGUARD_AGENT_DAEMON_AGENT_CORE_H_

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/daemon/prerequisites.h"
#include "agent/ipc/ipc.h"
#include "agent/ipc/limits.h"
#include "agent/journal/journal.h"
#include "agent/state/state_dir.h"
#include "agent/sync/daemon_link.h"  // PendingBatch, PolicyOutcome
#include "common/os/clock.h"
#include "policy/policy_verify.h"

namespace piiguard::agent {

struct CoreConfig {
  StatePaths paths{std::string(kDefaultStateDir)};
  std::optional<Ed25519PublicKey> city_key;     // none: policies are refused
  const os::Clock* clock = &os::SystemClock();  // outlives the core
  // The user name of a uid (near misses record both); injected for tests.
  std::function<std::string(uid_t)> user_name;
};

class AgentCore {
 public:
  AgentCore(CoreConfig config, journal::Journal& journal,
            Ed25519PrivateKey device_key);

  // Loads the applied policy (DIR/policy.signed), or installs `initial`
  // (bytes of --policy, read from `initial_path`) if it verifies and is
  // newer; journals the outcome. When no policy is applied after that, or
  // `initial` was refused, reports the problem (ReportProblem).
  Status LoadPolicy(const std::optional<std::string>& initial,
                    const std::string& initial_path = "--policy");

  // The agent's life in the journal: agent.recovered (a run that did not
  // stop cleanly: `reason`), agent.started (pid, version, kernel release),
  // agent.stopped.
  Status Recovered(const std::string& reason);
  Status Started(int64_t pid, std::string_view version,
                 const std::string& kernel);
  Status Stopped(int64_t pid);
  // A prerequisite missing or broken (agent/daemon/prerequisites.h):
  // journaled now, listed under "problems" in StatusAnswer() until this
  // run ends. Reported again, the same code replaces the earlier one.
  Status ReportProblem(Problem problem);
  const std::vector<Problem>& problems() const { return problems_; }

  // Local requests (agent/ipc). Each returns the answer's fields.
  Result<Json> NearMiss(const ipc::Peer& peer, const std::string& text);
  // One uid's window of what the local socket suppressed (agent/ipc/
  // limits.h): journaled as one ipc.suppressed entry.
  Status RequestsSuppressed(const ipc::Suppression& summary);
  Result<Json> StatusAnswer();
  Result<Json> EnrolInfo();

  // Another module's part of `piiguard status` (sticks, session, roster
  // guard): StatusAnswer() puts what `part` returns under `key`. A part that
  // fails makes the whole answer fail (staff must not see a partial state).
  void AddStatusPart(std::string key, std::function<Result<Json>()> part);
  Result<Json> Enrolled(const std::string& pc, const std::string& office_url);

  // The sync process's journal requests (sync::DaemonLink's meaning).
  Result<sync::PendingBatch> GetBatch();
  Status Acked(uint64_t seq, const journal::Hash& head);
  Result<sync::PolicyOutcome> InstallPolicy(const std::string& bytes);
  Result<std::string> GetStatusReport(const std::string& request);
  Status SyncRefused(const std::string& reason);

  int64_t policy_version() const { return applied_ ? applied_->version : 0; }
  // The applied policy's settings (null before any policy was applied),
  // for the modules that enforce them (sessions, USB).
  const policy::Policy* applied_policy() const {
    return policy_ ? &*policy_ : nullptr;
  }
  // Called after a new policy was applied (from the sync child's round).
  void AddPolicyListener(std::function<void(const policy::Policy&)> listener);
  journal::Journal& journal() { return journal_; }
  // The clock every module the daemon wires is given.
  const os::Clock& clock() const { return *config_.clock; }
  const std::string& paths_dir() const { return config_.paths.dir; }
  // The enrolled PC id (none before enrolment).
  const std::optional<std::string>& pc() const { return pc_; }
  // A signed envelope (docs/signing.md) of `type` over the canonical JSON
  // of `payload`, made with the device key: status reports, and the
  // attestations of `piiguard scan` reports (agent/daemon/wire_scan.h).
  Result<std::string> SignWithDeviceKey(std::string_view type,
                                        const Json& payload) const;

 private:
  Result<uint64_t> Append(std::string type, journal::Severity severity,
                          std::string subject, Json details);
  // Problems solved while running (a policy applied, the PC enrolled).
  void ClearProblems(std::initializer_list<std::string_view> codes);

  CoreConfig config_;
  journal::Journal& journal_;
  Ed25519PrivateKey device_key_;
  std::optional<policy::AppliedPolicyState> applied_;
  std::optional<policy::Policy> policy_;
  std::vector<std::function<void(const policy::Policy&)>> policy_listeners_;
  std::vector<std::pair<std::string, std::function<Result<Json>()>>>
      status_parts_;
  std::optional<std::string> pc_;
  std::vector<Problem> problems_;
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_AGENT_CORE_H_
