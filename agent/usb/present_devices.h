// Devices present at installation (docs/usb.md "Devices present at
// installation"): `piiguardd --record-present-devices`, run by the package's
// postinst, lists the USB devices plugged and working at that moment in
// STATE/present-devices.json; the enforcer then authorizes a device that
// matches an entry exactly (VID, PID, serial, every interface, the port)
// even where the policy's rules would refuse it, as usbguard's postinst
// does, so a PC keeps its keyboard, mouse or dock when piiguard is
// installed. Mass storage in such a device is still read-only until keyed:
// this decides only whether the device is configured.
//
// The file (root, 0644, written atomically):
//   {"format":"piiguard-present-devices/1","recorded_ms":1790000000000,
//    "devices":[{"vid":"046d","pid":"c52b","serial":"",
//                "interfaces":["03/01/01","03/01/02","ff/00/00"],
//                "port":"1-1.2"}]}
// Parsed from bytes by a strict parser (exact keys, no duplicates, every
// field checked); fuzzed by tests/fuzz/present_devices_fuzzer.cc.
//
// Thread-safety: pure functions, but for ReadPluggedDevices (as its Sysfs).
#ifndef PIIGUARD_AGENT_USB_PRESENT_DEVICES_H_
#define PIIGUARD_AGENT_USB_PRESENT_DEVICES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/os/sysfs.h"
#include "common/os/usb_descriptors.h"
#include "common/result.h"

namespace piiguard::agent::usb {

inline constexpr std::string_view kPresentDevicesFormat =
    "piiguard-present-devices/1";
inline constexpr std::string_view kPresentDevicesFile = "present-devices.json";
inline constexpr size_t kMaxPresentDevicesBytes = size_t{256} * 1024;
inline constexpr size_t kMaxPresentDevices = 256;

struct PresentDevice {
  std::string vid;  // four lower-case hex digits
  std::string pid;
  std::string serial;                   // "" when the device has none
  std::vector<std::string> interfaces;  // "03/01/02", descriptor order
  std::string port;                     // sysfs name: "1-1.2"
  bool operator==(const PresentDevice&) const = default;
};

struct PresentDevices {
  int64_t recorded_ms = 0;
  std::vector<PresentDevice> devices;
  bool operator==(const PresentDevices&) const = default;
};

Result<PresentDevices> ParsePresentDevices(std::string_view bytes);
std::string SerializePresentDevices(const PresentDevices& present);

// A device as the enforcer sees it: ids and interfaces from its
// descriptors, `serial` from sysfs, `port` its sysfs name.
PresentDevice DescribeDevice(const os::UsbDescriptors& descriptors,
                             std::string serial, std::string port);
// Whether `device` is one of `present`, every field equal.
bool IsPresentAtInstallation(const PresentDevices& present,
                             const PresentDevice& device);

// The USB devices plugged and authorized now (root hubs left out; an
// unauthorized device was refused by someone and is not recorded), read
// through `sysfs` ("bus/usb/devices").
Result<std::vector<PresentDevice>> ReadPluggedDevices(const os::Sysfs& sysfs);

}  // namespace piiguard::agent::usb

#endif  // PIIGUARD_AGENT_USB_PRESENT_DEVICES_H_
