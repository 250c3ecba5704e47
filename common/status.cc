#include "common/status.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace piiguard {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid argument";
    case StatusCode::kNotFound:
      return "not found";
    case StatusCode::kPermissionDenied:
      return "permission denied";
    case StatusCode::kUnauthenticated:
      return "unauthenticated";
    case StatusCode::kFailedPrecondition:
      return "failed precondition";
    case StatusCode::kCorruption:
      return "corruption";
    case StatusCode::kIoError:
      return "i/o error";
    case StatusCode::kInternal:
      return "internal";
  }
  return "unknown";
}

Status Status::Annotate(std::string_view context) const {
  if (ok()) return *this;
  std::string annotated(context);
  annotated += ": ";
  annotated += message_;
  return {code_, std::move(annotated)};
}

std::string ErrorMessage(std::string_view context, std::string_view object,
                         std::string_view reason) {
  std::string out(context);
  if (!object.empty()) {
    out += ": ";
    out += object;
  }
  out += ": ";
  out += reason;
  return out;
}

namespace {
Status Make(StatusCode code, std::string_view context, std::string_view object,
            std::string_view reason) {
  return {code, ErrorMessage(context, object, reason)};
}
}  // namespace

Status InvalidArgumentError(std::string_view context, std::string_view object,
                            std::string_view reason) {
  return Make(StatusCode::kInvalidArgument, context, object, reason);
}
Status NotFoundError(std::string_view context, std::string_view object,
                     std::string_view reason) {
  return Make(StatusCode::kNotFound, context, object, reason);
}
Status UnauthenticatedError(std::string_view context, std::string_view object,
                            std::string_view reason) {
  return Make(StatusCode::kUnauthenticated, context, object, reason);
}
Status FailedPreconditionError(std::string_view context,
                               std::string_view object,
                               std::string_view reason) {
  return Make(StatusCode::kFailedPrecondition, context, object, reason);
}
Status CorruptionError(std::string_view context, std::string_view object,
                       std::string_view reason) {
  return Make(StatusCode::kCorruption, context, object, reason);
}
Status IoError(std::string_view context, std::string_view object,
               std::string_view reason) {
  return Make(StatusCode::kIoError, context, object, reason);
}
Status InternalError(std::string_view context, std::string_view object,
                     std::string_view reason) {
  return Make(StatusCode::kInternal, context, object, reason);
}

Status ErrnoStatus(std::string_view context, std::string_view object,
                   int error_number) {
  StatusCode code = StatusCode::kIoError;
  if (error_number == ENOENT) code = StatusCode::kNotFound;
  if (error_number == EACCES || error_number == EPERM) {
    code = StatusCode::kPermissionDenied;
  }
  return Make(code, context, object, std::strerror(error_number));
}

}  // namespace piiguard
