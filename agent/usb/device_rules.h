// Which USB devices the PC accepts, from their interface set and the
// policy's usb rules (docs/usb.md "Device decisions"):
// - mass storage is accepted (its disks read-only until keyed) when its
//   subclass is one the policy lists (default 06, SCSI transparent);
// - HID per policy;
// - a composite storage+HID device (BadUSB-shaped) refused unless the
//   policy allows it, and so is a group of devices that arrived together
//   behind one new hub whose interfaces together have that shape;
// - a hub only when the device is hub class (or class 0) and EVERY
//   interface is a hub interface: a "hub" with a keyboard, storage or
//   network interface is decided by those interfaces, and a hub interface
//   next to other interfaces is refused (no real hub does that);
// - a few harmless classes (audio, printer, video, smart card) accepted;
// - everything else refused: network adapters, wireless controllers,
//   vendor-specific interfaces.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_USB_DEVICE_RULES_H_
#define PIIGUARD_AGENT_USB_DEVICE_RULES_H_

#include <span>
#include <string>
#include <vector>

#include "common/os/usb_descriptors.h"
#include "policy/policy.h"

namespace piiguard::agent::usb {

struct DeviceDecision {
  bool allow = false;
  bool storage = false;  // has a mass-storage interface
  bool hid = false;      // has a HID interface
  bool hub = false;      // allowed as a hub (every interface a hub)
  std::string reason;    // English, for the journal: "mass storage", ...
};

// What a decision knows besides the device's own descriptors and the
// policy. A new input (e.g. "present when piiguard was installed") is one
// more field here, with a default that leaves the decision as it was.
struct DeviceContext {
  // The other devices that arrived together with this one below one new
  // hub (its arrival group, agent/usb/hub_groups.h); empty when the device
  // is judged alone.
  std::span<const os::UsbDescriptors> arrived_with;
};

DeviceDecision DecideDevice(const os::UsbDescriptors& device,
                            const policy::UsbRules& rules,
                            const DeviceContext& context = {});

// Whether the device is a hub and nothing else (the hub rule above).
bool IsPlainHub(const os::UsbDescriptors& device);

// "0781:5581" from the descriptors' ids.
std::string VidPid(const os::UsbDescriptors& device);

}  // namespace piiguard::agent::usb

#endif  // PIIGUARD_AGENT_USB_DEVICE_RULES_H_
