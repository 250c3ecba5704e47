#include "agent/ipc/server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "common/json.h"

namespace piiguard::ipc {
namespace {

std::string Refusal(std::string_view refused, const std::string& error) {
  return Json{
      {"ok", false}, {"refused", std::string(refused)}, {"error", error}}
      .dump();
}

std::string Uid(uid_t uid) { return "uid " + std::to_string(uid); }

// Whole seconds, rounded up: "again in 0 s" would be wrong.
int64_t CeilSeconds(int64_t ms) { return (ms + 999) / 1000; }

}  // namespace

LocalServer::LocalServer(int listen_fd, const Dispatcher& dispatcher,
                         ServerHooks hooks, SocketLimits limits)
    : listen_fd_(listen_fd),
      dispatcher_(dispatcher),
      hooks_(std::move(hooks)),
      limits_(limits),
      slots_(limits),
      limiter_(limits) {
  if (!hooks_.peer_of) hooks_.peer_of = PeerOf;
}

// Closing the connections takes them out of any epoll set.
LocalServer::~LocalServer() = default;

void LocalServer::OnListenReadable() {
  const int64_t now = hooks_.clock->MonotonicMs();
  for (size_t i = 0; i < limits_.accepts_per_round; ++i) {
    UniqueFd fd(
        ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!fd.valid()) break;  // EAGAIN: nothing more waiting
    Result<Peer> peer = hooks_.peer_of(fd.get());
    if (!peer.ok()) continue;  // closed: who it is cannot be known
    ConnectionSlots::Verdict verdict = slots_.Admit(peer->uid);
    if (verdict != ConnectionSlots::Verdict::kAdmitted) {
      limiter_.Count(peer->uid, kSuppressedConnection, now);
      std::string why =
          verdict == ConnectionSlots::Verdict::kUidFull
              ? Uid(peer->uid) + ": " + std::to_string(limits_.per_uid) +
                    " connections open, as many as one user may have"
              : Uid(peer->uid) + ": every connection slot is in use";
      std::string bytes = Frame(Refusal(kRefusedBusy, "ipc: " + why));
      (void)::send(fd.get(), bytes.data(), bytes.size(),
                   MSG_DONTWAIT | MSG_NOSIGNAL);
      continue;
    }
    if (Status watched = hooks_.watch(fd.get()); !watched.ok()) {
      slots_.Release(peer->uid);
      continue;
    }
    int key = fd.get();
    conns_[key] =
        Conn{std::move(fd), *peer, {}, now + limits_.request_deadline_ms};
  }
  Reschedule();
}

std::optional<Json> LocalServer::CheckRate(const Peer& peer,
                                           const RequestSpec& spec) {
  if (spec.limit != Limit::kJournal) return std::nullopt;
  RequestLimiter::Decision decision =
      limiter_.Take(peer.uid, spec.name, hooks_.clock->MonotonicMs());
  if (decision.allowed) return std::nullopt;
  int64_t seconds = CeilSeconds(decision.retry_after_ms);
  return Json{
      {"refused", std::string(kRefusedRateLimited)},
      {"request", std::string(spec.name)},
      {"retry_after_s", seconds},
      {"error", "ipc: " + std::string(spec.name) + ": " + Uid(peer.uid) +
                    ": too many requests that write the journal; "
                    "again in " +
                    std::to_string(seconds) + " s"}};
}

void LocalServer::OnClientReadable(int fd) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  Conn& conn = it->second;
  char chunk[4096];
  ssize_t n = ::read(fd, chunk, sizeof chunk);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    Finish(fd, "");
    return;
  }
  conn.buffer.append(chunk, static_cast<size_t>(n));
  size_t consumed = 0;
  Result<std::optional<std::string>> frame = Unframe(conn.buffer, &consumed);
  if (!frame.ok()) {
    Finish(fd, Json{{"ok", false}, {"error", frame.status().message()}}.dump());
    return;
  }
  if (!frame->has_value()) return;
  Finish(fd, dispatcher_.Handle(conn.peer, **frame,
                                [this](const Peer& p, const RequestSpec& s) {
                                  return CheckRate(p, s);
                                }));
  Reschedule();  // a refusal may have opened a window
}

void LocalServer::Finish(int fd, const std::string& answer) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  if (!answer.empty()) {
    std::string bytes = Frame(answer);
    // Answers are small; a client that does not read loses its answer.
    (void)::send(fd, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  }
  hooks_.unwatch(fd);
  slots_.Release(it->second.peer.uid);
  conns_.erase(it);
}

void LocalServer::OnTimer() {
  const int64_t now = hooks_.clock->MonotonicMs();
  std::vector<int> late;
  for (const auto& [fd, conn] : conns_) {
    if (conn.deadline_ms <= now) late.push_back(fd);
  }
  for (int fd : late) {
    const Peer peer = conns_.at(fd).peer;
    limiter_.Count(peer.uid, kSuppressedDeadline, now);
    Finish(fd,
           Refusal(kRefusedDeadline,
                   "ipc: " + Uid(peer.uid) + ": no complete request within " +
                       std::to_string(limits_.request_deadline_ms) + " ms"));
  }
  HandOver(false);
  scheduled_ms_ = -1;  // the timer fired: arm it again whatever comes next
  Reschedule();
}

void LocalServer::Flush() {
  HandOver(true);
  Reschedule();
}

void LocalServer::HandOver(bool all) {
  for (const Suppression& summary :
       limiter_.TakeEnded(hooks_.clock->MonotonicMs(), all)) {
    if (hooks_.on_suppressed) hooks_.on_suppressed(summary);
  }
}

void LocalServer::Reschedule() {
  int64_t next = 0;
  for (const auto& [fd, conn] : conns_) {
    if (next == 0 || conn.deadline_ms < next) next = conn.deadline_ms;
  }
  if (std::optional<int64_t> end = limiter_.NextWindowEnd()) {
    if (next == 0 || *end < next) next = *end;
  }
  if (next == scheduled_ms_) return;
  scheduled_ms_ = next;
  if (hooks_.schedule) hooks_.schedule(next);
}

}  // namespace piiguard::ipc
