#include "common/os/block_write_gate.h"

#include <string>
#include <utility>

namespace piiguard::os {

uint64_t KernelDeviceKey(DeviceNumber device, bool char_device) {
  // The kernel's MKDEV (include/linux/kdev_t.h): 12 bits of major, 20 of
  // minor; char devices apart (the BPF program's CHAR_KEY).
  uint64_t key = (uint64_t{device.major} << 20) | (device.minor & 0xfffffU);
  return char_device ? key | (uint64_t{1} << 32) : key;
}

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
