// UsbEnforcer: controlled block devices (add, remove, media change, name
// reuse), their partitions and device numbers.

#include <algorithm>
#include <charconv>

#include "agent/usb/enforcer.h"
#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::agent::usb {
namespace {

using journal::Severity;

}  // namespace

uint64_t UsbEnforcer::DiskSeqOf(const std::string& disk) const {
  Result<std::string> seq =
      deps_.sysfs.ReadAttribute(BlockPath(disk, "", "diskseq"));
  return seq.ok() ? ParseUnsigned(*seq) : 0;
}

void UsbEnforcer::HandleBlockAdd(const std::string& name,
                                 const std::string& path, bool partition,
                                 int64_t received_us, uint64_t diskseq) {
  std::string disk =
      partition ? BaseName(path.substr(0, path.rfind('/'))) : name;
  if (!partition) {
    auto known = sticks_.find(disk);
    if (known != sticks_.end()) {
      // Known (a rescan): its flag is set already, and opening it again
      // could wait on a stick that stalls. Unless the name is reused by
      // another disk (its "remove" was lost): the old decision does not
      // carry over.
      if (known->second.diskseq == diskseq) return;
      HandleBlockRemove(disk, false);
    }
  } else if (auto known = partition_disk_.find(name);
             known != partition_disk_.end() && known->second == disk &&
             sticks_.contains(disk) && sticks_.at(disk).diskseq == diskseq) {
    return;  // known (a rescan)
  }
  // Read-only first, before anything else is done with the device.
  Status ro = deps_.blocks.SetReadOnly(name, true);
  int64_t latency_us = config_.clock->MonotonicUs() - received_us;
  if (partition) partition_disk_[name] = disk;
  BlockClass block = ClassifyBlock(deps_.sysfs, path, disk);
  if (!ro.ok()) {
    // Cannot be made read-only: take the whole USB device away.
    Stick gone;
    gone.disk = disk;
    gone.block = block;
    (void)Journal(journal::types::kUsbBlockError, Severity::kViolation, name,
                  Json{{"error", ro.message()}});
    Deauthorize(gone, "could not be made read-only");
    return;
  }
  Status watched = deps_.writes.Watch(name);
  Json details = {{"latency_us", latency_us}, {"disk", disk}};
  if (!watched.ok()) details["write_watch_error"] = watched.message();
  if (block.bus != BlockBus::kUsb) details["bus"] = BlockBusName(block.bus);
  (void)Journal(journal::types::kUsbBlockReadOnly, Severity::kInfo, name,
                details);
  auto it = sticks_.find(disk);
  if (partition) {
    if (it == sticks_.end()) return;  // its disk's own event decides
    if (diskseq != 0 && it->second.diskseq != 0 &&
        diskseq != it->second.diskseq) {
      // A partition of another medium than the one decided: a media change
      // whose "change" uevent we have not seen (yet).
      HandleMediaChange(disk, diskseq);
      return;
    }
    if (it->second.state == StickState::kWritable) {
      // A partition of a keyed, writable stick: writable as well.
      Result<std::string> dev =
          deps_.sysfs.ReadAttribute(BlockPath(name, "", "dev"));
      Result<os::DeviceNumber> number =
          dev.ok() ? os::ParseDeviceNumber(*dev)
                   : Result<os::DeviceNumber>(dev.status());
      if (!number.ok() || !deps_.device_gate.Allow(*number).ok()) return;
      it->second.gate_allowed.insert(*number);
      if (Status s = deps_.blocks.SetReadOnly(name, false); s.ok()) {
        deps_.writes.Unwatch(name);
      }
    }
    return;
  }
  Stick& stick = sticks_[name];
  stick.disk = name;
  stick.block = block;
  stick.diskseq = diskseq;
  if (block.bus == BlockBus::kUsb) {
    EnsureMediaPolling(name);
    StartRead(stick);
    return;
  }
  // SD cards, FireWire, hot-plugged PCI, optical and other removable media
  // cannot be keyed: read-only, and any writable mount (made before the
  // daemon ran) closed.
  Explain(stick, "not a USB stick", MsgId::kUsbNotAStick);
  (void)CloseWrites(
      stick, Json{{"reason", stick.reason}, {"bus", BlockBusName(block.bus)}},
      StickState::kReadOnly);
}

void UsbEnforcer::EnsureMediaPolling(const std::string& disk) {
  // A card swapped in a reader is noticed when the kernel polls the drive
  // (or when the device is opened). Debian's udev sets a 2 s default; where
  // nobody did, the disk gets its own.
  Result<std::string> removable =
      deps_.sysfs.ReadAttribute(BlockPath(disk, "", "removable"));
  Result<std::string> own =
      deps_.sysfs.ReadAttribute(BlockPath(disk, "", "events_poll_msecs"));
  Result<std::string> fallback = deps_.sysfs.ReadAttribute(
      "module/block/parameters/events_dfl_poll_msecs");
  if (!removable.ok() || *removable != "1" || !own.ok() || *own != "-1" ||
      !fallback.ok() || *fallback != "0") {
    return;
  }
  if (Status s = deps_.sysfs.WriteAttribute(
          BlockPath(disk, "", "events_poll_msecs"), "2000");
      !s.ok()) {
    (void)Journal(journal::types::kUsbError, Severity::kWarning, disk,
                  Json{{"error", s.message()},
                       {"action", "media change polling not enabled"}});
  }
}

void UsbEnforcer::HandleMediaChange(const std::string& name, uint64_t diskseq) {
  auto it = sticks_.find(name);
  if (it == sticks_.end()) return;
  Stick& stick = it->second;
  if (diskseq == 0) diskseq = DiskSeqOf(name);
  if (diskseq != 0 && diskseq == stick.diskseq) return;  // seen already
  (void)Journal(journal::types::kUsbStickMediaChanged, Severity::kNotice, name,
                Json{{"diskseq", diskseq},
                     {"previous_diskseq", stick.diskseq},
                     {"previous_state", StickStateName(stick.state)}});
  AbandonJob(stick);
  stick.diskseq = diskseq;
  stick.key_file.reset();
  stick.observed = {};
  stick.verified = false;
  // Another medium: nothing decided about the old one carries over. Read-
  // only first, writes through the old medium's mounts cut, then checked.
  if (stick.block.bus != BlockBus::kUsb) {
    Explain(stick, "not a USB stick", MsgId::kUsbNotAStick);
    (void)CloseWrites(stick, Json{{"reason", "medium changed"}},
                      StickState::kReadOnly);
    return;
  }
  Explain(stick, "medium changed", MsgId::kUsbChecking);
  stick.read_after_close = true;
  (void)CloseWrites(stick, Json{{"reason", "medium changed"}},
                    StickState::kChecking);
  if (stick.state == StickState::kChecking && stick.read_after_close) {
    stick.read_after_close = false;
    StartRead(stick);
  }
}

void UsbEnforcer::HandleBlockRemove(const std::string& name, bool partition) {
  deps_.writes.Unwatch(name);
  if (partition || partition_disk_.contains(name)) {
    partition_disk_.erase(name);
    return;
  }
  auto it = sticks_.find(name);
  if (it == sticks_.end()) return;
  AbandonJob(it->second);
  // Its numbers may be given to the next disk (a lost "remove").
  for (const os::DeviceNumber& number : it->second.gate_allowed) {
    if (Status s = deps_.device_gate.Revoke(number); !s.ok()) {
      (void)Journal(journal::types::kUsbBlockError, Severity::kViolation, name,
                    Json{{"error", s.message()}});
    }
  }
  std::optional<KeyedStick> keyed = it->second.keyed;
  (void)Journal(journal::types::kUsbStickRemoved, Severity::kInfo, name,
                Json{{"state", StickStateName(it->second.state)}});
  sticks_.erase(it);
  std::erase_if(partition_disk_,
                [&](const auto& entry) { return entry.second == name; });
  if (keyed) {
    gate_.KeyedStickGone(*keyed);
  } else {
    gate_.SticksChanged();
  }
}

std::vector<std::string> UsbEnforcer::Partitions(
    const std::string& disk) const {
  std::vector<std::string> parts;
  Result<std::vector<std::string>> names =
      deps_.sysfs.ListDirectory("class/block/" + disk);
  if (!names.ok()) return parts;
  for (const std::string& name : *names) {
    if (name.size() > disk.size() && name.starts_with(disk) &&
        deps_.sysfs.ReadAttribute(BlockPath(disk, name, "partition")).ok()) {
      parts.push_back(name);
    }
  }
  return parts;
}

Result<std::set<os::DeviceNumber>> UsbEnforcer::DeviceNumbers(
    const Stick& stick) const {
  // A number we cannot read is a mount we could not find: an error, so the
  // caller fails closed.
  std::set<os::DeviceNumber> numbers;
  std::vector<std::string> parts = Partitions(stick.disk);
  parts.emplace_back();  // the disk itself
  for (const std::string& part : parts) {
    PIIGUARD_ASSIGN_OR_RETURN(
        std::string dev,
        deps_.sysfs.ReadAttribute(BlockPath(stick.disk, part, "dev")));
    PIIGUARD_ASSIGN_OR_RETURN(os::DeviceNumber number,
                              os::ParseDeviceNumber(dev));
    numbers.insert(number);
  }
  return numbers;
}

}  // namespace piiguard::agent::usb
