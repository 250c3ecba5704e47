// `piiguard status`: the USB sticks part, in the staff's language.
//
// Thread-safety: not applicable (one CLI call).
#ifndef PIIGUARD_AGENT_CLI_STATUS_STICKS_H_
#define PIIGUARD_AGENT_CLI_STATUS_STICKS_H_

#include "agent/cli/tool.h"
#include "common/json_fwd.h"

namespace piiguard::cli {

// `sticks`: the daemon's "sticks" status part (an array).
void ShowSticks(const Tool& tool, const Json& sticks);
// `part`: the "usb_write_layer" status part: which layer stops writes to
// foreign sticks ("bpf-lsm", or "blkroset" and why the gate is not active).
void ShowWriteLayer(const Tool& tool, const Json& part);

}  // namespace piiguard::cli

#endif  // PIIGUARD_AGENT_CLI_STATUS_STICKS_H_
