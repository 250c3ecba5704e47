// DeskRunner: the IT desk as the integration tests drive it, by running the
// real `piiguard-admin` program (no library call stands in for it): the
// master key, a PC's key, a response to a challenge read out (recorded in
// the desk's ledger with its reason), and the ledger's signed export.
//
// Thread-safety: not thread-safe (runs one program at a time).
#ifndef PIIGUARD_TESTS_INTEGRATION_DESK_RUNNER_H_
#define PIIGUARD_TESTS_INTEGRATION_DESK_RUNNER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"

namespace piiguard::seed {

class DeskRunner {
 public:
  // `admin`: the piiguard-admin binary; `dir`: where the desk's files go
  // (made if missing).
  DeskRunner(std::string admin, std::string dir)
      : admin_(std::move(admin)), dir_(std::move(dir)) {}

  // Writes the city's key pair (city.key, city.pub), the policy the PCs
  // apply (policy.signed, as signed by that key), and makes the master key
  // with `exception init-key`.
  Status Setup(const Ed25519PrivateKey& city_key,
               const std::string& signed_policy);
  // `exception pc-key`: the file with K_pc of `pc`.
  Result<std::string> PcKey(const std::string& pc);
  // `exception respond`: the response code. `ledger` "" is the default
  // ledger (beside the master).
  Result<std::string> Respond(const std::string& pc,
                              const std::string& challenge, int person,
                              int64_t issue_day, const std::string& reason,
                              const std::string& ledger = "");
  // `exception ledger export --master` to `out` (a path in dir).
  Status Export(const std::string& out);

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string ledger() const { return Path("master.ledger"); }

 private:
  Result<std::string> Run(const std::vector<std::string>& args);

  std::string admin_;
  std::string dir_;
};

}  // namespace piiguard::seed

#endif  // PIIGUARD_TESTS_INTEGRATION_DESK_RUNNER_H_
