// The conformance suite of the file-system seam, part two: what changes
// the tree (the roster guard's mover: removing only the file examined,
// creating without following or replacing, syncing, reopening for
// writing). Part one and the fixture: file_system_test.cc,
// file_system_testing.h.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "common/os/file_system_testing.h"

namespace piiguard::os::file_system_testing {
namespace {

template <typename Env>
class FileSystemChangeTest : public FileSystemTest<Env> {};
TYPED_TEST_SUITE(FileSystemChangeTest, Envs, EnvNames);

TYPED_TEST(FileSystemChangeTest, HardLinksShareAnInode) {
  this->env_.WriteFile("a.csv", "roster");
  this->env_.HardLink("a.csv", "b.csv");
  FileIdentity a = this->IdentityOf("a.csv");
  EXPECT_EQ(a.nlink, 2u);
  EXPECT_TRUE(a.SameFile(this->IdentityOf("b.csv")));
  UniqueFd root = this->Root();
  ASSERT_TRUE(this->files().RemoveIfSame(root.get(), "b.csv", a).ok());
  EXPECT_EQ(this->env_.Content("a.csv"), "roster");
  EXPECT_EQ(this->IdentityOf("a.csv").nlink, 1u);
}

TYPED_TEST(FileSystemChangeTest, RemoveIfSameRemovesTheExaminedFile) {
  this->env_.WriteFile("a.csv", "roster");
  FileIdentity a = this->IdentityOf("a.csv");
  UniqueFd root = this->Root();
  ASSERT_TRUE(this->files().RemoveIfSame(root.get(), "a.csv", a).ok());
  EXPECT_EQ(this->env_.List(), std::vector<std::string>{});
  EXPECT_EQ(this->files().RemoveIfSame(root.get(), "a.csv", a).code(),
            StatusCode::kNotFound);
}

// The race the mover must survive: between the scan and the removal the
// file is moved away and a symlink put in its place.
TYPED_TEST(FileSystemChangeTest, RemoveIfSameRefusesASymlinkSwap) {
  this->env_.WriteFile("a.csv", "roster");
  FileIdentity a = this->IdentityOf("a.csv");
  UniqueFd root = this->Root();
  this->env_.Rename("a.csv", "a.orig");
  this->env_.Symlink("a.csv", "/etc/passwd");
  Status status = this->files().RemoveIfSame(root.get(), "a.csv", a);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "file system: a.csv: changed since it was examined");
  EXPECT_TRUE(this->env_.IsSymlink("a.csv"));
  EXPECT_EQ(this->env_.Content("a.orig"), "roster");
  EXPECT_EQ(this->env_.List(), (std::vector<std::string>{"a.csv", "a.orig"}));
}

TYPED_TEST(FileSystemChangeTest, RemoveIfSameRefusesAnotherFileOrADirectory) {
  this->env_.WriteFile("a.csv", "roster");
  // Held open, as the mover holds its event's fd: the inode number cannot
  // be reused by the next file.
  UniqueFd held = this->env_.Open("a.csv");
  FileIdentity a = *this->files().Identify(held.get());
  UniqueFd root = this->Root();
  this->env_.Remove("a.csv");
  this->env_.WriteFile("a.csv", "someone else's");
  EXPECT_EQ(this->files().RemoveIfSame(root.get(), "a.csv", a).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->env_.Content("a.csv"), "someone else's");
  this->env_.MakeDir("d");
  EXPECT_EQ(this->files().RemoveIfSame(root.get(), "d", a).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->env_.List(), (std::vector<std::string>{"a.csv", "d"}));
}

// Written after it was examined: removing it would lose the new data.
TYPED_TEST(FileSystemChangeTest, RemoveIfSameRefusesAFileWrittenSinceExamined) {
  this->env_.WriteFile("a.csv", "roster");
  UniqueFd held = this->env_.Open("a.csv");
  FileIdentity a = *this->files().Identify(held.get());
  Result<UniqueFd> w = this->files().ReopenForWriting(held.get());
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(::pwrite(w->get(), "\nmore", 5, 6), 5);
  UniqueFd root = this->Root();
  EXPECT_EQ(this->files().RemoveIfSame(root.get(), "a.csv", a).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->env_.Content("a.csv"), "roster\nmore");
}

TYPED_TEST(FileSystemChangeTest, CreateExclusiveNeverFollowsOrReplaces) {
  UniqueFd root = this->Root();
  Result<UniqueFd> fd = this->files().CreateExclusive(root.get(), "n", 0600);
  ASSERT_TRUE(fd.ok()) << fd.status().message();
  ASSERT_EQ(::write(fd->get(), "abc", 3), 3);
  EXPECT_EQ(this->env_.Content("n"), "abc");
  EXPECT_EQ(this->IdentityOf("n").mode & 0777, 0600u);
  Status again = this->files().CreateExclusive(root.get(), "n", 0600).status();
  EXPECT_EQ(Reason(again), std::strerror(EEXIST));
  this->env_.Symlink("dangling", this->env_.Path("target"));
  Status link =
      this->files().CreateExclusive(root.get(), "dangling", 0600).status();
  EXPECT_EQ(Reason(link), std::strerror(EEXIST));
  EXPECT_EQ(this->env_.Content("target"), std::nullopt);
}

TYPED_TEST(FileSystemChangeTest, CreateUniqueKeepsTheExtension) {
  UniqueFd root = this->Root();
  auto create = [&](const std::string& base) {
    Result<CreatedFile> made =
        this->files().CreateUnique(root.get(), base, 0600);
    EXPECT_TRUE(made.ok()) << made.status().message();
    return made.ok() ? made->name : "";
  };
  EXPECT_EQ(create("名簿.csv"), "名簿.csv");
  EXPECT_EQ(create("名簿.csv"), "名簿 (2).csv");
  EXPECT_EQ(create("名簿.csv"), "名簿 (3).csv");
  EXPECT_EQ(create(".bashrc"), ".bashrc");
  EXPECT_EQ(create(".bashrc"), ".bashrc (2)");
  EXPECT_EQ(create("README"), "README");
  EXPECT_EQ(create("README"), "README (2)");
  for (int n = 1; n <= kMaxUniqueNames; ++n) {
    ASSERT_TRUE(this->files().CreateUnique(root.get(), "x.txt", 0600).ok());
  }
  EXPECT_EQ(
      this->files().CreateUnique(root.get(), "x.txt", 0600).status().code(),
      StatusCode::kFailedPrecondition);
}

TYPED_TEST(FileSystemChangeTest, MakeDirAtAcceptsOnlyARealDirectory) {
  UniqueFd root = this->Root();
  ASSERT_TRUE(this->files().MakeDirAt(root.get(), "q", 0700).ok());
  ASSERT_TRUE(this->files().MakeDirAt(root.get(), "q", 0700).ok());
  this->env_.WriteFile("f", "x");
  this->env_.Symlink("lq", "q");
  EXPECT_EQ(this->files().MakeDirAt(root.get(), "f", 0700).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->files().MakeDirAt(root.get(), "lq", 0700).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(this->files().OpenDirNoFollow(this->env_.Path("q")).ok());
}

TYPED_TEST(FileSystemChangeTest, UnlinkAtAndFsync) {
  this->env_.WriteFile("f", "x");
  this->env_.MakeDir("d");
  UniqueFd root = this->Root();
  UniqueFd fd = this->env_.Open("f");
  EXPECT_TRUE(this->files().FsyncFd(fd.get()).ok());
  EXPECT_TRUE(this->files().FsyncFd(root.get()).ok());
  EXPECT_TRUE(this->files().UnlinkAt(root.get(), "f").ok());
  EXPECT_EQ(this->files().UnlinkAt(root.get(), "f").code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Reason(this->files().UnlinkAt(root.get(), "d")),
            std::strerror(EISDIR));
}

TYPED_TEST(FileSystemChangeTest, ReopenForWritingOverwritesTheSameFile) {
  this->env_.WriteFile("a.csv", "roster");
  UniqueFd fd = this->env_.Open("a.csv");
  Result<UniqueFd> w = this->files().ReopenForWriting(fd.get());
  ASSERT_TRUE(w.ok()) << w.status().message();
  ASSERT_EQ(::pwrite(w->get(), "XXXXXX", 6, 0), 6);
  EXPECT_EQ(this->env_.Content("a.csv"), "XXXXXX");
  Result<FileIdentity> id = this->files().Identify(w->get());
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE(id->SameFile(this->IdentityOf("a.csv")));
  UniqueFd root = this->Root();
  EXPECT_EQ(this->files().ReopenForWriting(root.get()).status().code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace piiguard::os::file_system_testing
