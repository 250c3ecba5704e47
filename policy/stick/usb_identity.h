// UsbIdentity: the device-supplied identity of the USB stick behind a block
// device (VID, PID, serial), read from sysfs through the os::Sysfs seam.
//
// Thread-safety: thread-safe if the Sysfs passed in is.
#ifndef PIIGUARD_POLICY_STICK_USB_IDENTITY_H_
#define PIIGUARD_POLICY_STICK_USB_IDENTITY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/os/sysfs.h"
#include "common/result.h"

namespace piiguard::stick {

struct UsbIdentity {
  std::string vid;     // 4 lower-case hex digits, e.g. "0781"
  std::string pid;     // 4 lower-case hex digits
  std::string serial;  // as the device reports it; may be empty
};

struct BlockDeviceIdentity {
  UsbIdentity usb;
  std::string disk;         // kernel name of the whole disk, e.g. "sdb"
  uint64_t capacity_bytes;  // of the whole disk (sysfs size * 512)
};

// `device` is a node path ("/dev/sdb", "/dev/sdb1") or a kernel name
// ("sdb1"). A partition resolves to its disk. Errors: kNotFound if no such
// block device, kFailedPrecondition if it has no USB ancestor.
Result<BlockDeviceIdentity> IdentifyBlockDevice(const os::Sysfs& sysfs,
                                                std::string_view device);

}  // namespace piiguard::stick

#endif  // PIIGUARD_POLICY_STICK_USB_IDENTITY_H_
