#include "agent/usb/device_rules.h"

#include <algorithm>
#include <string_view>

namespace piiguard::agent::usb {
namespace {

constexpr uint8_t kAudio = 0x01;
constexpr uint8_t kHid = 0x03;
constexpr uint8_t kPrinter = 0x07;
constexpr uint8_t kStorage = 0x08;
constexpr uint8_t kHub = 0x09;
constexpr uint8_t kSmartCard = 0x0b;
constexpr uint8_t kVideo = 0x0e;

std::string Hex4(uint16_t value) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string text(4, '0');
  for (int i = 3; i >= 0; --i) {
    text[static_cast<size_t>(i)] = kDigits[value & 0xf];
    value = static_cast<uint16_t>(value >> 4);
  }
  return text;
}

bool Harmless(uint8_t cls) {
  return cls == kAudio || cls == kPrinter || cls == kSmartCard || cls == kVideo;
}

std::string Hex2(uint8_t value) { return Hex4(value).substr(2); }

bool ListedHid(const os::UsbDescriptors& device,
               const policy::UsbRules& rules) {
  if (rules.hid_allowed_devices.empty()) return true;
  std::string vid = Hex4(device.vid);
  std::string pid = Hex4(device.pid);
  return std::any_of(rules.hid_allowed_devices.begin(),
                     rules.hid_allowed_devices.end(),
                     [&](const policy::UsbDeviceId& id) {
                       return id.vid == vid && id.pid == pid;
                     });
}

DeviceDecision Refuse(DeviceDecision decision, std::string reason) {
  decision.allow = false;
  decision.reason = std::move(reason);
  return decision;
}

// The decision on the device's own interfaces.
DeviceDecision DecideAlone(const os::UsbDescriptors& device,
                           const policy::UsbRules& rules) {
  DeviceDecision decision;
  if (IsPlainHub(device)) {
    decision.allow = true;
    decision.hub = true;
    decision.reason = "hub";
    return decision;
  }
  if (device.interfaces.empty()) return Refuse(decision, "no interfaces");
  for (const os::UsbInterface& interface : device.interfaces) {
    if (interface.cls == kStorage) {
      decision.storage = true;
      if (std::find(rules.storage_subclasses.begin(),
                    rules.storage_subclasses.end(),
                    interface.subclass) == rules.storage_subclasses.end()) {
        return Refuse(decision, "mass storage subclass " +
                                    Hex2(interface.subclass) +
                                    " not allowed by policy");
      }
    } else if (interface.cls == kHid) {
      decision.hid = true;
    } else if (interface.cls == kHub) {
      return Refuse(decision, "hub interface in a composite device");
    } else if (!Harmless(interface.cls)) {
      return Refuse(
          decision,
          "interface class " + os::InterfaceText(interface) + " not allowed");
    }
  }
  if (decision.storage && decision.hid) {
    decision.allow = rules.allow_composite_storage_hid;
    decision.reason = decision.allow ? "composite storage+HID allowed by policy"
                                     : "composite storage+HID device";
    return decision;
  }
  if (decision.hid) {
    if (!rules.hid_allowed)
      return Refuse(decision, "HID not allowed by policy");
    if (!ListedHid(device, rules)) {
      return Refuse(decision, "HID device not in the policy's list");
    }
    decision.allow = true;
    decision.reason = "HID";
    return decision;
  }
  decision.allow = true;
  decision.reason = decision.storage ? "mass storage" : "allowed class";
  return decision;
}

}  // namespace

bool IsPlainHub(const os::UsbDescriptors& device) {
  if (device.device_class != kHub && device.device_class != 0) return false;
  return !device.interfaces.empty() &&
         std::all_of(device.interfaces.begin(), device.interfaces.end(),
                     [](const os::UsbInterface& i) { return i.cls == kHub; });
}

std::string VidPid(const os::UsbDescriptors& device) {
  return Hex4(device.vid) + ":" + Hex4(device.pid);
}

DeviceDecision DecideDevice(const os::UsbDescriptors& device,
                            const policy::UsbRules& rules,
                            const DeviceContext& context) {
  DeviceDecision decision = DecideAlone(device, rules);
  // A hub carries no function of its own: it is never refused for what
  // arrived behind it (its devices are).
  if (!decision.allow || decision.hub || context.arrived_with.empty() ||
      rules.allow_composite_storage_hid) {
    return decision;
  }
  // Devices that arrived together behind one new hub are one device to an
  // attacker (a gadget with a hub and a keyboard and a stick behind it).
  bool storage = decision.storage;
  bool hid = decision.hid;
  for (const os::UsbDescriptors& other : context.arrived_with) {
    for (const os::UsbInterface& interface : other.interfaces) {
      storage = storage || interface.cls == kStorage;
      hid = hid || interface.cls == kHid;
    }
  }
  if (storage && hid) {
    return Refuse(decision, "storage+HID arrived together behind one new hub");
  }
  return decision;
}

}  // namespace piiguard::agent::usb
