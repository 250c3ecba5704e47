// The sync child's main loop (`piiguardd --sync-child`, exec'd by the
// daemon after the privilege drop): descriptor 3 is the socketpair to the
// daemon, 4 an eventfd the daemon writes when something should go out soon.
// One poll over the eventfd, a timerfd (the interval, or the backoff after a
// failure) and the link (the daemon went away: exit). It holds the TLS key
// (read as the sync user) and never the device key.
//
// Thread-safety: single-threaded process.
#ifndef PIIGUARD_AGENT_DAEMON_SYNC_CHILD_H_
#define PIIGUARD_AGENT_DAEMON_SYNC_CHILD_H_

#include <string>

namespace piiguard::agent {

int RunSyncChild(const std::string& state_dir, int link_fd, int wake_fd,
                 int interval_seconds);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_SYNC_CHILD_H_
