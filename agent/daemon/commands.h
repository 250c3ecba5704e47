// piiguardd's one-shot commands, run as root by the package's scripts
// (docs/usb.md): --record-present-devices (postinst) and --release
// (prerm); and the reading of the record they and the daemon share.
//
// Thread-safety: called once from main's thread.
#ifndef PIIGUARD_AGENT_DAEMON_COMMANDS_H_
#define PIIGUARD_AGENT_DAEMON_COMMANDS_H_

#include <string>

#include "agent/state/state_dir.h"
#include "agent/usb/present_devices.h"
#include "common/result.h"

namespace piiguard::agent {

// STATE/present-devices.json; no file: an empty record. The file must be
// a regular file owned by root and writable by nobody else.
Result<usb::PresentDevices> LoadPresentDevices(const StatePaths& paths);

// Writes STATE/present-devices.json (atomically, root 0644) with the USB
// devices plugged and authorized now. Returns the exit code.
int RecordPresentDevices(const StatePaths& paths);

// Gives back what the agent holds (agent/daemon/release.h); refuses while
// a daemon answers on `socket`. Journals agent.released when the state
// directory has a journal. Exit 0 only if every step succeeded.
int RunRelease(const StatePaths& paths, const std::string& socket);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_COMMANDS_H_
