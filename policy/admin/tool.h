// Shared plumbing of piiguard-admin's commands: the output language and
// streams, exit codes, and loading keys and policies from files.
//
// Thread-safety: single-threaded tool.
#ifndef PIIGUARD_POLICY_ADMIN_TOOL_H_
#define PIIGUARD_POLICY_ADMIN_TOOL_H_

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "common/cli_fwd.h"
#include "common/cli_tool.h"
#include "common/crypto.h"
#include "common/messages.h"
#include "policy/policy_verify.h"

namespace piiguard::admin {

using Tool = CliTool;

// `--now` values: an RFC 3339 time; the system clock when empty.
Result<int64_t> NowOr(const std::string& text);

// Reads and verifies a signed policy; a refusal becomes an error status
// carrying the localised reason.
Result<policy::PolicyVerdict> LoadVerifiedPolicy(
    const Tool& tool, const std::string& path,
    const std::vector<Ed25519PublicKey>& trusted, int64_t now);

// Reads a signed policy, checks its signature against the city key in
// `pub_path` whatever its dates (the IT desk answers for the policy a PC
// holds, which may be one that expired), and parses it.
Result<policy::Policy> LoadSignedPolicyAnyDate(const std::string& path,
                                               const std::string& pub_path);

void AddKeyCommands(CLI::App& app, Tool& tool);
void AddPolicyCommands(CLI::App& app, Tool& tool);
void AddStickCommands(CLI::App& app, Tool& tool);
void AddStickRevokeCommand(CLI::App& stick, Tool& tool);
// `piiguard-admin enrol` (enrol_commands.cc).
void AddEnrolCommands(CLI::App& app, Tool& tool);
// `piiguard-admin exception` (exception_commands.cc).
void AddExceptionCommands(CLI::App& app, Tool& tool);

}  // namespace piiguard::admin

#endif  // PIIGUARD_POLICY_ADMIN_TOOL_H_
