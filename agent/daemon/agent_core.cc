#include "agent/daemon/agent_core.h"

#include <algorithm>
#include <array>

#include "common/file_util.h"
#include "common/journal/event_types.h"
#include "common/signed_envelope.h"

namespace piiguard::agent {

AgentCore::AgentCore(CoreConfig config, journal::Journal& journal,
                     Ed25519PrivateKey device_key)
    : config_(std::move(config)),
      journal_(journal),
      device_key_(std::move(device_key)) {
  Result<std::optional<sync::OfficeConfig>> office =
      LoadOfficeConfig(config_.paths);
  if (office.ok() && *office) pc_ = (*office)->pc;
}

Result<uint64_t> AgentCore::Append(std::string type, journal::Severity severity,
                                   std::string subject, Json details) {
  journal::Event event;
  event.type = std::move(type);
  event.severity = severity;
  event.subject = std::move(subject);
  event.details = std::move(details);
  return journal_.Append(event);
}

Status AgentCore::LoadPolicy(const std::optional<std::string>& initial,
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
    Result<sync::PolicyOutcome> outcome = InstallPolicy(*initial);
    if (!outcome.ok()) return outcome.status();
    if (!outcome->applied && !outcome->reason.empty()) {
      refused = outcome->reason;
    }
  }
  if (refused && !policy_) {
    return ReportProblem(PolicyRefused(initial_path, *refused));
  }
  if (!policy_ && stored.ok()) {
    return ReportProblem(PolicyRefused(config_.paths.Policy(),
                                       config_.city_key
                                           ? "does not verify with the city key"
                                           : "no city key to verify it with"));
  }
  if (!policy_) return ReportProblem(NoPolicy(initial_path));
  return Status::Ok();
}

Status AgentCore::Recovered(const std::string& reason) {
  return Append(journal::types::kAgentRecovered, journal::Severity::kWarning,
                "agent", Json{{"reason", reason}})
      .status();
}

Status AgentCore::Started(int64_t pid, std::string_view version,
                          const std::string& kernel) {
  return Append(journal::types::kAgentStarted, journal::Severity::kInfo,
                "agent",
                Json{{"pid", pid},
                     {"version", std::string(version)},
                     {"kernel", kernel}})
      .status();
}

Status AgentCore::Stopped(int64_t pid) {
  return Append(journal::types::kAgentStopped, journal::Severity::kInfo,
                "agent", Json{{"pid", pid}})
      .status();
}

void AgentCore::ClearProblems(std::initializer_list<std::string_view> codes) {
  std::erase_if(problems_, [&](const Problem& p) {
    return std::find(codes.begin(), codes.end(), p.code) != codes.end();
  });
}

Status AgentCore::ReportProblem(Problem problem) {
  Json details = problem.details;
  details["problem"] = problem.code;
  Status journaled =
      Append(problem.type, problem.severity, "agent", std::move(details))
          .status();
  std::erase_if(problems_,
                [&](const Problem& p) { return p.code == problem.code; });
  problems_.push_back(std::move(problem));
  return journaled;
}

Result<Json> AgentCore::NearMiss(const ipc::Peer& peer,
                                 const std::string& text) {
  std::string user =
      config_.user_name ? config_.user_name(peer.uid) : std::string();
  PIIGUARD_ASSIGN_OR_RETURN(
      uint64_t seq,
      Append(journal::types::kNearMiss, journal::Severity::kNotice,
             "uid:" + std::to_string(peer.uid),
             Json{{"text", text}, {"uid", peer.uid}, {"user", user}}));
  return Json{{"seq", seq}};
}

Status AgentCore::RequestsSuppressed(const ipc::Suppression& summary) {
  Json counts = Json::object();
  for (const auto& [what, count] : summary.counts) counts[what] = count;
  std::string user =
      config_.user_name ? config_.user_name(summary.uid) : std::string();
  return Append(journal::types::kIpcSuppressed, journal::Severity::kWarning,
                "uid:" + std::to_string(summary.uid),
                Json{{"uid", summary.uid},
                     {"user", user},
                     {"suppressed", summary.total},
                     {"counts", std::move(counts)},
                     {"window_s", summary.window_ms / 1000}})
      .status();
}

Result<Json> AgentCore::StatusAnswer() {
  PIIGUARD_ASSIGN_OR_RETURN(journal::Journal::SyncState state,
                            journal_.GetSyncState());
  PIIGUARD_ASSIGN_OR_RETURN(std::optional<sync::OfficeConfig> office,
                            LoadOfficeConfig(config_.paths));
  Json answer = {{"head_seq", journal_.head_seq()},
                 {"acked_seq", state.acked_seq},
                 {"pending", journal_.head_seq() - state.acked_seq},
                 {"policy_version", policy_version()},
                 {"enrolled", office.has_value()}};
  if (office) {
    answer["pc"] = office->pc;
    answer["office_url"] = office->office_url;
  }
  Json problems = Json::array();
  for (const Problem& p : problems_) problems.push_back(p.ToJson());
  answer["problems"] = std::move(problems);
  for (const auto& [key, part] : status_parts_) {
    PIIGUARD_ASSIGN_OR_RETURN(answer[key], part());
  }
  return answer;
}

void AgentCore::AddPolicyListener(
    std::function<void(const policy::Policy&)> listener) {
  policy_listeners_.push_back(std::move(listener));
}

void AgentCore::AddStatusPart(std::string key,
                              std::function<Result<Json>()> part) {
  status_parts_.emplace_back(std::move(key), std::move(part));
}

Result<Json> AgentCore::EnrolInfo() {
  return Json{{"chain", journal_.chain()}};
}

Result<Json> AgentCore::Enrolled(const std::string& pc,
                                 const std::string& office_url) {
  // `piiguard enrol` wrote office.json; check it names the same PC.
  PIIGUARD_ASSIGN_OR_RETURN(std::optional<sync::OfficeConfig> office,
                            LoadOfficeConfig(config_.paths));
  if (!office || office->pc != pc || office->office_url != office_url) {
    return FailedPreconditionError("enrolled", config_.paths.Office(),
                                   "does not name this enrolment");
  }
  pc_ = pc;
  ClearProblems({"not_enrolled"});
  PIIGUARD_ASSIGN_OR_RETURN(
      uint64_t seq,
      Append(journal::types::kEnrolmentDone, journal::Severity::kNotice,
             "office", Json{{"pc", pc}, {"office_url", office_url}}));
  return Json{{"seq", seq}};
}

Result<sync::PendingBatch> AgentCore::GetBatch() {
  if (!pc_) return FailedPreconditionError("sync", "office", "not enrolled");
  sync::PendingBatch pending;
  pending.policy_version = policy_version();
  PIIGUARD_ASSIGN_OR_RETURN(
      pending.batch, journal_.NextBatch(*pc_, journal::kMaxBatchEntries));
  return pending;
}

Status AgentCore::Acked(uint64_t seq, const journal::Hash& head) {
  // The journal refuses a head that is not ours at seq, and never moves
  // backwards.
  return journal_.SetAcked(seq, head);
}

Result<sync::PolicyOutcome> AgentCore::InstallPolicy(const std::string& bytes) {
  sync::PolicyOutcome outcome;
  if (!config_.city_key) {
    outcome.reason = "no city key pinned (--city-pub)";
  } else {
    std::array<Ed25519PublicKey, 1> trusted{*config_.city_key};
    policy::PolicyVerdict verdict = policy::VerifySignedPolicy(
        bytes, trusted, config_.clock->WallSeconds(), applied_);
    if (verdict.accepted() && applied_ &&
        verdict.policy->version == applied_->version) {
      return outcome;  // the applied one again: nothing to do
    }
    if (verdict.accepted()) {
      PIIGUARD_RETURN_IF_ERROR(
          WriteFileAtomic(config_.paths.Policy(), bytes, 0644));
      applied_ = policy::AppliedPolicyState{verdict.policy->version,
                                            verdict.payload_sha256};
      PIIGUARD_RETURN_IF_ERROR(Append(journal::types::kPolicyApplied,
                                      journal::Severity::kNotice, "policy",
                                      Json{{"version", applied_->version},
                                           {"sha256", verdict.payload_sha256}})
                                   .status());
      outcome.applied = true;
      policy_ = std::move(verdict.policy);
      ClearProblems({"no_policy", "policy_refused"});
      for (const auto& listener : policy_listeners_) listener(*policy_);
      return outcome;
    }
    outcome.reason = std::string(policy::PolicyRefusalName(verdict.refusal)) +
                     ": " + verdict.detail;
  }
  PIIGUARD_RETURN_IF_ERROR(Append(journal::types::kPolicyRefused,
                                  journal::Severity::kWarning, "policy",
                                  Json{{"reason", outcome.reason}})
                               .status());
  return outcome;
}

Result<std::string> AgentCore::GetStatusReport(const std::string& request) {
  if (!pc_)
    return FailedPreconditionError("status report", "pc", "not enrolled");
  // Journaled first, so the batch that carries the report has an entry.
  PIIGUARD_ASSIGN_OR_RETURN(
      uint64_t seq,
      Append(journal::types::kStatusReportSent, journal::Severity::kInfo,
             "office", Json{{"request", request}}));
  Json payload = {{"request", request},
                  {"pc", *pc_},
                  {"time", config_.clock->WallMs()},
                  {"policy_version", policy_version()},
                  {"journal_seq", seq},
                  {"sticks", Json::array()},
                  {"sessions", Json{{"count", 0}, {"last_start", 0}}},
                  {"last_scan", Json{{"time", 0}, {"result", ""}}}};
  return SignWithDeviceKey("status-report", payload);
}

Result<std::string> AgentCore::SignWithDeviceKey(std::string_view type,
                                                 const Json& payload) const {
  PIIGUARD_ASSIGN_OR_RETURN(std::string canonical,
                            CanonicalJson(payload, type));
  PIIGUARD_ASSIGN_OR_RETURN(
      SignedEnvelope envelope,
      SignEnvelope(type, std::move(canonical), device_key_));
  return SerializeSignedEnvelope(envelope);
}

Status AgentCore::SyncRefused(const std::string& reason) {
  return Append(journal::types::kSyncRefused, journal::Severity::kWarning,
                "office", Json{{"reason", reason}})
      .status();
}

}  // namespace piiguard::agent
