// The name CLI::App without CLI11's definitions, for headers that only
// declare the functions that add a program's subcommands. The .cc files
// that build the commands include <CLI/CLI.hpp> themselves: CLI11 costs
// about three seconds of parsing in each translation unit that reaches it,
// tests of those modules included (docs/BENCHMARKS.md "Build").
//
// Thread-safety: declarations only.
#ifndef PIIGUARD_COMMON_CLI_FWD_H_
#define PIIGUARD_COMMON_CLI_FWD_H_

namespace CLI {
class App;
}  // namespace CLI

#endif  // PIIGUARD_COMMON_CLI_FWD_H_
