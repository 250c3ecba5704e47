// The office's side of piiguard-office-signer (docs/office-signer.md): an
// ExceptionSigner (office/exception_signer.h) that asks the signer over its
// UNIX socket, one connection per call, each bounded by `timeout_ms` from
// the call's start. While the signer cannot take a connection (no socket
// yet or nobody listening: it is restarting; its backlog full) the connect
// is retried with a short backoff until that deadline. The answer's file is
// checked to be at most exception::kMaxExceptionFileBytes and a signed
// envelope of type `exception` carrying exactly the payload asked for. Its
// signature is NOT verified here: the office verifies it against the
// policy's exception-role keys where it queues the file
// (PublishExceptionFile, office/exception_commands.h).
//
// Status codes, as ExceptionSigner says: kIoError when the signer cannot be
// reached or did not answer properly (nothing is known to be signed);
// kPermissionDenied when the signer (or the socket's permissions) refuses
// this caller; kInvalidArgument or kFailedPrecondition when it refused the
// payload, with its reason.
//
// Thread-safety: thread-safe (no shared mutable state; a connection per
// call).
#ifndef PIIGUARD_OFFICE_SIGNER_SIGNER_CLIENT_H_
#define PIIGUARD_OFFICE_SIGNER_SIGNER_CLIENT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/os/clock.h"
#include "common/result.h"
#include "office/exception_signer.h"
#include "office/signer/signer_protocol.h"

namespace piiguard::office::signer {

struct SignerClientOptions {
  std::string socket_path = std::string(kDefaultSocketPath);
  int64_t timeout_ms = 10000;  // connect, request and answer together
  const os::Clock* clock = &os::SystemClock();  // monotonic: the deadline
};

class SocketExceptionSigner final : public ExceptionSigner {
 public:
  explicit SocketExceptionSigner(SignerClientOptions options = {})
      : options_(std::move(options)) {}

  Result<std::string> Sign(std::string_view payload,
                           std::string_view issuer) override;

 private:
  const SignerClientOptions options_;
};

}  // namespace piiguard::office::signer

#endif  // PIIGUARD_OFFICE_SIGNER_SIGNER_CLIENT_H_
