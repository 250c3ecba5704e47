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
  return cls == kAudio || cls == kPrinter || cls == kSmartCard ||
         cls == kVideo || cls == kHub;
}

}  // namespace

std::string VidPid(const os::UsbDescriptors& device) {
  return Hex4(device.vid) + ":" + Hex4(device.pid);
}

DeviceDecision DecideDevice(const os::UsbDescriptors& device,
                            const policy::UsbRules& rules) {
  DeviceDecision decision;
  if (device.device_class == kHub) {
    decision.allow = true;
    decision.reason = "hub";
    return decision;
  }
  if (device.interfaces.empty()) {
    decision.reason = "no interfaces";
    return decision;
  }
  bool hid = false;
  for (const os::UsbInterface& interface : device.interfaces) {
    if (interface.cls == kStorage) {
      decision.storage = true;
    } else if (interface.cls == kHid) {
      hid = true;
    } else if (!Harmless(interface.cls)) {
      decision.reason =
          "interface class " + os::InterfaceText(interface) + " not allowed";
      return decision;
    }
  }
  if (decision.storage && hid) {
    decision.allow = rules.allow_composite_storage_hid;
    decision.reason = decision.allow ? "composite storage+HID allowed by policy"
                                     : "composite storage+HID device";
    return decision;
  }
  if (hid) {
    if (!rules.hid_allowed) {
      decision.reason = "HID not allowed by policy";
      return decision;
    }
    if (!rules.hid_allowed_devices.empty()) {
      std::string vid = Hex4(device.vid);
      std::string pid = Hex4(device.pid);
      bool listed = std::any_of(rules.hid_allowed_devices.begin(),
                                rules.hid_allowed_devices.end(),
                                [&](const policy::UsbDeviceId& id) {
                                  return id.vid == vid && id.pid == pid;
                                });
      if (!listed) {
        decision.reason = "HID device not in the policy's list";
        return decision;
      }
    }
    decision.allow = true;
    decision.reason = "HID";
    return decision;
  }
  decision.allow = true;
  decision.reason = decision.storage ? "mass storage" : "allowed class";
  return decision;
}

}  // namespace piiguard::agent::usb
