// USB descriptors as the kernel exposes them in a device's sysfs
// `descriptors` attribute: the device descriptor followed by the raw
// configuration descriptors (interfaces, endpoints, class-specific ones).
// The attribute exists before the device is authorized, when its
// interfaces do not yet exist in sysfs; this is how the interface set of an
// unauthorized device is known. Parsed from bytes.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_COMMON_OS_USB_DESCRIPTORS_H_
#define PIIGUARD_COMMON_OS_USB_DESCRIPTORS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace piiguard::os {

struct UsbInterface {
  uint8_t number = 0;
  uint8_t alternate = 0;
  uint8_t cls = 0;  // bInterfaceClass: 0x08 mass storage, 0x03 HID, ...
  uint8_t subclass = 0;
  uint8_t protocol = 0;

  bool operator==(const UsbInterface&) const = default;
};

struct UsbDescriptors {
  uint16_t vid = 0;
  uint16_t pid = 0;
  uint8_t device_class = 0;
  std::vector<UsbInterface> interfaces;  // every interface of every config
};

// Strict: a device descriptor (18 bytes, type 1) first; then descriptors
// with bLength >= 2 that fit; interface descriptors (type 4) at least 9
// bytes. At most 64 KiB.
Result<UsbDescriptors> ParseUsbDescriptors(std::string_view bytes);

// "08/06/50" (class/subclass/protocol, hex) for the journal.
std::string InterfaceText(const UsbInterface& interface);

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_USB_DESCRIPTORS_H_
