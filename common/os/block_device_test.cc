#include "common/os/block_device.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "common/os/device_write_watch.h"
#include "common/os/testing/fake_block_devices.h"
#include "common/os/testing/fake_device_write_watch.h"

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

// Opening a stalled removable disk waits in the kernel (a media-change
// check behind the stalled read): the open is given 50 ms here, then the
// call fails, and fails at once while that open still hangs; an open that
// comes back late is used by the next call.
TEST(BlockDeviceTest, AnOpenThatHangsIsNotWaitedFor) {
  struct Gate {
    std::mutex mu;
    std::condition_variable cv;
    bool open = false;
    int opens = 0;
  };
  auto gate = std::make_shared<Gate>();
  LinuxBlockDevices devices("/dev", "", "/sys", std::chrono::milliseconds(50),
                            [gate](std::string_view name) -> Result<UniqueFd> {
                              std::unique_lock lock(gate->mu);
                              ++gate->opens;
                              if (name == "sdz")
                                gate->cv.wait(lock, [&] { return gate->open; });
                              return ErrnoStatus("block device", name, ENOTTY);
                            });
  Status stalled = devices.SetReadOnly("sdz", true);
  EXPECT_EQ(stalled.code(), StatusCode::kIoError);
  EXPECT_NE(stalled.message().find("does not answer"), std::string::npos);
  Status again = devices.SetReadOnly("sdz", true);
  EXPECT_NE(again.message().find("an earlier open still waits"),
            std::string::npos)
      << again.message();
  // Other devices are not held up.
  EXPECT_NE(
      devices.SetReadOnly("sdy", true).message().find("Inappropriate ioctl"),
      std::string::npos);
  {
    std::lock_guard lock(gate->mu);
    EXPECT_EQ(gate->opens, 2) << "no second open of the hanging device";
    gate->open = true;
  }
  gate->cv.notify_all();
  // The late open's result is used (here its error), then opens go on.
  Status late = IoError("", "", "");
  for (int i = 0; i < 1000000; ++i) {
    late = devices.SetReadOnly("sdz", true);
    if (late.message().find("still waits") == std::string::npos) break;
    std::this_thread::yield();
  }
  EXPECT_NE(late.message().find("Inappropriate ioctl"), std::string::npos)
      << late.message();
}

std::string Record(int wd, uint32_t mask, std::string name = "") {
  inotify_event header{};
  header.wd = wd;
  header.mask = mask;
  header.len = static_cast<uint32_t>(name.empty() ? 0 : name.size() + 3);
  std::string bytes(reinterpret_cast<const char*>(&header), sizeof(header));
  if (!name.empty()) bytes += name + std::string(3, '\0');
  return bytes;
}

TEST(InotifyTest, ParsesRecordsAndRefusesBadLengths) {
  Result<std::vector<InotifyRecord>> records = ParseInotifyEvents(
      Record(1, IN_CLOSE_WRITE) + Record(2, IN_IGNORED, "sdb"));
  ASSERT_TRUE(records.ok()) << records.status().message();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].wd, 1);
  EXPECT_EQ((*records)[1].name, "sdb");
  EXPECT_FALSE(ParseInotifyEvents(Record(1, 8).substr(0, 10)).ok());
  std::string overrun = Record(1, 8, "sdb");
  EXPECT_FALSE(ParseInotifyEvents(overrun.substr(0, overrun.size() - 1)).ok());
}

// The real kernel: a loop device set read-only, written by dd; the write
// fails and the watch reports it. Needs root and a free loop device.
TEST(InotifyTest, SeesAFailedWriteToAReadOnlyLoopDevice) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (loop devices)";
  char image[] = "/tmp/piiguard-watch-XXXXXX";
  int fd = ::mkstemp(image);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, 1 << 20), 0);
  ::close(fd);
  std::string loop;
  {
    FILE* p = ::popen(
        (std::string("losetup -f --show ") + image + " 2>/dev/null").c_str(),
        "r");
    char line[64] = {0};
    if (p != nullptr && std::fgets(line, sizeof(line), p) != nullptr)
      loop = line;
    if (p != nullptr) ::pclose(p);
  }
  ::unlink(image);
  if (loop.empty()) GTEST_SKIP() << "no loop device available";
  loop.erase(loop.find_last_not_of("\n") + 1);
  std::string name = loop.substr(loop.rfind('/') + 1);
  LinuxBlockDevices devices;
  auto watch = LinuxDeviceWriteWatch::Open();
  ASSERT_TRUE(watch.ok());
  ASSERT_TRUE(devices.SetReadOnly(name, true).ok());
  ASSERT_TRUE((*watch)->Watch(name).ok());
  int out = ::open(loop.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(out, 0);
  char zero[512] = {0};
  errno = 0;
  EXPECT_LT(::write(out, zero, sizeof(zero)), 0);
  EXPECT_EQ(errno, EPERM);
  ::close(out);
  Result<std::vector<DeviceWrite>> writes = (*watch)->Drain();
  (void)devices.SetReadOnly(name, false);
  ::system(("losetup -d " + loop).c_str());
  ASSERT_TRUE(writes.ok()) << writes.status().message();
  ASSERT_EQ(writes->size(), 1u);
  EXPECT_EQ((*writes)[0].device, name);
}

// The real kernel: with no node in the device directory, the flag is set
// through a private node made from sysfs's MAJOR:MINOR. Needs root.
TEST(BlockDeviceTest, PrivateNodeWhenTheDeviceDirectoryHasNone) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (loop devices, mknod)";
  char image[] = "/tmp/piiguard-node-XXXXXX";
  int fd = ::mkstemp(image);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, 1 << 20), 0);
  ::close(fd);
  std::string loop;
  {
    FILE* p = ::popen(
        (std::string("losetup -f --show ") + image + " 2>/dev/null").c_str(),
        "r");
    char line[64] = {0};
    if (p != nullptr && std::fgets(line, sizeof(line), p) != nullptr) {
      loop = line;
    }
    if (p != nullptr) ::pclose(p);
  }
  ::unlink(image);
  if (loop.empty()) GTEST_SKIP() << "no loop device available";
  loop.erase(loop.find_last_not_of('\n') + 1);
  std::string name = loop.substr(loop.rfind('/') + 1);
  char nodes[] = "/tmp/piiguard-nodes-XXXXXX";
  ASSERT_NE(::mkdtemp(nodes), nullptr);
  LinuxBlockDevices devices("/nonexistent-dev", nodes);
  Status set = devices.SetReadOnly(name, true);
  Result<bool> ro = devices.IsReadOnly(name);
  LinuxBlockDevices real;
  Result<bool> seen = real.IsReadOnly(name);
  (void)real.SetReadOnly(name, false);
  ::system(("losetup -d " + loop).c_str());
  ::rmdir(nodes);
  ASSERT_TRUE(set.ok()) << set.message();
  ASSERT_TRUE(ro.ok());
  EXPECT_TRUE(*ro);
  ASSERT_TRUE(seen.ok());
  EXPECT_TRUE(*seen);  // the kernel's flag, seen through /dev as well
  LinuxBlockDevices no_fallback("/nonexistent-dev");
  EXPECT_EQ(no_fallback.SetReadOnly(name, true).code(), StatusCode::kNotFound);
}

TEST(InotifyTest, FakeReportsOnlyWatchedDevices) {
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
