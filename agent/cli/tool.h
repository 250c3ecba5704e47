// Shared plumbing of `piiguard`, the staff's command-line tool on the PC:
// the output language and streams, exit codes, and key loading. Each
// command group lives in its own file and registers itself with an
// Add...Commands(app, tool) function declared here; main() only wires them.
//
// Thread-safety: single-threaded tool.
#ifndef PIIGUARD_AGENT_CLI_TOOL_H_
#define PIIGUARD_AGENT_CLI_TOOL_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <string>

#include "common/crypto.h"
#include "common/messages.h"

namespace piiguard::cli {

// Exit codes, the same for every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;  // refused, or tampering found
inline constexpr int kExitError = 2;    // bad input, I/O, usage

inline constexpr std::string_view kDefaultJournalPath =
    "/var/lib/piiguard/journal.db";

struct Tool {
  Lang lang = Lang::kEn;
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  // Set by the chosen subcommand; main() runs it after parsing.
  std::function<int()> run;

  // Prints "error: <status message>" (localised prefix), returns kExitError.
  int Fail(const Status& status) const;
};

Result<Ed25519PublicKey> LoadPublicKey(const std::string& path);

// `piiguard journal show|verify` (journal_commands.cc).
void AddJournalCommands(CLI::App& app, Tool& tool);
// `piiguard report near-miss` (report_commands.cc).
void AddReportCommands(CLI::App& app, Tool& tool);
// `piiguard enrol` (enrol_commands.cc).
void AddEnrolCommands(CLI::App& app, Tool& tool);
// `piiguard status` (status_commands.cc).
void AddStatusCommands(CLI::App& app, Tool& tool);

}  // namespace piiguard::cli

#endif  // PIIGUARD_AGENT_CLI_TOOL_H_
