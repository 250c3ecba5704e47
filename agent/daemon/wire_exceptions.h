// Wiring of the offline exception codes (agent/exception, issue 17) into
// piiguardd: this PC's key K_pc read from its file, the boot id, the state
// file, a timer for the grants' ends, the three local requests and the
// "exceptions" part of status; the maintenance window (wire_maintenance.h)
// beside it. Made before the USB enforcer (which asks the service for
// grants) and joined to it and the session manager after.
//
// Thread-safety: called once from main's thread.
#ifndef PIIGUARD_AGENT_DAEMON_WIRE_EXCEPTIONS_H_
#define PIIGUARD_AGENT_DAEMON_WIRE_EXCEPTIONS_H_

#include <memory>
#include <optional>
#include <string>

#include "agent/daemon/daemon.h"
#include "agent/daemon/owners.h"
#include "agent/daemon/sync_monitor.h"
#include "agent/daemon/wire_maintenance.h"
#include "agent/exception/exception_key.h"
#include "agent/exception/exception_service.h"
#include "agent/notify/notifier.h"
#include "agent/rosterguard/folder_pause.h"
#include "agent/session/session_manager.h"
#include "agent/state/state_dir.h"
#include "common/os/kernel_info.h"
#include "common/os/timer.h"

namespace CLI {
class App;
}  // namespace CLI

namespace piiguard::agent {

// piiguardd's options for them (AddExceptionOptions).
struct ExceptionArgs {
  std::string key = std::string(kDefaultExceptionKey);
  // The maintenance window's account (the package's sysusers creates it).
  std::string maintenance_account = std::string(maint::kMaintenanceAccount);
};
// --exception-key FILE, --maintenance-account NAME.
void AddExceptionOptions(CLI::App& app, ExceptionArgs& args);

struct ExceptionWiring {
  std::unique_ptr<os::Timer> timer;  // the next grant's end
  std::unique_ptr<ExceptionService> service;
  MaintenanceWiring maintenance;
  notify::Notifier* notifier = nullptr;  // staff's notices, for the sessions
};

// Makes the service (state in STATE/exceptions.state) and registers its
// requests and status part. Without a usable key the service still runs
// and says why in every answer; the daemon journals that once. `city_key`:
// the key pinned at installation, which signed exception files are checked
// against (with the applied policy's exception-role keys).
Status WireExceptions(ExceptionWiring& wiring, const StatePaths& paths,
                      const Owners& owners, Daemon& daemon,
                      const os::KernelInfo& kernel, const ExceptionArgs& args,
                      const std::optional<Ed25519PublicKey>& city_key,
                      notify::Notifier& notifier);

// Joins the service to the modules that honour its grants: the USB
// enforcer's foreign sticks (null: it did not start), the session
// manager's radios and the maintenance window, which decide again at once
// (a radio exception that ran before a restart of the daemon applies
// again; a maintenance window left over is closed first).
void JoinExceptions(ExceptionWiring& wiring, ForeignSticks* sticks,
                    session::SessionManager& sessions);
// Joins the service to the sync monitor (null: sync is not wired): files
// the sync process fetches from the office are applied by ApplyFromSync
// (docs/exceptions.md "Online delivery").
void JoinSyncExceptions(ExceptionWiring& wiring, SyncMonitor* monitor);
// Joins the service to the roster guard's folders (null: the guard did not
// start, and the roster-folder scope is not offered).
void JoinFolders(ExceptionWiring& wiring, rosterguard::FolderPause* folders);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_WIRE_EXCEPTIONS_H_
