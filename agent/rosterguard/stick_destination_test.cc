// StickDestination (stick_destination.h): the choice is ChooseStickMount's
// (stick_choice_test.cc); here, that the mount table is read once until it
// changes, that a table that cannot be read gives no stick (and is tried
// again), and that no stick and no writable stick need no table at all.
#include "agent/rosterguard/stick_destination.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

#include "common/os/testing/fake_mount_table.h"
#include "common/os/testing/fake_sysfs.h"

namespace piiguard::agent::rosterguard {
namespace {

constexpr uint32_t kHolder = 1000;
constexpr const char* kRootLine =
    "22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n";
constexpr const char* kStickLine =
    "80 22 8:17 / /media/staff/STICK rw,nosuid,nodev shared:40 - vfat "
    "/dev/sdb1 rw\n";
constexpr const char* kStickMovedLine =
    "90 22 8:17 / /media/staff/STICK1 rw,nosuid,nodev shared:40 - vfat "
    "/dev/sdb1 rw\n";

class FakeSticks : public StickControl {
 public:
  Status ReleaseWaiting() override { return Status::Ok(); }
  Status MakeAllReadOnly(std::string_view) override { return Status::Ok(); }
  std::vector<KeyedStickState> KeyedSticks() const override { return sticks; }
  bool AnyUnsettled() const override { return false; }
  std::vector<KeyedStickState> sticks;
};

class StickDestinationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sysfs_.AddFile("class/block/sdb/dev", "8:16\n");
    sysfs_.AddFile("class/block/sdb/sdb1/dev", "8:17\n");
    sysfs_.AddFile("class/block/sdb/sdb1/partition", "1\n");
    sticks_.sticks = {
        {{"sdb", "stick-1", "kosodate-2026-01", "山田 花子"}, true}};
    table_.Set(std::string(kRootLine) + kStickLine);
    destination_.SetSticks(&sticks_);
  }

  os::FakeSysfs sysfs_;
  os::FakeMountTable table_;
  FakeSticks sticks_;
  StickDestination destination_{
      table_, sysfs_, "/var/lib/piiguard", [] {
        return SessionHolder{kHolder, "kosodate-2026-01", {"stick-1"}};
      }};
};

TEST_F(StickDestinationTest, TheTableIsReadOnceUntilItChanges) {
  for (int i = 0; i < 50; ++i) {
    std::optional<StickMount> mount = destination_.For(kHolder);
    ASSERT_TRUE(mount.has_value());
    EXPECT_EQ(mount->mount_point, "/media/staff/STICK");
  }
  EXPECT_EQ(destination_.table_reads(), 1u);
  // Unmounted and mounted elsewhere: until told, the old table holds (the
  // job checks the mount point's device again when it opens it).
  table_.Set(std::string(kRootLine) + kStickMovedLine);
  EXPECT_EQ(destination_.For(kHolder)->mount_point, "/media/staff/STICK");
  destination_.MountsChanged();
  EXPECT_EQ(destination_.For(kHolder)->mount_point, "/media/staff/STICK1");
  EXPECT_EQ(destination_.table_reads(), 2u);
}

TEST_F(StickDestinationTest, AnUnreadableTableGivesNoStickAndIsReadAgain) {
  table_.FailReads(EIO);
  EXPECT_FALSE(destination_.For(kHolder).has_value());
  EXPECT_FALSE(destination_.For(kHolder).has_value());
  EXPECT_EQ(destination_.table_reads(), 2u);
  table_.FailReads(0);
  EXPECT_TRUE(destination_.For(kHolder).has_value());
  EXPECT_EQ(destination_.table_reads(), 3u);
}

TEST_F(StickDestinationTest, AGarbledTableGivesNoStick) {
  table_.Set("22 1 8:2 / / rw - ext4\n");  // fields missing after "-"
  EXPECT_FALSE(destination_.For(kHolder).has_value());
}

TEST_F(StickDestinationTest, NoStickNeedsNoTable) {
  StickDestination none(table_, sysfs_, "/var/lib/piiguard", nullptr);
  EXPECT_FALSE(none.For(kHolder).has_value());  // no sticks set
  sticks_.sticks.clear();
  EXPECT_FALSE(destination_.For(kHolder).has_value());
  EXPECT_EQ(destination_.table_reads(), 0u);
}

TEST_F(StickDestinationTest, OnlyTheHoldersRostersGoToTheStick) {
  EXPECT_TRUE(destination_.For(kHolder).has_value());
  EXPECT_FALSE(destination_.For(kHolder + 1).has_value());
  // Read-only now (the session ended): no stick, whatever the table says.
  sticks_.sticks[0].writable = false;
  EXPECT_FALSE(destination_.For(kHolder).has_value());
}

}  // namespace
}  // namespace piiguard::agent::rosterguard
