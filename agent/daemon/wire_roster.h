// Wiring of the roster guard (agent/rosterguard, issue 7) into piiguardd:
// the Linux seams (fanotify, the mount table, sysfs, the file operations)
// are made here and nowhere else; every local disk filesystem (or, with
// --roster-watch DIR, the filesystems of those directories and only paths
// under them) is marked; examinations run on the guard's worker thread,
// their completions on the daemon's loop; a timer looks again at files
// still open for writing, armed only while some wait (no wake-ups when
// idle). Rosters go to a writable keyed stick (`sticks`) they belong to by
// the session (`session`: rosterguard::BelongsTo), else to the quarantine
// directory STATE_DIR/quarantine (0700). A failed journal write is logged at
// error level and listed as a problem in `piiguard status`.
//
// Thread-safety: called once from main's thread.
#ifndef PIIGUARD_AGENT_DAEMON_WIRE_ROSTER_H_
#define PIIGUARD_AGENT_DAEMON_WIRE_ROSTER_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/daemon/agent_core.h"
#include "agent/daemon/daemon.h"
#include "agent/interlock/interlock.h"
#include "agent/notify/notifier.h"
#include "agent/priv/examiner_client.h"
#include "agent/priv/spawner.h"
#include "agent/roster/detector.h"
#include "agent/rosterguard/guard.h"
#include "agent/rosterguard/worker.h"
#include "agent/state/state_dir.h"
#include "common/os/fanotify.h"
#include "common/os/linux_file_system.h"
#include "common/os/linux_sysfs.h"
#include "common/os/mountinfo.h"
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
  std::unique_ptr<rosterguard::Guard> guard;
  // Declared after the guard: destroyed (joined) first, so no job outlives
  // the guard it reports to.
  std::unique_ptr<rosterguard::Worker> worker;
  UniqueFd retry_timer;
  std::vector<std::string> marked;  // mount points watched
};

// The guard's rules from the applied policy (none: the defaults, moving
// rosters only to a keyed stick, reporting the others), limited to
// `watch_only` when not empty.
rosterguard::Rules RosterRulesFrom(const policy::Policy* policy,
                                   const std::vector<std::string>& watch_only);

Status WireRosterGuard(
    RosterWiring& wiring, const StatePaths& paths, AgentCore& core,
    Daemon& daemon, const std::vector<std::string>& watch_only,
    const std::function<const StickControl*()>& sticks,
    const std::function<std::optional<rosterguard::SessionHolder>()>& session,
    std::function<void(const notify::Notice&)> notify);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_WIRE_ROSTER_H_
