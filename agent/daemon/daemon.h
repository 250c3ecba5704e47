// piiguardd's event loop: one epoll over the local socket (agent/ipc; its
// connections, deadlines and rate limits are ipc::LocalServer's, woken by a
// timer of this loop, common/os/timer.h) and a signalfd (SIGTERM/SIGINT stop,
// SIGCHLD reaps children and tells who asked, SIGHUP runs the reload handler:
// main re-reads the policy file). It decides nothing itself: the daemon's
// owners answer local requests (local_requests.h), and the USB enforcement, the
// sessions, the roster guard and the sync supervisor (sync_supervisor.h) add
// their descriptors through AddSource().
//
// Thread-safety: single-threaded; Run() owns the thread.
#ifndef PIIGUARD_AGENT_DAEMON_DAEMON_H_
#define PIIGUARD_AGENT_DAEMON_DAEMON_H_

#include <sys/epoll.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/ipc/ipc.h"
#include "agent/ipc/limits.h"
#include "agent/ipc/server.h"
#include "common/os/clock.h"
#include "common/os/timer.h"
#include "common/unique_fd.h"

namespace piiguard::agent {

struct DaemonConfig {
  std::string socket_path = std::string(ipc::kDefaultSocketPath);
  ipc::SocketLimits limits;  // docs/ipc.md "Limits"
  // The socket's deadlines are armed on a CLOCK_BOOTTIME timer, so their
  // clock is the system's (not the core's, which tests may fake).
  const os::Clock* clock = &os::SystemClock();
  // One uid's window of what the socket suppressed, to journal
  // (RecordSuppressed, local_requests.h). May be empty.
  std::function<void(const ipc::Suppression&)> on_suppressed;
};

class Daemon {
 public:
  explicit Daemon(DaemonConfig config);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Sets up the socket and descriptors (blocks SIGTERM/SIGINT/SIGCHLD).
  Status Init(UniqueFd listen_fd);
  // A descriptor another module watches; `on_ready` runs when it reports
  // one of `events` (EPOLLIN: readable; EPOLLPRI: a change of the mount
  // table, mountinfo.h).
  Status AddSource(int fd, std::function<void()> on_ready,
                   uint32_t events = EPOLLIN);
  // Stops or resumes waking on a source's descriptor (it stays registered):
  // for a module that will read what is pending later, on a timer.
  Status PauseSource(int fd, bool paused);
  // A local request served by another module (e.g. session_start); the
  // request table (agent/ipc) still checks its right first.
  void AddHandler(ipc::Op op, ipc::Handler handler);
  // Runs with each child the loop reaps (pid, wait status).
  void OnChildExit(std::function<void(pid_t, int)> listener);
  // Runs when something should go out to the office soon (a near miss, an
  // enrolment): the sync supervisor wakes the sync process.
  void SetWake(std::function<void()> wake) { wake_ = std::move(wake); }
  // Something should go out to the office soon: runs SetWake's function.
  void Wake();
  // Runs on SIGHUP (`systemctl reload`): main re-reads --policy.
  void SetReloadHandler(std::function<void()> on_reload) {
    on_reload_ = std::move(on_reload);
  }
  // Serves until SIGTERM/SIGINT; what the socket suppressed is journaled
  // (ipc::LocalServer::Flush) before it returns.
  Status Run();

 private:
  void Reap();
  void OnSocketTimer();
  Status Watch(int fd, uint32_t events = EPOLLIN);
  void Unwatch(int fd);

  struct Source {
    std::function<void()> on_ready;
    uint32_t events = 0;
  };

  DaemonConfig config_;
  ipc::Dispatcher dispatcher_;
  UniqueFd epoll_;
  UniqueFd listen_;
  UniqueFd signals_;
  // The local server's deadlines and windows.
  std::unique_ptr<os::Timer> socket_timer_;
  std::unique_ptr<ipc::LocalServer> server_;
  std::function<void()> wake_;
  std::vector<std::function<void(pid_t, int)>> child_listeners_;
  std::map<int, Source> sources_;
  std::function<void()> on_reload_;
  bool stopping_ = false;
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_DAEMON_H_
