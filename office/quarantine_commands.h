// `piiguard-office quarantine key|pub|open|show`: the privacy office's
// quarantine key and its tool to open the files the PCs quarantined
// (docs/quarantine.md). main() only registers them.
//
// Thread-safety: single-threaded tool.
#ifndef PIIGUARD_OFFICE_QUARANTINE_COMMANDS_H_
#define PIIGUARD_OFFICE_QUARANTINE_COMMANDS_H_

#include <functional>
#include <string_view>

#include "common/cli_fwd.h"
#include "common/messages.h"

namespace piiguard::office {

inline constexpr std::string_view kQuarantineKeyFile = "quarantine.key";

// Adds the `quarantine` command group to `app`; the chosen subcommand sets
// `run` (which must outlive parsing), printing in `lang`.
void AddQuarantineCommands(CLI::App& app, Lang lang, std::function<int()>& run);

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_QUARANTINE_COMMANDS_H_
