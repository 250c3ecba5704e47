#include "common/cli_tool.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <ostream>
#include <string_view>

#include "common/cli_doc.h"
#include "common/file_util.h"
#include "common/version.h"

namespace piiguard {
namespace {

constexpr size_t kMaxKeyFile = size_t{64} * 1024;

// Thrown by --generate's callback, which runs before CLI11 checks that a
// subcommand was given (as its own --version does).
struct GenerateRequest {
  std::string what;
};

std::string ProgramName(const char* argv0) {
  std::string_view name = argv0 == nullptr ? "" : argv0;
  size_t slash = name.rfind('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  return std::string(name);
}

}  // namespace

int CliTool::Fail(const Status& status) const {
  *err << Message(lang, MsgId::kError, {status.message()}) << "\n";
  return kExitError;
}

Result<Ed25519PrivateKey> LoadPrivateKey(const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string pem, ReadFileBytes(path, kMaxKeyFile));
  Result<Ed25519PrivateKey> key = Ed25519PrivateKey::FromPem(pem);
  CleanseString(pem);
  if (!key.ok()) return key.status().Annotate(path);
  return key;
}

Result<Ed25519PublicKey> LoadPublicKey(const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string pem, ReadFileBytes(path, kMaxKeyFile));
  Result<Ed25519PublicKey> key = Ed25519PublicKey::FromPem(pem);
  if (!key.ok()) return key.status().Annotate(path);
  return key;
}

int RunCli(CLI::App& app, const std::function<int()>& run, int argc,
           char** argv) {
  const std::string program = ProgramName(argc > 0 ? argv[0] : nullptr);
  app.set_version_flag("--version", program + " " + std::string(kVersion),
                       "print the version and exit");
  app.add_option_function<std::string>(
         "--generate",
         [](const std::string& what) { throw GenerateRequest{what}; })
      ->check(CLI::IsMember({"bash-completion", "man"}))
      ->group("");
  try {
    app.parse(argc, argv);
  } catch (const GenerateRequest& request) {
    std::cout << (request.what == "man" ? ManCommands(app, program)
                                        : BashCompletion(app, program));
    return kExitOk;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitError;
  }
  if (!run) return kExitError;
  return run();
}

}  // namespace piiguard
