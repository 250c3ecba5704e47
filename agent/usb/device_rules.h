// Which USB devices the PC accepts, from their interface set and the
// policy's usb rules (docs/usb.md "Device decisions"): mass storage is
// accepted (its disks read-only until keyed), HID per policy, a composite
// storage+HID device (BadUSB-shaped) refused unless the policy allows it,
// hubs accepted, a few harmless classes (audio, printer, video, smart card)
// accepted, everything else refused: network adapters, wireless
// controllers, vendor-specific interfaces.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_USB_DEVICE_RULES_H_
#define PIIGUARD_AGENT_USB_DEVICE_RULES_H_

#include <string>
#include <vector>

#include "common/os/usb_descriptors.h"
#include "policy/policy.h"

namespace piiguard::agent::usb {

struct DeviceDecision {
  bool allow = false;
  bool storage = false;  // has a mass-storage interface
  std::string reason;    // English, for the journal: "mass storage", ...
};

DeviceDecision DecideDevice(const os::UsbDescriptors& device,
                            const policy::UsbRules& rules);

// "0781:5581" from the descriptors' ids.
std::string VidPid(const os::UsbDescriptors& device);

}  // namespace piiguard::agent::usb

#endif  // PIIGUARD_AGENT_USB_DEVICE_RULES_H_
