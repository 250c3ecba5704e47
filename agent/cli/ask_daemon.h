// One request from `piiguard` to piiguardd, with what staff read when it
// fails: the daemon cannot be reached, or the local socket's limits refused
// the request (docs/ipc.md "Limits": too many requests that write the
// journal, too many connections, a request that arrived too slowly), said
// in plain Japanese or English through the message catalogue: what was
// refused and what to do instead.
//
// Thread-safety: single-threaded tool.
#ifndef PIIGUARD_AGENT_CLI_ASK_DAEMON_H_
#define PIIGUARD_AGENT_CLI_ASK_DAEMON_H_

#include <optional>
#include <string>

#include "agent/cli/tool.h"
#include "agent/ipc/ipc.h"
#include "common/json_fwd.h"

namespace piiguard::cli {

// The command staff ran for `op` ("piiguard report near-miss").
std::string CommandOf(ipc::Op op);

// The staff message for an answer the socket's limits refused (its
// "refused" field); nullopt for any other answer.
std::optional<std::string> LimitRefusalMessage(Lang lang, ipc::Op op,
                                               const Json& answer);

// Sends `request`. On success the answer ("ok":true). Otherwise the staff
// message is printed to tool.err (a refusal by the limits, or
// kAgentNotRunning with the reason) and the error returned.
Result<Json> AskDaemon(const Tool& tool, const std::string& socket,
                       const ipc::Request& request);

}  // namespace piiguard::cli

#endif  // PIIGUARD_AGENT_CLI_ASK_DAEMON_H_
