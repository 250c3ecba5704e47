#include "agent/daemon/sync_monitor.h"

#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::agent {

Result<sync::PendingBatch> SyncMonitor::GetBatch() {
  const std::optional<std::string>& pc = d_.enrolment.pc();
  if (!pc) return FailedPreconditionError("sync", "office", "not enrolled");
  sync::PendingBatch pending;
  pending.policy_version = d_.policy.version();
  PIIGUARD_ASSIGN_OR_RETURN(
      pending.batch, d_.journal.NextBatch(*pc, journal::kMaxBatchEntries));
  return pending;
}

Result<sync::ExceptionOutcome> SyncMonitor::ApplyException(
    const std::string& bytes) {
  if (!apply_exception_) {
    return sync::ExceptionOutcome{false, false, "not-running"};
  }
  const int64_t now = d_.clock.MonotonicUs();
  constexpr int64_t kMinuteUs = 60'000'000;
  while (!applied_at_us_.empty() && applied_at_us_.front() <= now - kMinuteUs) {
    applied_at_us_.pop_front();
  }
  if (applied_at_us_.size() >= kMaxFilesPerMinute) {
    return sync::ExceptionOutcome{false, false, "rate-limited"};
  }
  applied_at_us_.push_back(now);
  return apply_exception_(bytes);
}

Result<std::string> SyncMonitor::GetStatusReport(const std::string& request) {
  const std::optional<std::string>& pc = d_.enrolment.pc();
  if (!pc) {
    return FailedPreconditionError("status report", "pc", "not enrolled");
  }
  // Journaled first, so the batch that carries the report has an entry.
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t seq,
                            d_.events.Append(journal::types::kStatusReportSent,
                                             journal::Severity::kInfo, "office",
                                             Json{{"request", request}}));
  Json payload = {{"request", request},
                  {"pc", *pc},
                  {"time", d_.clock.WallMs()},
                  {"policy_version", d_.policy.version()},
                  {"journal_seq", seq},
                  {"sticks", Json::array()},
                  {"sessions", Json{{"count", 0}, {"last_start", 0}}},
                  {"last_scan", Json{{"time", 0}, {"result", ""}}}};
  return d_.signer.Sign("status-report", payload);
}

Status SyncMonitor::SyncRefused(const std::string& reason) {
  return d_.events
      .Append(journal::types::kSyncRefused, journal::Severity::kWarning,
              "office", Json{{"reason", reason}})
      .status();
}

}  // namespace piiguard::agent
