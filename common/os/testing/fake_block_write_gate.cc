#include "common/os/testing/fake_block_write_gate.h"

#include <string>
#include <utility>

namespace piiguard::os {

bool FakeBlockWriteGate::WouldAllow(DeviceNumber device) const {
  return !active_ || allowed_.contains(device);
}

void FakeBlockWriteGate::Deny(GateDenial denial) {
  pending_.push_back(std::move(denial));
}

Status FakeBlockWriteGate::Allow(DeviceNumber device) {
  if (fail_errno_ != 0) {
    return ErrnoStatus("write gate", "allow", fail_errno_);
  }
  allowed_.insert(device);
  log_.push_back("allow " + std::to_string(device.major) + ":" +
                 std::to_string(device.minor));
  return Status::Ok();
}

Status FakeBlockWriteGate::Revoke(DeviceNumber device) {
  if (fail_errno_ != 0) {
    return ErrnoStatus("write gate", "revoke", fail_errno_);
  }
  allowed_.erase(device);
  log_.push_back("revoke " + std::to_string(device.major) + ":" +
                 std::to_string(device.minor));
  return Status::Ok();
}

Status FakeBlockWriteGate::AllowChar(DeviceNumber device) {
  if (fail_errno_ != 0) {
    return ErrnoStatus("write gate", "allow", fail_errno_);
  }
  allowed_char_.insert(device);
  return Status::Ok();
}

Status FakeBlockWriteGate::Activate() {
  if (unavailable_) {
    return FailedPreconditionError("write gate", "bpf-lsm",
                                   "the kernel does not run BPF LSM programs");
  }
  active_ = true;
  log_.emplace_back("activate");
  return Status::Ok();
}

Result<std::vector<GateDenial>> FakeBlockWriteGate::Drain() {
  std::vector<GateDenial> out;
  out.swap(pending_);
  return out;
}

}  // namespace piiguard::os
