#include "policy/stick/usb_identity.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "common/os/testing/fake_sysfs.h"

namespace piiguard::stick {
namespace {

using ::testing::HasSubstr;

// The shape of a real machine: a SanDisk stick on an xHCI root hub
// (usb2/2-1, interface 2-1:1.0, SCSI host6), an NVMe disk and a SATA disk.
constexpr char kHub[] = "devices/pci0000:00/0000:00:14.0/usb2";
constexpr char kStick[] = "devices/pci0000:00/0000:00:14.0/usb2/2-1";
constexpr char kSdb[] =
    "devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/"
    "6:0:0:0/block/sdb";
constexpr char kNvme[] =
    "devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1";
constexpr char kSda[] =
    "devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda";

class UsbIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string hub = kHub;
    sysfs_.AddFile(hub + "/idVendor", "1d6b\n");
    sysfs_.AddFile(hub + "/idProduct", "0003\n");
    sysfs_.AddFile(hub + "/serial", "0000:00:14.0\n");
    const std::string stick = kStick;
    sysfs_.AddFile(stick + "/idVendor", "0781\n");
    sysfs_.AddFile(stick + "/idProduct", "5581\n");
    sysfs_.AddFile(stick + "/serial", "4C530001231120115142\n");
    sysfs_.AddFile(stick + "/manufacturer", " USB\n");
    sysfs_.AddFile(stick + "/2-1:1.0/bInterfaceClass", "08\n");
    sysfs_.AddSymlink(stick + "/2-1:1.0/driver",
                      "../../../../../../bus/usb/drivers/usb-storage");
    const std::string sdb = kSdb;
    sysfs_.AddFile(sdb + "/size", "60062500\n");
    sysfs_.AddFile(sdb + "/removable", "1\n");
    sysfs_.AddFile(sdb + "/sdb1/partition", "1\n");
    sysfs_.AddFile(sdb + "/sdb1/size", "60060452\n");
    sysfs_.AddSymlink("class/block/sdb", "../../" + sdb);
    sysfs_.AddSymlink("class/block/sdb1", "../../" + sdb + "/sdb1");
    AddDisk(kNvme, "nvme0n1", "1000215216");
    sysfs_.AddFile("devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/vendor",
                   "0x144d\n");
    AddDisk(kSda, "sda", "500118192");
    AddDisk("devices/virtual/block/loop0", "loop0", "0");
  }

  void AddDisk(const std::string& path, const std::string& name,
               const std::string& sectors) {
    sysfs_.AddFile(path + "/size", sectors + "\n");
    sysfs_.AddSymlink("class/block/" + name, "../../" + path);
  }

  os::FakeSysfs sysfs_;
};

constexpr uint64_t kSdbBytes = 60062500ULL * 512;

TEST_F(UsbIdentityTest, IdentifiesTheWholeDisk) {
  Result<BlockDeviceIdentity> id = IdentifyBlockDevice(sysfs_, "/dev/sdb");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->usb.vid, "0781");
  EXPECT_EQ(id->usb.pid, "5581");
  EXPECT_EQ(id->usb.serial, "4C530001231120115142");
  EXPECT_EQ(id->disk, "sdb");
  EXPECT_EQ(id->capacity_bytes, kSdbBytes);
}

TEST_F(UsbIdentityTest, PartitionResolvesToItsDisk) {
  for (const char* device : {"/dev/sdb1", "sdb1", "sdb"}) {
    Result<BlockDeviceIdentity> id = IdentifyBlockDevice(sysfs_, device);
    ASSERT_TRUE(id.ok()) << device << ": " << id.status().ToString();
    EXPECT_EQ(id->disk, "sdb") << device;
    EXPECT_EQ(id->capacity_bytes, kSdbBytes) << device;
    EXPECT_EQ(id->usb.vid, "0781") << device;
  }
}

TEST_F(UsbIdentityTest, StickBehindAHubIsTheNearestUsbDevice) {
  const std::string hub = std::string(kStick) + "/2-1.3";
  sysfs_.AddFile(hub + "/idVendor", "05E3\n");
  sysfs_.AddFile(hub + "/idProduct", "0749\n");
  const std::string sdc =
      hub + "/2-1.3:1.0/host7/target7:0:0/7:0:0:0/block/sdc";
  AddDisk(sdc, "sdc", "2048");
  Result<BlockDeviceIdentity> id = IdentifyBlockDevice(sysfs_, "sdc");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->usb.vid, "05e3");  // lower-cased
  EXPECT_EQ(id->usb.pid, "0749");
  EXPECT_EQ(id->usb.serial, "");  // this device reports none
  EXPECT_EQ(id->capacity_bytes, 2048U * 512);
}

TEST_F(UsbIdentityTest, MissingSerialIsEmpty) {
  os::FakeSysfs bare;
  bare.AddFile(std::string(kStick) + "/idVendor", "0781");
  bare.AddFile(std::string(kStick) + "/idProduct", "5581");
  bare.AddFile(std::string(kSdb) + "/size", "8");
  bare.AddSymlink("class/block/sdb", std::string("../../") + kSdb);
  Result<BlockDeviceIdentity> id = IdentifyBlockDevice(bare, "sdb");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->usb.serial, "");
}

TEST_F(UsbIdentityTest, SerialLosesTrailingWhitespaceOnly) {
  sysfs_.AddFile(std::string(kStick) + "/serial", "  AA 01 \t\r\n");
  Result<BlockDeviceIdentity> id = IdentifyBlockDevice(sysfs_, "sdb");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->usb.serial, "  AA 01");
}

TEST_F(UsbIdentityTest, NoUsbAncestorIsFailedPrecondition) {
  for (const char* device : {"/dev/nvme0n1", "sda", "loop0"}) {
    Result<BlockDeviceIdentity> id = IdentifyBlockDevice(sysfs_, device);
    EXPECT_EQ(id.status().code(), StatusCode::kFailedPrecondition) << device;
    EXPECT_THAT(id.status().message(), HasSubstr(device));
  }
}

TEST_F(UsbIdentityTest, MissingDeviceIsNotFound) {
  Result<BlockDeviceIdentity> id = IdentifyBlockDevice(sysfs_, "/dev/sdz");
  EXPECT_EQ(id.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(id.status().message(), HasSubstr("/dev/sdz"));
}

TEST_F(UsbIdentityTest, RefusesNamesThatAreNotKernelNames) {
  for (const char* device :
       {"", "/dev/", "/dev/../sda", "..", ".", "a..b", "/dev/disk/by-id/usb-x",
        "sdb/../sda", "/sys/class/block/sdb"}) {
    Result<BlockDeviceIdentity> id = IdentifyBlockDevice(sysfs_, device);
    EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument) << device;
  }
}

TEST_F(UsbIdentityTest, ReadErrorsNameThePath) {
  const std::string pid_path = std::string(kStick) + "/idProduct";
  sysfs_.FailReads(pid_path, EIO);
  Result<BlockDeviceIdentity> id = IdentifyBlockDevice(sysfs_, "sdb1");
  EXPECT_EQ(id.status().code(), StatusCode::kIoError);
  EXPECT_THAT(id.status().message(), HasSubstr(pid_path));
  EXPECT_THAT(id.status().message(), HasSubstr("usb identity: "));
}

TEST_F(UsbIdentityTest, ErrorReadingOptionalAttributesIsNotAbsence) {
  sysfs_.FailReads("class/block/sdb1/partition", EACCES);
  EXPECT_EQ(IdentifyBlockDevice(sysfs_, "sdb1").status().code(),
            StatusCode::kPermissionDenied);
  sysfs_.FailReads(std::string(kStick) + "/serial", EIO);
  EXPECT_EQ(IdentifyBlockDevice(sysfs_, "sdb").status().code(),
            StatusCode::kIoError);
}

TEST_F(UsbIdentityTest, MalformedAttributesAreCorruption) {
  for (const char* vid : {"781", "07810", "07g1", "", "0x78"}) {
    sysfs_.AddFile(std::string(kStick) + "/idVendor", vid);
    EXPECT_EQ(IdentifyBlockDevice(sysfs_, "sdb").status().code(),
              StatusCode::kCorruption)
        << vid;
  }
  sysfs_.AddFile(std::string(kStick) + "/idVendor", "0781");
  for (const char* size : {"", "12x", "-1", "36028797018963968"}) {
    sysfs_.AddFile(std::string(kSdb) + "/size", size);
    EXPECT_EQ(IdentifyBlockDevice(sysfs_, "sdb").status().code(),
              StatusCode::kCorruption)
        << size;
  }
}

}  // namespace
}  // namespace piiguard::stick
