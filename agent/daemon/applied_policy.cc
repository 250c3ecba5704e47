#include "agent/daemon/applied_policy.h"

#include <array>
#include <cstddef>
#include <utility>

#include "common/file_util.h"
#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::agent {

Status AppliedPolicy::Load(const std::optional<std::string>& initial,
                           const std::string& initial_path) {
  Result<std::string> stored =
      ReadFileBytes(config_.paths.Policy(), policy::kMaxPolicySize + 4096);
  if (stored.ok() && config_.city_key) {
    std::array<Ed25519PublicKey, 1> trusted{*config_.city_key};
    // Validity is not re-checked at load: an expired applied policy stays
    // the applied one (its version is the anti-rollback floor).
    policy::PolicyVerdict verdict =
        policy::VerifySignedPolicy(*stored, trusted, 0, std::nullopt);
    if (verdict.policy &&
        (verdict.accepted() ||
         verdict.refusal == policy::PolicyRefusal::kNotYetValid)) {
      applied_ = policy::AppliedPolicyState{verdict.policy->version,
                                            verdict.payload_sha256};
      policy_ = std::move(verdict.policy);
    }
  }
  std::optional<std::string> refused;
  if (initial) {
    Result<sync::PolicyOutcome> outcome = Install(*initial);
    if (!outcome.ok()) return outcome.status();
    if (!outcome->applied && !outcome->reason.empty()) {
      refused = outcome->reason;
    }
  }
  if (refused && !policy_) {
    return board_.Report(PolicyRefused(initial_path, *refused));
  }
  if (!policy_ && stored.ok()) {
    return board_.Report(PolicyRefused(config_.paths.Policy(),
                                       config_.city_key
                                           ? "does not verify with the city key"
                                           : "no city key to verify it with"));
  }
  if (!policy_) return board_.Report(NoPolicy(initial_path));
  return Status::Ok();
}

Result<sync::PolicyOutcome> AppliedPolicy::Install(const std::string& bytes) {
  sync::PolicyOutcome outcome;
  if (!config_.city_key) {
    outcome.reason = "no city key pinned (--city-pub)";
  } else {
    std::array<Ed25519PublicKey, 1> trusted{*config_.city_key};
    policy::PolicyVerdict verdict = policy::VerifySignedPolicy(
        bytes, trusted, config_.clock->WallSeconds(), applied_);
    if (verdict.accepted() && applied_ &&
        verdict.policy->version == applied_->version) {
      // The applied one again: nothing to do, unless it could not be
      // written when it was applied.
      if (!saved_) PIIGUARD_RETURN_IF_ERROR(Save(bytes));
      return outcome;
    }
    if (verdict.accepted()) {
      // Enforced first: a revoked stick's writes are cut by the listeners
      // before the file and the journal are written (each waits on fsync).
      applied_ = policy::AppliedPolicyState{verdict.policy->version,
                                            verdict.payload_sha256};
      policy_ = std::move(verdict.policy);
      board_.Clear({"no_policy", "policy_refused"});
      for (const Listener& listener : listeners_) listener(*policy_);
      outcome.applied = true;
      return Persist(bytes, verdict.payload_sha256, outcome);
    }
    outcome.reason = std::string(policy::PolicyRefusalName(verdict.refusal)) +
                     ": " + verdict.detail;
  }
  PIIGUARD_RETURN_IF_ERROR(events_
                               .Append(journal::types::kPolicyRefused,
                                       journal::Severity::kWarning, "policy",
                                       Json{{"reason", outcome.reason}})
                               .status());
  return outcome;
}

Result<sync::PolicyOutcome> AppliedPolicy::Persist(
    const std::string& bytes, const std::string& sha256,
    const sync::PolicyOutcome& outcome) {
  Status saved = WriteFileAtomic(config_.paths.Policy(), bytes, 0644);
  Json details{{"version", applied_->version}, {"sha256", sha256}};
  if (!saved.ok()) details["not_saved"] = saved.message();
  Status journaled =
      events_
          .Append(journal::types::kPolicyApplied, journal::Severity::kNotice,
                  "policy", std::move(details))
          .status();
  // The problem is reported even when the journal failed too.
  Status reported = Saved(saved);
  PIIGUARD_RETURN_IF_ERROR(journaled);
  PIIGUARD_RETURN_IF_ERROR(reported);
  return outcome;
}

Status AppliedPolicy::Save(const std::string& bytes) {
  return Saved(WriteFileAtomic(config_.paths.Policy(), bytes, 0644));
}

Status AppliedPolicy::Saved(const Status& written) {
  saved_ = written.ok();
  if (saved_) {
    board_.Clear({"policy_not_saved"});
    return Status::Ok();
  }
  // Applied while running; a restart would apply the older file again
  // until this version comes back (sync or reload) and is written.
  return board_.Report(
      PolicyNotSaved(config_.paths.Policy(), written.message()));
}

void AppliedPolicy::AddListener(Listener listener, Order order) {
  if (order == Order::kFirst) {
    listeners_.insert(
        listeners_.begin() + static_cast<std::ptrdiff_t>(first_listeners_),
        std::move(listener));
    ++first_listeners_;
    return;
  }
  listeners_.push_back(std::move(listener));
}

}  // namespace piiguard::agent
