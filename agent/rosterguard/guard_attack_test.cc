// The roster guard under attack and failure (issue 14 item 9): data written
// after the examined copy, a close-write on a removed inode, hard links,
// names that are not UTF-8, a journal that refuses, another user's roster
// and a filesystem put over the stick's mount point.
#include <gtest/gtest.h>
#include <sys/fanotify.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "agent/rosterguard/guard.h"
#include "agent/rosterguard/guard_testing.h"
#include "common/json.h"
#include "common/quarantine.h"
#include "common/scanreport/scan_report.h"

namespace piiguard::agent::rosterguard {
namespace {

constexpr const char* kPath = "/home/staff/名簿.csv";
const std::string kLater =
    "小林 五郎,コバヤシ ゴロウ,東京都東村山市本町2-3-4,090-1111-2222\n";

class GuardAttackTest : public GuardTest {
 protected:
  // The plain text of the quarantine file `name` (under kQuarantine).
  std::string Opened(const std::string& name) {
    auto opened = quarantine::DecryptBytes(
        *office_key_, files_.Content(std::string(kQuarantine) + "/" + name));
    EXPECT_TRUE(opened.ok()) << opened.status().message();
    return opened.ok() ? opened->file : "";
  }
  // Appends through `fd` (opened for writing before the name went).
  static void Append(int fd, const std::string& data) {
    off_t end = ::lseek(fd, 0, SEEK_END);
    ASSERT_EQ(::pwrite(fd, data.data(), data.size(), end),
              static_cast<ssize_t>(data.size()));
  }
};

TEST_F(GuardAttackTest, WritesAfterTheCopyAreCopiedAgainFromTheHeldFd) {
  Guard guard = MakeGuard();
  ASSERT_TRUE(events_.Write(kPath, RosterCsv(), kStaffPid));
  UniqueFd held = files_.Open(kPath);
  auto writer = files_.ReopenForWriting(held.get());
  ASSERT_TRUE(writer.ok());
  // A writer that opened the file before it was hidden writes right after
  // the removal, then closes: the examined snapshot lacks its row.
  files_.AfterNext(Op::kRemoveIfSame, [&] { Append(writer->get(), kLater); });
  Pump(guard);
  EXPECT_EQ(files_.KindOf(kPath), FakeFileSystem::Kind::kNone);
  ASSERT_EQ(Types(), std::vector<std::string>{"roster.moved"});
  const Json& d = journal_[0].details;
  ASSERT_TRUE(d.contains("earlier_copies")) << d.dump();
  ASSERT_EQ(d["earlier_copies"].size(), 1U);
  EXPECT_EQ(d["size"], RosterCsv().size() + kLater.size());
  const std::string second = "名簿.csv (2)" + std::string(kQuarantineSuffix);
  EXPECT_EQ(d["copy"], std::string(kQuarantine) + "/" + second);
  EXPECT_EQ(Opened(second), RosterCsv() + kLater);  // nothing lost
  EXPECT_EQ(guard.waiting(), 0U);
}

TEST_F(GuardAttackTest, StillWrittenAfterRemovalWaitsForItsCloseWrite) {
  Guard guard = MakeGuard();
  ASSERT_TRUE(events_.Write(kPath, RosterCsv(), kStaffPid));
  UniqueFd held = files_.Open(kPath);
  auto writer = files_.ReopenForWriting(held.get());
  ASSERT_TRUE(writer.ok());
  files_.AfterNext(Op::kRemoveIfSame, [&] {
    Append(writer->get(), kLater);
    files_.SetWriterOf(writer->get(), 777);  // and keeps it open
  });
  Pump(guard);
  EXPECT_EQ(guard.waiting(), 1U);  // an outstanding move, not forgotten
  EXPECT_TRUE(journal_.empty());
  for (int i = 0; i < kMaxDeferrals + 5; ++i) guard.Retry();  // no expiry
  EXPECT_EQ(guard.waiting(), 1U);
  Append(writer->get(), kLater);
  files_.SetWriterOf(writer->get(), 777, false);
  // The writer's close-write comes for an inode with no name.
  events_.Push(
      os::FileEvent{UniqueFd(::dup(held.get())), 777, FAN_CLOSE_WRITE});
  Pump(guard);
  EXPECT_EQ(guard.waiting(), 0U);
  ASSERT_EQ(Types(), std::vector<std::string>{"roster.moved"});
  EXPECT_EQ(journal_[0].details["path"], kPath);
  EXPECT_EQ(Opened("名簿.csv (2)" + std::string(kQuarantineSuffix)),
            RosterCsv() + kLater + kLater);
}

TEST_F(GuardAttackTest, CloseWriteOfARemovedFileWithNoMoveIsIgnored) {
  Guard guard = MakeGuard();
  files_.AddFile(kPath, RosterCsv());
  UniqueFd held = files_.Open(kPath);
  files_.Remove(kPath);
  events_.Push(os::FileEvent{std::move(held), kStaffPid, FAN_CLOSE_WRITE});
  Pump(guard);
  EXPECT_TRUE(journal_.empty());
  EXPECT_TRUE(files_.List(kQuarantine).empty());
}

TEST_F(GuardAttackTest, HardLinkedRosterIsNotCalledMoved) {
  Guard guard = MakeGuard();
  files_.AddFile(kPath, RosterCsv());
  files_.AddHardLink(kPath, "/home/staff/aside.csv");
  ASSERT_TRUE(events_.CloseWrite(kPath, kStaffPid));
  Pump(guard);
  ASSERT_EQ(Types(), std::vector<std::string>{"roster.kept"});
  EXPECT_NE(
      journal_[0].details["reason"].get<std::string>().find("another name"),
      std::string::npos);
  EXPECT_EQ(files_.Content("/home/staff/aside.csv"), RosterCsv());
}

TEST_F(GuardAttackTest, ShiftJisNameIsJournaledEncodedAndMoved) {
  Guard guard = MakeGuard();
  // 名簿.csv in Shift_JIS, as unzip leaves a Windows archive's name.
  const std::string raw = "/home/staff/\x96\xbc\x95\xeb.csv";
  ASSERT_TRUE(events_.Write(raw, RosterCsv(), kStaffPid));
  Pump(guard);
  EXPECT_EQ(files_.KindOf(raw), FakeFileSystem::Kind::kNone);
  ASSERT_EQ(Types(), std::vector<std::string>{"roster.moved"});
  EXPECT_TRUE(journal_failures_.empty());
  EXPECT_EQ(journal_[0].details["path"], scanreport::EncodePath(raw));
  EXPECT_EQ(journal_[0].details["path"], "/home/staff/%96%BC%95%EB.csv");
  EXPECT_EQ(journal_[0].details["copy"],
            scanreport::EncodePath(std::string(kQuarantine) +
                                   "/\x96\xbc\x95\xeb.csv" +
                                   std::string(kQuarantineSuffix)));
  ASSERT_EQ(notices_.size(), 1U);
  EXPECT_NE(notices_[0].body.find("%96%BC%95%EB.csv"), std::string::npos);
  EXPECT_EQ(guard.StatusPart()["last"]["path"], scanreport::EncodePath(raw));
  // The quarantine keeps the real name.
  EXPECT_EQ(files_.List(kQuarantine).size(), 1U);
}

TEST_F(GuardAttackTest, FailedJournalWriteIsReportedAndTheRosterStillMoves) {
  journal_error_ = IoError("journal", "append", "disk full");
  Guard guard = MakeGuard();
  ASSERT_TRUE(events_.Write(kPath, RosterCsv(), kStaffPid));
  Pump(guard);
  EXPECT_EQ(files_.KindOf(kPath), FakeFileSystem::Kind::kNone);
  EXPECT_EQ(files_.List(kQuarantine).size(), 1U);
  ASSERT_EQ(journal_failures_.size(), 1U);
  EXPECT_NE(journal_failures_[0].message().find("disk full"),
            std::string::npos);
  Json status = guard.StatusPart();
  EXPECT_EQ(status["journal_failures"], 1);
  EXPECT_NE(status["journal_error"].get<std::string>().find("disk full"),
            std::string::npos);
  EXPECT_EQ(notices_.size(), 1U);  // staff are still told
}

TEST_F(GuardAttackTest, AnotherUsersRosterGoesToTheQuarantineNotTheStick) {
  stick_in_ = true;
  Guard guard = MakeGuard();
  files_.AddFile(kPath, RosterCsv(), 0644, 1001);
  ASSERT_TRUE(events_.CloseWrite(kPath, kStaffPid));
  Pump(guard);
  EXPECT_TRUE(files_.List(kStick).empty());
  EXPECT_EQ(files_.List(kQuarantine).size(), 1U);
  ASSERT_EQ(Types(), std::vector<std::string>{"roster.moved"});
  EXPECT_EQ(journal_[0].details["to"], "quarantine");
}

TEST_F(GuardAttackTest, FilesystemOverTheSticksMountPointIsRefused) {
  // Between the choice and the copy, something else is mounted on the
  // stick's mount point: its st_dev is not the stick's.
  stick_in_ = true;
  stick_dev_ = 99;
  Guard guard = MakeGuard();
  ASSERT_TRUE(events_.Write(kPath, RosterCsv(), kStaffPid));
  Pump(guard);
  EXPECT_TRUE(files_.List(kStick).empty());
  EXPECT_EQ(files_.List(kQuarantine).size(), 1U);
  EXPECT_EQ(journal_[0].details["to"], "quarantine");
  // With no quarantine key, it stays where it is and says why.
  rules_.quarantine_key.reset();
  journal_.clear();
  Guard keyless = MakeGuard();
  ASSERT_TRUE(events_.Write(kPath, RosterCsv(), kStaffPid));
  Pump(keyless);
  EXPECT_EQ(files_.Content(kPath), RosterCsv());
  ASSERT_EQ(Types(), std::vector<std::string>{"roster.kept"});
  EXPECT_NE(journal_[0].details["reason"].get<std::string>().find(
                "not the keyed stick's filesystem"),
            std::string::npos);
}

}  // namespace
}  // namespace piiguard::agent::rosterguard
