// Wiring of the maintenance window (agent/maint, issue 17 item 3) into
// piiguardd: the Linux host, a timer for its deadlines, the "maintenance"
// part of status; then joined to the exception service (its grants, the
// vendor's password, the scope offered) and the session manager (no
// session during a window, no window during a session). The daemon wires;
// the window decides.
//
// Thread-safety: called once from main's thread.
#ifndef PIIGUARD_AGENT_DAEMON_WIRE_MAINTENANCE_H_
#define PIIGUARD_AGENT_DAEMON_WIRE_MAINTENANCE_H_

#include <memory>
#include <string>

#include "agent/daemon/daemon.h"
#include "agent/daemon/owners.h"
#include "agent/exception/exception_service.h"
#include "agent/maint/maintenance_host.h"
#include "agent/maint/maintenance_window.h"
#include "agent/notify/notifier.h"
#include "agent/session/session_manager.h"
#include "agent/state/state_dir.h"
#include "common/os/timer.h"

namespace piiguard::agent {

struct MaintenanceWiring {
  std::unique_ptr<os::Timer> timer;
  std::unique_ptr<maint::MaintenanceHost> host;
  std::unique_ptr<maint::MaintenanceWindow> window;
};

// Makes the window for `account` (its record in STATE/maintenance.json)
// and registers its timer and status part; tells `service` to offer the
// maintenance scope. Without it (a failure here), the scope is refused.
Status WireMaintenance(MaintenanceWiring& wiring, const StatePaths& paths,
                       const Owners& owners, Daemon& daemon,
                       const std::string& boot_id, const std::string& account,
                       notify::Notifier& notifier, ExceptionService& service);

// Joins the window to the session manager, closes a window left over by
// an earlier run (its file removed, its account's processes ended,
// journaled) and decides at once (a grant that still runs opens anew).
void JoinMaintenance(MaintenanceWiring& wiring,
                     session::SessionManager& sessions);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_WIRE_MAINTENANCE_H_
