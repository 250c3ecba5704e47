// piiguardd's event loop: one epoll over the local socket (agent/ipc) and a
// signalfd (SIGTERM/SIGINT stop, SIGCHLD reaps children and tells who
// asked, SIGHUP runs the reload handler: main re-reads the policy file). It
// wires modules (AgentCore decides); the USB enforcement, the sessions, the
// roster guard and the sync supervisor (sync_supervisor.h) add their
// descriptors through AddSource().
//
// Thread-safety: single-threaded; Run() owns the thread.
#ifndef PIIGUARD_AGENT_DAEMON_DAEMON_H_
#define PIIGUARD_AGENT_DAEMON_DAEMON_H_

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/daemon/agent_core.h"
#include "agent/ipc/ipc.h"
#include "common/unique_fd.h"

namespace piiguard::agent {

struct DaemonConfig {
  std::string socket_path = std::string(ipc::kDefaultSocketPath);
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
  // Serves until SIGTERM/SIGINT.
  Status Run();

 private:
  struct Conn {
    UniqueFd fd;
    ipc::Peer peer;
    std::string buffer;
  };
  void Accept();
  void ServeClient(int fd);
  void Reap();
  void Wake();
  Status Watch(int fd);
  void Unwatch(int fd);

  DaemonConfig config_;
  AgentCore& core_;
  ipc::Dispatcher dispatcher_;
  UniqueFd epoll_;
  UniqueFd listen_;
  UniqueFd signals_;
  std::function<void()> wake_;
  std::vector<std::function<void(pid_t, int)>> child_listeners_;
  std::map<int, Conn> conns_;
  std::map<int, std::function<void()>> sources_;
  std::function<void()> on_reload_;
  bool stopping_ = false;
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_DAEMON_H_
