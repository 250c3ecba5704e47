#include "common/os/block_device.h"

#include <gtest/gtest.h>
#include <sys/fanotify.h>

#include <cerrno>
#include <cstring>

#include "common/os/device_write_watch.h"

namespace piiguard::os {
namespace {

TEST(BlockDeviceTest, NamesAreCheckedBeforeAnyOpen) {
  LinuxBlockDevices devices("/nonexistent-dev");
  for (const char* name : {"", "../sda", "sda/1", "SDA", "sd a"}) {
    Status status = devices.SetReadOnly(name, true);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << name;
  }
  EXPECT_EQ(devices.SetReadOnly("sdz", true).code(), StatusCode::kNotFound);
}

TEST(BlockDeviceTest, FakeKeepsFlagsAndInjectsErrors) {
  FakeBlockDevices devices;
  devices.Add("sdb");
  ASSERT_TRUE(devices.SetReadOnly("sdb", true).ok());
  EXPECT_TRUE(*devices.IsReadOnly("sdb"));
  devices.FailSet("sdb", EACCES);
  EXPECT_FALSE(devices.SetReadOnly("sdb", false).ok());
  EXPECT_TRUE(*devices.IsReadOnly("sdb"));
  EXPECT_FALSE(devices.SetReadOnly("sdc", true).ok());
  EXPECT_EQ(devices.log(), std::vector<std::string>{"sdb=1"});
}

std::string Record(int fd, int pid,
                   uint32_t len = sizeof(fanotify_event_metadata)) {
  fanotify_event_metadata meta{};
  meta.event_len = len;
  meta.vers = FANOTIFY_METADATA_VERSION;
  meta.metadata_len = sizeof(meta);
  meta.mask = FAN_CLOSE_WRITE;
  meta.fd = fd;
  meta.pid = pid;
  std::string bytes(reinterpret_cast<const char*>(&meta), sizeof(meta));
  bytes.resize(len, '\0');
  return bytes;
}

TEST(FanotifyTest, ParsesRecordsAndRefusesBadLengths) {
  Result<std::vector<FanotifyRecord>> records =
      ParseFanotifyEvents(Record(7, 100) + Record(-1, 200, 40));
  ASSERT_TRUE(records.ok()) << records.status().message();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].fd, 7);
  EXPECT_EQ((*records)[1].pid, 200);
  EXPECT_EQ((*records)[1].fd, -1);
  EXPECT_FALSE(ParseFanotifyEvents(Record(7, 1).substr(0, 10)).ok());
  EXPECT_FALSE(ParseFanotifyEvents(Record(7, 1, 8)).ok());
  std::string too_long = Record(7, 1);
  too_long[0] = 100;  // event_len beyond the buffer
  EXPECT_FALSE(ParseFanotifyEvents(too_long).ok());
}

TEST(FanotifyTest, FakeReportsOnlyWatchedDevices) {
  FakeDeviceWriteWatch watch;
  ASSERT_TRUE(watch.Watch("sdb").ok());
  watch.Open("sdb", 42, "dd");
  watch.Open("sdc", 43, "dd");
  Result<std::vector<DeviceWrite>> writes = watch.Drain();
  ASSERT_TRUE(writes.ok());
  ASSERT_EQ(writes->size(), 1u);
  EXPECT_EQ((*writes)[0].pid, 42);
  watch.Unwatch("sdb");
  watch.Open("sdb", 44, "dd");
  EXPECT_TRUE(watch.Drain()->empty());
}

}  // namespace
}  // namespace piiguard::os
