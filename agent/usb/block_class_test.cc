#include "agent/usb/block_class.h"

#include <gtest/gtest.h>

#include "common/os/testing/fake_sysfs.h"

namespace piiguard::agent::usb {
namespace {

BlockBus Bus(const os::FakeSysfs& sysfs, const std::string& path,
             const std::string& disk) {
  return ClassifyBlock(sysfs, path, disk).bus;
}

TEST(BlockClassTest, UsbDevicesAreFoundBelowARootHub) {
  os::FakeSysfs sysfs;
  std::string disk =
      "devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1.4/2-1.4:1.0/host3/"
      "target3:0:0/3:0:0:0/block/sdc";
  BlockClass c = ClassifyBlock(sysfs, disk, "sdc");
  EXPECT_EQ(c.bus, BlockBus::kUsb);
  EXPECT_EQ(c.usb_device, "devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1.4");
  EXPECT_EQ(Bus(sysfs, disk + "/sdc1", "sdc"), BlockBus::kUsb);
  EXPECT_EQ(UsbDeviceOf("devices/platform/1-1/block/x"), "")
      << "no root hub above";
}

// Security review F6: storage that is not on USB was not controlled.
TEST(BlockClassTest, SdCardsInPciReadersAreControlledButNotEmmc) {
  os::FakeSysfs sysfs;
  std::string card =
      "devices/pci0000:00/0000:00:1c.0/0000:02:00.0/mmc_host/"
      "mmc0/mmc0:aaaa";
  sysfs.AddFile(card + "/type", "SD\n");
  EXPECT_EQ(Bus(sysfs, card + "/block/mmcblk0", "mmcblk0"), BlockBus::kMmc);
  EXPECT_EQ(Bus(sysfs, card + "/block/mmcblk0/mmcblk0p1", "mmcblk0"),
            BlockBus::kMmc);
  std::string emmc = "devices/pci0000:00/0000:00:1a.0/mmc_host/mmc1/mmc1:0001";
  sysfs.AddFile(emmc + "/type", "MMC\n");
  EXPECT_EQ(Bus(sysfs, emmc + "/block/mmcblk1", "mmcblk1"), BlockBus::kNone)
      << "soldered eMMC (maybe the system disk) is left alone";
}

TEST(BlockClassTest, NvmeBehindThunderboltAndFirewireAreControlled) {
  os::FakeSysfs sysfs;
  // A PCIe tunnel: the kernel marks devices behind an external-facing
  // port "removable".
  std::string bridge = "devices/pci0000:00/0000:00:07.0/0000:05:00.0";
  sysfs.AddFile(bridge + "/removable", "removable\n");
  EXPECT_EQ(Bus(sysfs, bridge + "/0000:06:00.0/nvme/nvme1/nvme1n1", "nvme1n1"),
            BlockBus::kHotplugPci);
  std::string internal = "devices/pci0000:00/0000:00:1d.0/0000:03:00.0";
  sysfs.AddFile(internal + "/removable", "fixed\n");
  EXPECT_EQ(Bus(sysfs, internal + "/nvme/nvme0/nvme0n1", "nvme0n1"),
            BlockBus::kNone);
  EXPECT_EQ(Bus(sysfs,
                "devices/pci0000:00/0000:00:1e.0/0000:05:00.0/fw1/fw1.0/host6/"
                "target6:0:0/6:0:0:0/block/sdd",
                "sdd"),
            BlockBus::kFirewire);
}

TEST(BlockClassTest, OpticalAndRemovableMediaAreControlled) {
  os::FakeSysfs sysfs;
  std::string sata =
      "devices/pci0000:00/0000:00:17.0/ata2/host1/target1:0:0/"
      "1:0:0:0/block/";
  EXPECT_EQ(Bus(sysfs, sata + "sr0", "sr0"), BlockBus::kOptical);
  sysfs.AddFile(sata + "sde/removable", "1\n");
  sysfs.AddSymlink("class/block/sde", "/" + sata + "sde");
  EXPECT_EQ(Bus(sysfs, sata + "sde", "sde"), BlockBus::kRemovableMedia);
  sysfs.AddFile(sata + "sda/removable", "0\n");
  sysfs.AddSymlink("class/block/sda", "/" + sata + "sda");
  EXPECT_EQ(Bus(sysfs, sata + "sda", "sda"), BlockBus::kNone);
  EXPECT_EQ(Bus(sysfs, "devices/virtual/block/loop0", "loop0"),
            BlockBus::kNone);
}

}  // namespace
}  // namespace piiguard::agent::usb
