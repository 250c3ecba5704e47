// UsbEnforcer: sticks. Reading the key (off the loop), the verdict, making
// a stick writable, and making it read-only again with its mounts closed.

#include <algorithm>
#include <cctype>
#include <span>

#include "agent/usb/enforcer.h"
#include "agent/usb/stick_identity_hash.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "policy/stick/usb_identity.h"

namespace piiguard::agent::usb {
namespace {

using journal::Severity;

std::string Lower(std::string text) {
  for (char& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

Json MountsJson(const std::vector<os::MountTarget>& mounts) {
  Json list = Json::array();
  for (const os::MountTarget& m : mounts) {
    list.push_back(
        Json{{"ns", m.ns}, {"pid", m.pid}, {"mount_point", m.mount_point}});
  }
  return list;
}

}  // namespace

void UsbEnforcer::StartRead(Stick& stick) {
  stick.state = StickState::kChecking;
  gate_.SticksChanged();  // it may turn out keyed: a radio exception waits
  Explain(stick, "checking", MsgId::kUsbChecking);
  stick.verified = false;
  stick.refusal.reset();
  stick.identity.clear();
  // The identity is the kernel's (sysfs): no read of the medium.
  Result<stick::BlockDeviceIdentity> identity =
      stick::IdentifyBlockDevice(deps_.sysfs, stick.disk);
  MediumRequest request;
  request.kind = MediumRequest::Kind::kRead;
  request.disk = stick.disk;
  for (const std::string& part : Partitions(stick.disk)) {
    Result<std::string> start = deps_.sysfs.ReadAttribute(
        "class/block/" + stick.disk + "/" + part + "/start");
    if (start.ok()) {
      request.partitions.push_back({part, ParseUnsigned(*start) * 512});
    }
  }
  Result<MediumJobs::Id> job =
      identity.ok() ? deps_.jobs.Start(request) : identity.status();
  if (!job.ok()) {
    Explain(stick, "unreadable medium", MsgId::kUsbUnreadable);
    (void)CloseWrites(
        stick,
        Json{{"reason", stick.reason}, {"error", job.status().message()}},
        StickState::kReadOnly);
    return;
  }
  stick.observed = {};
  stick.observed.vid = identity->usb.vid;
  stick.observed.pid = identity->usb.pid;
  stick.observed.serial = identity->usb.serial;
  stick.observed.capacity_bytes = identity->capacity_bytes;
  stick.identity = StickIdentityHash(stick.observed);
  stick.job = *job;
  stick.job_kind = JobKind::kRead;
  stick.deadline_us = config_.clock->MonotonicUs() + config_.start_deadline_us;
}

void UsbEnforcer::FinishRead(Stick& stick, const Result<MediumAnswer>& answer) {
  stick.deadline_us = 0;
  std::string error;
  if (!answer.ok()) {
    error = answer.status().message();
  } else if (!answer->error.empty()) {
    error = answer->error;
  }
  if (!error.empty()) {
    Explain(stick, "unreadable medium", MsgId::kUsbUnreadable);
    (void)CloseWrites(stick, Json{{"reason", stick.reason}, {"error", error}},
                      StickState::kReadOnly);
    return;
  }
  stick.key_file = answer->key_file;
  stick.observed.fs_uuid = Lower(answer->medium.fs.uuid);
  stick.observed.fs_type = answer->medium.fs.type;
  stick.verified = true;
  Verify(stick);
}

void UsbEnforcer::Verify(Stick& stick) {
  const policy::Policy* policy = config_.policy();
  if (policy == nullptr) {
    stick.refusal.reset();
    Explain(stick, "no policy applied", MsgId::kUsbNoPolicy);
    (void)CloseWrites(stick, Json{{"reason", stick.reason}},
                      StickState::kReadOnly);
    return;
  }
  std::vector<Ed25519PublicKey> trusted = config_.pinned;
  for (const Ed25519PublicKey& key : policy->KeysFor(policy::KeyRole::kStick)) {
    trusted.push_back(key);
  }
  policy::StickContext context;
  context.policy = policy;
  context.trusted = std::span<const Ed25519PublicKey>(trusted);
  context.now = config_.clock->WallSeconds();
  context.pc_id = config_.pc_id();
  Decide(stick,
         policy::VerifyStickKey(stick.key_file, stick.observed, context));
}

void UsbEnforcer::Notify(MsgId id, std::initializer_list<std::string_view> ja,
                         std::initializer_list<std::string_view> en) const {
  if (config_.notify == nullptr) return;
  config_.notify->Notify(notify::CatalogueNotice(id, ja, en));
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
    DecideRefused(stick, verdict, std::move(details));
    return;
  }
  stick.refusal.reset();
  const policy::StickKey& key = *verdict.key;
  KeyedStick keyed{stick.disk, key.stick_id, key.job_id, key.holder};
  details["stick_id"] = key.stick_id;
  details["job"] = key.job_id;
  details["holder"] = key.holder;
  stick.expires_at = key.expires_at;
  // Checked again before the key expires, and at least every recheck_us.
  int64_t left_us =
      std::max<int64_t>(0, key.expires_at - config_.clock->WallSeconds()) *
          1'000'000 +
      1'000'000;
  stick.recheck_us =
      config_.clock->MonotonicUs() + std::min(config_.recheck_us, left_us);
  Admit(stick, keyed, std::nullopt, journal::types::kUsbStickKeyed,
        std::move(details));
}

void UsbEnforcer::Admit(Stick& stick, const KeyedStick& keyed,
                        std::optional<StickGrant> grant, const char* type,
                        Json details) {
  if (stick.keyed == keyed && stick.state != StickState::kReadOnly &&
      stick.state != StickState::kChecking) {
    stick.grant = std::move(grant);  // the same grant, maybe a later end
    return;
  }
  if (stick.keyed && (stick.state == StickState::kWritable ||
                      stick.state == StickState::kWaiting)) {
    // Writable (or waiting) by another key or grant: closed first; if its
    // mounts take time, the medium is read and decided again after.
    Json closing = {{"reason", stick.grant ? "exception ended" : "key changed"},
                    {"stick_id", stick.keyed->stick_id}};
    (void)CloseWrites(stick, std::move(closing), StickState::kReadOnly);
    if (stick.state == StickState::kClosing) stick.read_after_close = true;
    if (stick.state != StickState::kReadOnly) return;
  }
  stick.keyed = keyed;
  stick.grant = std::move(grant);
  if (!Journal(type, Severity::kInfo, stick.disk, std::move(details)).ok()) {
    Explain(stick, "journal unavailable", MsgId::kUsbJournalUnavailable);
    stick.keyed.reset();
    stick.grant.reset();
    stick.state = StickState::kReadOnly;
    return;  // stays read-only
  }
  if (gate_.KeyedStickVerified(keyed)) {
    (void)MakeWritable(stick);
  } else {
    stick.state = StickState::kWaiting;
  }
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
  // The write gate first (where it is active, the kernel refuses writes to
  // any device not allowed in it), then the read-only flag.
  Status gated;
  Result<std::set<os::DeviceNumber>> numbers = DeviceNumbers(stick);
  if (!numbers.ok()) gated = numbers.status();
  for (const os::DeviceNumber& number :
       numbers.ok() ? *numbers : std::set<os::DeviceNumber>{}) {
    gated = deps_.device_gate.Allow(number);
    if (!gated.ok()) break;
    stick.gate_allowed.insert(number);
  }
  for (const std::string& device : devices) {
    Status s = gated.ok() ? deps_.blocks.SetReadOnly(device, false) : gated;
    if (!s.ok()) {
      for (const std::string& undo : devices) {
        (void)deps_.blocks.SetReadOnly(undo, true);
      }
      for (const os::DeviceNumber& number : stick.gate_allowed) {
        (void)deps_.device_gate.Revoke(number);
      }
      stick.gate_allowed.clear();
      stick.state = StickState::kReadOnly;
      Explain(stick, "could not be made writable", MsgId::kUsbNotMadeWritable);
      (void)Journal(journal::types::kUsbStickReadOnly, Severity::kWarning,
                    stick.disk,
                    Json{{"reason", stick.reason}, {"error", s.message()}});
      return s;
    }
  }
  for (const std::string& device : devices) deps_.writes.Unwatch(device);
  stick.flag_cleared = true;
  stick.state = StickState::kWritable;
  NotifyWritable(stick);
  return Status::Ok();
}

Status UsbEnforcer::CloseWrites(Stick& stick, Json details, StickState after) {
  AbandonJob(stick);
  Status first;
  // The write gate first: where it is active, every new write open, write
  // through an open descriptor of the device node and SG_IO is refused at
  // once. (Writes through a mounted filesystem are closed below.)
  for (auto it = stick.gate_allowed.begin(); it != stick.gate_allowed.end();) {
    Status s = deps_.device_gate.Revoke(*it);
    if (!s.ok()) {
      if (first.ok()) first = s;
      ++it;
      continue;
    }
    it = stick.gate_allowed.erase(it);
  }
  if (stick.flag_cleared) {
    // Set at add and never cleared otherwise: only a stick made writable
    // needs it again (and opening a stalled stick could wait).
    std::vector<std::string> devices = Partitions(stick.disk);
    devices.push_back(stick.disk);
    Status flagged;
    for (const std::string& device : devices) {
      Status s = deps_.blocks.SetReadOnly(device, true);
      if (!s.ok() && flagged.ok()) flagged = s;
      if (s.ok()) (void)deps_.writes.Watch(device);
    }
    if (flagged.ok()) stick.flag_cleared = false;
    if (first.ok()) first = flagged;
  }
  if (!first.ok()) {
    details["error"] = first.message();
    (void)Journal(journal::types::kUsbBlockError, Severity::kViolation,
                  stick.disk, details);
    CutOff(stick, "could not be made read-only", std::move(details));
    return first;
  }
  // BLKROSET does not stop a filesystem that is already mounted
  // read-write: every writable mount of the disk and its partitions, in
  // every namespace, is closed by the medium helper.
  Result<std::vector<os::NamespaceTable>> tables =
      deps_.mounts.ListNamespaces();
  Result<std::set<os::DeviceNumber>> numbers = DeviceNumbers(stick);
  std::vector<os::MountTarget> writable;
  if (tables.ok() && numbers.ok()) {
    writable = os::MountsOf(*tables, *numbers, true);
  } else if (stick.state == StickState::kWritable ||
             stick.state == StickState::kClosing) {
    // It may be mounted writable and we cannot see: fail closed.
    Status unseen = !tables.ok() ? tables.status() : numbers.status();
    details["error"] = unseen.message();
    CutOff(stick, "mount table unreadable", std::move(details));
    return unseen;
  }
  if (writable.empty()) {
    Settle(stick, after);
    if (after != StickState::kChecking) {
      (void)Journal(journal::types::kUsbStickReadOnly, Severity::kNotice,
                    stick.disk, std::move(details));
    }
    return Status::Ok();
  }
  MediumRequest request;
  request.kind = MediumRequest::Kind::kClose;
  request.mounts = writable;
  Result<MediumJobs::Id> job = deps_.jobs.Start(request);
  details["mounts"] = MountsJson(writable);
  if (!job.ok()) {
    details["error"] = job.status().message();
    CutOff(stick, "mounts could not be closed", std::move(details));
    return job.status();
  }
  (void)Journal(journal::types::kUsbStickClosing, Severity::kNotice, stick.disk,
                details);
  stick.job = *job;
  stick.job_kind = JobKind::kClose;
  stick.deadline_us = config_.clock->MonotonicUs() + config_.start_deadline_us;
  stick.state = StickState::kClosing;
  stick.after_close = after;
  stick.close_details = std::move(details);
  return Status::Ok();
}

void UsbEnforcer::FinishClose(Stick& stick,
                              const Result<MediumAnswer>* answer) {
  AbandonJob(stick);
  Json details = std::move(stick.close_details);
  stick.close_details = Json();
  bool writers_left = false;  // a mount could only be detached
  if (answer == nullptr) {
    details["error"] = "mounts not closed within " +
                       std::to_string(config_.close_deadline_us / 1000) + " ms";
    writers_left = true;
  } else if (!answer->ok()) {
    details["error"] = answer->status().message();
    writers_left = true;
  } else {
    Json closed = Json::array();
    for (const CloseOutcome& o : (*answer)->closed) {
      closed.push_back(Json{{"mount_point", o.mount.mount_point},
                            {"action", CloseActionName(o.action)},
                            {"error", o.error}});
      writers_left = writers_left || o.action != CloseAction::kReadOnly;
    }
    details["closed"] = closed;
  }
  Result<std::vector<os::NamespaceTable>> tables =
      deps_.mounts.ListNamespaces();
  Result<std::set<os::DeviceNumber>> numbers = DeviceNumbers(stick);
  bool still_writable = !tables.ok() || !numbers.ok() ||
                        !os::MountsOf(*tables, *numbers, true).empty();
  if (writers_left || still_writable) {
    // A writer keeps a file open (only a detach worked), the helper did not
    // answer, or a writable mount remains: the device goes.
    CutOff(stick, "writes could not be stopped", std::move(details));
    return;
  }
  Settle(stick, stick.after_close);
  if (stick.after_close != StickState::kChecking) {
    (void)Journal(journal::types::kUsbStickReadOnly, Severity::kNotice,
                  stick.disk, std::move(details));
  }
  if (stick.read_after_close) {
    stick.read_after_close = false;
    StartRead(stick);
  }
}

void UsbEnforcer::Settle(Stick& stick, StickState state) {
  stick.state = state;
  if (state == StickState::kWaiting || state == StickState::kWritable) return;
  stick.expires_at = 0;
  stick.grant.reset();
  if (!stick.keyed) return gate_.SticksChanged();
  KeyedStick was = *stick.keyed;
  stick.keyed.reset();
  gate_.KeyedStickGone(was);
}

void UsbEnforcer::CutOff(Stick& stick, const std::string& why, Json details) {
  AbandonJob(stick);
  stick.read_after_close = false;
  Explain(stick, why, MsgId::kUsbCutOff);
  details["action"] = stick.block.usb_device.empty()
                          ? "not on USB: cannot be disconnected"
                          : "device de-authorized";
  (void)Journal(journal::types::kUsbStickCutOff, Severity::kViolation,
                stick.disk, details);
  Deauthorize(stick, why);
  Settle(stick, StickState::kCutOff);
  Notify(MsgId::kUsbStickReadOnly, {stick.disk, stick.why_ja},
         {stick.disk, stick.why_en});
}

}  // namespace piiguard::agent::usb
