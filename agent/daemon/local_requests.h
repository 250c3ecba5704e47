// The daemon's own answers to local requests (agent/ipc): near_miss (a
// staff member records one: journaled with their uid from SO_PEERCRED and
// user name), status (the status board), enrol_info and enrolled (the
// enrolment); and the ipc.suppressed entry for what the socket's rate
// limits dropped. Other modules register their own requests (sessions,
// scan attestations) on the daemon.
//
// Thread-safety: called from the daemon's event loop only.
#ifndef PIIGUARD_AGENT_DAEMON_LOCAL_REQUESTS_H_
#define PIIGUARD_AGENT_DAEMON_LOCAL_REQUESTS_H_

#include <sys/types.h>

#include <string>

#include "agent/daemon/daemon.h"
#include "agent/daemon/enrolment.h"
#include "agent/daemon/event_sink.h"
#include "agent/daemon/status_board.h"
#include "agent/ipc/ipc.h"
#include "agent/ipc/limits.h"
#include "common/json_fwd.h"
#include "common/result.h"

namespace piiguard::agent {

// A uid's login name ("" if none): UserNameOf (common/user_name.h) in
// production.
using UserNameFn = std::string (*)(uid_t);

// near.miss with the text, uid and user; {"seq": N}.
Result<Json> RecordNearMiss(EventSink& events, UserNameFn user_name,
                            const ipc::Peer& peer, const std::string& text);

// One uid's window of what the socket suppressed (agent/ipc/limits.h) as
// one ipc.suppressed entry.
Status RecordSuppressed(EventSink& events, UserNameFn user_name,
                        const ipc::Suppression& summary);

// Registers near_miss, status, enrol_info and enrolled on `daemon`; a
// near miss or an enrolment wakes the sync process (Daemon::Wake). Each
// reference outlives the daemon's loop.
void WireLocalRequests(Daemon& daemon, EventSink& events,
                       const StatusBoard& board, Enrolment& enrolment,
                       UserNameFn user_name);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_LOCAL_REQUESTS_H_
