#include "agent/sync/failure.h"

namespace piiguard::sync {

std::string_view FailureKindName(FailureKind kind) {
  switch (kind) {
    case FailureKind::kNone:
      return "ok";
    case FailureKind::kNotEnrolled:
      return "not_enrolled";
    case FailureKind::kMaterial:
      return "material";
    case FailureKind::kCertificate:
      return "certificate";
    case FailureKind::kDns:
      return "dns";
    case FailureKind::kOffline:
      return "offline";
    case FailureKind::kTls:
      return "tls";
    case FailureKind::kPin:
      return "pin";
    case FailureKind::kHttp:
      return "http";
    case FailureKind::kRefused:
      return "refused";
    case FailureKind::kAgent:
      return "agent";
    case FailureKind::kProcess:
      return "process";
  }
  return "process";
}

std::optional<FailureKind> FailureKindFromName(std::string_view name) {
  for (FailureKind kind : kAllFailureKinds) {
    if (FailureKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

bool IsError(FailureKind kind) {
  return kind != FailureKind::kNone && kind != FailureKind::kNotEnrolled &&
         kind != FailureKind::kOffline;
}

FailureKind KindOfTransportError(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound:
      return FailureKind::kDns;
    case StatusCode::kUnauthenticated:
      return FailureKind::kPin;
    case StatusCode::kFailedPrecondition:
      return FailureKind::kTls;
    default:
      return FailureKind::kOffline;
  }
}

}  // namespace piiguard::sync
