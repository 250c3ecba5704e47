#include "common/os/sysfs.h"

#include <gtest/gtest.h>

#include <string>

namespace piiguard::os {
namespace {

TEST(CheckSysfsPathTest, AcceptsRelativePaths) {
  EXPECT_TRUE(CheckSysfsPath("class/block/sdb/size").ok());
  EXPECT_TRUE(CheckSysfsPath("devices/./x").ok());
  EXPECT_TRUE(CheckSysfsPath("a..b/..c/d..").ok());
}

TEST(CheckSysfsPathTest, RefusesEmptyAbsoluteAndDotDot) {
  for (const char* path :
       {"", "/sys/class", "..", "../x", "class/../x", "class/.."}) {
    Status status = CheckSysfsPath(path);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << path;
  }
  EXPECT_EQ(CheckSysfsPath(std::string("a\0b", 3)).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace piiguard::os
