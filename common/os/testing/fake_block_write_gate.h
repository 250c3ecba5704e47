// FakeBlockWriteGate: a BlockWriteGate (common/os/block_write_gate.h) that
// keeps the allow list in memory and answers WouldAllow() like the kernel
// would, with a gate that cannot be activated, failing updates and denials
// made by tests, for tests.
//
// Thread-safety: not thread-safe; one owner.
#ifndef PIIGUARD_COMMON_OS_TESTING_FAKE_BLOCK_WRITE_GATE_H_
#define PIIGUARD_COMMON_OS_TESTING_FAKE_BLOCK_WRITE_GATE_H_

#include <set>
#include <string>
#include <vector>

#include "common/os/block_write_gate.h"

namespace piiguard::os {

class FakeBlockWriteGate : public BlockWriteGate {
 public:
  // Activate() fails (the kernel has no BPF LSM).
  void set_unavailable(bool unavailable) { unavailable_ = unavailable; }
  // Allow/Revoke fail with this errno (0: no longer).
  void FailUpdates(int error_number) { fail_errno_ = error_number; }
  // What the kernel would answer to a write to `device` now.
  bool WouldAllow(DeviceNumber device) const;
  // A write the kernel refused: reported by the next Drain().
  void Deny(GateDenial denial);
  const std::set<DeviceNumber>& allowed() const { return allowed_; }
  const std::vector<std::string>& log() const { return log_; }

  bool active() const override { return active_; }
  Status Allow(DeviceNumber device) override;
  Status Revoke(DeviceNumber device) override;
  Status AllowChar(DeviceNumber device) override;
  Status Activate() override;
  int fd() const override { return -1; }
  Result<std::vector<GateDenial>> Drain() override;

 private:
  bool unavailable_ = false;
  bool active_ = false;
  int fail_errno_ = 0;
  std::set<DeviceNumber> allowed_;
  std::set<DeviceNumber> allowed_char_;
  std::vector<GateDenial> pending_;
  std::vector<std::string> log_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_TESTING_FAKE_BLOCK_WRITE_GATE_H_
