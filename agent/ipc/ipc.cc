#include "agent/ipc/ipc.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "common/json.h"
#include "common/status.h"

namespace piiguard::ipc {
namespace {

constexpr std::string_view kContext = "ipc";
constexpr int kClientTimeoutMs = 10000;

}  // namespace

const RequestSpec& SpecOf(Op op) {
  for (const RequestSpec& spec : kRequestTable) {
    if (spec.op == op) return spec;
  }
  return kRequestTable[0];  // unreachable: every Op is in the table
}

bool Permitted(Right right, const Peer& peer) {
  switch (right) {
    case Right::kAnyLocalUser:
      return true;
    case Right::kRoot:
      return peer.uid == 0;
  }
  return false;
}

void Dispatcher::Register(Op op, Handler handler) {
  for (size_t i = 0; i < std::size(kRequestTable); ++i) {
    if (kRequestTable[i].op == op) {
      handlers_[i] = std::move(handler);
      return;
    }
  }
}

std::string Dispatcher::Handle(const Peer& peer, std::string_view bytes,
                               const Gate& gate) const {
  auto refuse = [](const std::string& message) {
    return Json{{"ok", false}, {"error", message}}.dump();
  };
  Result<Request> request = ParseRequest(bytes);
  if (!request.ok()) return refuse(request.status().message());
  size_t index = 0;
  while (kRequestTable[index].op != request->op) ++index;
  const RequestSpec& spec = kRequestTable[index];
  if (!Permitted(spec.right, peer)) {
    return refuse("ipc: " + std::string(spec.name) +
                  ": not permitted for uid " + std::to_string(peer.uid));
  }
  if (!handlers_[index]) {
    return refuse("ipc: " + std::string(spec.name) + ": not available");
  }
  if (gate) {
    if (std::optional<Json> refusal = gate(peer, spec)) {
      Json out = refusal->is_object() ? *refusal : Json::object();
      out["ok"] = false;
      if (!out.contains("error")) {
        out["error"] = "ipc: " + std::string(spec.name) + ": refused";
      }
      return out.dump();
    }
  }
  Result<Json> answer = handlers_[index](peer, *request);
  if (!answer.ok()) return refuse(answer.status().message());
  Json out = answer->is_object() ? *answer : Json::object();
  out["ok"] = true;
  return out.dump();
}

std::string Frame(std::string_view payload) {
  auto size = static_cast<uint32_t>(payload.size());
  std::string out;
  out.reserve(payload.size() + 4);
  out.push_back(static_cast<char>((size >> 24) & 0xFF));
  out.push_back(static_cast<char>((size >> 16) & 0xFF));
  out.push_back(static_cast<char>((size >> 8) & 0xFF));
  out.push_back(static_cast<char>(size & 0xFF));
  out.append(payload);
  return out;
}

Result<std::optional<std::string>> Unframe(std::string_view buffer,
                                           size_t* consumed, size_t max) {
  *consumed = 0;
  if (buffer.size() < 4) return std::optional<std::string>();
  uint32_t size = 0;
  for (size_t i = 0; i < 4; ++i) {
    size = (size << 8) | static_cast<unsigned char>(buffer[i]);
  }
  if (size > max) return InvalidArgumentError(kContext, "frame", "too large");
  if (buffer.size() < 4 + size) return std::optional<std::string>();
  *consumed = 4 + size;
  return std::optional<std::string>(std::string(buffer.substr(4, size)));
}

Status WriteFrame(int fd, std::string_view payload, size_t max) {
  if (payload.size() > max) {
    return InvalidArgumentError(kContext, "frame", "too large");
  }
  std::string bytes = Frame(payload);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n =
        ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoStatus(kContext, "write", errno);
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Result<std::string> ReadFrame(int fd, size_t max) {
  std::string buffer;
  char chunk[4096];
  for (;;) {
    size_t consumed = 0;
    PIIGUARD_ASSIGN_OR_RETURN(std::optional<std::string> frame,
                              Unframe(buffer, &consumed, max));
    if (frame) {
      if (consumed != buffer.size()) {
        return InvalidArgumentError(kContext, "frame", "trailing bytes");
      }
      return std::move(*frame);
    }
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(kContext, "read", errno);
    if (n == 0) return IoError(kContext, "read", "connection closed");
    buffer.append(chunk, static_cast<size_t>(n));
  }
}

Result<UniqueFd> Listen(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) {
    return InvalidArgumentError(kContext, path, "socket path too long");
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) return ErrnoStatus(kContext, path, errno);
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return FailedPreconditionError(kContext, path, "exists, not a socket");
    }
    ::unlink(path.c_str());
  }
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) !=
      0) {
    return ErrnoStatus(kContext, path, errno);
  }
  if (::chmod(path.c_str(), 0666) != 0) {
    return ErrnoStatus(kContext, path, errno);
  }
  // The daemon accepts eagerly and closes what its limits refuse
  // (server.h), so the queue stays short; a long one keeps a connect from
  // root waiting rather than failing while another uid floods.
  if (::listen(fd.get(), SOMAXCONN) != 0) {
    return ErrnoStatus(kContext, path, errno);
  }
  return fd;
}

Result<Peer> PeerOf(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    return ErrnoStatus(kContext, "SO_PEERCRED", errno);
  }
  return Peer{cred.pid, cred.uid, cred.gid};
}

Result<Json> CallAnswer(const std::string& socket_path,
                        const Request& request) {
  sockaddr_un addr{};
  if (socket_path.size() >= sizeof addr.sun_path) {
    return InvalidArgumentError(kContext, socket_path, "socket path too long");
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return ErrnoStatus(kContext, socket_path, errno);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr),
                sizeof addr) != 0) {
    return ErrnoStatus(kContext, socket_path, errno);
  }
  timeval timeout{kClientTimeoutMs / 1000, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  Status written = WriteFrame(fd.get(), SerializeRequest(request));
  // A refused connection: the daemon answered and closed before reading, so
  // the write may fail (EPIPE) with the refusal waiting to be read.
  Result<std::string> bytes = ReadFrame(fd.get());
  if (!bytes.ok()) return written.ok() ? bytes.status() : written;
  Json answer = Json::parse(*bytes, nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) {
    return FailedPreconditionError(kContext, socket_path, "malformed answer");
  }
  return answer;
}

bool AnswerOk(const Json& answer) {
  auto ok = answer.find("ok");
  return ok != answer.end() && ok->is_boolean() && ok->get<bool>();
}

std::string AnswerError(const Json& answer) {
  auto error = answer.find("error");
  return error != answer.end() && error->is_string() ? error->get<std::string>()
                                                     : "malformed answer";
}

Result<Json> Call(const std::string& socket_path, const Request& request) {
  PIIGUARD_ASSIGN_OR_RETURN(Json answer, CallAnswer(socket_path, request));
  if (!AnswerOk(answer)) {
    return FailedPreconditionError(kContext, socket_path, AnswerError(answer));
  }
  return answer;
}

}  // namespace piiguard::ipc
