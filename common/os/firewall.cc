#include "common/os/firewall.h"

#include <string>
#include <vector>

#include "common/subprocess.h"

namespace piiguard::os {
namespace {

Status Run(const std::vector<std::string>& argv, std::string_view input,
           bool missing_ok) {
  Result<ProcessResult> run = RunProcess(argv, input);
  if (!run.ok()) return run.status();
  if (run->exit_code == 0) return Status::Ok();
  if (missing_ok && (run->err.find("No such file") != std::string::npos ||
                     run->err.find("does not exist") != std::string::npos)) {
    return Status::Ok();
  }
  std::string err = run->err.substr(0, 512);
  while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) {
    err.pop_back();
  }
  return IoError("nft", argv[0],
                 "exit " + std::to_string(run->exit_code) + ": " + err);
}

}  // namespace

Status NftFirewall::Apply(std::string_view ruleset) {
  return Run({nft_, "-f", "-"}, ruleset, false);
}

Status NftFirewall::DeleteTable(std::string_view family,
                                std::string_view table) {
  return Run({nft_, "delete", "table", std::string(family), std::string(table)},
             {}, true);
}

}  // namespace piiguard::os
