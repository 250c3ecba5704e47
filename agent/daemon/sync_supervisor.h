// piiguardd's side of the sync process (docs/sync.md "Inside the PC"): it
// brings the process and piiguardd together in one of two ways, then
// serves one link with one protocol (sync::LinkSession):
// - spawn (default; runs without systemd: the demo, the VM tier, tests):
//   piiguardd starts piiguard-sync itself, dropped to the sync user, on a
//   socketpair, and starts it again with backoff when it ends;
// - socket (the packaged units): piiguard-sync runs as its own systemd unit
//   and connects to a UNIX socket piiguardd listens on (root:sync-group,
//   0660); only the sync user's uid (SO_PEERCRED) is served, one
//   connection at a time; anything else is refused and logged;
// - off: no sync at all.
// The link is non-blocking both ways: nothing the sync process does or
// fails to do makes piiguardd's event loop wait. A bad request ends the
// link (and the spawned process). It keeps the "sync" part of `piiguard
// status`: mode, state, why unavailable, the process's sandbox, and the
// rounds (SyncHealth).
//
// It owns an epoll of its own; the daemon watches that one descriptor.
//
// Thread-safety: not thread-safe; piiguardd's event loop owns it.
#ifndef PIIGUARD_AGENT_DAEMON_SYNC_SUPERVISOR_H_
#define PIIGUARD_AGENT_DAEMON_SYNC_SUPERVISOR_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agent/priv/spawner.h"
#include "agent/sync/backoff.h"
#include "agent/sync/daemon_link.h"
#include "agent/sync/link_session.h"
#include "agent/sync/sync_health.h"
#include "common/json_fwd.h"
#include "common/os/timer.h"
#include "common/unique_fd.h"

namespace piiguard::agent {

enum class SyncMode { kSpawn, kSocket, kOff };
std::string_view SyncModeName(SyncMode mode);
Result<SyncMode> ParseSyncMode(std::string_view name);

inline constexpr std::string_view kDefaultSyncSocket =
    "/run/piiguard/sync.sock";

struct SupervisorConfig {
  SyncMode mode = SyncMode::kSpawn;
  // Not empty: sync cannot run (e.g. no sync user); shown in status.
  std::string unavailable;
  std::string program;  // spawn: the piiguard-sync program
  std::string socket_path = std::string(kDefaultSyncSocket);  // socket
  uid_t uid = 0;                                              // the sync user
  gid_t gid = 0;
  int interval_seconds = 300;
};

class SyncSupervisor {
 public:
  SyncSupervisor(SupervisorConfig config, sync::DaemonLink& monitor,
                 sync::SyncHealth& health, Spawner& spawner,
                 sync::UnitRandomFn random, sync::LogFn log);
  ~SyncSupervisor();
  SyncSupervisor(const SyncSupervisor&) = delete;
  SyncSupervisor& operator=(const SyncSupervisor&) = delete;

  // Its epoll and, in socket mode, the listening socket. An error: sync
  // is unavailable (the caller records why); enforcement is not affected.
  Status Init();
  // Sync cannot run after all (e.g. Init failed): shown in status.
  void MarkUnavailable(std::string reason) {
    Stop();
    config_.unavailable = std::move(reason);
  }
  // The descriptor the daemon watches; OnReady when it is readable.
  int fd() const { return epoll_.get(); }
  void OnReady();
  // Spawn mode: starts the process (later starts come from the backoff).
  void Start();
  // The daemon reaped a child (it may be ours).
  void OnChildExit(pid_t pid, int wait_status);
  // Something should go out soon (a near miss, an enrolment).
  void Wake();
  // Ends the link and the spawned process (piiguardd stops).
  void Stop();
  // The "sync" part of `piiguard status`.
  Json StatusPart() const;

 private:
  struct Link;
  Status Watch(int fd, uint32_t events);
  void Accept();
  void Read();
  void Flush();
  void Reply(sync::LinkReply reply);
  void Drop(const std::string& why, bool problem);
  void ScheduleRestart();
  void Log(sync::LogLevel level, const std::string& line);

  SupervisorConfig config_;
  sync::DaemonLink& monitor_;
  sync::SyncHealth& health_;
  Spawner& spawner_;
  sync::Backoff backoff_;
  sync::LogFn log_;
  UniqueFd epoll_;
  UniqueFd listen_;
  std::unique_ptr<os::Timer> restart_timer_;  // spawn mode only
  std::unique_ptr<Link> link_;
  pid_t child_pid_ = 0;          // spawn: the running process
  bool killed_by_us_ = false;    // its end was our doing
  int64_t refusals_logged_ = 0;  // socket: refused connections logged
  std::string sandbox_;          // what the last process said
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_SYNC_SUPERVISOR_H_
