#include "agent/sync/sync_health.h"

#include "common/json.h"

namespace piiguard::sync {
namespace {

LogLevel LevelOf(FailureKind kind) {
  if (kind == FailureKind::kOffline) return LogLevel::kNotice;
  if (kind == FailureKind::kRefused) return LogLevel::kWarning;
  return LogLevel::kError;
}

std::string Describe(FailureKind kind, const std::string& detail) {
  if (kind == FailureKind::kOffline) {
    return "office unreachable (will retry; not an error): " + detail;
  }
  return std::string(FailureKindName(kind)) + ": " + detail;
}

}  // namespace

void SyncHealth::Log(LogLevel level, const std::string& line) {
  if (log_) log_(level, "sync: " + line);
}

void SyncHealth::RoundDone(FailureKind kind, const std::string& detail) {
  const int64_t now = clock_.WallMs();
  last_round_ms_ = now;
  if (kind == FailureKind::kNone) {
    if (kind_ != FailureKind::kNone && kind_ != FailureKind::kNotEnrolled) {
      Log(LogLevel::kInfo, "works again after " + std::to_string(consecutive_) +
                               " failed rounds (" +
                               std::string(FailureKindName(kind_)) + ")");
    }
    last_ok_ms_ = now;
    kind_ = FailureKind::kNone;
    detail_.clear();
    consecutive_ = 0;
    since_ms_ = 0;
    return;
  }
  const bool same_kind = kind == kind_;
  const bool same_detail = same_kind && detail == detail_;
  if (!same_kind) {
    since_ms_ = now;
    consecutive_ = 0;
  }
  ++consecutive_;
  kind_ = kind;
  detail_ = detail;
  if (kind == FailureKind::kNotEnrolled) return;
  std::string line = Describe(kind, detail);
  const bool new_reason = !same_detail && kind != FailureKind::kOffline &&
                          now - logged_ms_ >= kSameKindLogGapMs;
  const bool reminder =
      same_kind && !new_reason && now - logged_ms_ >= kReminderGapMs;
  if (reminder) {
    line += " (" + std::to_string(consecutive_) + " rounds in a row)";
  }
  if (!same_kind || new_reason || reminder) {
    logged_ms_ = now;
    Log(LevelOf(kind), line);
  }
}

Json SyncHealth::StatusPart() const {
  Json part = {{"last_ok", last_ok_ms_}, {"last_round", last_round_ms_}};
  if (kind_ != FailureKind::kNone) {
    part["problem"] = Json{{"kind", std::string(FailureKindName(kind_))},
                           {"detail", detail_},
                           {"since", since_ms_},
                           {"count", consecutive_},
                           {"error", IsError(kind_)}};
  }
  return part;
}

}  // namespace piiguard::sync
