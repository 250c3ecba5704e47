// FakeSandbox: a Sandbox (common/os/sandbox.h) for tests of its callers: it
// records each policy it is asked to enter and enters none, or fails on
// demand.
//
// Thread-safety: not thread-safe.
#ifndef PIIGUARD_COMMON_OS_TESTING_FAKE_SANDBOX_H_
#define PIIGUARD_COMMON_OS_TESTING_FAKE_SANDBOX_H_

#include <vector>

#include "common/os/sandbox.h"

namespace piiguard::os {

class FakeSandbox : public Sandbox {
 public:
  Result<SandboxReport> Enter(const SandboxPolicy& policy) override {
    if (fail) return InternalError("sandbox", "fake", "failure");
    entered.push_back(policy);
    return SandboxReport{true, 0};
  }
  bool fail = false;
  std::vector<SandboxPolicy> entered;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_TESTING_FAKE_SANDBOX_H_
