// piiguardd and systemd (Type=notify, WatchdogSec=; sd_notify(3) through
// os::ServiceManager): READY=1 once the local socket is served and every
// enforcer (USB, radios, roster guard) has been started (or failed to start:
// the daemon serves in either case, with the failure in STATUS= and in
// `piiguard status`); STATUS= lines; WATCHDOG=1 from the event loop only;
// STOPPING=1.
//
// The watchdog: a timerfd at half the interval systemd asks for
// (WATCHDOG_USEC), watched by the daemon's epoll loop; each expiry read on
// the loop sends WATCHDOG=1. A loop that hangs (a handler that never
// returns) stops the pings, and systemd restarts the service.
//
// Thread-safety: not thread-safe; main's thread (which runs the loop) owns
// it.
#ifndef PIIGUARD_AGENT_DAEMON_READINESS_H_
#define PIIGUARD_AGENT_DAEMON_READINESS_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/daemon/daemon.h"
#include "common/os/service_manager.h"
#include "common/os/timer.h"
#include "common/status.h"
#include "common/unique_fd.h"

namespace piiguard::agent {

// The enforcers READY=1 waits for.
inline constexpr std::string_view kEnforcerUsb = "usb";
inline constexpr std::string_view kEnforcerRadio = "radio";
inline constexpr std::string_view kEnforcerRoster = "roster";

class Readiness {
 public:
  explicit Readiness(os::ServiceManager& manager) : manager_(manager) {}

  // `enforcer` (kEnforcer*) was started, or failed to start with `status`.
  void Started(std::string_view enforcer, const Status& status);
  // Adds the watchdog timer to `daemon`'s loop when the service manager
  // asks for a watchdog; nothing otherwise.
  Status ArmWatchdog(Daemon& daemon);
  // READY=1 with a STATUS= line (`problems`: how many `piiguard status`
  // lists). kFailedPrecondition, and nothing sent, while an enforcer has
  // not reported.
  Status Ready(size_t problems);
  // STOPPING=1 with a STATUS= line.
  Status Stopping();

  bool watchdog_armed() const { return timer_ != nullptr; }

 private:
  void Ping();

  os::ServiceManager& manager_;
  std::vector<std::pair<std::string, Status>> started_;
  std::unique_ptr<os::Timer> timer_;
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_READINESS_H_
