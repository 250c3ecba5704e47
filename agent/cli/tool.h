// Shared plumbing of `piiguard`, the staff's command-line tool on the PC:
// the output language and streams, exit codes, and key loading. Each
// command group lives in its own file and registers itself with an
// Add...Commands(app, tool) function declared here; main() only wires them.
//
// Thread-safety: single-threaded tool.
#ifndef PIIGUARD_AGENT_CLI_TOOL_H_
#define PIIGUARD_AGENT_CLI_TOOL_H_

#include <functional>
#include <iosfwd>
#include <string>

#include "common/cli_fwd.h"
#include "common/cli_tool.h"
#include "common/crypto.h"
#include "common/messages.h"

namespace piiguard::cli {

inline constexpr std::string_view kDefaultJournalPath =
    "/var/lib/piiguard/journal.db";

// Exit codes (kExitRefused also when tampering was found), the output
// language and streams, and key files: common/cli_tool.h.
using Tool = CliTool;

// `piiguard journal show|verify` (journal_commands.cc).
void AddJournalCommands(CLI::App& app, Tool& tool);
// `piiguard report near-miss` (report_commands.cc).
void AddReportCommands(CLI::App& app, Tool& tool);
// `piiguard enrol` (enrol_commands.cc).
void AddEnrolCommands(CLI::App& app, Tool& tool);
// `piiguard status` (status_commands.cc).
void AddStatusCommands(CLI::App& app, Tool& tool);
// `piiguard session start|end` (session_commands.cc).
void AddSessionCommands(CLI::App& app, Tool& tool);
// `piiguard scan [verify]` (scan_commands.cc).
void AddScanCommands(CLI::App& app, Tool& tool);
// `piiguard exception request|redeem|end` (exception_commands.cc).
void AddExceptionCommands(CLI::App& app, Tool& tool);

}  // namespace piiguard::cli

#endif  // PIIGUARD_AGENT_CLI_TOOL_H_
