// AppliedPolicy: the city's signed policy this PC enforces. Loaded from
// STATE/policy.signed at start (or installed from --policy), replaced by a
// newer one from the sync process or `systemctl reload`; every policy is
// verified against the pinned city key and the applied version (no
// rollback). Each outcome is journaled (policy.applied, policy.refused);
// no policy, or a refused one with none applied, is a problem on the
// status board. The modules that enforce the policy (USB, sessions, roster
// guard) read policy() and are told of each new one (AddListener).
//
// Thread-safety: not thread-safe; the daemon's event loop owns it.
#ifndef PIIGUARD_AGENT_DAEMON_APPLIED_POLICY_H_
#define PIIGUARD_AGENT_DAEMON_APPLIED_POLICY_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agent/daemon/event_sink.h"
#include "agent/daemon/status_board.h"
#include "agent/state/state_dir.h"
#include "agent/sync/daemon_link.h"  // PolicyOutcome
#include "common/crypto.h"
#include "common/os/clock.h"
#include "policy/policy_verify.h"

namespace piiguard::agent {

struct PolicyConfig {
  StatePaths paths{std::string(kDefaultStateDir)};
  std::optional<Ed25519PublicKey> city_key;     // none: policies are refused
  const os::Clock* clock = &os::SystemClock();  // validity; outlives this
};

class AppliedPolicy {
 public:
  using Listener = std::function<void(const policy::Policy&)>;

  AppliedPolicy(PolicyConfig config, EventSink& events, StatusBoard& board)
      : config_(std::move(config)), events_(events), board_(board) {}

  // Loads the applied policy (STATE/policy.signed), or installs `initial`
  // (bytes of --policy, read from `initial_path`) if it verifies and is
  // newer; journals the outcome. When no policy is applied after that, or
  // `initial` was refused, reports the problem on the board.
  Status Load(const std::optional<std::string>& initial,
              const std::string& initial_path = "--policy");

  // Verifies `bytes` and applies them if newer: the listeners run first
  // (enforcement does not wait on the disk), then the bytes are written to
  // STATE/policy.signed and policy.applied is journaled. A policy that could
  // not be written stays applied while running and is a problem on the
  // board (policy_not_saved) until a later one is written. The same
  // version again: nothing happens. A refusal is journaled and says why in
  // the outcome.
  Result<sync::PolicyOutcome> Install(const std::string& bytes);

  int64_t version() const { return applied_ ? applied_->version : 0; }
  // Null before any policy was applied.
  const policy::Policy* policy() const { return policy_ ? &*policy_ : nullptr; }
  // Listeners run in the order added, except that kFirst ones run before
  // all others (the USB enforcer: a revoked stick's writes are cut before
  // sessions and the roster guard take the new rules).
  enum class Order { kAdded, kFirst };
  void AddListener(Listener listener, Order order = Order::kAdded);
  // {"policy_version": N} for the status board.
  Json StatusFields() const { return Json{{"policy_version", version()}}; }

 private:
  // Writes the applied policy's bytes and journals policy.applied.
  Result<sync::PolicyOutcome> Persist(const std::string& bytes,
                                      const std::string& sha256,
                                      const sync::PolicyOutcome& outcome);
  // Writes the applied policy's bytes again (it could not be before).
  Status Save(const std::string& bytes);
  // Records whether the applied policy is on disk (the board's problem).
  Status Saved(const Status& written);

  PolicyConfig config_;
  EventSink& events_;
  StatusBoard& board_;
  std::optional<policy::AppliedPolicyState> applied_;
  std::optional<policy::Policy> policy_;
  std::vector<Listener> listeners_;
  size_t first_listeners_ = 0;  // the kFirst ones, at the front
  bool saved_ = true;           // the applied policy is in STATE/policy.signed
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_APPLIED_POLICY_H_
