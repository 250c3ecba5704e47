// The daemon's side of `piiguard scan` (docs/scan-report.md): the
// scan_attest request. The CLI scans as its caller and sends only the
// report body's SHA-256, its counts and --full; the daemon adds what it
// knows itself (the caller's uid from SO_PEERCRED and its user name, the
// PC's id, its clock), decides "clean" from the counts and that uid,
// journals scan.completed (counts, never paths), and signs the attestation
// with the device key (AgentCore::SignWithDeviceKey, envelope type
// "scan-report").
//
// Thread-safety: called from the daemon's event loop only.
#ifndef PIIGUARD_AGENT_DAEMON_WIRE_SCAN_H_
#define PIIGUARD_AGENT_DAEMON_WIRE_SCAN_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>

#include "agent/daemon/agent_core.h"
#include "agent/daemon/daemon.h"
#include "agent/ipc/ipc.h"

namespace piiguard::agent {

// The answer to one scan_attest request: {"attestation": <envelope text>,
// "journal_seq": N}. `now_ms` is the wall clock, `user` the caller's name.
// kFailedPrecondition before enrolment (the CLI then writes the report
// unsigned, saying why).
Result<Json> AttestScan(AgentCore& core, const ipc::Peer& peer,
                        const ipc::Request& request, int64_t now_ms,
                        const std::string& user);

// Registers the scan_attest handler (any local user may ask; the uid in
// the attestation is the one the socket saw).
// The attestation's time is core.clock()'s wall clock.
void WireScanReports(AgentCore& core, Daemon& daemon,
                     std::function<std::string(uid_t)> user_name);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_WIRE_SCAN_H_
