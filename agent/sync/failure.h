// Why a sync round did not go through, as a small fixed set of kinds that
// the sync process reports to piiguardd (`sync_done`, child_protocol.h),
// that piiguardd logs and that `piiguard status` shows in plain words
// (docs/sync.md "When sync fails"). Offline and not-enrolled are normal
// states of a PC, not errors.
//
// Transports report their failures as Status codes (transport.h);
// KindOfTransportError maps them.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_SYNC_FAILURE_H_
#define PIIGUARD_AGENT_SYNC_FAILURE_H_

#include <optional>
#include <string_view>

#include "common/status.h"

namespace piiguard::sync {

enum class FailureKind {
  kNone,         // the round went through
  kNotEnrolled,  // no office.json yet: nothing to send to (not an error)
  kMaterial,     // piiguardd could not read or check office.json or tls/
  kCertificate,  // this PC's certificate expired, not yet valid, wrong CA
  kDns,          // the office's host name does not resolve
  kOffline,      // the office cannot be reached now (not an error)
  kTls,          // the TLS handshake failed (e.g. the office refused us)
  kPin,          // the office's key is not the pinned one
  kHttp,         // an unexpected HTTP status or answer from the office
  kRefused,      // the office refused a batch (journaled as sync.refused)
  kAgent,        // piiguardd refused or failed a request of the round
  kProcess,      // the sync process ended, broke the protocol or was killed
};

inline constexpr FailureKind kAllFailureKinds[] = {
    FailureKind::kNone,     FailureKind::kNotEnrolled,
    FailureKind::kMaterial, FailureKind::kCertificate,
    FailureKind::kDns,      FailureKind::kOffline,
    FailureKind::kTls,      FailureKind::kPin,
    FailureKind::kHttp,     FailureKind::kRefused,
    FailureKind::kAgent,    FailureKind::kProcess,
};

// "ok", "not_enrolled", "material", ... (the wire and status names).
std::string_view FailureKindName(FailureKind kind);
std::optional<FailureKind> FailureKindFromName(std::string_view name);

// An error worth a line in the system journal. Offline and not-enrolled
// are shown in `piiguard status` only.
bool IsError(FailureKind kind);

// A transport's error Status (transport.h) as a kind: kNotFound → kDns,
// kUnauthenticated → kPin, kFailedPrecondition → kTls, anything else
// (kIoError: unreachable, timed out, connection lost) → kOffline.
FailureKind KindOfTransportError(const Status& status);

}  // namespace piiguard::sync

#endif  // PIIGUARD_AGENT_SYNC_FAILURE_H_
