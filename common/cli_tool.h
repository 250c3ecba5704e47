// What piiguard's command-line tools share (piiguard-admin, piiguard,
// piiguard-office): exit codes, the output language and streams, the
// "error: ..." line, key files, and running the chosen CLI11 subcommand.
//
// Thread-safety: single-threaded tools.
#ifndef PIIGUARD_COMMON_CLI_TOOL_H_
#define PIIGUARD_COMMON_CLI_TOOL_H_

#include <functional>
#include <iosfwd>
#include <string>

#include "common/cli_fwd.h"
#include "common/crypto.h"
#include "common/messages.h"

namespace piiguard {

// Exit codes, the same for every command of every tool.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;  // a verification said no
inline constexpr int kExitError = 2;    // bad input, I/O, usage

struct CliTool {
  Lang lang = Lang::kEn;
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  // Set by the chosen subcommand; RunCli runs it after parsing.
  std::function<int()> run;

  // Prints "error: <status message>" (localised prefix) and returns
  // kExitError.
  int Fail(const Status& status) const;
};

// Key files (PEM), at most 64 KiB; errors name the path. The private key's
// PEM text is cleansed after parsing.
Result<Ed25519PrivateKey> LoadPrivateKey(const std::string& path);
Result<Ed25519PublicKey> LoadPublicKey(const std::string& path);

// Parses argv into `app`, whose subcommands set `run`, and runs it: --help
// exits 0, a usage error kExitError (CLI11 prints why). Adds --version
// ("NAME VERSION", NAME from argv[0]) and the hidden
// --generate=bash-completion|man, which prints the tool's completion script
// or its man page's COMMANDS section (common/cli_doc.h) for the packages.
int RunCli(CLI::App& app, const std::function<int()>& run, int argc,
           char** argv);

}  // namespace piiguard

#endif  // PIIGUARD_COMMON_CLI_TOOL_H_
