#include "common/os/mount_control.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "common/os/testing/fake_mount_control.h"

namespace piiguard::os {
namespace {

TEST(MountControlTest, ParsesDeviceNumbers) {
  Result<DeviceNumber> n = ParseDeviceNumber("8:17");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->major, 8u);
  EXPECT_EQ(n->minor, 17u);
  for (const char* bad : {"", "8", "8:", ":1", "a:1", "8:1x", "-1:2"}) {
    EXPECT_FALSE(ParseDeviceNumber(bad).ok()) << bad;
  }
}

TEST(MountControlTest, WritableMeansRwInTheMountAndItsSuperblock) {
  Result<std::vector<MountInfo>> mounts = ParseMountInfo(
      "40 1 8:17 / /media/a rw,nosuid - vfat /dev/sdb1 rw,fmask=0022\n"
      "41 1 8:17 / /media/b ro,nosuid - vfat /dev/sdb1 rw,fmask=0022\n"
      "42 1 8:18 / /media/c rw - vfat /dev/sdb2 ro\n"
      "43 1 8:1 / / rw - ext4 /dev/sda1 rw\n");
  ASSERT_TRUE(mounts.ok()) << mounts.status().message();
  EXPECT_TRUE(IsWritableMount((*mounts)[0]));
  EXPECT_FALSE(IsWritableMount((*mounts)[1]));
  EXPECT_FALSE(IsWritableMount((*mounts)[2]));
  std::vector<NamespaceTable> tables = {{"mnt:[1]", 0, *mounts},
                                        {"mnt:[2]", 77, {(*mounts)[0]}}};
  std::set<DeviceNumber> stick = {{8, 16}, {8, 17}, {8, 18}};
  std::vector<MountTarget> writable = MountsOf(tables, stick, true);
  ASSERT_EQ(writable.size(), 2u);
  EXPECT_EQ(writable[0], (MountTarget{"mnt:[1]", 0, "/media/a", {8, 17}}));
  EXPECT_EQ(writable[1], (MountTarget{"mnt:[2]", 77, "/media/a", {8, 17}}));
  EXPECT_EQ(MountsOf(tables, stick, false).size(), 4u);
}

TEST(MountControlTest, FakeSharesTheSuperblockAndKeepsBusyWritersWriting) {
  FakeMountControl mounts;
  mounts.AddMount("mnt:[1]", 0, "/media/a", {8, 17});
  mounts.AddMount("mnt:[2]", 50, "/run/x", {8, 17});
  EXPECT_TRUE(mounts.WritesReach({8, 17}));
  ASSERT_TRUE(
      mounts.MakeMountReadOnly({"mnt:[2]", 50, "/run/x", {8, 17}}).ok());
  EXPECT_TRUE(mounts.WritesReach({8, 17})) << "the other mount is still rw";
  ASSERT_TRUE(
      mounts.MakeSuperblockReadOnly({"mnt:[2]", 50, "/run/x", {8, 17}}).ok());
  EXPECT_FALSE(mounts.WritesReach({8, 17}));
  Result<std::vector<NamespaceTable>> tables = mounts.ListNamespaces();
  ASSERT_TRUE(tables.ok());
  EXPECT_TRUE(MountsOf(*tables, {{8, 17}}, true).empty());

  mounts.AddMount("mnt:[1]", 0, "/media/b", {8, 33});
  mounts.SetBusy({8, 33}, true);
  MountTarget b{"mnt:[1]", 0, "/media/b", {8, 33}};
  Status busy = mounts.MakeMountReadOnly(b);
  EXPECT_EQ(busy.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(busy.message().find("busy"), std::string::npos) << busy.message();
  ASSERT_TRUE(mounts.Detach(b).ok());
  tables = mounts.ListNamespaces();
  EXPECT_TRUE(MountsOf(*tables, {{8, 33}}, false).empty());
  EXPECT_TRUE(mounts.WritesReach({8, 33})) << "a detached writer still writes";
  // A writer that only opens files now and then: busy twice, then not.
  mounts.AddMount("mnt:[1]", 0, "/media/c", {8, 49});
  mounts.SetBusy({8, 49}, true, 2);
  MountTarget c{"mnt:[1]", 0, "/media/c", {8, 49}};
  EXPECT_FALSE(mounts.MakeMountReadOnly(c).ok());
  EXPECT_FALSE(mounts.MakeMountReadOnly(c).ok());
  EXPECT_TRUE(mounts.MakeMountReadOnly(c).ok());
  EXPECT_FALSE(mounts.WritesReach({8, 49}));
}

// The real kernel, as root: an ext4 loop device mounted read-write here
// and in a private namespace; writes stop once the superblock is made
// read-only, a writer keeps it busy, a detach takes the mount away.
class LinuxMountControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (loop device, mount)";
    char dir[] = "/tmp/piiguard-mounts-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    std::string image = dir_ + "/fs.img";
    std::string cmd = "truncate -s 16M " + image + " && mkfs.ext4 -q -F " +
                      image + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "mkfs.ext4 failed";
    FILE* p =
        ::popen(("losetup -f --show " + image + " 2>/dev/null").c_str(), "r");
    char line[64] = {0};
    if (p != nullptr && std::fgets(line, sizeof(line), p) != nullptr) {
      loop_ = line;
    }
    if (p != nullptr) ::pclose(p);
    if (!loop_.empty() && loop_.back() == '\n') loop_.pop_back();
    if (loop_.empty()) GTEST_SKIP() << "no free loop device";
    struct stat st {};
    ASSERT_EQ(::stat(loop_.c_str(), &st), 0);
    device_ = {::major(st.st_rdev), ::minor(st.st_rdev)};
    mount_point_ = dir_ + "/mnt";
    ASSERT_EQ(::mkdir(mount_point_.c_str(), 0700), 0);
  }
  void TearDown() override {
    if (child_ > 0) {
      ::kill(child_, SIGKILL);
      ::waitpid(child_, nullptr, 0);
    }
    if (!mount_point_.empty()) ::umount2(mount_point_.c_str(), MNT_DETACH);
    if (!loop_.empty()) {
      (void)std::system(("losetup -d " + loop_ + " 2>/dev/null").c_str());
    }
    if (!dir_.empty()) {
      (void)std::system(("rm -rf " + dir_).c_str());
    }
  }
  bool MountHere() {
    return ::mount(loop_.c_str(), mount_point_.c_str(), "ext4", 0, nullptr) ==
           0;
  }
  std::vector<MountTarget> Writable(const MountControl& control) {
    Result<std::vector<NamespaceTable>> tables = control.ListNamespaces();
    EXPECT_TRUE(tables.ok()) << tables.status().message();
    return tables.ok() ? MountsOf(*tables, {device_}, true)
                       : std::vector<MountTarget>{};
  }
  bool CanWrite(const std::string& dir) {
    std::string path = dir + "/probe";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    ::close(fd);
    return true;
  }

  std::string dir_;
  std::string loop_;
  std::string mount_point_;
  DeviceNumber device_;
  pid_t child_ = 0;
};

TEST_F(LinuxMountControlTest, ReadOnlySuperblockStopsWritesThroughTheMount) {
  ASSERT_TRUE(MountHere());
  LinuxMountControl control;
  ASSERT_TRUE(CanWrite(mount_point_));
  std::vector<MountTarget> writable = Writable(control);
  ASSERT_EQ(writable.size(), 1u);
  EXPECT_EQ(writable[0].pid, 0);
  EXPECT_EQ(writable[0].mount_point, mount_point_);
  ASSERT_TRUE(control.MakeMountReadOnly(writable[0]).ok());
  EXPECT_FALSE(CanWrite(mount_point_));
  EXPECT_EQ(errno, EROFS);
  EXPECT_TRUE(Writable(control).empty());
  ASSERT_TRUE(control.MakeSuperblockReadOnly(writable[0]).ok());
  Result<std::vector<NamespaceTable>> tables = control.ListNamespaces();
  ASSERT_TRUE(tables.ok());
  std::vector<MountTarget> all = MountsOf(*tables, {device_}, false);
  ASSERT_EQ(all.size(), 1u);
  const MountInfo* mount = nullptr;
  for (const MountInfo& m : (*tables)[0].mounts) {
    if (m.mount_point == mount_point_) mount = &m;
  }
  ASSERT_NE(mount, nullptr);
  EXPECT_TRUE(HasMountOption(mount->super_options, "ro"));
}

TEST_F(LinuxMountControlTest, AWriterKeepsItBusyAndADetachTakesTheMount) {
  ASSERT_TRUE(MountHere());
  LinuxMountControl control;
  std::string file = mount_point_ + "/open";
  int writer = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(writer, 0);
  std::vector<MountTarget> writable = Writable(control);
  ASSERT_EQ(writable.size(), 1u);
  for (Status busy : {control.MakeMountReadOnly(writable[0]),
                      control.MakeSuperblockReadOnly(writable[0])}) {
    EXPECT_EQ(busy.code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(busy.message().find("busy"), std::string::npos) << busy.message();
  }
  ASSERT_TRUE(control.Detach(writable[0]).ok());
  EXPECT_TRUE(Writable(control).empty());
  // The detached superblock still takes the open file's writes: why the
  // enforcer de-authorizes a device it could only detach.
  EXPECT_EQ(::write(writer, "x", 1), 1);
  ::close(writer);
}

TEST_F(LinuxMountControlTest, RefusesAPathThatIsNoLongerTheDevice) {
  LinuxMountControl control;
  MountTarget stale{"", 0, mount_point_, device_};
  EXPECT_EQ(control.MakeMountReadOnly(stale).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(control.MakeSuperblockReadOnly(stale).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(control.Detach(stale).code(), StatusCode::kFailedPrecondition);
}

// A stick mounted only in another process's private namespace (a service
// with PrivateMounts, `unshare -m`) is found and made read-only from here.
TEST_F(LinuxMountControlTest, ReachesAMountInAnotherNamespace) {
  int ready[2];
  ASSERT_EQ(::pipe2(ready, O_CLOEXEC), 0);
  child_ = ::fork();
  ASSERT_GE(child_, 0);
  if (child_ == 0) {
    if (::unshare(CLONE_NEWNS) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        !MountHere()) {
      ::_exit(1);
    }
    char ok = 1;
    (void)::write(ready[1], &ok, 1);
    ::pause();
    ::_exit(0);
  }
  ::close(ready[1]);
  char ok = 0;
  ASSERT_EQ(::read(ready[0], &ok, 1), 1);
  ::close(ready[0]);
  LinuxMountControl control;
  std::vector<MountTarget> writable = Writable(control);
  ASSERT_EQ(writable.size(), 1u) << "only the child's namespace has it";
  EXPECT_EQ(writable[0].pid, child_);
  ASSERT_TRUE(control.MakeSuperblockReadOnly(writable[0]).ok());
  EXPECT_TRUE(Writable(control).empty());
  // Per-mount changes and detaching there need setns, which a threaded
  // process cannot do: in a fresh single-threaded child, as the medium
  // helper does.
  pid_t helper = ::fork();
  ASSERT_GE(helper, 0);
  if (helper == 0) {
    LinuxMountControl inner;
    ::_exit(inner.MakeMountReadOnly(writable[0]).ok() &&
                    inner.Detach(writable[0]).ok()
                ? 0
                : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(helper, &status, 0), helper);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  Result<std::vector<NamespaceTable>> tables = control.ListNamespaces();
  ASSERT_TRUE(tables.ok());
  EXPECT_TRUE(MountsOf(*tables, {device_}, false).empty());
}

}  // namespace
}  // namespace piiguard::os
