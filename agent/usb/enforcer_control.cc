// UsbEnforcer: what the rest of the daemon asks of it (the session's
// StickControl, policy changes) and the journal of write attempts.

#include <algorithm>
#include <map>

#include "agent/usb/enforcer.h"
#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::agent::usb {
namespace {

using journal::Severity;

}  // namespace

void UsbEnforcer::OnWriteAttempts() {
  Result<std::vector<os::DeviceWrite>> writes = deps_.writes.Drain();
  if (!writes.ok()) {
    (void)Journal(journal::types::kUsbError, Severity::kWarning, "write watch",
                  Json{{"error", writes.status().message()}});
    return;
  }
  JournalAttempts(*writes, "blkroset");
}

void UsbEnforcer::JournalAttempts(const std::vector<os::DeviceWrite>& writes,
                                  std::string_view blocked_by) {
  // One entry per device and wake-up, with the count: a program writing in
  // a loop must not flood the journal.
  std::map<std::string, std::pair<int64_t, os::DeviceWrite>> counts;
  for (const os::DeviceWrite& write : writes) {
    auto& [count, last] = counts[write.device];
    count += write.count;
    last = write;
  }
  for (const auto& [device, entry] : counts) {
    const auto& [count, write] = entry;
    std::string disk = device;
    if (auto it = partition_disk_.find(disk); it != partition_disk_.end()) {
      disk = it->second;
    }
    auto stick = sticks_.find(disk);
    if (stick != sticks_.end() &&
        stick->second.state == StickState::kWritable) {
      continue;
    }
    std::string reason = stick != sticks_.end() ? stick->second.reason : "";
    Json details = {{"disk", disk},
                    {"reason", reason},
                    {"count", count},
                    {"blocked_by", blocked_by}};
    if (!write.operation.empty()) details["operation"] = write.operation;
    if (write.pid != 0) details["pid"] = write.pid;
    if (!write.process.empty()) details["process"] = write.process;
    (void)Journal(journal::types::kUsbWriteAttempt, Severity::kViolation,
                  device, details);
    if (stick != sticks_.end()) {
      Notify(MsgId::kUsbWriteBlocked, {device, stick->second.why_ja},
             {device, stick->second.why_en});
    }
  }
}

void UsbEnforcer::OnPolicyChanged() {
  Rescheduled([&] {
    for (auto& [name, stick] : sticks_) {
      if (stick.verified && stick.state != StickState::kCutOff &&
          stick.state != StickState::kClosing) {
        Verify(stick);
      }
    }
  });
}

Status UsbEnforcer::ReleaseWaiting() {
  Status first;
  Rescheduled([&] {
    for (auto& [name, stick] : sticks_) {
      if (stick.state != StickState::kWaiting) continue;
      // An exception that ended while the stick waited (or was closing) is
      // decided again, never made writable.
      if (!GrantHolds(stick)) {
        Verify(stick);
        continue;
      }
      Status s = MakeWritable(stick);
      if (!s.ok() && first.ok()) first = s;
    }
  });
  return first;
}

Status UsbEnforcer::MakeAllReadOnly(std::string_view reason) {
  Status first;
  Rescheduled([&] {
    for (auto& [name, stick] : sticks_) {
      if (stick.state != StickState::kWritable) continue;
      // A keyed stick waits for the gate again (re-confirmed radios).
      StickState after =
          stick.keyed ? StickState::kWaiting : StickState::kReadOnly;
      Status s =
          CloseWrites(stick, Json{{"reason", std::string(reason)}}, after);
      if (!s.ok() && first.ok()) first = s;
    }
  });
  return first;
}

bool UsbEnforcer::AnyUnsettled() const {
  return std::any_of(sticks_.begin(), sticks_.end(), [](const auto& entry) {
    const StickState state = entry.second.state;
    return state == StickState::kChecking || state == StickState::kClosing ||
           state == StickState::kCutOff;
  });
}

std::vector<KeyedStickState> UsbEnforcer::KeyedSticks() const {
  std::vector<KeyedStickState> out;
  for (const auto& [name, stick] : sticks_) {
    if (stick.keyed) {
      out.push_back({*stick.keyed, stick.state == StickState::kWritable ||
                                       stick.state == StickState::kClosing});
    }
  }
  return out;
}

}  // namespace piiguard::agent::usb
