#include "office/signer/signer_client.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "common/signed_envelope.h"
#include "common/unique_fd.h"
#include "office/signer/frame_io.h"

namespace piiguard::office::signer {
namespace {

constexpr std::string_view kContext = "exception signer";

Result<UniqueFd> Connect(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) {
    return IoError(kContext, path, "not a usable socket path");
  }
  std::memcpy(address.sun_path, path.data(), path.size());
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) return ErrnoStatus(kContext, "socket", errno);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address),
                sizeof address) != 0) {
    const int error = errno;
    if (error == EACCES || error == EPERM) {
      return ErrnoStatus(kContext, path, error);  // kPermissionDenied
    }
    // ENOENT, ECONNREFUSED (no signer), EAGAIN (its backlog is full): the
    // signer cannot be reached now.
    return IoError(kContext, path, std::strerror(error));
  }
  return fd;
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
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd fd, Connect(options_.socket_path));
  Status sent = WriteFrame(fd.get(), *request, deadline, options_.socket_path);
  // A signer that refuses this caller answers without reading: its answer
  // may be waiting even when the write failed.
  Result<std::string> body =
      ReadFrame(fd.get(), kMaxAnswerBytes, deadline, options_.socket_path);
  if (!body.ok()) return Unreachable(sent.ok() ? body.status() : sent);
  Result<SignAnswer> answer = ParseSignAnswer(*body);
  if (!answer.ok()) return Unreachable(answer.status());
  if (!answer->ok) return Status(answer->code, answer->error);
  // The file must be the payload asked for, in a signed exception envelope.
  Result<SignedEnvelope> envelope = ParseSignedEnvelope(answer->file);
  if (!envelope.ok() || envelope->type != "exception" ||
      envelope->payload != payload) {
    return IoError(kContext, "answer",
                   "the file is not the payload asked for, signed");
  }
  return std::move(answer->file);
}

}  // namespace piiguard::office::signer
