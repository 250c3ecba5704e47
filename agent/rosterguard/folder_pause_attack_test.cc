// The folder pause against staff who want more than one folder paused, or
// a roster never examined (folder_pause.h, docs/roster-guard.md "Pausing a
// folder").
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "agent/rosterguard/folder_pause.h"
#include "agent/rosterguard/folder_pause_testing.h"
#include "common/json.h"
#include "common/os/linux_file_system.h"

namespace piiguard::agent::rosterguard {
namespace {

// The refusal staff read: both languages, the reason's words in each.
void ExpectRefused(const Result<std::string>& r, std::string_view ja,
                   std::string_view en) {
  ASSERT_FALSE(r.ok()) << *r;
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  const Status status = r.status();
  std::string_view m = status.message();
  EXPECT_NE(m.find("一時停止できません"), std::string::npos) << m;
  EXPECT_NE(m.find("cannot be paused"), std::string::npos) << m;
  EXPECT_NE(m.find(ja), std::string::npos) << m;
  EXPECT_NE(m.find(en), std::string::npos) << m;
}

TEST_F(FolderPauseTest, RelativeOrDotDotPathsAreRefused) {
  for (const char* path :
       {"", "home/staff/merge", "merge", "/home/staff/merge/../merge",
        "/home/staff/./merge", "/home/staff/merge/.."}) {
    SCOPED_TRACE(path);
    ExpectRefused(pause_->CheckFolder(kStaff, path), "絶対パス", "absolute");
  }
  ExpectRefused(
      pause_->CheckFolder(kStaff, "/home/staff/" + std::string(1100, 'a')),
      "絶対パス", "absolute");
}

TEST_F(FolderPauseTest, WhatIsNotAnExistingFolderIsRefused) {
  files_.AddFile("/home/staff/file.csv", "x");
  files_.AddSymlink("/home/staff/root", "/");
  files_.AddSymlink("/home/staff/link", kFolder);
  for (const char* path : {"/home/staff/missing", "/home/staff/file.csv",
                           "/home/staff/root", "/home/staff/link"}) {
    SCOPED_TRACE(path);
    ExpectRefused(pause_->CheckFolder(kStaff, path), "リンク", "links");
  }
}

TEST_F(FolderPauseTest, OnlyTheAskersOwnFolderInsideTheirHome) {
  ExpectRefused(pause_->CheckFolder(kStaff, "/home/other/work"), "自分の",
                "of your own");
  ExpectRefused(pause_->CheckFolder(0, kFolder), "自分の", "of your own");
  ExpectRefused(pause_->CheckFolder(0, "/"), "自分の", "of your own");
  ExpectRefused(pause_->CheckFolder(kStaff, "/home/staff"), "ホーム", "home");
  ExpectRefused(pause_->CheckFolder(kOther, "/home/other"), "ホーム", "home");
  // Staff's own folders outside their home.
  files_.AddDirectory("/tmp", 01777);
  files_.AddDirectory("/tmp/mine", 0755, kStaff);
  files_.AddDirectory("/data", 0755, kStaff);
  files_.AddDirectory("/data/mine", 0755, kStaff);
  files_.AddDirectory("/var/tmp", 01777);
  files_.AddDirectory("/var/tmp/mine", 0755, kStaff);
  for (const char* path :
       {"/tmp/mine", "/data", "/data/mine", "/var/tmp/mine"}) {
    SCOPED_TRACE(path);
    ExpectRefused(pause_->CheckFolder(kStaff, path), "ホーム", "home");
  }
  // A user the passwd database does not know has no home.
  files_.AddDirectory("/home/staff/stranger", 0755, 4000);
  ExpectRefused(pause_->CheckFolder(4000, "/home/staff/stranger"), "ホーム",
                "home");
}

TEST_F(FolderPauseTest, MountsUnwatchedAndExcludedPlacesAreRefused) {
  files_.AddDirectory("/home/staff/disk", 0755, kStaff);
  files_.AddMount("/home/staff/disk", 7);
  files_.AddDirectory("/home/staff/disk/in", 0755, kStaff);
  ExpectRefused(pause_->CheckFolder(kStaff, "/home/staff/disk"), "最上位",
                "top of a disk");
  ExpectRefused(pause_->CheckFolder(kStaff, "/home/staff/disk/in"), "対象外",
                "does not watch");
  files_.AddDirectory("/home/staff/excluded/x", 0755, kStaff);
  ExpectRefused(pause_->CheckFolder(kStaff, "/home/staff/excluded/x"), "対象外",
                "does not watch");
}

TEST_F(FolderPauseTest, AFolderHoldingTheGuardsOwnFilesIsRefused) {
  FolderPauseDeps deps = MakeDeps();
  deps.state_dir = "/home/staff/merge/state";
  FolderPause pause(std::move(deps));
  ExpectRefused(pause.CheckFolder(kStaff, kFolder), "対象外", "does not watch");
}

TEST_F(FolderPauseTest, ARenamedFolderPausesNothingButIsStillExaminedAtTheEnd) {
  StartGrant(kFolder);
  WriteRoster("/home/staff/merge/paused.csv");
  ASSERT_FALSE(Gone("/home/staff/merge/paused.csv"));
  files_.Rename(kFolder, "/home/staff/renamed");
  // Under its new name: not paused.
  WriteRoster("/home/staff/renamed/new.csv");
  EXPECT_TRUE(Gone("/home/staff/renamed/new.csv"));
  // Another folder at the grant's path: not paused either.
  files_.AddDirectory(kFolder, 0755, kStaff);
  WriteRoster("/home/staff/merge/other.csv");
  EXPECT_TRUE(Gone("/home/staff/merge/other.csv"));
  // At the end the folder is walked where it is now.
  EndGrant();
  EXPECT_TRUE(Gone("/home/staff/renamed/paused.csv"));
  EXPECT_EQ(Count("roster.paused"), 1U);
}

TEST_F(FolderPauseTest, AFolderReplacedByASymlinkDoesNotWidenThePause) {
  StartGrant(kFolder);
  files_.Rename(kFolder, "/home/staff/away");
  files_.AddSymlink(kFolder, "/home/staff");
  WriteRoster("/home/staff/list.csv");
  EXPECT_TRUE(Gone("/home/staff/list.csv"));
  WriteRoster("/home/staff/away/list.csv");
  EXPECT_TRUE(Gone("/home/staff/away/list.csv"));
  EXPECT_EQ(Count("roster.paused"), 0U);
}

TEST_F(FolderPauseTest, ASymlinkSwappedInBeforeTheGrantBeginsPausesNothing) {
  ASSERT_TRUE(pause_->CheckFolder(kStaff, kFolder).ok());
  files_.Rename(kFolder, "/home/staff/away");
  files_.AddSymlink(kFolder, "/");
  StartGrant(kFolder);
  EXPECT_EQ(Count("roster.error"), 1U);  // nothing paused, and said so
  WriteRoster("/home/staff/away/list.csv");
  EXPECT_TRUE(Gone("/home/staff/away/list.csv"));
  EXPECT_EQ(Count("roster.paused"), 0U);
  EndGrant();
}

TEST_F(FolderPauseTest, ARosterRenamedOutOfTheFolderIsExaminedAtTheEnd) {
  StartGrant(kFolder);
  WriteRoster("/home/staff/merge/list.csv");
  // rename(2) makes no close-write: only the fd kept from the pause finds it.
  files_.Rename("/home/staff/merge/list.csv", "/home/staff/list.csv");
  EndGrant();
  EXPECT_TRUE(Gone("/home/staff/list.csv"));
  EXPECT_EQ(Count("roster.moved"), 1U);
}

TEST_F(FolderPauseTest, AHardLinkIntoTheFolderIsNotPaused) {
  // A roster elsewhere (kept: say the guard was not running) is linked into
  // the folder and written there: a file with another name is examined as
  // usual, so the pause cannot hide a name outside the folder.
  files_.AddFile("/home/staff/elsewhere.csv", RosterCsv());
  files_.AddHardLink("/home/staff/elsewhere.csv", "/home/staff/merge/in.csv");
  StartGrant(kFolder);
  WriteRoster("/home/staff/merge/in.csv");
  EXPECT_EQ(Count("roster.paused"), 0U);
  EXPECT_TRUE(Gone("/home/staff/merge/in.csv"));
  // Its other name keeps the data: reported, as for any hard link.
  EXPECT_EQ(Count("roster.kept"), 1U);
  // And why it was not left for later, once, for the IT desk and staff.
  const journal::Event* why = Find(journal_, "roster.error");
  ASSERT_NE(why, nullptr);
  EXPECT_NE(why->details.dump().find("other names"), std::string::npos);
  EXPECT_EQ(Count("roster.error"), 1U);
  Json status = pause_->StatusPart();
  EXPECT_EQ(status[0]["not_paused"]["path"], "/home/staff/merge/in.csv");
}

TEST_F(FolderPauseTest, AFolderInsideTheFolderOnAnotherDiskIsNotWalked) {
  files_.AddDirectory("/home/staff/merge/stick", 0755, kStaff);
  files_.AddMount("/home/staff/merge/stick", 9);
  files_.AddFile("/home/staff/merge/stick/data.csv", RosterCsv());
  StartGrant(kFolder);
  EndGrant();
  EXPECT_FALSE(Gone("/home/staff/merge/stick/data.csv"));
}

// The same rules through the kernel: a symlink before the last component is
// resolved and only the real path is kept; one as the last is refused.
TEST_F(FolderPauseTest, OnLinuxThePathIsReadBackFromTheOpenedFolder) {
  char tmpl[] = "folder-pause-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  os::LinuxFileSystem linux_files;
  UniqueFd base_fd(::open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_TRUE(base_fd.valid());
  Result<std::string> root = linux_files.PathOf(base_fd.get());
  ASSERT_TRUE(root.ok());
  std::string home = *root + "/home";
  std::string folder = home + "/merge";
  ASSERT_EQ(::mkdir(home.c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(folder.c_str(), 0755), 0);
  ASSERT_EQ(::symlink(home.c_str(), (*root + "/home-link").c_str()), 0);
  ASSERT_EQ(::symlink(folder.c_str(), (home + "/link").c_str()), 0);
  uid_t me = ::geteuid() == 0 ? kStaff : ::geteuid();
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown(home.c_str(), me, me), 0);
    ASSERT_EQ(::chown(folder.c_str(), me, me), 0);
  }
  FolderPauseDeps deps = MakeDeps();
  FolderPauseDeps on_linux{linux_files,
                           deps.guard,
                           deps.notify,
                           deps.quarantine_dir,
                           deps.state_dir,
                           [&](uid_t) { return home; },
                           [&] { return std::vector<std::string>{*root}; }};
  FolderPause pause(std::move(on_linux));
  auto through_link = pause.CheckFolder(me, *root + "/home-link/merge");
  auto last_link = pause.CheckFolder(me, home + "/link");
  auto home_itself = pause.CheckFolder(me, *root + "/home-link");
  for (const char* name :
       {"/home-link", "/home/link", "/home/merge", "/home"}) {
    std::string path = *root + name;
    if (::unlink(path.c_str()) != 0) ::rmdir(path.c_str());
  }
  ::rmdir(root->c_str());
  if (root->starts_with("/tmp/") || root->starts_with("/var/")) {
    GTEST_SKIP() << "built under a system directory: " << *root;
  }
  ASSERT_TRUE(through_link.ok()) << through_link.status().message();
  EXPECT_EQ(*through_link, folder);
  ExpectRefused(last_link, "リンク", "links");
  ExpectRefused(home_itself, "リンク", "links");
}

}  // namespace
}  // namespace piiguard::agent::rosterguard
