// FakeFirewall: an in-memory Firewall (common/os/firewall.h) for tests: it
// keeps every ruleset applied and every table deleted, the ruleset in force,
// and fails every call on demand.
//
// Thread-safety: not thread-safe.
#ifndef PIIGUARD_COMMON_OS_TESTING_FAKE_FIREWALL_H_
#define PIIGUARD_COMMON_OS_TESTING_FAKE_FIREWALL_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/os/firewall.h"

namespace piiguard::os {

class FakeFirewall : public Firewall {
 public:
  // Every call fails with `status` while it is not OK.
  void Fail(Status status) { fail_ = std::move(status); }
  const std::vector<std::string>& applied() const { return applied_; }
  const std::vector<std::string>& deleted() const { return deleted_; }
  // The ruleset in force: the last applied, empty after a delete.
  const std::string& current() const { return current_; }

  Status Apply(std::string_view ruleset) override;
  Status DeleteTable(std::string_view family, std::string_view table) override;

 private:
  Status fail_;
  std::vector<std::string> applied_;
  std::vector<std::string> deleted_;
  std::string current_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_TESTING_FAKE_FIREWALL_H_
