// `piiguard status`: the USB sticks part, in the staff's language.
//
// Thread-safety: not applicable (one CLI call).
#ifndef PIIGUARD_AGENT_CLI_STATUS_STICKS_H_
#define PIIGUARD_AGENT_CLI_STATUS_STICKS_H_

#include "agent/cli/tool.h"
#include "common/json.h"

namespace piiguard::cli {

// `sticks`: the daemon's "sticks" status part (an array).
void ShowSticks(const Tool& tool, const Json& sticks);

}  // namespace piiguard::cli

#endif  // PIIGUARD_AGENT_CLI_STATUS_STICKS_H_
