// Wiring of the roster guard (agent/rosterguard, issue 7) into piiguardd:
// the Linux seams (fanotify, the mount table, sysfs, the file operations)
// are made here and nowhere else. What is watched and by which rules is
// rosterguard/watch_rules.h's; which keyed stick a roster may go onto is
// rosterguard/stick_destination.h's (its mount table read again only when
// the table's fd says it changed); rosters it may not go onto a stick go
// to the quarantine directory STATE_DIR/quarantine (0700). Examinations
// run on the guard's worker thread, their completions on the daemon's
// loop; a timer looks again at files still open for writing, armed only
// while some wait (no wake-ups when idle). A failed journal write is
// logged at error level and listed as a problem in `piiguard status`.
//
// Thread-safety: called once from main's thread.
#ifndef PIIGUARD_AGENT_DAEMON_WIRE_ROSTER_H_
#define PIIGUARD_AGENT_DAEMON_WIRE_ROSTER_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/daemon/daemon.h"
#include "agent/daemon/owners.h"
#include "agent/interlock/interlock.h"
#include "agent/notify/notifier.h"
#include "agent/priv/examiner_client.h"
#include "agent/priv/spawner.h"
#include "agent/roster/detector.h"
#include "agent/rosterguard/folder_pause.h"
#include "agent/rosterguard/guard.h"
#include "agent/rosterguard/stick_destination.h"
#include "agent/rosterguard/worker.h"
#include "agent/state/state_dir.h"
#include "common/os/fanotify.h"
#include "common/os/linux_file_system.h"
#include "common/os/linux_sysfs.h"
#include "common/os/mountinfo.h"
#include "common/os/timer.h"
#include "common/unique_fd.h"

namespace piiguard::agent {

struct RosterWiring {
  os::LinuxSysfs sysfs{"/sys"};
  os::LinuxFileSystem files;
  std::unique_ptr<os::LinuxMountTable> mounts;
  std::unique_ptr<os::LinuxFanotify> events;
  // The detector runs in piiguard-examiner, unprivileged (agent/priv).
  LinuxSpawner spawner;
  std::unique_ptr<priv::ExaminerClient> detector;
  std::unique_ptr<rosterguard::StickDestination> sticks;
  std::unique_ptr<rosterguard::Guard> guard;
  // A folder paused by a roster-folder exception (issue 17); joined to the
  // exception service by JoinFolders (wire_exceptions.h).
  std::unique_ptr<rosterguard::FolderPause> pause;
  // Declared after the guard: destroyed (joined) first, so no job outlives
  // the guard it reports to.
  std::unique_ptr<rosterguard::Worker> worker;
  std::unique_ptr<os::Timer> retry_timer;
  std::vector<std::string> marked;  // mount points watched
};

// `sticks`: the USB enforcement's, once it runs (null: no stick is a
// destination); `session`: who holds the sticks now; staff's notices go to
// `notifier`.
Status WireRosterGuard(RosterWiring& wiring, const StatePaths& paths,
                       const Owners& owners, Daemon& daemon,
                       const std::vector<std::string>& watch_only,
                       const StickControl* sticks,
                       rosterguard::StickDestination::SessionFn session,
                       notify::Notifier& notifier);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_WIRE_ROSTER_H_
