// UsbEnforcer: decisions about USB and Thunderbolt devices (authorized or
// not), root hubs that appear at runtime, and arrival groups behind new hubs.

#include "agent/usb/device_rules.h"
#include "agent/usb/enforcer.h"
#include "agent/usb/present_devices.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/os/log.h"
#include "common/os/usb_descriptors.h"

namespace piiguard::agent::usb {
namespace {

using journal::Severity;

void LogIfError(const Status& status) { os::LogIfError("usb", status); }

const policy::UsbRules& RulesOf(const policy::Policy* policy) {
  static const policy::UsbRules kDefaults;
  return policy ? policy->usb : kDefaults;
}

}  // namespace

bool UsbEnforcer::AllowIfPresent(const os::UsbDescriptors& descriptors,
                                 const std::string& serial,
                                 const std::string& port,
                                 DeviceDecision& decision) const {
  // A separate input: the rules stay as they are; a device recorded at
  // installation, every field equal, is configured (its disks still come
  // up read-only).
  if (decision.allow ||
      !IsPresentAtInstallation(config_.present,
                               DescribeDevice(descriptors, serial, port))) {
    return false;
  }
  decision.allow = true;
  decision.reason =
      "as present at installation (rules: " + decision.reason + ")";
  return true;
}

void UsbEnforcer::Refuse(const std::string& path, const std::string& authorized,
                         const std::string& instance, Json details, bool group,
                         bool quiet) {
  // Writing 0 before the kernel's probe is safe: the probe then leaves the
  // device unconfigured.
  Status s = Status::Ok();
  if (authorized != "0") {
    s = deps_.sysfs.WriteAttribute(path + "/authorized", "0");
  }
  if (!s.ok()) details["error"] = s.message();
  std::string reason = details.value("reason", "");
  std::string vid_pid = details.value("device", "unknown");
  Status journaled =
      Journal(journal::types::kUsbDeviceRefused, Severity::kViolation,
              BaseName(path), std::move(details));
  if (s.ok() && journaled.ok()) {
    refused_[path] = Refusal{instance, group};
  } else {
    refused_.erase(path);  // recorded again at the next look
  }
  if (!quiet)
    Notify(MsgId::kUsbDeviceRefused, {vid_pid, reason}, {vid_pid, reason});
}

void UsbEnforcer::Authorize(const std::string& path, Json details) {
  // Authorized at once (the decision is on the path of every stick: its
  // disks come up read-only in any case), then journaled; an authorization
  // that cannot be recorded is taken back.
  std::string name = BaseName(path);
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
    decision = DecideDevice(*descriptors, RulesOf(config_.policy()));
    present = AllowIfPresent(*descriptors, serial, name, decision);
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
  auto known = refused_.find(path);
  bool refused_before = *authorized == "0" && !instance.empty() &&
                        known != refused_.end() &&
                        known->second.instance == instance;
  // Refused with the devices it arrived with: stays refused for this
  // enumeration, whatever it looks like alone.
  if (refused_before && known->second.group) return;
  if (!decision.allow) {
    // Refused at "add" already (or in a rescan), still unauthorized: the
    // "bind" or the rescan has nothing to add.
    if (refused_before) return;
    Refuse(path, *authorized, instance, std::move(details), false, false);
    return;
  }
  refused_.erase(path);
  if (*authorized == "1") return;  // already decided (a rescan)
  int64_t now = config_.clock->MonotonicUs();
  std::string group = groups_.GroupOf(path);
  if (!group.empty() && !decision.hub) {
    // Below a hub that is still settling: held, judged with the others.
    groups_.Join(group, {path, instance, *descriptors}, now);
    return;
  }
  // Authorized only at "bind" or in a rescan of a bound device: before the
  // kernel's probe, authorizing would configure the device twice; "bind"
  // brings it back.
  if (at_add || !deps_.sysfs.ResolvePath(path + "/driver").ok()) return;
  if (decision.hub) {
    // A hub carries nothing itself; the devices that come up behind it
    // together are one arrival group (or join the enclosing one).
    if (!group.empty())
      groups_.Join(group, {path, instance, *descriptors}, now);
    groups_.HubAuthorized(path, now);
    details["arrival_group_settles_us"] = config_.hub_settle_us;
  }
  Authorize(path, std::move(details));
}

void UsbEnforcer::SettleGroups(int64_t now) {
  const policy::UsbRules& rules = RulesOf(config_.policy());
  for (HubGroups::Group& group : groups_.Settled(now)) {
    // A device recorded at installation is allowed as it was, and is no
    // part of a gadget: the others are judged without it (a keyboard
    // recorded at installation next to a stick plugged before boot).
    std::vector<std::string> serials;
    std::vector<bool> present;
    for (const HubGroups::Member& m : group.members) {
      Result<std::string> serial =
          deps_.sysfs.ReadAttribute(m.path + "/serial");
      serials.push_back(serial.ok() ? *serial : "");
      present.push_back(IsPresentAtInstallation(
          config_.present,
          DescribeDevice(m.descriptors, serials.back(), BaseName(m.path))));
    }
    Json members = Json::array();
    for (const HubGroups::Member& m : group.members) {
      members.push_back(VidPid(m.descriptors));
    }
    bool noticed = false;
    for (size_t i = 0; i < group.members.size(); ++i) {
      const HubGroups::Member& member = group.members[i];
      std::vector<os::UsbDescriptors> others;
      for (size_t j = 0; j < group.members.size(); ++j) {
        if (j != i && !present[j]) {
          others.push_back(group.members[j].descriptors);
        }
      }
      DeviceDecision decision =
          DecideDevice(member.descriptors, rules, DeviceContext{others});
      if (!decision.allow && present[i]) {
        decision.allow = true;
        decision.reason =
            "as present at installation (rules: " + decision.reason + ")";
      }
      Result<std::string> authorized =
          deps_.sysfs.ReadAttribute(member.path + "/authorized");
      if (!authorized.ok()) continue;  // gone meanwhile
      Json interfaces = Json::array();
      for (const os::UsbInterface& iface : member.descriptors.interfaces) {
        interfaces.push_back(os::InterfaceText(iface));
      }
      Json details = {{"device", VidPid(member.descriptors)},
                      {"serial", serials[i]},
                      {"interfaces", interfaces},
                      {"reason", decision.reason},
                      {"port", BaseName(member.path)},
                      {"hub", BaseName(group.hub)},
                      {"arrived_with", members}};
      if (present[i]) details["present_at_installation"] = true;
      if (!decision.allow) {
        Refuse(member.path, *authorized, member.instance, std::move(details),
               true, noticed);
        noticed = true;
        continue;
      }
      if (decision.hub || *authorized == "1") continue;
      // Bound by now: authorized; else at its "bind" (the group is closed).
      if (deps_.sysfs.ResolvePath(member.path + "/driver").ok()) {
        Authorize(member.path, std::move(details));
      }
    }
  }
}

void UsbEnforcer::HandleRootHub(const std::string& path) {
  // A root hub that appears at runtime (a Thunderbolt dock's own USB
  // controller): nothing behind it is configured until we decide.
  Status s = deps_.sysfs.WriteAttribute(path + "/authorized_default", "0");
  Json details = {{"reason", "root hub added"}};
  if (!s.ok()) details["error"] = s.message();
  (void)Journal(
      s.ok() ? journal::types::kUsbHubClosed : journal::types::kUsbHubError,
      s.ok() ? Severity::kInfo : Severity::kWarning, BaseName(path), details);
}

void UsbEnforcer::HandleThunderbolt(const std::string& path, bool at_start) {
  std::string name = BaseName(path);
  if (name.ends_with("-0")) return;  // a host router: the PC's own
  Result<std::string> authorized =
      deps_.sysfs.ReadAttribute(path + "/authorized");
  if (!authorized.ok()) return;  // gone, or no such attribute
  Result<std::string> vendor = deps_.sysfs.ReadAttribute(path + "/vendor_name");
  Result<std::string> device = deps_.sysfs.ReadAttribute(path + "/device_name");
  std::string label = (vendor.ok() ? *vendor : std::string("?")) + " " +
                      (device.ok() ? *device : std::string("?"));
  Json details = {{"bus", "thunderbolt"}, {"device", label}, {"port", name}};
  const policy::Policy* policy = config_.policy();
  bool allow =
      policy && policy->usb.thunderbolt == policy::ThunderboltMode::kAllow;
  if (allow) {
    if (*authorized != "0") return;
    details["reason"] = "Thunderbolt allowed by policy";
    Status s = deps_.sysfs.WriteAttribute(path + "/authorized", "1");
    if (!s.ok()) details["error"] = s.message();
    (void)Journal(s.ok() ? journal::types::kUsbDeviceAuthorized
                         : journal::types::kUsbDeviceError,
                  s.ok() ? Severity::kInfo : Severity::kWarning, name, details);
    return;
  }
  details["reason"] = "Thunderbolt device not allowed by policy";
  if (*authorized != "0") {
    // Authorized by the kernel (security level "none") or before we ran: a
    // device present at start is left as it is (a dock in use), one that
    // arrives is taken back where the kernel allows it.
    if (at_start) return;
    Status s = deps_.sysfs.WriteAttribute(path + "/authorized", "0");
    if (!s.ok()) {
      details["error"] = s.message();
      details["reason"] =
          "Thunderbolt device authorized by the kernel (security level none?)";
    }
  }
  (void)Journal(journal::types::kUsbDeviceRefused, Severity::kViolation, name,
                details);
  Notify(MsgId::kUsbThunderboltRefused, {label}, {label});
}

Status UsbEnforcer::RescanThunderbolt() {
  Result<std::vector<std::string>> devices =
      deps_.sysfs.ListDirectory("bus/thunderbolt/devices");
  if (!devices.ok()) {
    // No Thunderbolt controller (or no driver): nothing to decide.
    return devices.status().code() == StatusCode::kNotFound ? Status::Ok()
                                                            : devices.status();
  }
  for (const std::string& name : *devices) {
    if (name.starts_with("domain")) continue;
    Result<std::string> path =
        deps_.sysfs.ResolvePath("bus/thunderbolt/devices/" + name);
    if (path.ok()) HandleThunderbolt(*path, /*at_start=*/true);
  }
  return Status::Ok();
}

void UsbEnforcer::Deauthorize(const Stick& stick, const std::string& reason) {
  if (stick.block.usb_device.empty()) return;
  Status s =
      deps_.sysfs.WriteAttribute(stick.block.usb_device + "/authorized", "0");
  Json details = {{"reason", reason}, {"disk", stick.disk}};
  if (!s.ok()) details["error"] = s.message();
  (void)Journal(journal::types::kUsbDeviceRefused, Severity::kViolation,
                BaseName(stick.block.usb_device), details);
}

}  // namespace piiguard::agent::usb
