// `piiguardd --release` (docs/usb.md "Removal"): run as root by the
// package's prerm, while the daemon is stopped, to give back what the agent
// holds, so a PC without piiguard works as before it:
//   root_hubs  authorized_default=1 on every root hub again;
//   devices    every USB device left unauthorized is authorized;
//   read_only  the kernel's read-only flag cleared on the block devices the
//              enforcer controls (agent/usb/block_class.h: USB, SD cards,
//              FireWire, hot-plugged PCI, removable media), disks and
//              partitions; other disks are left as they are;
//   session    an active session ended through the session manager's own
//              restore paths (radios as before it, links, the nft table);
//   firewall   the `inet piiguard` nft table removed if it is still there;
//   maintenance a maintenance window left open closed as the daemon would
//              close it (agent/maint): its window file removed, its
//              account's processes ended, maintenance.closed journaled
//              with reason "release" (the package's prerm has already
//              taken the PAM gate out of common-auth).
// Each step is reported; running it again finds nothing to do and reports
// success. Journaled as agent.released by the caller (main).
//
// Not reachable through the local socket: there is no such request
// (agent/ipc's table), and main refuses to run it as another user than
// root or while the daemon answers on its socket.
//
// Thread-safety: not thread-safe; run once from main's thread.
#ifndef PIIGUARD_AGENT_DAEMON_RELEASE_H_
#define PIIGUARD_AGENT_DAEMON_RELEASE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agent/maint/maintenance_window.h"
#include "agent/session/session_manager.h"
#include "common/json_fwd.h"
#include "common/os/block_device.h"
#include "common/os/firewall.h"
#include "common/os/sysfs.h"

namespace piiguard::agent {

struct ReleaseStep {
  std::string name;  // "root_hubs", "devices", ...
  bool ok = true;
  Json done = Json::array();  // what was changed
  std::string error;          // the first failure
};

struct ReleaseReport {
  std::vector<ReleaseStep> steps;
  bool ok() const;
  // {"ok": bool, "steps": [{"step", "ok", "done", "error"}]}
  Json ToJson() const;
};

// The maintenance window over the state directory's record; `next_us` is
// where its config's schedule puts the time it wants OnTimer() (0: none),
// and `wait_until` waits on the monotonic clock until then (empty: no
// waiting, only the first round). Closing gives up (the step fails) once
// its rounds run past `give_up_after_us`.
struct ReleaseMaintenance {
  maint::MaintenanceWindow* window = nullptr;
  const int64_t* next_us = nullptr;
  const os::Clock* clock = nullptr;
  std::function<void(int64_t)> wait_until;
  int64_t give_up_after_us = 30'000'000;
};

struct ReleaseDeps {
  os::Sysfs& sysfs;
  os::BlockDevices& blocks;
  // The session manager over the state directory's session file; null
  // when there is no state directory (nothing was ever started).
  session::SessionManager* sessions = nullptr;
  os::Firewall* firewall = nullptr;
  ReleaseMaintenance* maintenance = nullptr;  // null: none
};

ReleaseReport Release(const ReleaseDeps& deps);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_RELEASE_H_
