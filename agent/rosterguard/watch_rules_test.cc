// What the roster guard watches (watch_rules.h), on mount tables as the
// kernel prints them and a fake sysfs: every local disk and only those,
// --roster-watch narrowing it to the filesystems of the directories named,
// refused for a directory on a USB stick, tmpfs or a network share; and
// the rules a policy gives.
#include "agent/rosterguard/watch_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/json.h"
#include "common/os/testing/fake_sysfs.h"
#include "common/quarantine_key.h"
#include "policy/test_policy.h"

namespace piiguard::agent::rosterguard {
namespace {

// proc(5) lines: the root disk, /home on a second partition, a USB stick,
// tmpfs, an NFS share, and a bind mount of a directory of /home.
constexpr const char* kTable =
    "22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n"
    "23 22 8:3 / /home rw,relatime shared:2 - ext4 /dev/sda3 rw\n"
    "24 22 0:25 / /tmp rw,nosuid shared:3 - tmpfs tmpfs rw\n"
    "80 22 8:17 / /media/staff/STICK rw,nosuid shared:40 - vfat /dev/sdb1 "
    "rw\n"
    "81 22 0:52 / /mnt/share rw shared:41 - nfs4 server:/export rw\n"
    "82 22 8:3 /staff/docs /srv/docs rw,relatime shared:2 - ext4 /dev/sda3 "
    "rw\n";

class WatchRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string usb =
        "devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/"
        "6:0:0:0/block/sdb";
    const std::string sata =
        "devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/"
        "block/sda";
    sysfs_.AddDirectory(usb + "/sdb1");
    sysfs_.AddDirectory(sata + "/sda2");
    sysfs_.AddDirectory(sata + "/sda3");
    sysfs_.AddSymlink("dev/block/8:17", "../../" + usb + "/sdb1");
    sysfs_.AddSymlink("dev/block/8:2", "../../" + sata + "/sda2");
    sysfs_.AddSymlink("dev/block/8:3", "../../" + sata + "/sda3");
    mounts_ = os::ParseMountInfo(kTable).value();
  }

  Result<std::vector<std::string>> Watch(std::vector<std::string> only) {
    return MountsToWatch(mounts_, sysfs_, only);
  }

  os::FakeSysfs sysfs_;
  std::vector<os::MountInfo> mounts_;
};

TEST_F(WatchRulesTest, EveryLocalDiskOnceAndNothingElse) {
  Result<std::vector<std::string>> points = Watch({});
  ASSERT_TRUE(points.ok()) << points.status().message();
  // /srv/docs is /home's superblock again: marked once, by its whole tree.
  EXPECT_EQ(*points, (std::vector<std::string>{"/", "/home"}));
}

TEST_F(WatchRulesTest, RosterWatchMarksTheFilesystemOfEachDirectory) {
  Result<std::vector<std::string>> points =
      Watch({"/home/staff/名簿", "/var/tmp/x", "/srv/docs/a"});
  ASSERT_TRUE(points.ok()) << points.status().message();
  // The deepest mount holding each directory.
  EXPECT_EQ(*points, (std::vector<std::string>{"/home", "/", "/srv/docs"}));
}

TEST_F(WatchRulesTest, RosterWatchOffTheLocalDisksIsRefused) {
  for (const char* dir :
       {"/media/staff/STICK/jobs", "/tmp/work", "/mnt/share/rosters"}) {
    Result<std::vector<std::string>> points = Watch({"/home/a", dir});
    ASSERT_FALSE(points.ok()) << dir;
    EXPECT_EQ(points.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(points.status().message(),
              std::string("roster guard: ") + dir +
                  ": not on a local disk filesystem");
  }
  // A prefix of a mount point is not under it.
  Result<std::vector<std::string>> homes = Watch({"/homes/a"});
  ASSERT_TRUE(homes.ok()) << homes.status().message();
  EXPECT_EQ(*homes, (std::vector<std::string>{"/"}));
}

TEST_F(WatchRulesTest, AStickWhoseSysfsCannotBeResolvedStaysWatched) {
  // Unknown devices are not USB: a roster there is still looked at.
  sysfs_.Remove("dev/block/8:17");
  Result<std::vector<std::string>> points = Watch({});
  ASSERT_TRUE(points.ok()) << points.status().message();
  EXPECT_EQ(points->size(), 3u);
  EXPECT_EQ(points->back(), "/media/staff/STICK");
}

TEST(RulesFromPolicyTest, DefaultsWithoutAPolicy) {
  Rules rules = RulesFromPolicy(nullptr, {"/home"});
  EXPECT_TRUE(rules.enabled);
  EXPECT_TRUE(rules.move);
  EXPECT_FALSE(rules.quarantine_key.has_value());
  EXPECT_EQ(rules.watch_only, (std::vector<std::string>{"/home"}));
  EXPECT_EQ(rules.detector.max_input, kGuardMaxInput);
}

TEST(RulesFromPolicyTest, ThePolicysSettings) {
  Json json = policy::testing::ValidPolicyJson();
  policy::Policy policy =
      policy::ParsePolicy(policy::testing::Dump(json)).value();
  policy.roster_guard.enabled = false;
  policy.roster_guard.action = policy::RosterAction::kReport;
  policy.roster_guard.exclude_paths = {"/srv/public"};
  policy.roster_guard.min_rows = 7;
  X25519PrivateKey office = X25519PrivateKey::Generate().value();
  policy.roster_guard.quarantine_key_raw = office.PublicKey().raw();
  Rules rules = RulesFromPolicy(&policy, {});
  EXPECT_FALSE(rules.enabled);
  EXPECT_FALSE(rules.move);
  EXPECT_EQ(rules.exclude_paths, (std::vector<std::string>{"/srv/public"}));
  EXPECT_EQ(rules.detector.min_rows, 7u);
  ASSERT_TRUE(rules.quarantine_key.has_value());
  EXPECT_EQ(rules.quarantine_key->raw(), office.PublicKey().raw());
  EXPECT_EQ(rules.detector.max_input, kGuardMaxInput);

  // A key that does not parse is left out, never half used.
  policy.roster_guard.quarantine_key_raw = "short";
  EXPECT_FALSE(RulesFromPolicy(&policy, {}).quarantine_key.has_value());
}

}  // namespace
}  // namespace piiguard::agent::rosterguard
