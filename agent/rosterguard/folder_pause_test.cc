#include "agent/rosterguard/folder_pause.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/rosterguard/folder_pause_testing.h"

namespace piiguard::agent::rosterguard {
namespace {

TEST_F(FolderPauseTest, CheckFolderGivesTheCanonicalPath) {
  auto folder = pause_->CheckFolder(kStaff, kFolder);
  ASSERT_TRUE(folder.ok()) << folder.status().message();
  EXPECT_EQ(*folder, kFolder);
  auto slashed = pause_->CheckFolder(kStaff, "/home/staff//merge/");
  ASSERT_TRUE(slashed.ok()) << slashed.status().message();
  EXPECT_EQ(*slashed, kFolder);
}

TEST_F(FolderPauseTest, PausedOnlyUnderTheFolderAndOnlyWhileTheGrantRuns) {
  // Before the grant: moved as always.
  WriteRoster("/home/staff/merge/before.csv");
  EXPECT_TRUE(Gone("/home/staff/merge/before.csv"));

  StartGrant(kFolder);
  WriteRoster("/home/staff/merge/宛名.csv");
  WriteRoster("/home/staff/merge/宛名.csv");  // written again
  EXPECT_FALSE(Gone("/home/staff/merge/宛名.csv"));
  EXPECT_EQ(Count("roster.paused"), 1U);  // once per path
  const journal::Event& paused = journal_.back();
  EXPECT_EQ(paused.type, "roster.paused");
  EXPECT_EQ(paused.details["grant"], "42");
  EXPECT_EQ(paused.details["folder"], kFolder);
  EXPECT_EQ(paused.details["path"], "/home/staff/merge/宛名.csv");
  // Outside the folder, and in a sibling sharing its name as a prefix:
  // moved at once.
  WriteRoster("/home/staff/list.csv");
  WriteRoster("/home/staff/merge-old/list.csv");
  EXPECT_TRUE(Gone("/home/staff/list.csv"));
  EXPECT_TRUE(Gone("/home/staff/merge-old/list.csv"));
  EXPECT_EQ(Count("roster.moved"), 3U);

  size_t notices = notices_.size();
  EndGrant();
  EXPECT_TRUE(Gone("/home/staff/merge/宛名.csv"));
  EXPECT_EQ(Count("roster.pause_ended"), 1U);
  EXPECT_EQ(Count("roster.moved"), 4U);
  ASSERT_EQ(notices_.size(), notices + 2);  // the end, then the move
  EXPECT_NE(notices_[notices].body.find("調べ直し"), std::string::npos);
  EXPECT_NE(notices_[notices].body.find("examined again"), std::string::npos);

  // After the end: moved as always.
  WriteRoster("/home/staff/merge/after.csv");
  EXPECT_TRUE(Gone("/home/staff/merge/after.csv"));
}

TEST_F(FolderPauseTest, AGrantTheServiceNoLongerRunsPausesNothing) {
  StartGrant(kFolder);
  grants_.running.clear();  // ended; GrantsChanged() not called yet
  WriteRoster("/home/staff/merge/a.csv");
  EXPECT_TRUE(Gone("/home/staff/merge/a.csv"));
  EXPECT_EQ(Count("roster.paused"), 0U);
}

TEST_F(FolderPauseTest, TheEndExaminesEveryFileBelowTheFolder) {
  files_.AddDirectory("/home/staff/merge/sub", 0755, kStaff);
  StartGrant(kFolder);
  WriteRoster("/home/staff/merge/sub/deep.csv");
  // Files the guard never heard of (written before it ran, renamed in).
  files_.AddFile("/home/staff/merge/old.csv", RosterCsv());
  files_.AddFile("/home/staff/merge/minutes.txt", kMinutes);
  EndGrant();
  EXPECT_TRUE(Gone("/home/staff/merge/sub/deep.csv"));
  EXPECT_TRUE(Gone("/home/staff/merge/old.csv"));
  EXPECT_FALSE(Gone("/home/staff/merge/minutes.txt"));  // not a roster
  EXPECT_EQ(Count("roster.moved"), 2U);
  EXPECT_EQ(journal_[Types().size() - 3].details["examined"], 3);
}

TEST_F(FolderPauseTest, AFileStillWrittenAtTheEndWaitsForItsWriter) {
  StartGrant(kFolder);
  WriteRoster("/home/staff/merge/letters.csv");
  files_.SetWriter("/home/staff/merge/letters.csv", kStaffPid);
  EndGrant();
  EXPECT_FALSE(Gone("/home/staff/merge/letters.csv"));
  EXPECT_EQ(guard_->waiting(), 1U);
  files_.SetWriter("/home/staff/merge/letters.csv", kStaffPid, false);
  guard_->Retry();
  EXPECT_TRUE(Gone("/home/staff/merge/letters.csv"));
  EXPECT_EQ(guard_->waiting(), 0U);
}

TEST_F(FolderPauseTest, TooDeepIsJournaledAndTheRestWaitsForItsNextWrite) {
  std::string dir = kFolder;
  for (int i = 0; i < kMaxRescanDepth; ++i) {
    dir += "/d";
    files_.AddDirectory(dir, 0755, kStaff);
  }
  files_.AddFile(dir + "/deepest.csv", RosterCsv());
  files_.AddFile("/home/staff/merge/top.csv", RosterCsv());
  StartGrant(kFolder);
  EndGrant();
  EXPECT_TRUE(Gone("/home/staff/merge/top.csv"));
  EXPECT_FALSE(Gone(dir + "/deepest.csv"));
  ASSERT_EQ(Count("roster.error"), 1U);
  WriteRoster(dir + "/deepest.csv");
  EXPECT_TRUE(Gone(dir + "/deepest.csv"));
}

TEST_F(FolderPauseTest, ManyFilesAreQueuedAFewAtATime) {
  for (int i = 0; i < 40; ++i) {
    files_.AddFile("/home/staff/merge/f" + std::to_string(i) + ".csv",
                   RosterCsv());
  }
  StartGrant(kFolder);
  EndGrant();
  EXPECT_EQ(Count("roster.moved"), 40U);
  EXPECT_EQ(guard_->rescan_backlog(), 0U);
}

TEST_F(FolderPauseTest, TwoGrantsOnOneFolderPauseUntilTheLastEnds) {
  StartGrant(kFolder, "1");
  StartGrant(kFolder, "2");
  WriteRoster("/home/staff/merge/a.csv");
  EndGrant("1");
  EXPECT_FALSE(Gone("/home/staff/merge/a.csv"));  // still paused by "2"
  EndGrant("2");
  EXPECT_TRUE(Gone("/home/staff/merge/a.csv"));
}

TEST_F(FolderPauseTest, NoGrantsEndsEveryPause) {
  StartGrant(kFolder);
  WriteRoster("/home/staff/merge/a.csv");
  ASSERT_EQ(pause_->StatusPart().size(), 1U);
  pause_->SetGrants(nullptr);
  EXPECT_TRUE(Gone("/home/staff/merge/a.csv"));
  EXPECT_EQ(pause_->StatusPart().size(), 0U);
}

}  // namespace
}  // namespace piiguard::agent::rosterguard
