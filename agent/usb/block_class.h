// Which block devices the enforcer controls: every removable or
// hot-plugged one, decided from sysfs alone (docs/usb.md "Which block
// devices are controlled"):
//
// - usb: below a USB device (below a USB root hub): sticks, card readers,
//   USB disks, USB optical drives. Only these can be keyed sticks.
// - mmc: an SD card (`type` "SD" or "SD-combo" on the mmc card device),
//   e.g. in a PCI SD reader (mmcblk). eMMC (`type` "MMC") is soldered
//   storage and is left alone.
// - firewire: below a FireWire node (fwN / fwN.M: sbp2 disks).
// - hot-plugged PCI: below a device whose `removable` attribute says
//   "removable" (the kernel sets it for devices behind external-facing PCIe
//   ports: Thunderbolt/USB4 tunnels, ExpressCard), e.g. NVMe in a
//   Thunderbolt enclosure.
// - removable media: the disk's own `removable` attribute is 1 (optical
//   drives, SCSI/ATA drives with removable media).
// - optical: sr* disks (also "removable media"), named apart because they
//   are never read for a key.
// Virtual devices (devices/virtual/: loop, dm, md, zram, ...) never are.
//
// Thread-safety: pure functions over the Sysfs given (thread-safe if it is).
#ifndef PIIGUARD_AGENT_USB_BLOCK_CLASS_H_
#define PIIGUARD_AGENT_USB_BLOCK_CLASS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/usb/usb_paths.h"
#include "common/os/sysfs.h"

namespace piiguard::agent::usb {

enum class BlockBus {
  kNone,  // not controlled
  kUsb,
  kMmc,
  kFirewire,
  kHotplugPci,
  kRemovableMedia,
  kOptical,
};
std::string_view BlockBusName(BlockBus bus);

struct BlockClass {
  BlockBus bus = BlockBus::kNone;
  std::string usb_device;  // kUsb: sysfs path of the USB device
};

// `path`: the block device's sysfs path relative to the sysfs root
// ("devices/.../block/sdb" or ".../block/sdb/sdb1"); `disk`: its disk's
// kernel name (the device itself for a disk).
BlockClass ClassifyBlock(const os::Sysfs& sysfs, std::string_view path,
                         std::string_view disk);

// Path helpers shared by the enforcer (USB names and paths: usb_paths.h).
std::string BaseName(std::string_view path);
// "class/block/NAME[/PART][/ATTRIBUTE]" for the Sysfs seam.
std::string BlockPath(std::string_view name, std::string_view part = "",
                      std::string_view attribute = "");
// A decimal number ("5\n" read from sysfs, stripped); 0 if it is none.
uint64_t ParseUnsigned(std::string_view text);

}  // namespace piiguard::agent::usb

#endif  // PIIGUARD_AGENT_USB_BLOCK_CLASS_H_
