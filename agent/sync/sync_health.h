// piiguardd's record of how sync is going (docs/sync.md "When sync
// fails"). Fed with each round's outcome from the sync process (sync_done)
// and with what piiguardd itself sees of the process (it ended, was killed
// by its sandbox, broke the protocol), it keeps what `piiguard status`
// shows (the last round that went through; the current problem, since
// when, how many rounds in a row) and writes the log lines, rate-limited so
// that a PC offline for weeks writes a handful:
// - a line when a problem starts or changes kind;
// - the same kind with another reason: a line at most once a minute;
// - the same problem: a reminder at most once an hour, with the count;
// - a line when sync works again.
// An office that cannot be reached is a notice, not an error (offline PCs
// are normal); not being enrolled is not logged at all.
//
// Thread-safety: not thread-safe; piiguardd's event loop owns it.
#ifndef PIIGUARD_AGENT_SYNC_SYNC_HEALTH_H_
#define PIIGUARD_AGENT_SYNC_SYNC_HEALTH_H_

#include <cstdint>
#include <functional>
#include <string>

#include "agent/sync/failure.h"
#include "common/json_fwd.h"
#include "common/os/clock.h"
#include "common/os/log.h"

namespace piiguard::sync {

using LogLevel = os::LogLevel;
using LogFn = std::function<void(LogLevel, const std::string&)>;

inline constexpr int64_t kSameKindLogGapMs = int64_t{60} * 1000;
inline constexpr int64_t kReminderGapMs = int64_t{60} * 60 * 1000;

class SyncHealth {
 public:
  // `clock` (its wall clock is shown in status) outlives the health.
  SyncHealth(const os::Clock& clock, LogFn log)
      : clock_(clock), log_(std::move(log)) {}

  // A round ended (kNone: it went through).
  void RoundDone(FailureKind kind, const std::string& detail);
  // piiguardd's own finding about the process (kind kProcess).
  void ProcessProblem(const std::string& detail) {
    RoundDone(FailureKind::kProcess, detail);
  }

  // {"last_ok": ms or 0, "last_round": ms or 0, "problem": {"kind",
  //  "detail", "since", "count", "error"} (absent when none)}.
  Json StatusPart() const;

  FailureKind problem() const { return kind_; }
  uint64_t consecutive() const { return consecutive_; }

 private:
  void Log(LogLevel level, const std::string& line);

  const os::Clock& clock_;
  LogFn log_;
  int64_t last_ok_ms_ = 0;
  int64_t last_round_ms_ = 0;
  FailureKind kind_ = FailureKind::kNone;  // the current problem
  std::string detail_;
  int64_t since_ms_ = 0;
  uint64_t consecutive_ = 0;
  int64_t logged_ms_ = 0;  // the last line about the current problem
};

}  // namespace piiguard::sync

#endif  // PIIGUARD_AGENT_SYNC_SYNC_HEALTH_H_
