// The roster guard with its detector in the examiner, as piiguardd wires
// it (wire_roster.cc): a roster is still moved off the disk, and a file
// whose parser is taken over (examiner_test_child.cc: it tries to open a
// file) kills only the examiner: the guard keeps the file where it is,
// journals roster.kept "not examined" with the reason, and the next roster
// is moved by a fresh examiner.

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "agent/priv/examiner_client.h"
#include "agent/rosterguard/guard_testing.h"

namespace piiguard::agent::rosterguard {
namespace {

class ExaminerGuardTest : public GuardTest {
 protected:
  ExaminerGuardTest() {
    priv::ExaminerConfig config;
    config.program = PIIGUARD_EXAMINER_TEST_CHILD;
    config.keep_user = true;
    examiner_ = std::make_unique<priv::ExaminerClient>(config, spawner_);
  }
  Guard MakeExaminedGuard() {
    roster::Detector* in_process = std::exchange(detector_, examiner_.get());
    Guard guard = MakeGuard();
    detector_ = in_process;
    return guard;
  }

  LinuxSpawner spawner_;
  std::unique_ptr<priv::ExaminerClient> examiner_;
};

TEST_F(ExaminerGuardTest, ATakenOverParserLeavesTheFileKeptAndJournaled) {
  Guard guard = MakeExaminedGuard();
  ASSERT_TRUE(events_.Write("/home/staff/名簿.csv", RosterCsv(), kStaffPid));
  Pump(guard);
  EXPECT_EQ(files_.KindOf("/home/staff/名簿.csv"), FakeFileSystem::Kind::kNone);
  ASSERT_EQ(Types(), std::vector<std::string>{"roster.moved"});

  const std::string attack = "#open /etc/shadow\n" + RosterCsv();
  ASSERT_TRUE(events_.Write("/home/staff/attack.csv", attack, kStaffPid));
  Pump(guard);
  EXPECT_EQ(files_.Content("/home/staff/attack.csv"), attack);
  ASSERT_EQ(Types(), (std::vector<std::string>{"roster.moved", "roster.kept"}));
  EXPECT_EQ(journal_[1].severity, journal::Severity::kWarning);
  EXPECT_EQ(journal_[1].details["reason"],
            "not examined: examiner: file: killed by signal 31 (its sandbox "
            "refused a system call)");
  EXPECT_EQ(guard.StatusPart()["not_examined"], 1);

  ASSERT_TRUE(events_.Write("/home/staff/名簿2.csv", RosterCsv(), kStaffPid));
  Pump(guard);
  EXPECT_EQ(files_.KindOf("/home/staff/名簿2.csv"),
            FakeFileSystem::Kind::kNone);
  EXPECT_EQ(Types().back(), "roster.moved");
  EXPECT_EQ(examiner_->StatusPart()["started"], 2);
}

}  // namespace
}  // namespace piiguard::agent::rosterguard
