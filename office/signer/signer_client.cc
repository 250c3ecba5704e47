#include "office/signer/signer_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/signed_envelope.h"
#include "common/unique_fd.h"
#include "office/signer/frame_io.h"
#include "policy/exception/exception_file.h"

namespace piiguard::office::signer {
namespace {

constexpr std::string_view kContext = "exception signer";

// The first pause between connect attempts, and the longest.
constexpr int64_t kFirstBackoffMs = 10;
constexpr int64_t kMaxBackoffMs = 200;

// A connected socket, retrying until `deadline` while the signer cannot
// take the connection now: ENOENT or ECONNREFUSED (the signer is
// restarting: no socket yet, or one nobody listens on) and EAGAIN (its
// backlog is full). EACCES/EPERM (the socket's permissions) are final.
Result<UniqueFd> Connect(const std::string& path, const Deadline& deadline) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) {
    return IoError(kContext, path, "not a usable socket path");
  }
  std::memcpy(address.sun_path, path.data(), path.size());
  int64_t backoff_ms = kFirstBackoffMs;
  for (;;) {
    UniqueFd fd(
        ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd.valid()) return ErrnoStatus(kContext, "socket", errno);
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address),
                  sizeof address) == 0) {
      return fd;
    }
    const int error = errno;
    if (error == EACCES || error == EPERM) {
      return ErrnoStatus(kContext, path, error);  // kPermissionDenied
    }
    if (error != ENOENT && error != ECONNREFUSED && error != EAGAIN &&
        error != EINTR) {
      return IoError(kContext, path, std::strerror(error));
    }
    const int64_t left = deadline.at_ms - deadline.clock.MonotonicMs();
    if (left <= 0) {
      return IoError(
          kContext, path,
          std::string(std::strerror(error)) + " (retried until the deadline)");
    }
    // A pause bounded by the deadline (poll with no fds: no signal games).
    (void)::poll(nullptr, 0, static_cast<int>(std::min(backoff_ms, left)));
    backoff_ms = std::min(backoff_ms * 2, kMaxBackoffMs);
  }
}

// Anything but a refusal the signer sent means: not reached, or no proper
// answer. Nothing is known to be signed.
Status Unreachable(const Status& status) {
  if (status.code() == StatusCode::kIoError) return status;
  return IoError(kContext, "answer", status.message());
}

}  // namespace

Result<std::string> SocketExceptionSigner::Sign(std::string_view payload,
                                                std::string_view issuer) {
  Result<std::string> request =
      EncodeSignRequest(SignRequest{std::string(payload), std::string(issuer)});
  if (!request.ok()) {
    return InvalidArgumentError(kContext, "request",
                                request.status().message());
  }
  const Deadline deadline = Deadline::In(*options_.clock, options_.timeout_ms);
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd fd,
                            Connect(options_.socket_path, deadline));
  Status sent =
      WriteFrame(fd.get(), *request, deadline, kContext, options_.socket_path);
  // A signer that refuses this caller answers without reading: its answer
  // may be waiting even when the write failed.
  Result<std::string> body = ReadFrame(fd.get(), kMaxAnswerBytes, deadline,
                                       kContext, options_.socket_path);
  if (!body.ok()) return Unreachable(sent.ok() ? body.status() : sent);
  Result<SignAnswer> answer = ParseSignAnswer(*body);
  if (!answer.ok()) return Unreachable(answer.status());
  if (!answer->ok) return Status(answer->code, answer->error);
  // The file must fit what a PC reads, and be the payload asked for in an
  // envelope of type exception: a well-formed answer that is not is
  // kCorruption (the signer was reached and answered another file). Its
  // signature is not checked here: the office checks it against the
  // policy's exception-role keys when it queues the file
  // (PublishExceptionFile).
  if (answer->file.size() > exception::kMaxExceptionFileBytes) {
    return CorruptionError(
        kContext, "answer",
        "the file is " + std::to_string(answer->file.size()) +
            " bytes, at most " +
            std::to_string(exception::kMaxExceptionFileBytes));
  }
  Result<SignedEnvelope> envelope = ParseSignedEnvelope(answer->file);
  if (!envelope.ok() || envelope->type != "exception" ||
      envelope->payload != payload) {
    return CorruptionError(kContext, "answer",
                           "the file is not the payload asked for, signed");
  }
  return std::move(answer->file);
}

}  // namespace piiguard::office::signer
