// The daemon's side of the local socket (docs/ipc.md): accepts connections,
// reads one request frame from each, answers through a Dispatcher and
// closes, within the socket's limits (limits.h):
//
// - a connection is admitted by its SO_PEERCRED uid (ConnectionSlots); a
//   refused one gets a "busy" answer and is closed at once;
// - each connection has a deadline from its accept: a client that has not
//   sent a complete request by then (idle, or one byte at a time) gets a
//   "deadline" answer and is closed;
// - requests that write the journal are rate limited per uid
//   (RequestLimiter): a refused one gets a "rate_limited" answer with the
//   seconds until the next is accepted, and never reaches its handler;
// - what was suppressed is summed up per uid per window and handed to
//   `on_suppressed` (the daemon journals it) when the window ends, and all
//   open windows by Flush() when the daemon stops.
//
// Time is the caller's monotonic clock; the server asks to be woken
// (`schedule`) for the next deadline or window end and does its work in
// OnTimer(). The daemon drives it from its epoll loop and a timerfd; tests
// drive it with a fake clock and explicit calls.
//
// Thread-safety: not thread-safe (the daemon's event loop owns it).
#ifndef PIIGUARD_AGENT_IPC_SERVER_H_
#define PIIGUARD_AGENT_IPC_SERVER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "agent/ipc/ipc.h"
#include "agent/ipc/limits.h"
#include "common/os/clock.h"
#include "common/status.h"
#include "common/unique_fd.h"

namespace piiguard::ipc {

struct ServerHooks {
  const os::Clock* clock = &os::SystemClock();  // monotonic: deadlines
  // Wake OnTimer() at `at_ms` on the monotonic clock (0: nothing to wait
  // for). Each call replaces the previous one.
  std::function<void(int64_t at_ms)> schedule;
  // Add or remove an accepted connection from the caller's poll set.
  std::function<Status(int fd)> watch;
  std::function<void(int fd)> unwatch;
  // Who is on the other end (PeerOf when not set; tests inject uids).
  std::function<Result<Peer>(int fd)> peer_of;
  // One window's suppressions of one uid, to be journaled.
  std::function<void(const Suppression&)> on_suppressed;
};

class LocalServer {
 public:
  LocalServer(int listen_fd, const Dispatcher& dispatcher, ServerHooks hooks,
              SocketLimits limits = {});
  ~LocalServer();
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  // The listening socket is readable: accept what is waiting (at most
  // accepts_per_round; the caller's level-triggered poll brings the rest).
  void OnListenReadable();
  // Whether `fd` is one of the accepted connections.
  bool Serves(int fd) const { return conns_.contains(fd); }
  // An accepted connection is readable.
  void OnClientReadable(int fd);
  // The scheduled time came: closes connections past their deadline and
  // hands over the windows that ended.
  void OnTimer();
  // Hands over every open window now (the daemon is stopping).
  void Flush();

  size_t connections() const { return conns_.size(); }

 private:
  struct Conn {
    UniqueFd fd;
    Peer peer;
    std::string buffer;
    int64_t deadline_ms = 0;
  };

  std::optional<Json> CheckRate(const Peer& peer, const RequestSpec& spec);
  // Sends `answer` (best effort: answers are small and the socket new) and
  // closes the connection.
  void Finish(int fd, const std::string& answer);
  void HandOver(bool all);
  void Reschedule();

  int listen_fd_;
  const Dispatcher& dispatcher_;
  ServerHooks hooks_;
  SocketLimits limits_;
  ConnectionSlots slots_;
  RequestLimiter limiter_;
  std::map<int, Conn> conns_;
  int64_t scheduled_ms_ = -1;
};

}  // namespace piiguard::ipc

#endif  // PIIGUARD_AGENT_IPC_SERVER_H_
