// Enrolment: whether and as what this PC is enrolled with the office. The
// PC id is read from STATE/office.json (the state directory's owner,
// agent/state) once at start and again when `piiguard enrol` says it wrote
// a new one (Enrolled: checked against the file, journaled as
// enrolment.done, the not_enrolled problem cleared). `piiguard enrol` asks
// Info() for the journal's chain id first.
//
// Thread-safety: not thread-safe; the daemon's event loop owns it.
#ifndef PIIGUARD_AGENT_DAEMON_ENROLMENT_H_
#define PIIGUARD_AGENT_DAEMON_ENROLMENT_H_

#include <optional>
#include <string>

#include "agent/daemon/event_sink.h"
#include "agent/daemon/status_board.h"
#include "agent/journal/journal.h"
#include "agent/state/state_dir.h"
#include "common/json_fwd.h"
#include "common/result.h"

namespace piiguard::agent {

class Enrolment {
 public:
  // Reads office.json (an unreadable or invalid file: not enrolled).
  Enrolment(StatePaths paths, const journal::Journal& journal,
            EventSink& events, StatusBoard& board);

  // The enrolled PC id (none before enrolment).
  const std::optional<std::string>& pc() const { return pc_; }
  // {"chain": the journal's chain id}.
  Result<Json> Info() const;
  // `piiguard enrol` wrote office.json for `pc` at `office_url`; refused
  // (kFailedPrecondition) unless the file says so. {"seq": N} of the
  // enrolment.done entry.
  Result<Json> Enrolled(const std::string& pc, const std::string& office_url);
  // {"enrolled", and "pc", "office_url" when enrolled} from office.json now.
  Result<Json> StatusFields() const;

 private:
  StatePaths paths_;
  const journal::Journal& journal_;
  EventSink& events_;
  StatusBoard& board_;
  std::optional<std::string> pc_;
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_ENROLMENT_H_
