// `piiguard status`: the exceptions part (docs/exceptions.md), in the
// staff's language: each running exception, its scope and minutes left,
// and a request code waiting for its response.
//
// Thread-safety: not applicable (one CLI call).
#ifndef PIIGUARD_AGENT_CLI_STATUS_EXCEPTIONS_H_
#define PIIGUARD_AGENT_CLI_STATUS_EXCEPTIONS_H_

#include "agent/cli/tool.h"
#include "common/json.h"

namespace piiguard::cli {

// `part`: the daemon's "exceptions" status part (an object).
void ShowExceptions(const Tool& tool, const Json& part);

}  // namespace piiguard::cli

#endif  // PIIGUARD_AGENT_CLI_STATUS_EXCEPTIONS_H_
