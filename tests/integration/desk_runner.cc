#include "tests/integration/desk_runner.h"

#include <filesystem>
#include <utility>

#include "common/file_util.h"
#include "common/subprocess.h"
#include "common/timestamp.h"

namespace piiguard::seed {

Result<std::string> DeskRunner::Run(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {admin_};
  argv.insert(argv.end(), args.begin(), args.end());
  PIIGUARD_ASSIGN_OR_RETURN(ProcessResult done, RunProcess(argv));
  if (done.exit_code != 0) {
    std::string command;
    for (const std::string& arg : args) command += " " + arg;
    return FailedPreconditionError(
        "piiguard-admin", command,
        "exit " + std::to_string(done.exit_code) + ": " + done.err + done.out);
  }
  return done.out;
}

Status DeskRunner::Setup(const Ed25519PrivateKey& city_key,
                         const std::string& signed_policy) {
  std::error_code error;
  std::filesystem::create_directories(dir_, error);
  if (error) return IoError("desk", dir_, error.message());
  PIIGUARD_ASSIGN_OR_RETURN(std::string pem, city_key.ToPem());
  PIIGUARD_RETURN_IF_ERROR(WriteFileAtomic(Path("city.key"), pem, 0600));
  PIIGUARD_RETURN_IF_ERROR(
      WriteFileAtomic(Path("city.pub"), city_key.PublicKey().ToPem(), 0644));
  PIIGUARD_RETURN_IF_ERROR(
      WriteFileAtomic(Path("policy.signed"), signed_policy, 0644));
  return Run({"exception", "init-key", "--out", Path("master")}).status();
}

Result<std::string> DeskRunner::PcKey(const std::string& pc) {
  const std::string out = Path(pc + ".exception-key");
  PIIGUARD_RETURN_IF_ERROR(Run({"exception", "pc-key", "--master",
                                Path("master"), "--pc", pc, "--out", out})
                               .status());
  return out;
}

Result<std::string> DeskRunner::Respond(const std::string& pc,
                                        const std::string& challenge,
                                        int person, int64_t issue_day,
                                        const std::string& reason,
                                        const std::string& ledger) {
  std::vector<std::string> args = {"exception",   "respond",
                                   "--master",    Path("master"),
                                   "--pc",        pc,
                                   "--challenge", challenge,
                                   "--policy",    Path("policy.signed"),
                                   "--pub",       Path("city.pub"),
                                   "--person",    std::to_string(person),
                                   "--day",       FormatDate(issue_day),
                                   "--reason",    reason};
  if (!ledger.empty()) {
    args.emplace_back("--ledger");
    args.push_back(ledger);
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string out, Run(args));
  // "response: 01444-46052-39492 (responsible person 1: ...)" (LC_ALL=C).
  const std::string marker = "\nresponse: ";
  const size_t at = out.find(marker);
  if (at == std::string::npos) {
    return InternalError("piiguard-admin", "respond", "no response: " + out);
  }
  const size_t from = at + marker.size();
  return out.substr(from, out.find(' ', from) - from);
}

Status DeskRunner::Export(const std::string& out) {
  return Run({"exception", "ledger", "export", "--master", Path("master"),
              "--key", Path("city.key"), "--out", out})
      .status();
}

}  // namespace piiguard::seed
