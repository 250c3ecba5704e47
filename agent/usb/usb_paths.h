// Names and paths of USB devices in sysfs, shared by the enforcer, the
// record of devices present at installation and `piiguardd --release`.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_USB_USB_PATHS_H_
#define PIIGUARD_AGENT_USB_USB_PATHS_H_

#include <string>
#include <string_view>
#include <vector>

namespace piiguard::agent::usb {

// The non-empty components of a sysfs path.
std::vector<std::string_view> PathComponents(std::string_view path);
// A USB device directory's name: "1-1", "2-1.3" (not "1-1:1.0", not "usb1").
bool IsUsbDeviceName(std::string_view name);
// A root hub's name: "usb1".
bool IsRootHubName(std::string_view name);
// The sysfs path (relative, "devices/...") of the USB device above a block
// device, or "" when it is not on USB.
std::string UsbDeviceOf(std::string_view path);

}  // namespace piiguard::agent::usb

#endif  // PIIGUARD_AGENT_USB_USB_PATHS_H_
