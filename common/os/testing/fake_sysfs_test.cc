#include "common/os/testing/fake_sysfs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <string_view>

namespace piiguard::os {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kDisk[] =
    "devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/"
    "6:0:0:0/block/sdb";

class FakeSysfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sysfs_.AddFile(std::string(kDisk) + "/size", "30031872\n");
    sysfs_.AddFile(std::string(kDisk) + "/sdb1/partition", "1\n");
    sysfs_.AddSymlink("class/block/sdb", std::string("../../") + kDisk);
    sysfs_.AddSymlink("class/block/sdb1",
                      std::string("../../") + kDisk + "/sdb1");
    sysfs_.AddSymlink(std::string(kDisk) + "/sdb1/subsystem",
                      "../../../../../../../../../../../../class/block");
  }
  // The value, or the error message (so a failure shows up in the diff).
  std::string Resolve(std::string_view path) const {
    Result<std::string> result = sysfs_.ResolvePath(path);
    return result.ok() ? *result : "error: " + result.status().message();
  }
  std::string Read(std::string_view path) const {
    Result<std::string> result = sysfs_.ReadAttribute(path);
    return result.ok() ? *result : "error: " + result.status().message();
  }

  FakeSysfs sysfs_;
};

TEST_F(FakeSysfsTest, ReadsThroughSymlinkedDirectories) {
  Result<std::string> size = sysfs_.ReadAttribute("class/block/sdb/size");
  ASSERT_TRUE(size.ok()) << size.status().ToString();
  EXPECT_EQ(*size, "30031872");
  EXPECT_EQ(Read("class/block/sdb1/partition"), "1");
  EXPECT_EQ(Read("class/block/sdb1/subsystem/sdb/size"), "30031872");
}

TEST_F(FakeSysfsTest, ResolvesLikeRealpath) {
  EXPECT_EQ(Resolve("class/block/sdb"), kDisk);
  EXPECT_EQ(Resolve("class/block/sdb1"), std::string(kDisk) + "/sdb1");
  EXPECT_EQ(Resolve("class/block/sdb1/subsystem"), "class/block");
  EXPECT_EQ(Resolve("class//block/./sdb"), kDisk);
}

TEST_F(FakeSysfsTest, AbsoluteTargetsStartAtTheRoot) {
  sysfs_.AddSymlink("dev/block/8:16", std::string("/") + kDisk);
  EXPECT_EQ(Resolve("dev/block/8:16"), kDisk);
}

TEST_F(FakeSysfsTest, ResolveErrors) {
  EXPECT_EQ(sysfs_.ResolvePath("class/block/sdc").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(sysfs_.ResolvePath("class/block/sdb/size/x").status().code(),
            StatusCode::kIoError);  // ENOTDIR
  EXPECT_EQ(sysfs_.ResolvePath("/class").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(sysfs_.ResolvePath("class/../class").status().code(),
            StatusCode::kInvalidArgument);
  sysfs_.AddSymlink("up", "../..");
  EXPECT_EQ(sysfs_.ResolvePath("up").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(FakeSysfsTest, SymlinkLoopsStop) {
  sysfs_.AddSymlink("loop/a", "b");
  sysfs_.AddSymlink("loop/b", "a");
  Result<std::string> path = sysfs_.ResolvePath("loop/a");
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.status().message(), HasSubstr("loop/a"));
}

TEST_F(FakeSysfsTest, ReadRefusesDirectoriesAndFinalSymlinks) {
  EXPECT_FALSE(sysfs_.ReadAttribute("class/block/sdb").ok());
  EXPECT_FALSE(sysfs_.ReadAttribute(kDisk).ok());
  EXPECT_EQ(sysfs_.ReadAttribute("class/block/sdb/serial").status().code(),
            StatusCode::kNotFound);
}

TEST_F(FakeSysfsTest, InjectedReadErrorsNameThePath) {
  sysfs_.FailReads("class/block/sdb/size", EIO);
  Result<std::string> size = sysfs_.ReadAttribute("class/block/sdb/size");
  ASSERT_EQ(size.status().code(), StatusCode::kIoError);
  EXPECT_THAT(size.status().message(), HasSubstr("class/block/sdb/size"));
  // The canonical path matches any way of reaching the file.
  sysfs_.FailReads(std::string(kDisk) + "/sdb1/partition", EACCES);
  EXPECT_EQ(sysfs_.ReadAttribute("class/block/sdb1/partition").status().code(),
            StatusCode::kPermissionDenied);
}

TEST_F(FakeSysfsTest, WritesAreLoggedAndReplaceContents) {
  sysfs_.AddFile("devices/x/authorized", "1\n");
  ASSERT_TRUE(sysfs_.WriteAttribute("devices/x/authorized", "0").ok());
  ASSERT_TRUE(sysfs_.WriteAttribute("devices/./x/authorized", "1").ok());
  EXPECT_THAT(sysfs_.WrittenValues("devices/x/authorized"),
              ElementsAre("0", "1"));
  EXPECT_EQ(Read("devices/x/authorized"), "1");
  EXPECT_EQ(sysfs_.WriteAttribute("devices/x/new", "1").code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(sysfs_.WrittenValues("devices/x/new").empty());
}

TEST_F(FakeSysfsTest, InjectedWriteErrors) {
  sysfs_.AddFile("devices/x/authorized", "1\n");
  sysfs_.FailWrites("devices/x/authorized", EBUSY);
  Status status = sysfs_.WriteAttribute("devices/x/authorized", "0");
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_THAT(status.message(), HasSubstr("devices/x/authorized"));
  EXPECT_TRUE(sysfs_.WrittenValues("devices/x/authorized").empty());
  EXPECT_EQ(Read("devices/x/authorized"), "1");
}

TEST_F(FakeSysfsTest, CapsReadsAt64KiB) {
  sysfs_.AddFile("big", std::string(kMaxSysfsAttributeSize + 1, 'a'));
  EXPECT_EQ(sysfs_.ReadAttribute("big").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(FakeSysfsDeathTest, SetUpWithBadPathAborts) {
  FakeSysfs sysfs;
  EXPECT_DEATH(sysfs.AddFile("../x", ""), "FakeSysfs");
}

}  // namespace
}  // namespace piiguard::os
