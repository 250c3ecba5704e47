#include "common/os/testing/fake_firewall.h"

namespace piiguard::os {

Status FakeFirewall::Apply(std::string_view ruleset) {
  if (!fail_.ok()) return fail_;
  applied_.emplace_back(ruleset);
  current_ = std::string(ruleset);
  return Status::Ok();
}

Status FakeFirewall::DeleteTable(std::string_view family,
                                 std::string_view table) {
  if (!fail_.ok()) return fail_;
  deleted_.push_back(std::string(family) + " " + std::string(table));
  current_.clear();
  return Status::Ok();
}

}  // namespace piiguard::os
