#include "office/signer/signer_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "office/signer/frame_io.h"

namespace piiguard::office::signer {
namespace {

std::string Who(uid_t uid) { return "uid " + std::to_string(uid); }

// Every line goes out through SafeText: what a peer sent may be quoted in
// it (a refusal's reason, an unknown field's name).
void Log(const ServeOptions& options, std::string_view line) {
  options.log(SafeText(line));
}

// Sends `answer` and logs what happened.
void Answer(int fd, const SignAnswer& answer, const Deadline& deadline,
            const std::string& who, const ServeOptions& options) {
  Result<std::string> body = EncodeSignAnswer(answer);
  if (!body.ok()) {
    // RefusalAnswer's error is SafeText and a signed file is UTF-8: a bug.
    Log(options, "signer: " + who + ": " + body.status().message());
    return;
  }
  Status sent = WriteFrame(fd, *body, deadline, "signer", who);
  if (!sent.ok()) Log(options, sent.message() + " (answer not delivered)");
}

}  // namespace

Result<uid_t> PeerUid(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    return ErrnoStatus("signer", "SO_PEERCRED", errno);
  }
  return cred.uid;
}

void ServeConnection(int fd, SignerCore& core, const ServeOptions& options) {
  const Deadline deadline = Deadline::In(*options.clock, options.timeout_ms);
  Result<uid_t> uid = options.peer_uid ? options.peer_uid(fd) : PeerUid(fd);
  if (!uid.ok()) {
    Log(options, uid.status().message());
    return;
  }
  const std::string who = Who(*uid);
  if (*uid != 0 && !options.allowed_uids.contains(*uid)) {
    Status refused = Status(
        StatusCode::kPermissionDenied,
        ErrorMessage("signer", who, "not allowed to ask for signatures"));
    Log(options, refused.message() + ": refused (permission-denied)");
    Answer(fd, RefusalAnswer(refused), deadline, who, options);
    return;
  }
  Result<std::string> request =
      ReadFrame(fd, kMaxRequestBytes, deadline, "signer", who);
  if (!request.ok()) {
    Log(options, request.status().message() + ": no request");
    if (request.status().code() == StatusCode::kInvalidArgument) {
      Answer(fd, RefusalAnswer(request.status()), deadline, who, options);
    }
    return;
  }
  SignAnswer answer = core.Handle(*request, *uid);
  if (answer.ok) {
    Log(options, "signer: " + who + ": signed, sha256 " +
                     Sha256Hex(answer.file) + " (issued.log has the record)");
  } else {
    Log(options, answer.error + ": refused (" +
                     std::string(RefusalCodeName(answer.code).value_or("?")) +
                     ")");
  }
  Answer(fd, answer, deadline, who, options);
}

Result<UniqueFd> ListenUnix(const std::string& path, mode_t mode) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) {
    return InvalidArgumentError("signer", path, "not a usable socket path");
  }
  std::memcpy(address.sun_path, path.data(), path.size());
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return FailedPreconditionError("signer", path, "exists, not a socket");
    }
    if (::unlink(path.c_str()) != 0) return ErrnoStatus("signer", path, errno);
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return ErrnoStatus("signer", "socket", errno);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address),
             sizeof address) != 0) {
    return ErrnoStatus("signer", path, errno);
  }
  // bind made it with the umask's bits (the unit's 0077): never wider.
  if (::chmod(path.c_str(), mode) != 0) {
    return ErrnoStatus("signer", path, errno);
  }
  if (::listen(fd.get(), 16) != 0) return ErrnoStatus("signer", path, errno);
  return fd;
}

Status ServeForever(int listen_fd, SignerCore& core,
                    const ServeOptions& options) {
  for (;;) {
    UniqueFd connection(
        ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!connection.valid()) {
      const int error = errno;
      if (error == EINTR || error == ECONNABORTED) continue;
      return ErrnoStatus("signer", "accept", error);
    }
    ServeConnection(connection.get(), core, options);
  }
}

}  // namespace piiguard::office::signer
