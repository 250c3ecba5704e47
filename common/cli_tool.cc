#include "common/cli_tool.h"

#include <ostream>

#include "common/file_util.h"

namespace piiguard {
namespace {

constexpr size_t kMaxKeyFile = size_t{64} * 1024;

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
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitError;
  }
  if (!run) return kExitError;
  return run();
}

}  // namespace piiguard
