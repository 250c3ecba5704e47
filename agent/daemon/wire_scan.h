// The daemon's side of `piiguard scan` (docs/scan-report.md): the
// scan_attest request. The CLI scans as its caller and sends only the
// report body's SHA-256, its counts and --full; the daemon adds what it
// knows itself (the caller's uid from SO_PEERCRED and its user name, the
// PC's id, its clock), decides "clean" from the counts and that uid,
// journals scan.completed (counts, never paths), and signs the attestation
// with the device key (DeviceSigner, envelope type
// "scan-report").
//
// Thread-safety: called from the daemon's event loop only.
#ifndef PIIGUARD_AGENT_DAEMON_WIRE_SCAN_H_
#define PIIGUARD_AGENT_DAEMON_WIRE_SCAN_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>

#include "agent/daemon/daemon.h"
#include "agent/daemon/device_signer.h"
#include "agent/daemon/enrolment.h"
#include "agent/daemon/event_sink.h"
#include "agent/daemon/local_requests.h"
#include "agent/ipc/ipc.h"

namespace piiguard::agent {

struct AttestDeps {
  EventSink& events;
  const Enrolment& enrolment;
  const DeviceSigner& signer;
  const os::Clock& clock;  // the attestation's time (wall clock)
  UserNameFn user_name;    // may be null: no user name
};

// The answer to one scan_attest request: {"attestation": <envelope text>,
// "journal_seq": N}. kFailedPrecondition before enrolment (the CLI then
// writes the report unsigned, saying why).
Result<Json> AttestScan(const AttestDeps& deps, const ipc::Peer& peer,
                        const ipc::Request& request);

// Registers the scan_attest handler (any local user may ask; the uid in
// the attestation is the one the socket saw).
// `deps` is copied; what it refers to outlives the daemon's loop.
void WireScanReports(const AttestDeps& deps, Daemon& daemon);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_WIRE_SCAN_H_
