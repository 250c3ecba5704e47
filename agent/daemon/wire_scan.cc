#include "agent/daemon/wire_scan.h"

#include <utility>

#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/scanreport/scan_report.h"
#include "common/timestamp.h"

namespace piiguard::agent {
namespace {

journal::Severity SeverityOf(const scanreport::Counts& counts, bool clean) {
  if (clean) return journal::Severity::kInfo;
  if (counts.rosters > 0) return journal::Severity::kWarning;
  return journal::Severity::kNotice;
}

int64_t FloorSeconds(int64_t ms) { return ms / 1000 - (ms % 1000 < 0 ? 1 : 0); }

}  // namespace

Result<Json> AttestScan(const AttestDeps& deps, const ipc::Peer& peer,
                        const ipc::Request& request) {
  // A report names the PC the office knows it by: none before enrolment.
  const std::optional<std::string>& pc = deps.enrolment.pc();
  if (!pc.has_value()) {
    return FailedPreconditionError("scan attest", "pc", "not enrolled");
  }
  scanreport::Attestation a;
  a.body_sha256 = request.body_sha256;
  a.counts = request.counts;
  a.full = request.full;
  a.uid = peer.uid;
  std::string user =
      deps.user_name != nullptr ? deps.user_name(peer.uid) : std::string();
  a.user = user;
  a.clean = scanreport::IsClean(a.counts, a.uid);
  a.pc = *pc;
  a.time = FormatRfc3339(FloorSeconds(deps.clock.WallMs()), kJstOffsetMinutes);
  // Journaled first, so the office sees every attestation the device made.
  // No paths: the findings stay in the report (a file name can be a name).
  journal::Event event;
  event.type = journal::types::kScanCompleted;
  event.severity = SeverityOf(a.counts, a.clean);
  event.subject = "scan";
  event.details = Json{{"uid", peer.uid},
                       {"user", user},
                       {"full", a.full},
                       {"clean", a.clean},
                       {"counts", scanreport::CountsJson(a.counts)},
                       {"body_sha256", a.body_sha256}};
  PIIGUARD_ASSIGN_OR_RETURN(a.journal_seq, deps.events.Append(event));
  PIIGUARD_ASSIGN_OR_RETURN(std::string envelope,
                            deps.signer.Sign(scanreport::kAttestationType,
                                             scanreport::AttestationJson(a)));
  return Json{{"attestation", std::move(envelope)},
              {"journal_seq", a.journal_seq}};
}

void WireScanReports(const AttestDeps& deps, Daemon& daemon) {
  daemon.AddHandler(ipc::Op::kScanAttest,
                    [deps](const ipc::Peer& peer, const ipc::Request& request) {
                      return AttestScan(deps, peer, request);
                    });
}

}  // namespace piiguard::agent
