#include "agent/usb/enforcer.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iostream>
#include <span>

#include "agent/usb/device_rules.h"
#include "agent/usb/present_devices.h"
#include "agent/usb/usb_paths.h"
#include "common/journal/event_types.h"
#include "common/os/usb_descriptors.h"
#include "policy/stick/usb_identity.h"

namespace piiguard::agent::usb {
namespace {

using journal::Severity;

std::string BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path
                                                     : path.substr(slash + 1));
}

std::string Lower(std::string text) {
  for (char& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

// "class/block/NAME[/PART][/ATTRIBUTE]" for the Sysfs seam.
std::string BlockPath(std::string_view name, std::string_view part,
                      std::string_view attribute) {
  std::string path = "class/block/";
  path += name;
  for (std::string_view more : {part, attribute}) {
    if (more.empty()) continue;
    path += '/';
    path += more;
  }
  return path;
}

void LogIfError(const Status& status) {
  if (!status.ok()) std::cerr << "piiguardd: usb: " << status.message() << "\n";
}

}  // namespace

std::string_view StickStateName(StickState state) {
  switch (state) {
    case StickState::kReadOnly:
      return "read_only";
    case StickState::kWaiting:
      return "waiting_for_session";
    case StickState::kWritable:
      return "writable";
  }
  return "read_only";
}

UsbEnforcer::UsbEnforcer(EnforcerDeps deps, EnforcerConfig config,
                         WriteGate& gate)
    : deps_(deps), config_(std::move(config)), gate_(gate) {}

Status UsbEnforcer::Journal(std::string type, Severity severity,
                            std::string subject, Json details) const {
  journal::Event event;
  event.type = std::move(type);
  event.severity = severity;
  event.subject = std::move(subject);
  event.details = std::move(details);
  Status status = config_.journal(event);
  if (!status.ok()) {
    std::cerr << "piiguardd: usb: journal: " << event.type << ": "
              << status.message() << "\n";
  }
  return status;
}

Status UsbEnforcer::Start() {
  // Nothing new is configured until we decide; this outlives the daemon.
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<std::string> devices,
                            deps_.sysfs.ListDirectory("bus/usb/devices"));
  Status first_error;
  for (const std::string& name : devices) {
    if (!IsRootHubName(name)) continue;
    std::string path = "bus/usb/devices/" + name + "/authorized_default";
    if (Status s = deps_.sysfs.WriteAttribute(path, "0"); !s.ok()) {
      (void)Journal(journal::types::kUsbHubError, Severity::kWarning, name,
                    Json{{"error", s.message()}});
      if (first_error.ok()) first_error = s;
    }
  }
  PIIGUARD_RETURN_IF_ERROR(Rescan(config_.monotonic_us()));
  return first_error;
}

Status UsbEnforcer::Rescan(int64_t received_us) {
  // Block devices first: read-only before anything else.
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<std::string> blocks,
                            deps_.sysfs.ListDirectory("class/block"));
  std::vector<std::string> disks;
  for (const std::string& name : blocks) {
    Result<std::string> path = deps_.sysfs.ResolvePath("class/block/" + name);
    if (!path.ok() || UsbDeviceOf(*path).empty()) continue;
    bool partition =
        deps_.sysfs.ReadAttribute(BlockPath(name, "", "partition")).ok();
    if (partition || sticks_.contains(name)) {
      HandleBlockAdd(name, *path, partition, received_us);
    } else {
      disks.push_back(name);
      // Read-only now; verified after the devices are decided.
      HandleBlockAdd(name, *path, false, received_us);
    }
  }
  // Forget sticks that went while we were not listening.
  for (auto it = sticks_.begin(); it != sticks_.end();) {
    if (std::find(blocks.begin(), blocks.end(), it->first) == blocks.end()) {
      std::string name = it->first;
      ++it;
      HandleBlockRemove(name, false);
    } else {
      ++it;
    }
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<std::string> devices,
                            deps_.sysfs.ListDirectory("bus/usb/devices"));
  for (const std::string& name : devices) {
    if (!IsUsbDeviceName(name)) continue;
    Result<std::string> path =
        deps_.sysfs.ResolvePath("bus/usb/devices/" + name);
    if (path.ok()) HandleUsbDevice(*path, /*at_add=*/false);
  }
  return Status::Ok();
}

void UsbEnforcer::OnUevents(const os::UeventSource::Batch& batch,
                            int64_t received_us) {
  for (const os::Uevent& event : batch.events) {
    HandleEvent(event, received_us);
  }
  if (batch.overflow) {
    (void)Journal(journal::types::kUsbUeventOverflow, Severity::kWarning,
                  "uevent", Json{{"action", "rescan"}});
    if (Status s = Rescan(received_us); !s.ok()) {
      (void)Journal(journal::types::kUsbError, Severity::kWarning, "rescan",
                    Json{{"error", s.message()}});
    }
  }
}

void UsbEnforcer::OnUdevEvents(const os::UeventSource::Batch& batch) {
  for (const os::Uevent& event : batch.events) {
    if (event.subsystem != "block" || event.devname.empty()) continue;
    if (event.action != "add" && event.action != "change") continue;
    std::string disk = event.devname;
    if (auto p = partition_disk_.find(disk); p != partition_disk_.end()) {
      disk = p->second;
    }
    auto it = sticks_.find(disk);
    if (it == sticks_.end() || it->second.state != StickState::kWritable) {
      continue;
    }
    Stick& stick = it->second;
    if (Status s = deps_.blocks.SetReadOnly(event.devname, false); !s.ok()) {
      (void)MakeReadOnly(stick, "could not be made writable again");
      Explain(stick, "could not be made writable", MsgId::kUsbNotMadeWritable);
    }
  }
}

void UsbEnforcer::HandleEvent(const os::Uevent& event, int64_t received_us) {
  std::string path = event.devpath.substr(1);  // "devices/..."
  if (event.subsystem == "block") {
    if (event.devname.empty() || UsbDeviceOf(path).empty()) return;
    bool partition = event.devtype == "partition";
    if (event.action == "add") {
      HandleBlockAdd(event.devname, path, partition, received_us);
    } else if (event.action == "remove") {
      HandleBlockRemove(event.devname, partition);
    }
    return;
  }
  // A USB device is looked at on "add" and on "bind". The kernel sends
  // "add" before its generic driver probes the device, and that probe
  // configures a device that is authorized by then: authorizing between the
  // two configures the device twice (its interfaces, and the disk whose
  // uevent is being handled, are torn down and made again). So a device is
  // authorized only once it is bound (HandleUsbDevice); a refusal needs no
  // probe and is recorded at "add". The probe binds unauthorized devices
  // too (it only logs "Device is not authorized for usage"), so every
  // device has a "bind".
  if (event.subsystem == "usb" && event.devtype == "usb_device" &&
      IsUsbDeviceName(BaseName(path))) {
    if (event.action == "add" || event.action == "bind") {
      HandleUsbDevice(path, /*at_add=*/event.action == "add");
    } else if (event.action == "remove") {
      refused_.erase(path);
    }
  }
}

void UsbEnforcer::HandleUsbDevice(const std::string& path, bool at_add) {
  std::string name = BaseName(path);
  Result<std::string> authorized =
      deps_.sysfs.ReadAttribute(path + "/authorized");
  Result<std::string> raw =
      deps_.sysfs.ReadBinaryAttribute(path + "/descriptors");
  if (!authorized.ok() || !raw.ok()) {
    Status error = !authorized.ok() ? authorized.status() : raw.status();
    if (error.code() == StatusCode::kNotFound) return;  // gone already
    (void)Journal(journal::types::kUsbDeviceRefused, Severity::kWarning, name,
                  Json{{"reason", "unreadable"}, {"error", error.message()}});
    return;
  }
  Result<os::UsbDescriptors> descriptors = os::ParseUsbDescriptors(*raw);
  const policy::Policy* policy = config_.policy();
  Result<std::string> serial_attr = deps_.sysfs.ReadAttribute(path + "/serial");
  std::string serial = serial_attr.ok() ? *serial_attr : "";
  DeviceDecision decision;
  std::string vid_pid = "unknown";
  Json interfaces = Json::array();
  bool present = false;
  if (!descriptors.ok()) {
    decision.reason = "malformed descriptors";
  } else {
    vid_pid = VidPid(*descriptors);
    for (const os::UsbInterface& i : descriptors->interfaces) {
      interfaces.push_back(os::InterfaceText(i));
    }
    decision =
        DecideDevice(*descriptors, policy ? policy->usb : policy::UsbRules{});
    // A separate input: the rules stay as they are; a device recorded at
    // installation, every field equal, is configured (its disks still
    // come up read-only).
    if (!decision.allow &&
        IsPresentAtInstallation(config_.present,
                                DescribeDevice(*descriptors, serial, name))) {
      decision.allow = true;
      decision.reason =
          "as present at installation (rules: " + decision.reason + ")";
      present = true;
    }
  }
  Json details = {{"device", vid_pid},
                  {"serial", serial},
                  {"interfaces", interfaces},
                  {"reason", decision.reason},
                  {"port", name}};
  if (present) details["present_at_installation"] = true;
  // The kernel's number for this enumeration of the device: a device
  // plugged again on the same port gets a new one.
  Result<std::string> devnum = deps_.sysfs.ReadAttribute(path + "/devnum");
  std::string instance = devnum.ok() ? *devnum : "";
  if (!decision.allow) {
    // Refused at "add" already (or in a rescan), still unauthorized: the
    // "bind" or the rescan has nothing to add.
    auto known = refused_.find(path);
    if (*authorized == "0" && !instance.empty() && known != refused_.end() &&
        known->second == instance) {
      return;
    }
    // Writing 0 before the kernel's probe is safe: the probe then leaves
    // the device unconfigured.
    Status s = Status::Ok();
    if (*authorized != "0")
      s = deps_.sysfs.WriteAttribute(path + "/authorized", "0");
    if (!s.ok()) details["error"] = s.message();
    Status journaled = Journal(journal::types::kUsbDeviceRefused,
                               Severity::kViolation, name, details);
    if (s.ok() && journaled.ok()) {
      refused_[path] = instance;
    } else {
      refused_.erase(path);  // recorded again at the next look
    }
    Notify(MsgId::kUsbDeviceRefused, {vid_pid, decision.reason},
           {vid_pid, decision.reason});
    return;
  }
  refused_.erase(path);
  if (*authorized == "1") return;  // already decided (a rescan)
  // Authorized only at "bind" or in a rescan of a bound device: before the
  // kernel's probe, authorizing would configure the device twice; "bind"
  // brings it back.
  if (at_add || !deps_.sysfs.ResolvePath(path + "/driver").ok()) return;
  // Authorized at once (the decision is on the path of every stick: its
  // disks come up read-only in any case), then journaled; an authorization
  // that cannot be recorded is taken back.
  if (Status s = deps_.sysfs.WriteAttribute(path + "/authorized", "1");
      !s.ok()) {
    details["error"] = s.message();
    (void)Journal(journal::types::kUsbDeviceError, Severity::kWarning, name,
                  details);
    return;
  }
  if (!Journal(journal::types::kUsbDeviceAuthorized, Severity::kInfo, name,
               details)
           .ok()) {
    LogIfError(deps_.sysfs.WriteAttribute(path + "/authorized", "0"));
  }
}

void UsbEnforcer::HandleBlockAdd(const std::string& name,
                                 const std::string& path, bool partition,
                                 int64_t received_us) {
  // Read-only first, before anything else is done with the device.
  Status ro = deps_.blocks.SetReadOnly(name, true);
  int64_t latency_us = config_.monotonic_us() - received_us;
  std::string disk = name;
  if (partition) {
    disk = BaseName(path.substr(0, path.rfind('/')));
    partition_disk_[name] = disk;
  }
  if (!ro.ok()) {
    // Cannot be made read-only: take the whole USB device away.
    Stick gone;
    gone.disk = disk;
    gone.usb_device = UsbDeviceOf(path);
    (void)Journal(journal::types::kUsbBlockError, Severity::kViolation, name,
                  Json{{"error", ro.message()}});
    Deauthorize(gone, "could not be made read-only");
    return;
  }
  Status watched = deps_.writes.Watch(name);
  Json details = {{"latency_us", latency_us}, {"disk", disk}};
  if (!watched.ok()) details["write_watch_error"] = watched.message();
  (void)Journal(journal::types::kUsbBlockReadOnly, Severity::kInfo, name,
                details);
  if (partition) {
    auto it = sticks_.find(disk);
    if (it != sticks_.end() && it->second.state == StickState::kWritable) {
      // A partition of a keyed, writable stick: writable as well.
      if (Status s = deps_.blocks.SetReadOnly(name, false); s.ok()) {
        deps_.writes.Unwatch(name);
      }
    }
    return;
  }
  if (sticks_.contains(name)) return;  // known (a rescan)
  Stick& stick = sticks_[name];
  stick.disk = name;
  stick.usb_device = UsbDeviceOf(path);
  Verify(stick);
}

void UsbEnforcer::HandleBlockRemove(const std::string& name, bool partition) {
  deps_.writes.Unwatch(name);
  if (partition || partition_disk_.contains(name)) {
    partition_disk_.erase(name);
    return;
  }
  auto it = sticks_.find(name);
  if (it == sticks_.end()) return;
  std::optional<KeyedStick> keyed = it->second.keyed;
  (void)Journal(journal::types::kUsbStickRemoved, Severity::kInfo, name,
                Json{{"state", StickStateName(it->second.state)}});
  sticks_.erase(it);
  std::erase_if(partition_disk_,
                [&](const auto& entry) { return entry.second == name; });
  if (keyed) gate_.KeyedStickGone(*keyed);
}

Status UsbEnforcer::ReadMedium(Stick& stick) {
  PIIGUARD_ASSIGN_OR_RETURN(
      stick::BlockDeviceIdentity identity,
      stick::IdentifyBlockDevice(deps_.sysfs, stick.disk));
  PIIGUARD_ASSIGN_OR_RETURN(stick::MediumInfo medium,
                            deps_.medium.Probe(stick.disk));
  std::string fs_device = stick.disk;
  if (medium.fs.offset != 0) {
    fs_device.clear();
    for (const std::string& part : Partitions(stick.disk)) {
      Result<std::string> start =
          deps_.sysfs.ReadAttribute(BlockPath(stick.disk, part, "start"));
      uint64_t sectors = 0;
      if (start.ok() &&
          std::from_chars(start->data(), start->data() + start->size(), sectors)
                  .ec == std::errc() &&
          sectors * 512 == medium.fs.offset) {
        fs_device = part;
      }
    }
    if (fs_device.empty()) {
      return NotFoundError("usb", stick.disk,
                           "no partition holds the filesystem");
    }
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      stick.key_file, deps_.medium.ReadKeyFile(fs_device, medium.fs.type));
  stick.observed.vid = identity.usb.vid;
  stick.observed.pid = identity.usb.pid;
  stick.observed.serial = identity.usb.serial;
  stick.observed.capacity_bytes = identity.capacity_bytes;
  stick.observed.fs_uuid = Lower(medium.fs.uuid);
  stick.observed.fs_type = medium.fs.type;
  stick.verified = true;
  return Status::Ok();
}

void UsbEnforcer::Verify(Stick& stick) {
  if (!stick.verified) {
    if (Status s = ReadMedium(stick); !s.ok()) {
      Explain(stick, "unreadable medium", MsgId::kUsbUnreadable);
      (void)Journal(journal::types::kUsbStickReadOnly, Severity::kNotice,
                    stick.disk,
                    Json{{"reason", stick.reason}, {"error", s.message()}});
      return;
    }
  }
  const policy::Policy* policy = config_.policy();
  if (policy == nullptr) {
    Explain(stick, "no policy applied", MsgId::kUsbNoPolicy);
    (void)Journal(journal::types::kUsbStickReadOnly, Severity::kNotice,
                  stick.disk, Json{{"reason", stick.reason}});
    return;
  }
  std::vector<Ed25519PublicKey> trusted = config_.pinned;
  for (const Ed25519PublicKey& key : policy->KeysFor(policy::KeyRole::kStick)) {
    trusted.push_back(key);
  }
  policy::StickContext context;
  context.policy = policy;
  context.trusted = std::span<const Ed25519PublicKey>(trusted);
  context.now = config_.now_seconds();
  context.pc_id = config_.pc_id();
  Decide(stick,
         policy::VerifyStickKey(stick.key_file, stick.observed, context));
}

void UsbEnforcer::Notify(MsgId id, std::initializer_list<std::string_view> ja,
                         std::initializer_list<std::string_view> en) const {
  if (!config_.notify) return;
  config_.notify(notify::Notice{"piiguard", Message(Lang::kJa, id, ja) + "\n" +
                                                Message(Lang::kEn, id, en)});
}

void UsbEnforcer::Explain(Stick& stick, std::string reason, MsgId why) {
  stick.reason = std::move(reason);
  stick.why_ja = Message(Lang::kJa, why);
  stick.why_en = Message(Lang::kEn, why);
}

void UsbEnforcer::Decide(Stick& stick, const policy::StickVerdict& verdict) {
  stick.reason = verdict.Reason();
  stick.why_ja = policy::DescribeStickVerdict(verdict, Lang::kJa);
  stick.why_en = policy::DescribeStickVerdict(verdict, Lang::kEn);
  Json details = {{"reason", stick.reason},
                  {"device", stick.observed.vid + ":" + stick.observed.pid},
                  {"serial", stick.observed.serial}};
  if (!verdict.accepted()) {
    std::optional<KeyedStick> was = stick.keyed;
    stick.keyed.reset();
    if (stick.state != StickState::kReadOnly) {
      (void)MakeReadOnly(stick, stick.reason);
    } else {
      (void)Journal(journal::types::kUsbStickReadOnly, Severity::kNotice,
                    stick.disk, details);
    }
    if (was) gate_.KeyedStickGone(*was);
    Notify(MsgId::kUsbStickReadOnly, {stick.disk, stick.why_ja},
           {stick.disk, stick.why_en});
    const policy::Policy* policy = config_.policy();
    if (policy &&
        policy->usb.unkeyed_storage == policy::UnkeyedStorage::kBlock) {
      Deauthorize(stick, "unkeyed storage blocked by policy");
    }
    return;
  }
  const policy::StickKey& key = *verdict.key;
  KeyedStick keyed{stick.disk, key.stick_id, key.job_id, key.holder};
  details["stick_id"] = key.stick_id;
  details["job"] = key.job_id;
  details["holder"] = key.holder;
  if (stick.keyed == keyed && stick.state != StickState::kReadOnly) return;
  stick.keyed = keyed;
  if (!Journal(journal::types::kUsbStickKeyed, Severity::kInfo, stick.disk,
               details)
           .ok()) {
    Explain(stick, "journal unavailable", MsgId::kUsbJournalUnavailable);
    return;  // stays read-only
  }
  if (gate_.KeyedStickVerified(keyed)) {
    (void)MakeWritable(stick);
  } else {
    stick.state = StickState::kWaiting;
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

Status UsbEnforcer::MakeWritable(Stick& stick) {
  // The decision is durable before the stick can be written.
  Status journaled = Journal(
      journal::types::kUsbStickWritable, Severity::kNotice, stick.disk,
      Json{{"stick_id", stick.keyed->stick_id}, {"job", stick.keyed->job}});
  if (!journaled.ok()) {
    stick.state = StickState::kReadOnly;
    Explain(stick, "journal unavailable", MsgId::kUsbJournalUnavailable);
    return journaled;
  }
  std::vector<std::string> devices = Partitions(stick.disk);
  devices.push_back(stick.disk);
  for (const std::string& device : devices) {
    if (Status s = deps_.blocks.SetReadOnly(device, false); !s.ok()) {
      for (const std::string& undo : devices) {
        (void)deps_.blocks.SetReadOnly(undo, true);
      }
      stick.state = StickState::kReadOnly;
      Explain(stick, "could not be made writable", MsgId::kUsbNotMadeWritable);
      (void)Journal(journal::types::kUsbStickReadOnly, Severity::kWarning,
                    stick.disk,
                    Json{{"reason", stick.reason}, {"error", s.message()}});
      return s;
    }
  }
  for (const std::string& device : devices) deps_.writes.Unwatch(device);
  stick.state = StickState::kWritable;
  Notify(MsgId::kUsbStickWritable,
         {stick.disk, stick.keyed->job, stick.keyed->holder},
         {stick.disk, stick.keyed->job, stick.keyed->holder});
  return Status::Ok();
}

Status UsbEnforcer::MakeReadOnly(Stick& stick, std::string_view reason) {
  std::vector<std::string> devices = Partitions(stick.disk);
  devices.push_back(stick.disk);
  Status first;
  for (const std::string& device : devices) {
    Status s = deps_.blocks.SetReadOnly(device, true);
    if (!s.ok() && first.ok()) first = s;
    if (s.ok()) (void)deps_.writes.Watch(device);
  }
  stick.state = StickState::kReadOnly;
  Json details = {{"reason", std::string(reason)}};
  if (!first.ok()) {
    details["error"] = first.message();
    (void)Journal(journal::types::kUsbBlockError, Severity::kViolation,
                  stick.disk, details);
    Deauthorize(stick, "could not be made read-only");
    return first;
  }
  (void)Journal(journal::types::kUsbStickReadOnly, Severity::kNotice,
                stick.disk, details);
  return Status::Ok();
}

void UsbEnforcer::Deauthorize(const Stick& stick, const std::string& reason) {
  if (stick.usb_device.empty()) return;
  Status s = deps_.sysfs.WriteAttribute(stick.usb_device + "/authorized", "0");
  Json details = {{"reason", reason}, {"disk", stick.disk}};
  if (!s.ok()) details["error"] = s.message();
  (void)Journal(journal::types::kUsbDeviceRefused, Severity::kViolation,
                BaseName(stick.usb_device), details);
}

void UsbEnforcer::OnWriteAttempts() {
  Result<std::vector<os::DeviceWrite>> writes = deps_.writes.Drain();
  if (!writes.ok()) {
    (void)Journal(journal::types::kUsbError, Severity::kWarning, "write watch",
                  Json{{"error", writes.status().message()}});
    return;
  }
  // One entry per device and wake-up, with the count: a program writing in
  // a loop must not flood the journal.
  std::map<std::string, std::pair<int64_t, os::DeviceWrite>> counts;
  for (const os::DeviceWrite& write : *writes) {
    auto& [count, last] = counts[write.device];
    ++count;
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
    Json details = {{"disk", disk}, {"reason", reason}, {"count", count}};
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
  for (auto& [name, stick] : sticks_) {
    if (stick.verified) Verify(stick);
  }
}

Status UsbEnforcer::ReleaseWaiting() {
  Status first;
  for (auto& [name, stick] : sticks_) {
    if (stick.state != StickState::kWaiting) continue;
    Status s = MakeWritable(stick);
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

Status UsbEnforcer::MakeAllReadOnly(std::string_view reason) {
  Status first;
  for (auto& [name, stick] : sticks_) {
    if (stick.state == StickState::kReadOnly) continue;
    Status s = MakeReadOnly(stick, reason);
    if (stick.keyed) stick.state = StickState::kWaiting;  // after re-confirm
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

std::vector<KeyedStickState> UsbEnforcer::KeyedSticks() const {
  std::vector<KeyedStickState> out;
  for (const auto& [name, stick] : sticks_) {
    if (stick.keyed) {
      out.push_back({*stick.keyed, stick.state == StickState::kWritable});
    }
  }
  return out;
}

Result<Json> UsbEnforcer::StatusPart() const {
  Json sticks = Json::array();
  for (const auto& [name, stick] : sticks_) {
    Json entry = {{"device", name},
                  {"state", StickStateName(stick.state)},
                  {"reason", stick.reason},
                  {"reason_ja", stick.why_ja},
                  {"reason_en", stick.why_en},
                  {"vid_pid", stick.observed.vid + ":" + stick.observed.pid},
                  {"serial", stick.observed.serial}};
    if (stick.keyed) {
      entry["stick_id"] = stick.keyed->stick_id;
      entry["job"] = stick.keyed->job;
      entry["holder"] = stick.keyed->holder;
    }
    sticks.push_back(entry);
  }
  return sticks;
}

}  // namespace piiguard::agent::usb
