// UsbEnforcer: start, rescans, uevents, deadlines and status. Block devices
// are in enforcer_blocks.cc, USB and Thunderbolt devices in
// enforcer_devices.cc, stick decisions in enforcer_sticks.cc, the session's
// StickControl and write attempts in enforcer_control.cc.

#include "agent/usb/enforcer.h"

#include <algorithm>
#include <charconv>

#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/os/log.h"

namespace piiguard::agent::usb {
namespace {

using journal::Severity;

uint64_t DiskSeqVar(const os::Uevent& event) {
  auto it = event.vars.find("DISKSEQ");
  return it == event.vars.end() ? 0 : ParseUnsigned(it->second);
}

// The device number a block uevent carries (MAJOR, MINOR), if it does.
std::optional<os::DeviceNumber> NumberVar(const os::Uevent& event) {
  auto major = event.vars.find("MAJOR");
  auto minor = event.vars.find("MINOR");
  if (major == event.vars.end() || minor == event.vars.end()) {
    return std::nullopt;
  }
  Result<os::DeviceNumber> number =
      os::ParseDeviceNumber(major->second + ":" + minor->second);
  if (!number.ok()) return std::nullopt;
  return *number;
}

}  // namespace

std::string_view StickStateName(StickState state) {
  switch (state) {
    case StickState::kChecking:
      return "checking";
    case StickState::kReadOnly:
      return "read_only";
    case StickState::kWaiting:
      return "waiting_for_session";
    case StickState::kWritable:
      return "writable";
    case StickState::kClosing:
      return "closing";
    case StickState::kCutOff:
      return "cut_off";
  }
  return "read_only";
}

UsbEnforcer::UsbEnforcer(EnforcerDeps deps, EnforcerConfig config,
                         WriteGate& gate)
    : deps_(deps),
      config_(std::move(config)),
      gate_(gate),
      groups_(config_.hub_settle_us, config_.hub_settle_max_us) {}

void UsbEnforcer::Rescheduled(const std::function<void()>& fn) {
  ++depth_;
  fn();
  --depth_;
  if (depth_ == 0) Reschedule();
}

void UsbEnforcer::Reschedule() {
  int64_t next = groups_.NextDeadline();
  auto consider = [&next](int64_t at) {
    if (at != 0 && (next == 0 || at < next)) next = at;
  };
  for (const auto& [name, stick] : sticks_) {
    if (stick.job) consider(stick.deadline_us);
    if (stick.keyed && (stick.state == StickState::kWritable ||
                        stick.state == StickState::kWaiting)) {
      consider(stick.recheck_us);
    }
  }
  if (next == scheduled_us_) return;
  scheduled_us_ = next;
  if (config_.schedule) config_.schedule(next);
}

Status UsbEnforcer::Journal(std::string type, Severity severity,
                            std::string subject, Json details) const {
  journal::Event event;
  event.type = std::move(type);
  event.severity = severity;
  event.subject = std::move(subject);
  event.details = std::move(details);
  Status status = config_.journal != nullptr
                      ? config_.journal->Append(event).status()
                      : FailedPreconditionError("usb", "journal", "none given");
  os::LogIfError("usb: journal: " + event.type, status);
  return status;
}

Status UsbEnforcer::Start() {
  Status result;
  Rescheduled([&] {
    // Nothing new is configured until we decide; this outlives the daemon.
    Result<std::vector<std::string>> devices =
        deps_.sysfs.ListDirectory("bus/usb/devices");
    if (!devices.ok()) {
      result = devices.status();
      return;
    }
    Status first_error;
    for (const std::string& name : *devices) {
      if (!IsRootHubName(name)) continue;
      std::string path = "bus/usb/devices/" + name + "/authorized_default";
      if (Status s = deps_.sysfs.WriteAttribute(path, "0"); !s.ok()) {
        (void)Journal(journal::types::kUsbHubError, Severity::kWarning, name,
                      Json{{"error", s.message()}});
        if (first_error.ok()) first_error = s;
      }
    }
    result = Rescan(config_.clock->MonotonicUs());
    if (result.ok()) result = first_error;
    // Every device that is not controlled is allowed by now.
    StartWriteGate();
  });
  return result;
}

Status UsbEnforcer::Rescan(int64_t received_us) {
  // Block devices first: read-only before anything else.
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<std::string> blocks,
                            deps_.sysfs.ListDirectory("class/block"));
  for (const std::string& name : blocks) {
    Result<std::string> path = deps_.sysfs.ResolvePath("class/block/" + name);
    if (!path.ok()) continue;
    bool partition =
        deps_.sysfs.ReadAttribute(BlockPath(name, "", "partition")).ok();
    std::string disk =
        partition ? BaseName(path->substr(0, path->rfind('/'))) : name;
    if (ClassifyBlock(deps_.sysfs, *path, disk).bus == BlockBus::kNone) {
      if (!uncontrolled_.contains(name)) AllowUncontrolled(name, std::nullopt);
      continue;
    }
    HandleBlockAdd(name, *path, partition, received_us, DiskSeqOf(disk));
  }
  blocks_scanned_ = true;
  RevokeGone(blocks);
  // Forget sticks that went while we were not listening.
  for (auto it = sticks_.begin(); it != sticks_.end();) {
    std::string name = it->first;
    ++it;
    if (std::find(blocks.begin(), blocks.end(), name) == blocks.end()) {
      HandleBlockRemove(name, false);
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
  return RescanThunderbolt();
}

void UsbEnforcer::OnUevents(const os::UeventSource::Batch& batch,
                            int64_t received_us) {
  Rescheduled([&] {
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
  });
}

void UsbEnforcer::OnUdevEvents(const os::UeventSource::Batch& batch) {
  Rescheduled([&] {
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
      // udevd's message may come after the kernel's "remove" and "add" of
      // another disk under the same name: only the stick's own disk.
      // (Without DISKSEQ in the message, the disk's own now.)
      uint64_t diskseq = DiskSeqVar(event);
      if (diskseq == 0) diskseq = DiskSeqOf(stick.disk);
      if (stick.diskseq != 0 && diskseq != stick.diskseq) continue;
      if (Status s = deps_.blocks.SetReadOnly(event.devname, false); !s.ok()) {
        Explain(stick, "could not be made writable",
                MsgId::kUsbNotMadeWritable);
        (void)CloseWrites(
            stick, Json{{"reason", stick.reason}, {"error", s.message()}},
            StickState::kReadOnly);
      }
    }
  });
}

void UsbEnforcer::HandleEvent(const os::Uevent& event, int64_t received_us) {
  std::string path = event.devpath.substr(1);  // "devices/..."
  if (event.subsystem == "block") {
    if (event.devname.empty()) return;
    bool partition = event.devtype == "partition";
    if (event.action == "remove") {
      RevokeNumber(event.devname, NumberVar(event));
      HandleBlockRemove(event.devname, partition);
      return;
    }
    std::string disk =
        partition ? BaseName(path.substr(0, path.rfind('/'))) : event.devname;
    if (ClassifyBlock(deps_.sysfs, path, disk).bus == BlockBus::kNone) {
      if (event.action == "add") {
        AllowUncontrolled(event.devname, NumberVar(event));
      }
      return;
    }
    uint64_t diskseq = DiskSeqVar(event);
    if (diskseq == 0) diskseq = DiskSeqOf(disk);
    if (event.action == "add") {
      HandleBlockAdd(event.devname, path, partition, received_us, diskseq);
    } else if (event.action == "change" && !partition) {
      auto media = event.vars.find("DISK_MEDIA_CHANGE");
      if (media != event.vars.end() && media->second == "1") {
        HandleMediaChange(event.devname, diskseq);
      }
    }
    return;
  }
  if (event.subsystem == "thunderbolt" &&
      event.devtype == "thunderbolt_device" && event.action == "add") {
    HandleThunderbolt(path, /*at_start=*/false);
    return;
  }
  if (event.subsystem != "usb" || event.devtype != "usb_device") return;
  std::string name = BaseName(path);
  if (IsRootHubName(name)) {
    if (event.action == "add") HandleRootHub(path);
    return;
  }
  if (!IsUsbDeviceName(name)) return;
  // A USB device is looked at on "add" and on "bind". The kernel sends
  // "add" before its generic driver probes the device, and that probe
  // configures a device that is authorized by then: authorizing between the
  // two configures the device twice (its interfaces, and the disk whose
  // uevent is being handled, are torn down and made again). So a device is
  // authorized only once it is bound (HandleUsbDevice); a refusal needs no
  // probe and is recorded at "add". The probe binds unauthorized devices
  // too (it only logs "Device is not authorized for usage"), so every
  // device has a "bind".
  if (event.action == "add" || event.action == "bind") {
    HandleUsbDevice(path, /*at_add=*/event.action == "add");
  } else if (event.action == "remove") {
    refused_.erase(path);
    groups_.Gone(path);
  }
}

void UsbEnforcer::OnTimer() {
  scheduled_us_ = 0;  // the timer has fired: it is armed again below
  Rescheduled([&] {
    int64_t now = config_.clock->MonotonicUs();
    SettleGroups(now);
    std::vector<std::string> names;
    names.reserve(sticks_.size());
    for (const auto& [name, stick] : sticks_) names.push_back(name);
    for (const std::string& name : names) {
      auto it = sticks_.find(name);
      if (it == sticks_.end()) continue;
      Stick& stick = it->second;
      if (stick.job && stick.deadline_us <= now) {
        if (stick.job_kind == JobKind::kRead) {
          AbandonJob(stick);
          Explain(stick, "medium does not answer", MsgId::kUsbStalled);
          Json details = {{"reason", stick.reason},
                          {"error",
                           "the medium helper did not answer in "
                           "time"}};
          (void)CloseWrites(stick, std::move(details), StickState::kReadOnly);
          Notify(MsgId::kUsbStickReadOnly, {stick.disk, stick.why_ja},
                 {stick.disk, stick.why_en});
        } else {
          FinishClose(stick, nullptr);
        }
        continue;
      }
      if (stick.keyed && stick.recheck_us != 0 && stick.recheck_us <= now &&
          (stick.state == StickState::kWritable ||
           stick.state == StickState::kWaiting)) {
        Verify(stick);  // expiry, against the key file already read
      }
    }
  });
}

void UsbEnforcer::OnMediumReady() {
  Rescheduled([&] {
    for (auto& [id, answer] : deps_.jobs.Collect()) {
      auto it = std::find_if(
          sticks_.begin(), sticks_.end(),
          [&, id = id](const auto& entry) { return entry.second.job == id; });
      if (it == sticks_.end()) continue;  // abandoned meanwhile
      Stick& stick = it->second;
      if (!answer) {
        // The helper runs: the work's own deadline starts now.
        stick.deadline_us =
            config_.clock->MonotonicUs() + (stick.job_kind == JobKind::kRead
                                                ? config_.read_deadline_us
                                                : config_.close_deadline_us);
        continue;
      }
      stick.job.reset();
      if (stick.job_kind == JobKind::kRead) {
        FinishRead(stick, *answer);
      } else {
        FinishClose(stick, &*answer);
      }
    }
  });
}

void UsbEnforcer::AbandonJob(Stick& stick) {
  if (!stick.job) return;
  deps_.jobs.Abandon(*stick.job);
  stick.job.reset();
  stick.deadline_us = 0;
}

Result<Json> UsbEnforcer::StatusPart() const {
  Json sticks = Json::array();
  for (const auto& [name, stick] : sticks_) {
    Json entry = {{"device", name},
                  {"state", StickStateName(stick.state)},
                  {"reason", stick.reason},
                  {"reason_ja", stick.why_ja},
                  {"reason_en", stick.why_en},
                  {"bus", BlockBusName(stick.block.bus)},
                  {"diskseq", stick.diskseq},
                  {"vid_pid", stick.observed.vid + ":" + stick.observed.pid},
                  {"serial", stick.observed.serial}};
    if (stick.keyed) {
      entry["stick_id"] = stick.keyed->stick_id;
      entry["job"] = stick.keyed->job;
      entry["holder"] = stick.keyed->holder;
    }
    ExceptionStatus(stick, entry);
    sticks.push_back(entry);
  }
  return sticks;
}

}  // namespace piiguard::agent::usb
