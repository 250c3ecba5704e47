// piiguardd's event loop: one epoll over the local socket (agent/ipc), a
// signalfd (SIGTERM/SIGINT stop, SIGCHLD reaps the sync child), a timerfd
// that restarts the sync child with backoff, and the socketpair to the sync
// child. It wires modules (AgentCore decides; the Spawner starts the child);
// issue 5's USB enforcement adds its descriptors through AddSource().
//
// A malformed or unpermitted request from the sync child kills the child
// (restarted with backoff); nothing the child sends ends the daemon.
//
// Thread-safety: single-threaded; Run() owns the thread.
#ifndef PIIGUARD_AGENT_DAEMON_DAEMON_H_
#define PIIGUARD_AGENT_DAEMON_DAEMON_H_

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "agent/daemon/agent_core.h"
#include "agent/daemon/spawner.h"
#include "agent/ipc/ipc.h"
#include "agent/sync/backoff.h"
#include "common/unique_fd.h"

namespace piiguard::agent {

struct DaemonConfig {
  std::string socket_path = std::string(ipc::kDefaultSocketPath);
  std::string exe;  // this program, for the sync child
  // false when the sync account is missing: no sync child is started
  // (never as root); everything else runs (agent/daemon/prerequisites.h).
  bool sync_enabled = true;
  uid_t sync_uid = 0;
  gid_t sync_gid = 0;
  int sync_interval_seconds = 300;
};

class Daemon {
 public:
  Daemon(DaemonConfig config, AgentCore& core, Spawner& spawner,
         sync::UnitRandomFn random);
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
  void ServeChild();
  void StartChild();
  void StopChild(const std::string& why);
  void ScheduleChildRestart();
  void Reap();
  void WakeChild();
  Status Watch(int fd);
  void Unwatch(int fd);

  DaemonConfig config_;
  AgentCore& core_;
  Spawner& spawner_;
  sync::Backoff backoff_;
  ipc::Dispatcher dispatcher_;
  UniqueFd epoll_;
  UniqueFd listen_;
  UniqueFd signals_;
  UniqueFd restart_timer_;
  UniqueFd child_link_;
  UniqueFd child_wake_;  // eventfd: the child syncs soon after a write
  std::string child_buffer_;
  pid_t child_pid_ = 0;
  std::map<int, Conn> conns_;
  std::map<int, std::function<void()>> sources_;
  bool stopping_ = false;
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_DAEMON_H_
