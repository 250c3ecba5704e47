// The folder pause against staff who try to get a roster out of the paused
// folder unseen: a hard link made elsewhere and the folder's name removed,
// the kept-files cap used up, a bind mount onto the folder, a folder too big
// to walk, a folder swapped between the code and the grant
// (docs/roster-guard.md "Pausing a folder").
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "agent/rosterguard/folder_pause.h"
#include "agent/rosterguard/folder_pause_testing.h"
#include "common/os/linux_file_system.h"

namespace piiguard::agent::rosterguard {
namespace {

TEST_F(FolderPauseTest, AHardLinkOutsideThenRemovedIsFoundAndMoved) {
  files_.AddDirectory("/home/staff/Music", 0755, kStaff);
  StartGrant(kFolder);
  WriteRoster("/home/staff/merge/r.csv");
  ASSERT_EQ(Count("roster.paused"), 1U);
  // ln ~/merge/r.csv ~/Music/x; rm ~/merge/r.csv: the held fd has no path.
  files_.AddHardLink("/home/staff/merge/r.csv", "/home/staff/Music/x.csv");
  files_.Remove("/home/staff/merge/r.csv");
  EndGrant();
  EXPECT_TRUE(Gone("/home/staff/Music/x.csv"));
  EXPECT_EQ(Count("roster.moved"), 1U);
}

TEST_F(FolderPauseTest, AHardLinkInTmpIsFoundToo) {
  files_.AddDirectory("/tmp", 01777);
  StartGrant(kFolder);
  WriteRoster("/home/staff/merge/r.csv");
  files_.AddHardLink("/home/staff/merge/r.csv", "/tmp/x.csv");
  files_.Remove("/home/staff/merge/r.csv");
  EndGrant();
  EXPECT_TRUE(Gone("/tmp/x.csv"));
  EXPECT_EQ(Count("roster.moved"), 1U);
}

TEST_F(FolderPauseTest, AHardLinkNotFoundIsExaminedAndJournaledAsAViolation) {
  files_.AddDirectory("/srv/hidden", 0755, kStaff);
  StartGrant(kFolder);
  WriteRoster("/home/staff/merge/r.csv");
  files_.AddHardLink("/home/staff/merge/r.csv", "/srv/hidden/x.csv");
  files_.Remove("/home/staff/merge/r.csv");
  size_t notices = notices_.size();
  EndGrant();
  EXPECT_FALSE(Gone("/srv/hidden/x.csv"));  // nothing names it to the guard
  const journal::Event* kept = Find(journal_, "roster.kept");
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->severity, journal::Severity::kViolation);
  EXPECT_EQ(kept->details["grant"], "42");
  EXPECT_EQ(kept->details["path"], "/home/staff/merge/r.csv");
  UniqueFd fd = files_.Open("/srv/hidden/x.csv");
  Result<os::FileIdentity> id = files_.Identify(fd.get());
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(kept->details["inode"], id->ino);
  EXPECT_NE(kept->details["reason"].get<std::string>().find(
                "a paused roster got another name outside the folder"),
            std::string::npos);
  EXPECT_EQ(notices_.size(), notices + 2);  // the end, and this roster
}

TEST_F(FolderPauseTest, AnUnfoundFileThatIsNoRosterIsNotReported) {
  files_.AddDirectory("/srv/hidden", 0755, kStaff);
  StartGrant(kFolder);
  ASSERT_TRUE(events_.Write("/home/staff/merge/a.txt", kMinutes, kStaffPid));
  Pump(*guard_);
  files_.AddHardLink("/home/staff/merge/a.txt", "/srv/hidden/a.txt");
  files_.Remove("/home/staff/merge/a.txt");
  EndGrant();
  EXPECT_EQ(Count("roster.kept"), 0U);
}

TEST_F(FolderPauseTest, AFileWithAnotherNameAtTheEndHasEveryNameExamined) {
  files_.AddDirectory("/home/staff/Music", 0755, kStaff);
  StartGrant(kFolder);
  WriteRoster("/home/staff/merge/r.csv");
  files_.AddHardLink("/home/staff/merge/r.csv", "/home/staff/Music/x.csv");
  EndGrant();
  EXPECT_TRUE(Gone("/home/staff/merge/r.csv"));
  EXPECT_TRUE(Gone("/home/staff/Music/x.csv"));
}

TEST_F(FolderPauseTest, WhenTheKeptFilesAreFullNothingMoreIsPaused) {
  constexpr size_t kCap = 8;  // kMaxHeldFiles in production
  FolderPauseDeps deps = MakeDeps();
  deps.max_held_files = kCap;
  pause_.emplace(std::move(deps));
  guard_->SetPause(&*pause_);
  pause_->SetGrants(&grants_);
  StartGrant(kFolder);
  for (size_t i = 0; i < kCap; ++i) {
    ASSERT_TRUE(events_.Write(
        "/home/staff/merge/f" + std::to_string(i) + ".txt", "x", kStaffPid));
  }
  Pump(*guard_);
  ASSERT_EQ(Count("roster.paused"), kCap);
  EXPECT_EQ(Count("roster.error"), 0U);
  // The next one is examined as usual, whatever it is renamed to later.
  WriteRoster("/home/staff/merge/list.csv");
  EXPECT_TRUE(Gone("/home/staff/merge/list.csv"));
  WriteRoster("/home/staff/merge/list2.csv");
  EXPECT_TRUE(Gone("/home/staff/merge/list2.csv"));
  EXPECT_EQ(Count("roster.paused"), kCap);
  EXPECT_EQ(Count("roster.error"), 1U);  // said once
  // A file already kept is still paused (its newest fd replaces the old).
  WriteRoster("/home/staff/merge/f3.txt");
  EXPECT_FALSE(Gone("/home/staff/merge/f3.txt"));
  EndGrant();
  EXPECT_TRUE(Gone("/home/staff/merge/f3.txt"));
}

// unshare -Urm; mount --bind ~ ~/merge: a file elsewhere in the home is
// named by the kernel as if it were under the folder.
TEST_F(FolderPauseTest, AFileReachedThroughABindMountIsNotPaused) {
  files_.AddFile("/home/staff/secret.csv", RosterCsv(), 0644, kStaff);
  os::FileEventBatch batch;
  os::FileEvent event;
  event.fd = files_.Open("/home/staff/secret.csv");
  event.pid = kStaffPid;
  files_.SetMountIdOf(event.fd.get(), 77, "/home/staff/merge/secret.csv");
  StartGrant(kFolder);
  batch.events.push_back(std::move(event));
  guard_->OnEvents(std::move(batch));
  EXPECT_EQ(Count("roster.paused"), 0U);
  EXPECT_GE(files_.calls(Op::kReadSparse), 1);  // examined
}

// Under the unit (PrivateMounts=yes) the daemon's mounts are copies with
// other ids than the writer's: a file really in the folder is paused all
// the same (the id is not what decides).
TEST_F(FolderPauseTest, AFileInTheFolderSeenThroughAnotherMountIdIsPaused) {
  files_.AddFile("/home/staff/merge/letters.csv", RosterCsv(), 0644, kStaff);
  os::FileEventBatch batch;
  os::FileEvent event;
  event.fd = files_.Open("/home/staff/merge/letters.csv");
  event.pid = kStaffPid;
  files_.SetMountIdOf(event.fd.get(), 4242, "/home/staff/merge/letters.csv");
  StartGrant(kFolder);
  batch.events.push_back(std::move(event));
  guard_->OnEvents(std::move(batch));
  EXPECT_EQ(Count("roster.paused"), 1U);
  EXPECT_FALSE(Gone("/home/staff/merge/letters.csv"));
}

TEST_F(FolderPauseTest, APathThatIsAnotherFileBelowTheFolderIsNotPaused) {
  // Same mount id, but the path the kernel gives is, below the held
  // folder, another file (a decoy): the file of the event is not paused.
  files_.AddFile("/home/staff/secret.csv", RosterCsv(), 0644, kStaff);
  files_.AddFile("/home/staff/merge/secret.csv", "decoy", 0644, kStaff);
  os::FileEventBatch batch;
  os::FileEvent event;
  event.fd = files_.Open("/home/staff/secret.csv");
  event.pid = kStaffPid;
  files_.SetMountIdOf(event.fd.get(), files_.DeviceOf(kFolder),
                      "/home/staff/merge/secret.csv");
  StartGrant(kFolder);
  batch.events.push_back(std::move(event));
  guard_->OnEvents(std::move(batch));
  EXPECT_EQ(Count("roster.paused"), 0U);
  EXPECT_GE(files_.calls(Op::kReadSparse), 1);
}

TEST_F(FolderPauseTest, TheEndWalkIsBoundedInEntriesOfAnyKind) {
  FolderPauseDeps deps = MakeDeps();
  deps.max_walk_entries = 20;
  pause_.emplace(std::move(deps));
  guard_->SetPause(&*pause_);
  pause_->SetGrants(&grants_);
  for (int i = 0; i < 30; ++i) {
    files_.AddFifo("/home/staff/merge/a" + std::to_string(10 + i));
  }
  files_.AddFile("/home/staff/merge/z.csv", RosterCsv(), 0644, kStaff);
  StartGrant(kFolder);
  EndGrant();
  EXPECT_FALSE(Gone("/home/staff/merge/z.csv"));  // past the bound
  const journal::Event* error = Find(journal_, "roster.error");
  ASSERT_NE(error, nullptr);
  EXPECT_NE(error->details["error"].get<std::string>().find("20 entries"),
            std::string::npos);
}

TEST_F(FolderPauseTest, AFolderReplacedSinceTheCodeWasAskedPausesNothing) {
  ASSERT_TRUE(pause_->CheckFolder(kStaff, kFolder).ok());
  files_.Rename(kFolder, "/home/staff/away");
  files_.AddDirectory(kFolder, 0755, kStaff);  // same owner, another inode
  StartGrant(kFolder);
  EXPECT_EQ(Count("roster.error"), 1U);
  WriteRoster("/home/staff/merge/list.csv");
  EXPECT_TRUE(Gone("/home/staff/merge/list.csv"));
  EXPECT_EQ(Count("roster.paused"), 0U);
}

TEST_F(FolderPauseTest, AFolderOfAnotherOwnerInTheHomePausesNothing) {
  // No CheckFolder record (a restart): the folder must still be its
  // owner's, strictly inside their home.
  files_.AddDirectory("/home/staff/theirs", 0755, kOther);
  StartGrant("/home/staff/theirs");
  EXPECT_EQ(Count("roster.error"), 1U);
  WriteRoster("/home/staff/theirs/list.csv");
  EXPECT_TRUE(Gone("/home/staff/theirs/list.csv"));
}

// What Paused() asks of the kernel: the mount of an fd, and a path taken
// again below the held folder without symlinks or leaving it.
TEST(FolderPauseOnLinux, StatBeneathAndMountIdOf) {
  char tmpl[] = "folder-pause-beneath-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string root = tmpl;
  ASSERT_EQ(::mkdir((root + "/sub").c_str(), 0755), 0);
  UniqueFd file(::open((root + "/sub/a.csv").c_str(),
                       O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
  ASSERT_TRUE(file.valid());
  ASSERT_EQ(::symlink("sub", (root + "/link").c_str()), 0);
  UniqueFd dir(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_TRUE(dir.valid());
  os::LinuxFileSystem files;
  Result<os::FileIdentity> beneath = files.StatBeneath(dir.get(), "sub/a.csv");
  Result<os::FileIdentity> id = files.Identify(file.get());
  Result<os::FileIdentity> through_link =
      files.StatBeneath(dir.get(), "link/a.csv");
  Result<os::FileIdentity> above = files.StatBeneath(dir.get(), "../x");
  Result<uint64_t> dir_mount = files.MountIdOf(dir.get());
  Result<uint64_t> file_mount = files.MountIdOf(file.get());
  ::unlink((root + "/link").c_str());
  ::unlink((root + "/sub/a.csv").c_str());
  ::rmdir((root + "/sub").c_str());
  ::rmdir(root.c_str());
  ASSERT_TRUE(beneath.ok()) << beneath.status().message();
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE(beneath->SameFile(*id));
  EXPECT_FALSE(through_link.ok());
  EXPECT_FALSE(above.ok());
  ASSERT_TRUE(dir_mount.ok()) << dir_mount.status().message();
  ASSERT_TRUE(file_mount.ok());
  EXPECT_EQ(*dir_mount, *file_mount);
}

}  // namespace
}  // namespace piiguard::agent::rosterguard
