// A command-line tool's bash completion and the COMMANDS section of its man
// page, generated from its CLI11 command tree, so neither can drift from the
// options the program really takes. The packages build them by running each
// tool with the hidden option `--generate=bash-completion|man` (RunCli in
// cli_tool.h) and install the output (docs/man/, installer/CMakeLists.txt).
//
// Thread-safety: pure functions of the tree they are given.
#ifndef PIIGUARD_COMMON_CLI_DOC_H_
#define PIIGUARD_COMMON_CLI_DOC_H_

#include <string>
#include <string_view>

#include "common/cli_fwd.h"

namespace piiguard {

// A bash script defining a completion function for `program`: at each
// point it offers the subcommands and options valid there, and files for an
// option's value or a positional argument. Needs only bash (uses
// bash-completion's _filedir when it is loaded).
std::string BashCompletion(const CLI::App& app, std::string_view program);

// roff for a man page's COMMANDS section: every visible subcommand, as
// ".SS program sub ...", its description and its options (.TP items).
std::string ManCommands(const CLI::App& app, std::string_view program);

// `text` escaped for roff: backslashes, hyphens as \-, a leading . or '.
std::string RoffEscape(std::string_view text);

}  // namespace piiguard

#endif  // PIIGUARD_COMMON_CLI_DOC_H_
