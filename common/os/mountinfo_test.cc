#include "common/os/mountinfo.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "common/os/linux_sysfs.h"
#include "common/os/testing/fake_mount_table.h"
#include "common/os/testing/fake_sysfs.h"

namespace piiguard::os {
namespace {

// A Debian desktop: / on NVMe ext4, the EFI partition, /home a btrfs
// subvolume (with a bind of a directory inside it and a second subvolume
// on /.snapshots), tmpfs and other pseudo filesystems, a bind mount of /,
// a USB stick, a snap, a container overlay and a disk whose mount point has
// a space.
constexpr std::string_view kDesktop =
    "22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 "
    "rw,errors=remount-ro\n"
    "23 22 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs "
    "rw\n"
    "24 22 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:13 - proc proc "
    "rw\n"
    "25 22 0:5 / /dev rw,nosuid,relatime shared:8 - devtmpfs udev "
    "rw,size=8010204k,nr_inodes=2002551,mode=755,inode64\n"
    "26 25 0:23 / /dev/pts rw,nosuid,noexec,relatime shared:9 - devpts devpts "
    "rw,gid=5,mode=620,ptmxmode=000\n"
    "27 22 0:24 / /run rw,nosuid,nodev,noexec,relatime shared:5 - tmpfs tmpfs "
    "rw,size=1608840k,mode=755,inode64\n"
    "31 23 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - "
    "cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n"
    "40 22 259:1 / /boot/efi rw,relatime shared:30 - vfat /dev/nvme0n1p1 "
    "rw,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,"
    "utf8,errors=remount-ro\n"
    "41 22 0:35 /@home /home rw,relatime shared:31 - btrfs /dev/sda1 "
    "rw,ssd,space_cache=v2,subvolid=257,subvol=/@home\n"
    "42 41 0:35 /@home/user/Projects /home/user/work rw,relatime shared:31 - "
    "btrfs /dev/sda1 rw,ssd,space_cache=v2,subvolid=257,subvol=/@home\n"
    "43 22 0:35 /@snapshots /.snapshots rw,relatime shared:32 - btrfs "
    "/dev/sda1 rw,ssd,space_cache=v2,subvolid=258,subvol=/@snapshots\n"
    "44 27 0:40 / /run/user/1000 rw,nosuid,nodev,relatime shared:400 - tmpfs "
    "tmpfs rw,size=1608836k,mode=700,uid=1000,gid=1000,inode64\n"
    "45 44 0:41 / /run/user/1000/doc rw,nosuid,nodev,relatime shared:420 - "
    "fuse.portal portal rw,user_id=1000,group_id=1000\n"
    "46 22 259:2 /srv/data /mnt/data rw,relatime shared:1 - ext4 "
    "/dev/nvme0n1p2 rw,errors=remount-ro\n"
    "47 22 8:17 / /media/user/STICK rw,nosuid,nodev,relatime shared:450 - vfat "
    "/dev/sdb1 rw,uid=1000,gid=1000,fmask=0022,dmask=0022,utf8,flush\n"
    "48 22 7:0 / /snap/core/1 ro,nodev,relatime shared:40 - squashfs "
    "/dev/loop0 ro\n"
    "49 22 0:50 / /var/lib/docker/overlay2/x/merged rw,relatime - overlay "
    "overlay rw,lowerdir=/a:/b,upperdir=/c,workdir=/d\n"
    "50 22 8:33 / /mnt/my\\040disk rw,relatime shared:60 - ext4 /dev/sdc1 rw\n";

std::vector<MountInfo> Desktop() {
  Result<std::vector<MountInfo>> mounts = ParseMountInfo(kDesktop);
  EXPECT_TRUE(mounts.ok()) << mounts.status().message();
  return mounts.ok() ? *mounts : std::vector<MountInfo>{};
}

bool SourceIsSdb(const MountInfo& m) {
  return m.source.starts_with("/dev/sdb");
}

std::vector<std::string> MountPoints(const std::vector<MountInfo>& mounts) {
  std::vector<std::string> points;
  for (const MountInfo& m : mounts) points.push_back(m.mount_point);
  return points;
}

TEST(MountInfoTest, ParsesEveryFieldAndDecodesEscapes) {
  std::vector<MountInfo> mounts = Desktop();
  ASSERT_EQ(mounts.size(), 18u);
  const MountInfo& root = mounts[0];
  EXPECT_EQ(root.mount_id, 22);
  EXPECT_EQ(root.parent_id, 1);
  EXPECT_EQ(root.major, 259u);
  EXPECT_EQ(root.minor, 2u);
  EXPECT_EQ(root.root, "/");
  EXPECT_EQ(root.mount_point, "/");
  EXPECT_EQ(root.options, "rw,relatime");
  EXPECT_EQ(root.optional_fields, std::vector<std::string>{"shared:1"});
  EXPECT_EQ(root.fs_type, "ext4");
  EXPECT_EQ(root.source, "/dev/nvme0n1p2");
  EXPECT_EQ(root.super_options, "rw,errors=remount-ro");
  EXPECT_EQ(mounts[16].fs_type, "overlay");
  EXPECT_TRUE(mounts[16].optional_fields.empty());
  EXPECT_EQ(mounts[17].mount_point, "/mnt/my disk");
  Result<std::vector<MountInfo>> escaped = ParseMountInfo(
      "1 0 8:1 /a\\134b /m\\011t\\012x\\043 rw master:1 propagate_from:2 "
      "unbindable - fuse.my\\040fs my\\040src rw");
  ASSERT_TRUE(escaped.ok()) << escaped.status().message();
  EXPECT_EQ((*escaped)[0].root, "/a\\b");
  EXPECT_EQ((*escaped)[0].mount_point, "/m\tt\nx#");
  EXPECT_EQ((*escaped)[0].fs_type, "fuse.my fs");
  EXPECT_EQ((*escaped)[0].source, "my src");
  EXPECT_EQ((*escaped)[0].optional_fields.size(), 3u);
  // An empty source (mount("", ...)) is a field of its own.
  Result<std::vector<MountInfo>> empty_source =
      ParseMountInfo("1 0 0:9 / /x rw - tmpfs  rw\n");
  ASSERT_TRUE(empty_source.ok());
  EXPECT_EQ((*empty_source)[0].source, "");
}

TEST(MountInfoTest, FormatParsesBackToTheSameMounts) {
  std::vector<MountInfo> mounts = Desktop();
  std::string again;
  for (const MountInfo& m : mounts) again += FormatMountInfoLine(m);
  Result<std::vector<MountInfo>> reparsed = ParseMountInfo(again);
  ASSERT_TRUE(reparsed.ok()) << reparsed.status().message();
  EXPECT_EQ(*reparsed, mounts);
  EXPECT_EQ(again, kDesktop);  // the kernel's own escaping, byte for byte
}

TEST(MountInfoTest, RefusesMalformedLines) {
  const std::string good = "1 0 8:1 / / rw - ext4 /dev/sda1 rw";
  ASSERT_TRUE(ParseMountInfo(good).ok());
  for (const std::string& bad : {
           std::string("1 0 8:1 / / rw ext4 /dev/sda1 rw"),  // no "-"
           std::string("1 0 8:1 / / rw - ext4 /dev/sda1"),   // 2 after "-"
           std::string("1 0 8:1 / / rw - ext4 /dev/sda1 rw x"),
           std::string("1 0 8:1 / / - ext4 /dev/sda1 rw"),  // 5 before "-"
           std::string("x 0 8:1 / / rw - ext4 /dev/sda1 rw"),
           std::string("1 -1 8:1 / / rw - ext4 /dev/sda1 rw"),
           std::string("99999999999 0 8:1 / / rw - ext4 /dev/sda1 rw"),
           std::string("1 0 81 / / rw - ext4 /dev/sda1 rw"),
           std::string("1 0 8: / / rw - ext4 /dev/sda1 rw"),
           std::string("1 0 8:1 / mnt rw - ext4 /dev/sda1 rw"),
           std::string("1 0 8:1 / / rw  - ext4 /dev/sda1 rw"),  // empty field
           std::string("1 0 8:1 / /\\04 rw - ext4 /dev/sda1 rw"),
           std::string("1 0 8:1 / /\\400 rw - ext4 /dev/sda1 rw"),
           std::string("1 0 8:1 / /\\000 rw - ext4 /dev/sda1 rw"),
           std::string("1 0 8:1 / /\\x41 rw - ext4 /dev/sda1 rw"),
           std::string("1 0 8:1 / / rw -  /dev/sda1 rw"),  // empty type
           good + "\n\n" + good,                           // an empty line
           std::string("\n"),
       }) {
    Result<std::vector<MountInfo>> parsed = ParseMountInfo(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
  }
  EXPECT_EQ(ParseMountInfo(good + "\nbad\n").status().message(),
            "mountinfo: line 2: missing fields");
  EXPECT_TRUE(ParseMountInfo("")->empty());
  EXPECT_EQ(ParseMountInfo(good + "\n" + good + "\n")->size(), 2u);
}

TEST(MountInfoTest, SelectsEachLocalDiskOnceAndNoUsbStick) {
  std::vector<MountInfo> local = LocalDiskFilesystems(Desktop(), SourceIsSdb);
  // The bind of / (/mnt/data) and the second btrfs subvolume are the same
  // superblocks as / and /home; the stick, the snap, the overlay and the
  // pseudo filesystems are not local disks.
  EXPECT_EQ(
      MountPoints(local),
      (std::vector<std::string>{"/", "/boot/efi", "/home", "/mnt/my disk"}));
  // Without the USB check the stick is a vfat disk like any other.
  auto never = [](const MountInfo&) { return false; };
  EXPECT_EQ(LocalDiskFilesystems(Desktop(), never).size(), 5u);
}

TEST(MountInfoTest, PrefersTheWholeFilesystemAndSkipsMountedOver) {
  std::vector<MountInfo> mounts = Desktop();
  // / is listed first through its bind only.
  std::rotate(mounts.begin(), mounts.begin() + 13, mounts.begin() + 14);
  ASSERT_EQ(mounts[0].mount_point, "/mnt/data");
  std::vector<MountInfo> local = LocalDiskFilesystems(mounts, SourceIsSdb);
  ASSERT_FALSE(local.empty());
  EXPECT_EQ(local[0].mount_point, "/");
  // A tmpfs mounted over /home hides the btrfs /home and the bind below it;
  // /.snapshots still reaches that filesystem.
  Result<std::vector<MountInfo>> over =
      ParseMountInfo("60 41 0:70 / /home rw - tmpfs tmpfs rw\n");
  mounts = Desktop();
  mounts.push_back((*over)[0]);
  EXPECT_EQ(MountPoints(LocalDiskFilesystems(mounts, SourceIsSdb)),
            (std::vector<std::string>{"/", "/boot/efi", "/.snapshots",
                                      "/mnt/my disk"}));
}

TEST(MountInfoTest, HasMountOptionMatchesWholeOptions) {
  EXPECT_TRUE(HasMountOption("ro,nodev", "ro"));
  EXPECT_TRUE(HasMountOption("rw,relatime", "relatime"));
  EXPECT_FALSE(HasMountOption("rw,errors=remount-ro", "ro"));
  EXPECT_FALSE(HasMountOption("", "ro"));
}

MountInfo Mount(uint32_t major, uint32_t minor, std::string source) {
  MountInfo m;
  m.major = major;
  m.minor = minor;
  m.source = std::move(source);
  return m;
}

TEST(UsbDeviceTest, FollowsSysfsToTheBus) {
  FakeSysfs sysfs;
  const std::string usb =
      "devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/"
      "6:0:0:0/block/sdb";
  const std::string sata =
      "devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/"
      "sda";
  sysfs.AddDirectory(usb + "/sdb1");
  sysfs.AddDirectory(usb + "/sdb2");
  sysfs.AddDirectory(sata + "/sda1");
  sysfs.AddDirectory(
      "devices/pci0000:00/0000:00:1d.0/nvme/nvme0/nvme0n1/nvme0n1p2");
  sysfs.AddSymlink("dev/block/8:17", "../../" + usb + "/sdb1");
  sysfs.AddSymlink("dev/block/259:2",
                   "../../devices/pci0000:00/0000:00:1d.0/"
                   "nvme/nvme0/nvme0n1/nvme0n1p2");
  sysfs.AddSymlink("class/block/sda1", "../../" + sata + "/sda1");
  sysfs.AddSymlink("class/block/sdb2", "../../" + usb + "/sdb2");
  // dm-crypt on a USB partition.
  sysfs.AddFile("devices/virtual/block/dm-0/dm/name", "luks-stick\n");
  sysfs.AddSymlink("devices/virtual/block/dm-0/slaves/sdb2",
                   "../../../../" + usb.substr(8) + "/sdb2");
  sysfs.AddSymlink("dev/block/254:0", "../../devices/virtual/block/dm-0");
  sysfs.AddSymlink("class/block/dm-0", "../../devices/virtual/block/dm-0");

  EXPECT_TRUE(IsUsbBlockDevice(sysfs, Mount(8, 17, "/dev/sdb1")));
  EXPECT_FALSE(IsUsbBlockDevice(sysfs, Mount(259, 2, "/dev/nvme0n1p2")));
  EXPECT_TRUE(IsUsbBlockDevice(sysfs, Mount(254, 0, "/dev/mapper/luks-stick")));
  // btrfs and fuseblk have anonymous MAJ:MIN: their source names the disk.
  EXPECT_FALSE(IsUsbBlockDevice(sysfs, Mount(0, 35, "/dev/sda1")));
  EXPECT_TRUE(IsUsbBlockDevice(sysfs, Mount(0, 44, "/dev/sdb2")));
  EXPECT_TRUE(IsUsbBlockDevice(sysfs, Mount(0, 45, "/dev/mapper/luks-stick")));
  // Unknown devices stay watched.
  EXPECT_FALSE(IsUsbBlockDevice(sysfs, Mount(8, 99, "/dev/sdx1")));
  EXPECT_FALSE(IsUsbBlockDevice(sysfs, Mount(0, 46, "/dev/../sdb2")));
  EXPECT_FALSE(IsUsbBlockDevice(sysfs, Mount(0, 47, "pool/home")));
  EXPECT_FALSE(IsUsbBlockDevice(sysfs, Mount(0, 48, "/dev/disk/by-id/x")));
}

// This machine's own table: it parses, and / is a local disk not on USB.
TEST(MountInfoTest, ThisMachinesTableParses) {
  Result<std::unique_ptr<LinuxMountTable>> table = LinuxMountTable::Open();
  ASSERT_TRUE(table.ok()) << table.status().message();
  EXPECT_GE((*table)->fd(), 0);
  Result<std::string> bytes = (*table)->Read();
  ASSERT_TRUE(bytes.ok());
  Result<std::vector<MountInfo>> mounts = ParseMountInfo(*bytes);
  ASSERT_TRUE(mounts.ok()) << mounts.status().message();
  LinuxSysfs sysfs;
  for (const MountInfo& m : *mounts) {
    if (m.mount_point == "/" && IsDiskFilesystemType(m.fs_type)) {
      EXPECT_FALSE(IsUsbBlockDevice(sysfs, m)) << m.source;
    }
  }
  FakeMountTable fake;
  fake.Set(std::string(kDesktop));
  EXPECT_EQ(*fake.Read(), kDesktop);
  fake.FailReads(EIO);
  EXPECT_FALSE(fake.Read().ok());
}

// The contract StickDestination's cache rests on (agent/rosterguard): the
// table's fd reports EPOLLPRI once after the table changed, and not again
// until it changes again. In a child in its own mount namespace (root
// only), so the machine's mounts are not touched.
TEST(MountInfoTest, TheTablesFdReportsEachChangeOnce) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (a mount namespace)";
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("mountinfo_test." + std::to_string(::getpid())))
                        .string();
  std::filesystem::create_directory(dir);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Exit codes name the step that failed.
    if (::unshare(CLONE_NEWNS) != 0) ::_exit(10);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      ::_exit(11);
    }
    Result<std::unique_ptr<LinuxMountTable>> table = LinuxMountTable::Open();
    if (!table.ok()) ::_exit(12);
    int epoll = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event event{};
    event.events = EPOLLPRI;
    if (::epoll_ctl(epoll, EPOLL_CTL_ADD, (*table)->fd(), &event) != 0) {
      ::_exit(13);
    }
    epoll_event out{};
    if (::epoll_wait(epoll, &out, 1, 0) != 0) ::_exit(14);  // no change yet
    if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=1m") != 0) {
      ::_exit(15);
    }
    if (::epoll_wait(epoll, &out, 1, 5000) != 1) ::_exit(16);
    if ((out.events & EPOLLPRI) == 0) ::_exit(17);
    if (::epoll_wait(epoll, &out, 1, 0) != 0) ::_exit(18);  // once
    if (::umount(dir.c_str()) != 0) ::_exit(19);
    if (::epoll_wait(epoll, &out, 1, 5000) != 1) ::_exit(20);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  std::filesystem::remove(dir);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "failed at step " << WEXITSTATUS(status);
}

}  // namespace
}  // namespace piiguard::os
