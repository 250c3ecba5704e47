// Status: the one error type of piiguard.
//
// A Status is either OK or carries a code and a message written as
// "context: object: reason" (for example
// "policy: $.usb.unkeyed_storage: expected one of read_only, block").
// Functions that can fail return [[nodiscard]] Status or Result<T>
// (result.h); exceptions are never used for expected failures.
//
// Thread-safety: Status is a value type; distinct objects may be used from
// different threads, one object is not synchronised.
#ifndef PIIGUARD_COMMON_STATUS_H_
#define PIIGUARD_COMMON_STATUS_H_

#include <string>
#include <string_view>
#include <utility>

namespace piiguard {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // malformed input: bad syntax, wrong type, bad value
  kNotFound,            // a file, key or field that must exist does not
  kPermissionDenied,    // the OS or the caller's rights refused
  kUnauthenticated,     // a signature did not verify or the signer is unknown
  kFailedPrecondition,  // valid input refused by a rule (expired, rollback)
  kCorruption,          // stored data is damaged
  kIoError,             // the OS failed an operation
  kInternal,            // a library failed in a way that should not happen
};

// Returns the lower-case name of `code`, e.g. "invalid argument".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy with `context + ": "` put in front of the message.
  Status Annotate(std::string_view context) const;

  // "OK", or the message.
  std::string ToString() const { return ok() ? "OK" : message_; }

  // Marks a deliberately ignored status (only where losing it is harmless,
  // e.g. cleaning up after another error).
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Builds "context: object: reason" (an empty object is left out).
std::string ErrorMessage(std::string_view context, std::string_view object,
                         std::string_view reason);

Status InvalidArgumentError(std::string_view context, std::string_view object,
                            std::string_view reason);
Status NotFoundError(std::string_view context, std::string_view object,
                     std::string_view reason);
Status UnauthenticatedError(std::string_view context, std::string_view object,
                            std::string_view reason);
Status FailedPreconditionError(std::string_view context,
                               std::string_view object,
                               std::string_view reason);
Status CorruptionError(std::string_view context, std::string_view object,
                       std::string_view reason);
Status IoError(std::string_view context, std::string_view object,
               std::string_view reason);
Status InternalError(std::string_view context, std::string_view object,
                     std::string_view reason);

// The one way to turn an errno into a Status: ENOENT becomes kNotFound,
// EACCES/EPERM kPermissionDenied, anything else kIoError; the reason is
// strerror(error_number).
Status ErrnoStatus(std::string_view context, std::string_view object,
                   int error_number);

}  // namespace piiguard

#define PIIGUARD_RETURN_IF_ERROR(expr)       \
  do {                                       \
    ::piiguard::Status pg_status_ = (expr);  \
    if (!pg_status_.ok()) return pg_status_; \
  } while (false)

#endif  // PIIGUARD_COMMON_STATUS_H_
