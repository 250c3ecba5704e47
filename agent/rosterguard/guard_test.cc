#include "agent/rosterguard/guard.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <utility>
#include <vector>

#include "agent/rosterguard/guard_testing.h"
#include "common/json.h"
#include "common/quarantine.h"

namespace piiguard::agent::rosterguard {
namespace {

TEST_F(GuardTest, RosterGoesToTheEncryptedQuarantineAndCanBeOpened) {
  Guard guard = MakeGuard();
  ASSERT_TRUE(events_.Write("/home/staff/名簿.csv", RosterCsv(), kStaffPid));
  Pump(guard);
  EXPECT_EQ(files_.KindOf("/home/staff/名簿.csv"), FakeFileSystem::Kind::kNone);
  std::string q =
      std::string(kQuarantine) + "/名簿.csv" + std::string(kQuarantineSuffix);
  ASSERT_EQ(files_.KindOf(q), FakeFileSystem::Kind::kFile);
  auto opened = quarantine::DecryptBytes(*office_key_, files_.Content(q));
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(opened->file, RosterCsv());
  EXPECT_EQ(opened->opened.metadata.path, "/home/staff/名簿.csv");
  EXPECT_EQ(opened->opened.metadata.pc, "pc-0001");
  ASSERT_EQ(Types(), std::vector<std::string>{"roster.moved"});
  const Json& d = journal_[0].details;
  EXPECT_EQ(d["to"], "quarantine");
  EXPECT_EQ(d["size"], RosterCsv().size());
  EXPECT_EQ(d["sha256"], opened->opened.sha256);
  // The journal holds counts and kinds, not the personal data.
  EXPECT_EQ(d.dump().find("山田"), std::string::npos);
  ASSERT_EQ(notices_.size(), 1U);
  EXPECT_NE(notices_[0].body.find("暗号化して隔離しました"), std::string::npos);
  EXPECT_EQ(guard.StatusPart()["moved"], 1);
}

TEST_F(GuardTest, RosterGoesToTheWritableKeyedStick) {
  stick_in_ = true;
  Guard guard = MakeGuard();
  ASSERT_TRUE(events_.Write("/home/staff/list.csv", RosterCsv(), kStaffPid));
  Pump(guard);
  EXPECT_EQ(files_.KindOf("/home/staff/list.csv"), FakeFileSystem::Kind::kNone);
  std::string copy = std::string(kStick) + "/piiguard-moved/list.csv";
  EXPECT_EQ(files_.Content(copy), RosterCsv());
  ASSERT_EQ(Types(), std::vector<std::string>{"roster.moved"});
  EXPECT_EQ(journal_[0].details["to"], "stick");
  EXPECT_EQ(journal_[0].details["copy"], copy);
  ASSERT_EQ(notices_.size(), 1U);
  EXPECT_NE(notices_[0].body.find("piiguard-moved"), std::string::npos);

  // A second file of the same name does not overwrite the first copy.
  ASSERT_TRUE(events_.Write(
      "/home/staff/list.csv",
      RosterCsv() +
          "小林 五郎,コバヤシ ゴロウ,東京都東村山市本町2-3-4,090-1111-2222\n",
      kStaffPid));
  Pump(guard);
  EXPECT_EQ(files_.Content(copy), RosterCsv());
  EXPECT_EQ(files_.KindOf(std::string(kStick) + "/piiguard-moved/list (2).csv"),
            FakeFileSystem::Kind::kFile);
}

TEST_F(GuardTest, NoStickAndNoKeyKeepsTheFileAndSaysSo) {
  rules_.quarantine_key.reset();
  Guard guard = MakeGuard();
  ASSERT_TRUE(events_.Write("/home/staff/名簿.csv", RosterCsv(), kStaffPid));
  Pump(guard);
  EXPECT_EQ(files_.Content("/home/staff/名簿.csv"), RosterCsv());
  ASSERT_EQ(Types(), std::vector<std::string>{"roster.kept"});
  EXPECT_NE(journal_[0].details["reason"].get<std::string>().find(
                "no quarantine key"),
            std::string::npos);
  ASSERT_EQ(notices_.size(), 1U);
  EXPECT_NE(notices_[0].body.find("移すことができませんでした"),
            std::string::npos);
}

TEST_F(GuardTest, ReportOnlyPolicyMovesNothing) {
  rules_.move = false;
  Guard guard = MakeGuard();
  ASSERT_TRUE(events_.Write("/home/staff/名簿.csv", RosterCsv(), kStaffPid));
  Pump(guard);
  EXPECT_EQ(files_.Content("/home/staff/名簿.csv"), RosterCsv());
  EXPECT_EQ(Types(), std::vector<std::string>{"roster.found"});
  EXPECT_TRUE(files_.List(kQuarantine).empty());
}

TEST_F(GuardTest, NonRostersExcludedPathsAndOwnWritesAreLeftAlone) {
  Guard guard = MakeGuard();
  ASSERT_TRUE(events_.Write("/home/staff/minutes.txt", kMinutes, kStaffPid));
  ASSERT_TRUE(
      events_.Write("/home/staff/excluded/名簿.csv", RosterCsv(), kStaffPid));
  ASSERT_TRUE(events_.Write("/home/staff/own.csv", RosterCsv(), kDaemonPid));
  ASSERT_TRUE(events_.Write(std::string(kQuarantine) + "/x.csv", RosterCsv(),
                            kStaffPid));
  Pump(guard);
  EXPECT_TRUE(journal_.empty());
  EXPECT_EQ(files_.Content("/home/staff/minutes.txt"), kMinutes);
  EXPECT_EQ(files_.Content("/home/staff/excluded/名簿.csv"), RosterCsv());
  EXPECT_EQ(files_.Content("/home/staff/own.csv"), RosterCsv());
}

TEST_F(GuardTest, WatchOnlyLimitsThePaths) {
  rules_.watch_only = {"/home/staff/work"};
  files_.AddDirectory("/home/staff/work");
  Guard guard = MakeGuard();
  ASSERT_TRUE(events_.Write("/home/staff/a.csv", RosterCsv(), kStaffPid));
  ASSERT_TRUE(events_.Write("/home/staff/work/b.csv", RosterCsv(), kStaffPid));
  Pump(guard);
  EXPECT_EQ(files_.Content("/home/staff/a.csv"), RosterCsv());
  EXPECT_EQ(files_.KindOf("/home/staff/work/b.csv"),
            FakeFileSystem::Kind::kNone);
}

TEST_F(GuardTest, FileStillBeingWrittenWaitsUntilClosed) {
  Guard guard = MakeGuard();
  files_.AddFile("/home/staff/名簿.csv", RosterCsv());
  files_.SetWriter("/home/staff/名簿.csv", 777);
  ASSERT_TRUE(events_.CloseWrite("/home/staff/名簿.csv", kStaffPid));
  Pump(guard);
  EXPECT_EQ(guard.waiting(), 1U);
  EXPECT_EQ(files_.Content("/home/staff/名簿.csv"), RosterCsv());
  EXPECT_TRUE(journal_.empty());
  guard.Retry();  // still written
  EXPECT_EQ(guard.waiting(), 1U);
  files_.SetWriter("/home/staff/名簿.csv", 777, false);
  guard.Retry();
  EXPECT_EQ(guard.waiting(), 0U);
  EXPECT_EQ(files_.KindOf("/home/staff/名簿.csv"), FakeFileSystem::Kind::kNone);
  EXPECT_EQ(Types(), std::vector<std::string>{"roster.moved"});
}

TEST_F(GuardTest, WrittenForeverIsReportedNotMoved) {
  Guard guard = MakeGuard();
  files_.AddFile("/home/staff/名簿.csv", RosterCsv());
  files_.SetWriter("/home/staff/名簿.csv", 777);
  ASSERT_TRUE(events_.CloseWrite("/home/staff/名簿.csv", kStaffPid));
  Pump(guard);
  for (int i = 0; i < kMaxDeferrals + 1; ++i) guard.Retry();
  EXPECT_EQ(guard.waiting(), 0U);
  EXPECT_EQ(Types(), std::vector<std::string>{"roster.kept"});
  EXPECT_EQ(files_.Content("/home/staff/名簿.csv"), RosterCsv());
}

TEST_F(GuardTest, SymlinkSwappedInIsNeitherFollowedNorRemoved) {
  Guard guard = MakeGuard();
  files_.AddFile("/etc-passwd-like", "root:x:0:0\n");
  ASSERT_TRUE(events_.Write("/home/staff/名簿.csv", RosterCsv(), kStaffPid));
  // Between the read and the move, the name becomes a symlink elsewhere
  // and the roster is moved aside.
  files_.SwapForSymlinkAfter(Op::kReadSparse, "/home/staff/名簿.csv",
                             "/etc-passwd-like", "/home/staff/aside.csv");
  Pump(guard);
  EXPECT_EQ(files_.KindOf("/home/staff/名簿.csv"),
            FakeFileSystem::Kind::kSymlink);
  EXPECT_EQ(files_.Content("/etc-passwd-like"), "root:x:0:0\n");
  EXPECT_EQ(files_.Content("/home/staff/aside.csv"), RosterCsv());
  EXPECT_TRUE(files_.List(kQuarantine).empty());
  // A rename makes no close-write: the office hears of the roster that got
  // away (it is examined again at its next write).
  ASSERT_EQ(journal_.size(), 1U);
  EXPECT_EQ(journal_[0].type, "roster.error");
  EXPECT_NE(journal_[0].details["error"].get<std::string>().find("not moved"),
            std::string::npos);
}

TEST_F(GuardTest, DiskFullWhileQuarantiningKeepsTheOriginal) {
  Guard guard = MakeGuard();
  files_.FailNext(Op::kFsyncFd, ENOSPC);
  ASSERT_TRUE(events_.Write("/home/staff/名簿.csv", RosterCsv(), kStaffPid));
  Pump(guard);
  EXPECT_EQ(files_.Content("/home/staff/名簿.csv"), RosterCsv());
  EXPECT_TRUE(files_.List(kQuarantine).empty());  // no partial copy left
  ASSERT_EQ(Types(), std::vector<std::string>{"roster.kept"});
  EXPECT_NE(journal_[0].details["reason"].get<std::string>().find(
                "could not be copied"),
            std::string::npos);
}

TEST_F(GuardTest, FailedRemovalLeavesBothCopies) {
  Guard guard = MakeGuard();
  files_.FailNext(Op::kRemoveIfSame, EACCES);
  ASSERT_TRUE(events_.Write("/home/staff/名簿.csv", RosterCsv(), kStaffPid));
  Pump(guard);
  EXPECT_EQ(files_.Content("/home/staff/名簿.csv"), RosterCsv());
  EXPECT_EQ(files_.List(kQuarantine).size(), 1U);
  ASSERT_EQ(Types(), std::vector<std::string>{"roster.kept"});
}

TEST_F(GuardTest, QueueOverflowIsJournaled) {
  Guard guard = MakeGuard();
  events_.Overflow();
  Pump(guard);
  EXPECT_EQ(Types(), std::vector<std::string>{"roster.overflow"});
}

TEST_F(GuardTest, UnreadableFileIsAnErrorEntry) {
  Guard guard = MakeGuard();
  files_.FailNext(Op::kReadSparse, EIO);
  ASSERT_TRUE(events_.Write("/home/staff/名簿.csv", RosterCsv(), kStaffPid));
  Pump(guard);
  EXPECT_EQ(Types(), std::vector<std::string>{"roster.error"});
  EXPECT_EQ(files_.Content("/home/staff/名簿.csv"), RosterCsv());
}

// The detector fails (in piiguardd: the examiner was killed by its
// sandbox or at its deadline): the file stays and the office hears it was
// not examined.
class FailingDetector : public roster::Detector {
 public:
  Result<roster::Verdict> Examine(std::string_view,
                                  const roster::Options&) const override {
    return InternalError("examiner", "file", "killed by signal 31");
  }
  Result<roster::Verdict> ExamineFd(int,
                                    const roster::Options&) const override {
    return InternalError("examiner", "file", "killed by signal 31");
  }
};

TEST_F(GuardTest, AFailedDetectorKeepsTheFileAndJournalsIt) {
  FailingDetector failing;
  roster::Detector* real = std::exchange(detector_, &failing);
  Guard guard = MakeGuard();
  detector_ = real;
  ASSERT_TRUE(events_.Write("/home/staff/名簿.csv", RosterCsv(), kStaffPid));
  Pump(guard);
  EXPECT_EQ(files_.Content("/home/staff/名簿.csv"), RosterCsv());
  EXPECT_TRUE(files_.List(kQuarantine).empty());
  ASSERT_EQ(Types(), std::vector<std::string>{"roster.kept"});
  EXPECT_EQ(journal_[0].severity, journal::Severity::kWarning);
  EXPECT_EQ(journal_[0].details["reason"],
            "not examined: examiner: file: killed by signal 31");
  EXPECT_EQ(guard.StatusPart()["not_examined"], 1);
  EXPECT_EQ(guard.StatusPart()["found"], 0);
}

TEST(PathUnderTest, ComponentsNotPrefixes) {
  EXPECT_TRUE(PathUnder("/a/b", "/a"));
  EXPECT_TRUE(PathUnder("/a", "/a"));
  EXPECT_TRUE(PathUnder("/a", "/"));
  EXPECT_FALSE(PathUnder("/ab", "/a"));
  EXPECT_FALSE(PathUnder("/a", "/a/b"));
}

}  // namespace
}  // namespace piiguard::agent::rosterguard
