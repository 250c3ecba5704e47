// Wiring of the offline exception codes (agent/exception, issue 17) into
// piiguardd: this PC's key K_pc read from its file, the boot id, the state
// file, a timer for the grants' ends, the three local requests and the
// "exceptions" part of status. Made before the USB enforcer (which asks the
// service for grants) and joined to it and the session manager after.
//
// Thread-safety: called once from main's thread.
#ifndef PIIGUARD_AGENT_DAEMON_WIRE_EXCEPTIONS_H_
#define PIIGUARD_AGENT_DAEMON_WIRE_EXCEPTIONS_H_

#include <memory>
#include <optional>
#include <string>

#include "agent/daemon/daemon.h"
#include "agent/daemon/owners.h"
#include "agent/exception/exception_key.h"
#include "agent/exception/exception_service.h"
#include "agent/notify/notifier.h"
#include "agent/rosterguard/folder_pause.h"
#include "agent/session/session_manager.h"
#include "agent/state/state_dir.h"
#include "common/os/kernel_info.h"
#include "common/os/timer.h"

namespace piiguard::agent {

struct ExceptionWiring {
  std::unique_ptr<os::Timer> timer;  // the next grant's end
  std::unique_ptr<ExceptionService> service;
};

// Makes the service (state in STATE/exceptions.state) and registers its
// requests and status part. Without a usable key the service still runs
// and says why in every answer; the daemon journals that once. `city_key`:
// the key pinned at installation, which signed exception files are checked
// against (with the applied policy's exception-role keys).
Status WireExceptions(ExceptionWiring& wiring, const StatePaths& paths,
                      const Owners& owners, Daemon& daemon,
                      const os::KernelInfo& kernel, const std::string& key_path,
                      const std::optional<Ed25519PublicKey>& city_key,
                      notify::Notifier& notifier);

// Joins the service to the modules that honour its grants: the USB
// enforcer's foreign sticks (null: it did not start) and the session
// manager's radios, which decide again at once (a radio exception that ran
// before a restart of the daemon applies again).
void JoinExceptions(ExceptionWiring& wiring, ForeignSticks* sticks,
                    session::SessionManager& sessions);
// Joins the service to the roster guard's folders (null: the guard did not
// start, and the roster-folder scope is not offered).
void JoinFolders(ExceptionWiring& wiring, rosterguard::FolderPause* folders);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_WIRE_EXCEPTIONS_H_
