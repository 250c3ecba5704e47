#include "agent/rosterguard/stick_choice.h"

#include <gtest/gtest.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <string>

#include "common/os/testing/fake_sysfs.h"

namespace piiguard::agent::rosterguard {
namespace {

constexpr uint32_t kHolder = 1000;
constexpr uint32_t kOther = 1001;

// Lines as the kernel prints them (proc(5)).
constexpr const char* kRootLine =
    "22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n";
constexpr const char* kStickLine =
    "80 22 8:17 / /media/staff/STICK rw,nosuid,nodev shared:40 - vfat "
    "/dev/sdb1 rw,uid=1000,gid=1000,fmask=0022\n";
// A FUSE filesystem any user can mount (fusermount), its source text
// chosen by that user to name the keyed stick's partition.
constexpr const char* kFuseLine =
    "81 22 0:52 / /media/staff/FAKE rw,nosuid,nodev shared:41 - fuse.vfat "
    "/dev/sdb1 rw,user_id=1000,group_id=1000\n";

class StickChoiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sysfs_.AddFile("class/block/sdb/dev", "8:16\n");
    sysfs_.AddFile("class/block/sdb/sdb1/dev", "8:17\n");
    sysfs_.AddFile("class/block/sdb/sdb1/partition", "1\n");
    sysfs_.AddDirectory("class/block/sdb/queue");
    in_.sticks = {{{"sdb", "stick-1", "kosodate-2026-01", "山田 花子"}, true}};
    in_.numbers = [this](const std::string& disk) {
      return DiskDeviceNumbers(sysfs_, disk);
    };
    in_.session = SessionHolder{kHolder, "kosodate-2026-01", {"stick-1"}};
    in_.state_dir = "/var/lib/piiguard";
  }

  void Mounts(const std::string& lines) {
    auto parsed = os::ParseMountInfo(lines);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    in_.mounts = *parsed;
  }

  os::FakeSysfs sysfs_;
  StickChoiceInputs in_;
};

TEST_F(StickChoiceTest, DeviceNumbersOfTheDiskAndItsPartitions) {
  auto numbers = DiskDeviceNumbers(sysfs_, "sdb");
  ASSERT_TRUE(numbers.ok()) << numbers.status().message();
  EXPECT_EQ(*numbers, (std::set<os::DeviceNumber>{{8, 16}, {8, 17}}));
  sysfs_.FailReads("class/block/sdb/sdb1/dev", EIO);
  EXPECT_FALSE(DiskDeviceNumbers(sysfs_, "sdb").ok());
}

TEST_F(StickChoiceTest, TheHoldersRosterGoesToTheStickFoundByDeviceNumber) {
  Mounts(std::string(kRootLine) + kStickLine);
  auto chosen = ChooseStickMount(in_, kHolder);
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->mount_point, "/media/staff/STICK");
  EXPECT_EQ(chosen->dev, makedev(8, 17));
  EXPECT_EQ(chosen->stick_id, "stick-1");
}

TEST_F(StickChoiceTest, FuseMountNamingTheSticksNodeIsNeverChosen) {
  // The attack: the stick is keyed and writable but not mounted; a user's
  // FUSE mount says its source is /dev/sdb1.
  Mounts(std::string(kRootLine) + kFuseLine);
  EXPECT_FALSE(ChooseStickMount(in_, kHolder).has_value());
  // Even of a disk type (fuseblk, as root's ntfs-3g of an image file makes
  // it): its number is anonymous.
  Mounts(std::string(kRootLine) +
         "83 22 0:53 / /media/staff/FAKE2 rw - fuseblk /dev/sdb1 "
         "rw,user_id=0,group_id=0\n");
  EXPECT_FALSE(ChooseStickMount(in_, kHolder).has_value());
  // Listed before the real mount, it still loses.
  Mounts(std::string(kRootLine) + kFuseLine + kStickLine);
  auto chosen = ChooseStickMount(in_, kHolder);
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->mount_point, "/media/staff/STICK");
}

TEST_F(StickChoiceTest, ADiskWhoseSourceTextNamesTheStickIsNotIt) {
  // Another disk (a foreign stick, 8:33) whose mount says /dev/sdb1: the
  // number decides.
  Mounts(std::string(kRootLine) +
         "82 22 8:33 / /media/staff/OTHER rw - vfat /dev/sdb1 rw\n");
  EXPECT_FALSE(ChooseStickMount(in_, kHolder).has_value());
}

TEST_F(StickChoiceTest, AnotherUsersRosterGoesToTheQuarantine) {
  Mounts(std::string(kRootLine) + kStickLine);
  EXPECT_FALSE(ChooseStickMount(in_, kOther).has_value());
  EXPECT_FALSE(ChooseStickMount(in_, 0).has_value());  // root's file too
}

TEST_F(StickChoiceTest, BelongingNeedsTheSessionTheStickJoined) {
  const KeyedStick& stick = in_.sticks[0].stick;
  EXPECT_TRUE(BelongsTo(stick, in_.session, kHolder));
  // No session, or one the stick started by itself: nobody on this PC is
  // known to hold it.
  EXPECT_FALSE(BelongsTo(stick, std::nullopt, kHolder));
  EXPECT_FALSE(BelongsTo(
      stick, SessionHolder{-1, "kosodate-2026-01", {"stick-1"}}, kHolder));
  // The stick did not join this user's session.
  EXPECT_FALSE(
      BelongsTo(stick, SessionHolder{kHolder, "", {"stick-2"}}, kHolder));
  // The session is for another job.
  EXPECT_FALSE(BelongsTo(
      stick, SessionHolder{kHolder, "juminhyo-2026", {"stick-1"}}, kHolder));
  // A session naming no job: the user's own stick.
  EXPECT_TRUE(
      BelongsTo(stick, SessionHolder{kHolder, "", {"stick-1"}}, kHolder));
}

TEST_F(StickChoiceTest, ReadOnlyMountsAndReadOnlySticksAreNotChosen) {
  Mounts(std::string(kRootLine) +
         "80 22 8:17 / /media/staff/STICK ro,nosuid - vfat /dev/sdb1 rw\n");
  EXPECT_FALSE(ChooseStickMount(in_, kHolder).has_value());
  Mounts(std::string(kRootLine) + kStickLine);
  in_.sticks[0].writable = false;
  EXPECT_FALSE(ChooseStickMount(in_, kHolder).has_value());
}

TEST_F(StickChoiceTest, UnreadableDeviceNumbersChooseNothing) {
  Mounts(std::string(kRootLine) + kStickLine);
  sysfs_.FailReads("class/block/sdb/dev", EIO);
  EXPECT_FALSE(ChooseStickMount(in_, kHolder).has_value());
}

TEST_F(StickChoiceTest, TheStateDirectoryIsNeverADestination) {
  Mounts(std::string(kRootLine) +
         "80 22 8:17 / /var/lib/piiguard/m rw - vfat /dev/sdb1 rw\n");
  EXPECT_FALSE(ChooseStickMount(in_, kHolder).has_value());
}

}  // namespace
}  // namespace piiguard::agent::rosterguard
