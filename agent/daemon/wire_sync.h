// The sync process's wiring in piiguardd (docs/sync.md "Inside the PC"):
// the sync user, the mode (spawn, socket, off), the monitor, the supervisor,
// the log and the "sync" part of `piiguard status`. Sync that cannot run
// (no sync user, no program, its socket not made) is logged, journaled
// once (sync.unavailable) and shown; enforcement runs anyway.
//
// Thread-safety: call from main before the event loop runs.
#ifndef PIIGUARD_AGENT_DAEMON_WIRE_SYNC_H_
#define PIIGUARD_AGENT_DAEMON_WIRE_SYNC_H_

#include <functional>
#include <memory>
#include <string>

#include "agent/daemon/daemon.h"
#include "agent/daemon/device_signer.h"
#include "agent/daemon/owners.h"
#include "agent/daemon/sync_monitor.h"
#include "agent/daemon/sync_supervisor.h"
#include "agent/journal/journal.h"
#include "agent/priv/spawner.h"
#include "agent/state/state_dir.h"
#include "agent/sync/sync_health.h"

namespace piiguard::agent {

struct SyncArgs {
  std::string mode = "spawn";  // spawn, socket or off
  std::string user = std::string(kDefaultSyncUser);
  std::string socket = std::string(kDefaultSyncSocket);
  std::string program;  // empty: piiguard-sync beside this program
  int interval_seconds = 300;
};

struct SyncWiring {
  std::unique_ptr<sync::SyncHealth> health;
  std::unique_ptr<SyncMonitor> monitor;
  LinuxSpawner spawner;
  std::unique_ptr<SyncSupervisor> supervisor;
};

// A log line for the system journal: stderr, with the journal's priority
// prefix when stderr is the journal (JOURNAL_STREAM).
void LogToJournal(sync::LogLevel level, const std::string& line);

// An error only for what the caller got wrong (a bad mode); everything
// else makes sync unavailable, not piiguardd. The monitor reads batches
// from and acknowledges into `journal`, and signs status reports with
// `signer`.
Status WireSync(SyncWiring& wiring, const SyncArgs& args,
                const StatePaths& paths, const Owners& owners,
                journal::Journal& journal, const DeviceSigner& signer,
                Daemon& daemon);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_WIRE_SYNC_H_
