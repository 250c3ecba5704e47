// Fuzzes the USB descriptor parser (common/os/usb_descriptors.h) and the
// device decision built on it (agent/usb/device_rules.h). Oracles: every
// interface found lies inside the input; a device with a storage and a HID
// interface is never allowed under the default policy, whatever its device
// class says (a "hub" included); a device allowed as a hub has hub
// interfaces only; judged together with a keyboard, no storage device is
// allowed; a refused device always says why.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "agent/usb/device_rules.h"
#include "common/os/usb_descriptors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = piiguard::os::ParseUsbDescriptors(input);
  if (!parsed.ok()) return 0;
  // Each interface descriptor is at least 9 bytes after the 18-byte device
  // descriptor.
  if (18 + 9 * parsed->interfaces.size() > size) std::abort();
  bool storage = false;
  bool hid = false;
  for (const auto& i : parsed->interfaces) {
    storage = storage || i.cls == 0x08;
    hid = hid || i.cls == 0x03;
  }
  piiguard::policy::UsbRules rules;
  auto decision = piiguard::agent::usb::DecideDevice(*parsed, rules);
  if (storage && hid && decision.allow) std::abort();
  if (decision.hub) {
    for (const auto& i : parsed->interfaces) {
      if (i.cls != 0x09) std::abort();
    }
  }
  if (!decision.allow && decision.reason.empty()) std::abort();
  piiguard::os::UsbDescriptors keyboard;
  keyboard.interfaces.push_back({0, 0, 0x03, 1, 1});
  std::vector<piiguard::os::UsbDescriptors> group = {keyboard};
  auto together = piiguard::agent::usb::DecideDevice(*parsed, rules, {group});
  if (storage && together.allow) std::abort();
  return 0;
}
