// UsbEnforcer: the write gate (common/os/block_write_gate.h). Devices that
// are not controlled are allowed; a keyed stick's devices are allowed while
// it is writable (enforcer_sticks.cc); every other block device is refused
// by the kernel from its first moment.

#include <algorithm>
#include <string>
#include <vector>

#include "agent/usb/enforcer.h"
#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::agent::usb {
namespace {

using journal::Severity;

}  // namespace

void UsbEnforcer::AllowUncontrolled(const std::string& name,
                                    std::optional<os::DeviceNumber> number) {
  if (!number) {
    Result<std::string> dev =
        deps_.sysfs.ReadAttribute(BlockPath(name, "", "dev"));
    Result<os::DeviceNumber> parsed =
        dev.ok() ? os::ParseDeviceNumber(*dev)
                 : Result<os::DeviceNumber>(dev.status());
    if (!parsed.ok()) {
      ++gate_allow_failures_;
      (void)Journal(journal::types::kUsbError, Severity::kWarning, name,
                    Json{{"error", parsed.status().message()},
                         {"action", "not writable (write gate)"}});
      return;
    }
    number = *parsed;
  }
  if (Status s = deps_.device_gate.Allow(*number); !s.ok()) {
    ++gate_allow_failures_;
    (void)Journal(
        journal::types::kUsbError, Severity::kWarning, name,
        Json{{"error", s.message()}, {"action", "not writable (write gate)"}});
    return;
  }
  uncontrolled_[name] = *number;
}

void UsbEnforcer::RevokeGone(const std::vector<std::string>& present) {
  for (auto it = uncontrolled_.begin(); it != uncontrolled_.end();) {
    if (std::find(present.begin(), present.end(), it->first) != present.end()) {
      ++it;
      continue;
    }
    // Gone while we were not listening: its number may be given to a
    // controlled device next.
    if (Status s = deps_.device_gate.Revoke(it->second); !s.ok()) {
      (void)Journal(journal::types::kUsbError, Severity::kWarning, it->first,
                    Json{{"error", s.message()}});
    }
    it = uncontrolled_.erase(it);
  }
}

void UsbEnforcer::RevokeNumber(const std::string& name,
                               std::optional<os::DeviceNumber> number) {
  if (auto it = uncontrolled_.find(name); it != uncontrolled_.end()) {
    if (!number) number = it->second;
    uncontrolled_.erase(it);
  }
  if (!number) return;
  if (Status s = deps_.device_gate.Revoke(*number); !s.ok()) {
    (void)Journal(journal::types::kUsbError, Severity::kWarning, name,
                  Json{{"error", s.message()}});
  }
}

void UsbEnforcer::StartWriteGate() {
  // Only once every device that is not controlled is allowed: a gate that
  // refused an internal disk would stop the PC, not a stick.
  Status active;
  if (!blocks_scanned_) {
    active = FailedPreconditionError("write gate", "bpf-lsm",
                                     "block devices could not be listed");
  } else if (gate_allow_failures_ != 0) {
    active = FailedPreconditionError(
        "write gate", "bpf-lsm",
        "a device that is not controlled could not be allowed");
  } else {
    active = deps_.device_gate.Activate();
  }
  gate_error_ = active.ok() ? "" : active.message();
  Json details = {{"layer", deps_.device_gate.layer()}};
  if (!active.ok()) details["error"] = gate_error_;
  (void)Journal(journal::types::kUsbWriteLayer,
                active.ok() ? Severity::kInfo : Severity::kWarning, "usb",
                details);
}

Json UsbEnforcer::WriteLayerPart() const {
  Json part = {{"layer", deps_.device_gate.layer()}};
  if (!gate_error_.empty()) part["gate_error"] = gate_error_;
  return part;
}

void UsbEnforcer::OnGateDenials() {
  Result<std::vector<os::GateDenial>> denials = deps_.device_gate.Drain();
  if (!denials.ok()) {
    (void)Journal(journal::types::kUsbError, Severity::kWarning, "write gate",
                  Json{{"error", denials.status().message()}});
    return;
  }
  std::vector<os::DeviceWrite> writes;
  writes.reserve(denials->size());
  for (const os::GateDenial& denial : *denials) {
    os::DeviceWrite write;
    std::string number = std::to_string(denial.device.major) + ":" +
                         std::to_string(denial.device.minor);
    Result<std::string> path = deps_.sysfs.ResolvePath(
        (denial.char_device ? "dev/char/" : "dev/block/") + number);
    write.device = path.ok() ? BaseName(*path) : number;
    write.pid = denial.pid;
    write.process = denial.process;
    write.operation = denial.operation;
    write.count = denial.count;
    writes.push_back(std::move(write));
  }
  JournalAttempts(writes, "bpf-lsm");
}

}  // namespace piiguard::agent::usb
