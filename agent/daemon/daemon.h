// piiguardd's event loop: one epoll over the local socket (agent/ipc; its
// connections, deadlines and rate limits are ipc::LocalServer's, woken by a
// timerfd of this loop) and a signalfd (SIGTERM/SIGINT stop, SIGCHLD reaps
// children and tells who asked, SIGHUP runs the reload handler: main re-reads
// the policy file). It wires modules (AgentCore decides); the USB enforcement,
// the sessions, the roster guard and the sync supervisor (sync_supervisor.h)
// add their descriptors through AddSource().
//
// Thread-safety: single-threaded; Run() owns the thread.
#ifndef PIIGUARD_AGENT_DAEMON_DAEMON_H_
#define PIIGUARD_AGENT_DAEMON_DAEMON_H_

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/daemon/agent_core.h"
#include "agent/ipc/ipc.h"
#include "agent/ipc/server.h"
#include "common/os/clock.h"
#include "common/unique_fd.h"

namespace piiguard::agent {

struct DaemonConfig {
  std::string socket_path = std::string(ipc::kDefaultSocketPath);
  ipc::SocketLimits limits;  // docs/ipc.md "Limits"
  // The socket's deadlines are armed on a CLOCK_MONOTONIC timerfd, so their
  // clock is the system's (not the core's, which tests may fake).
  const os::Clock* clock = &os::SystemClock();
};

class Daemon {
 public:
  Daemon(DaemonConfig config, AgentCore& core);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Sets up the socket and descriptors (blocks SIGTERM/SIGINT/SIGCHLD).
  Status Init(UniqueFd listen_fd);
  // A descriptor another module watches; `on_ready` runs when readable.
  Status AddSource(int fd, std::function<void()> on_ready);
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
  void Wake();
  Status Watch(int fd);
  void Unwatch(int fd);

  DaemonConfig config_;
  AgentCore& core_;
  ipc::Dispatcher dispatcher_;
  UniqueFd epoll_;
  UniqueFd listen_;
  UniqueFd signals_;
  UniqueFd socket_timer_;  // the local server's deadlines and windows
  std::unique_ptr<ipc::LocalServer> server_;
  std::function<void()> wake_;
  std::vector<std::function<void(pid_t, int)>> child_listeners_;
  std::map<int, std::function<void()>> sources_;
  std::function<void()> on_reload_;
  bool stopping_ = false;
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_DAEMON_H_
