#include "common/os/linux_sysfs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace piiguard::os {
namespace {

namespace fs = std::filesystem;

class LinuxSysfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "sysfs.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    Write("devices/pci0000:00/usb2/2-1/idVendor", "0781\n");
    Write("devices/pci0000:00/usb2/2-1/block/sdb/size", "30031872\n");
    Symlink("../../devices/pci0000:00/usb2/2-1/block/sdb", "class/block/sdb");
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  void Write(const std::string& relative, const std::string& contents) {
    fs::path path = root_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << contents;
  }
  void Symlink(const std::string& target, const std::string& relative) {
    fs::path path = root_ / relative;
    fs::create_directories(path.parent_path());
    fs::create_symlink(target, path);
  }

  fs::path root_;
};

TEST_F(LinuxSysfsTest, ReadsThroughSymlinksAndStripsOneNewline) {
  LinuxSysfs sysfs(root_.string());
  Result<std::string> size = sysfs.ReadAttribute("class/block/sdb/size");
  ASSERT_TRUE(size.ok()) << size.status().ToString();
  EXPECT_EQ(*size, "30031872");
  Write("two", "x\n\n");
  EXPECT_EQ(*sysfs.ReadAttribute("two"), "x\n");
}

TEST_F(LinuxSysfsTest, MissingAttributeIsNotFoundNamingThePath) {
  LinuxSysfs sysfs(root_.string() + "/");
  Result<std::string> serial = sysfs.ReadAttribute("class/block/sdb/serial");
  ASSERT_EQ(serial.status().code(), StatusCode::kNotFound);
  EXPECT_NE(serial.status().message().find(root_.string() +
                                           "/class/block/sdb/serial"),
            std::string::npos)
      << serial.status().message();
}

TEST_F(LinuxSysfsTest, RefusesBadPaths) {
  LinuxSysfs sysfs(root_.string());
  EXPECT_EQ(sysfs.ReadAttribute("/etc/passwd").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(sysfs.ReadAttribute("class/../devices").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(sysfs.ResolvePath("..").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(sysfs.WriteAttribute("../x", "1").code(),
            StatusCode::kInvalidArgument);
}

TEST_F(LinuxSysfsTest, RefusesSymlinkAsFinalComponent) {
  Symlink("devices/pci0000:00/usb2/2-1/idVendor", "vendor_link");
  LinuxSysfs sysfs(root_.string());
  EXPECT_FALSE(sysfs.ReadAttribute("vendor_link").ok());
  EXPECT_FALSE(sysfs.WriteAttribute("vendor_link", "1").ok());
}

TEST_F(LinuxSysfsTest, CapsReadsAt64KiB) {
  Write("exact", std::string(kMaxSysfsAttributeSize, 'a'));
  Write("big", std::string(kMaxSysfsAttributeSize + 1, 'a'));
  LinuxSysfs sysfs(root_.string());
  EXPECT_EQ(sysfs.ReadAttribute("exact")->size(), kMaxSysfsAttributeSize);
  EXPECT_EQ(sysfs.ReadAttribute("big").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(LinuxSysfsTest, ResolvesRelativeToTheRoot) {
  LinuxSysfs sysfs(root_.string());
  Result<std::string> path = sysfs.ResolvePath("class/block/sdb");
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(*path, "devices/pci0000:00/usb2/2-1/block/sdb");
  EXPECT_EQ(*sysfs.ResolvePath("class/block/sdb/size"),
            "devices/pci0000:00/usb2/2-1/block/sdb/size");
  EXPECT_EQ(*sysfs.ResolvePath("."), "");
  EXPECT_EQ(sysfs.ResolvePath("class/block/sdc").status().code(),
            StatusCode::kNotFound);
}

TEST_F(LinuxSysfsTest, ResolveRefusesLinksLeavingTheRoot) {
  Symlink("/", "escape");
  LinuxSysfs sysfs(root_.string());
  EXPECT_EQ(sysfs.ResolvePath("escape").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(LinuxSysfsTest, WritesExistingAttributesOnly) {
  Write("devices/pci0000:00/usb2/2-1/authorized", "1\n");
  LinuxSysfs sysfs(root_.string());
  ASSERT_TRUE(
      sysfs.WriteAttribute("devices/pci0000:00/usb2/2-1/authorized", "0").ok());
  EXPECT_EQ(*sysfs.ReadAttribute("devices/pci0000:00/usb2/2-1/authorized"),
            "0");
  EXPECT_EQ(sysfs.WriteAttribute("devices/new", "1").code(),
            StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(root_ / "devices/new"));
}

}  // namespace
}  // namespace piiguard::os
