// Wiring of sessions, radios and links (agent/session, issue 6) into
// piiguardd: the Linux seams (/dev/rfkill, rtnetlink, nft) are made here
// and nowhere else; their descriptors go to the daemon's loop; the session
// requests to the local socket; the session's part to `piiguard status`.
// Without a usable policy the radios DESIGN.md names (wlan, bluetooth,
// wwan) are blocked in sessions.
//
// Thread-safety: called once from main's thread.
#ifndef PIIGUARD_AGENT_DAEMON_WIRE_SESSIONS_H_
#define PIIGUARD_AGENT_DAEMON_WIRE_SESSIONS_H_

#include <memory>

#include "agent/daemon/daemon.h"
#include "agent/daemon/owners.h"
#include "agent/session/radio_guard.h"
#include "agent/session/session_manager.h"
#include "agent/state/state_dir.h"
#include "common/os/firewall.h"
#include "common/os/links.h"
#include "common/os/linux_sysfs.h"
#include "common/os/rfkill.h"
#include "common/os/timer.h"
#include "common/unique_fd.h"

namespace piiguard::agent {

struct SessionWiring {
  os::LinuxSysfs sysfs{"/sys"};
  std::unique_ptr<os::Rfkill> rfkill;
  // The radio guard (agent/session/radio_guard.h): its own open of
  // /dev/rfkill and its thread; null where it could not start (then the
  // loop re-blocks on its own, as before).
  std::unique_ptr<os::Rfkill> guard_rfkill;
  std::unique_ptr<session::RadioGuard> guard;
  std::unique_ptr<os::Links> links;  // null when rtnetlink is unavailable
  os::NftFirewall firewall;
  std::unique_ptr<session::SessionManager> manager;
  // Destroyed first: the thread stops before what it uses goes.
  std::unique_ptr<session::RadioGuardThread> guard_thread;
  // The deferred handling of drained radio events.
  std::unique_ptr<os::Timer> journal_timer;
};

// The session rules of `policy`, or the defaults above when it is null or
// unusable.
session::SessionRules InitialSessionRules(const policy::Policy* policy);

// Opens the Linux seams (a missing /dev/rfkill or rtnetlink is logged, and
// the session manager fails closed with what is left) and makes the session
// manager over STATE/session.json; `journal` records its events. With
// s.guard set, the manager keeps the guard's set of types. `clock`
// outlives the manager.
void MakeSessionManager(SessionWiring& s, const StatePaths& paths,
                        const os::Clock& clock, session::SessionRules rules,
                        journal::Appender& journal);

// Starts the radio guard's thread (failures are logged; the loop then
// re-blocks alone), then MakeSessionManager, Init, and the loop, socket,
// status and policy wiring.
Status WireSessions(SessionWiring& s, const StatePaths& paths,
                    const Owners& owners, Daemon& daemon);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_WIRE_SESSIONS_H_
