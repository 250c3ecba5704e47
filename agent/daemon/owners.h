// The daemon's owners as the wire_*.cc functions are given them: main
// makes each (the journal's event sink, the status board, the applied
// policy, the enrolment) and passes them by reference in this parameter
// object. It holds no state and decides nothing; each owner says what it
// decides (event_sink.h, status_board.h, applied_policy.h, enrolment.h).
//
// Thread-safety: as the owners: the daemon's event loop.
#ifndef PIIGUARD_AGENT_DAEMON_OWNERS_H_
#define PIIGUARD_AGENT_DAEMON_OWNERS_H_

#include "agent/daemon/applied_policy.h"
#include "agent/daemon/enrolment.h"
#include "agent/daemon/event_sink.h"
#include "agent/daemon/status_board.h"
#include "common/os/clock.h"

namespace piiguard::agent {

struct Owners {
  const os::Clock& clock;  // the one every wired module is given
  EventSink& events;
  StatusBoard& board;
  AppliedPolicy& policy;
  const Enrolment& enrolment;
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_OWNERS_H_
