// What only the fake does: injected failures and swaps, devices, fds it
// did not hand out, paths taken literally. Behaviour shared with Linux is
// in file_system_test.cc and file_system_change_test.cc.
#include "common/os/testing/fake_file_system.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

namespace piiguard::os {
namespace {

using Op = FakeFileSystem::Op;

class FakeFileSystemTest : public ::testing::Test {
 protected:
  FakeFileSystemTest() {
    files_.AddFile("/home/u/名簿.csv", "氏名,住所\n山田,東京\n");
  }
  UniqueFd Dir() {
    return std::move(files_.OpenDirNoFollow("/home/u").value());
  }
  FakeFileSystem files_;
};

// Every operation takes an injected errno once, as ErrnoStatus makes it.
TEST_F(FakeFileSystemTest, InjectedErrorsFailTheNextCallOnly) {
  files_.AddDirectory("/home/u/sub");
  UniqueFd fd = files_.Open("/home/u/名簿.csv");
  UniqueFd dir = Dir();
  FileIdentity id = *files_.Identify(fd.get());
  struct Case {
    Op op;
    std::function<Status()> call;
  };
  std::vector<Case> cases = {
      {Op::kPathOf, [&] { return files_.PathOf(fd.get()).status(); }},
      {Op::kIdentify, [&] { return files_.Identify(fd.get()).status(); }},
      {Op::kReadSparse,
       [&] { return files_.ReadSparse(fd.get(), 9).status(); }},
      {Op::kOpenForWritingByAnyone,
       [&] { return files_.OpenForWritingByAnyone(id).status(); }},
      {Op::kLstat, [&] { return files_.Lstat("/home/u").status(); }},
      {Op::kOpenDir, [&] { return files_.OpenDir("/home").status(); }},
      {Op::kOpenDirNoFollow,
       [&] { return files_.OpenDirNoFollow("/home").status(); }},
      {Op::kReadDir, [&] { return files_.ReadDir(dir.get()).status(); }},
      {Op::kStatAt,
       [&] { return files_.StatAt(dir.get(), "名簿.csv").status(); }},
      {Op::kOpenFileAt,
       [&] { return files_.OpenFileAt(dir.get(), "名簿.csv").status(); }},
      {Op::kOpenDirAt,
       [&] { return files_.OpenDirAt(dir.get(), "sub").status(); }},
      {Op::kCreateExclusive,
       [&] { return files_.CreateExclusive(dir.get(), "n1", 0600).status(); }},
      {Op::kCreateUnique,
       [&] { return files_.CreateUnique(dir.get(), "n2", 0600).status(); }},
      {Op::kMakeDirAt, [&] { return files_.MakeDirAt(dir.get(), "d", 0700); }},
      {Op::kFsyncFd, [&] { return files_.FsyncFd(fd.get()); }},
      {Op::kReopenForWriting,
       [&] { return files_.ReopenForWriting(fd.get()).status(); }},
      {Op::kUnlinkAt, [&] { return files_.UnlinkAt(dir.get(), "n1"); }},
  };
  for (const Case& c : cases) {
    int before = files_.calls(c.op);
    for (auto [error, code] :
         {std::pair{EIO, StatusCode::kIoError},
          std::pair{ENOSPC, StatusCode::kIoError},
          std::pair{EACCES, StatusCode::kPermissionDenied}}) {
      files_.FailNext(c.op, error);
      Status failed = c.call();
      EXPECT_EQ(failed.code(), code) << static_cast<int>(c.op);
      EXPECT_NE(failed.message().find(std::strerror(error)), std::string::npos);
    }
    EXPECT_TRUE(c.call().ok()) << static_cast<int>(c.op);
    EXPECT_EQ(files_.calls(c.op), before + 4);
  }
  files_.FailNext(Op::kRemoveIfSame, EIO);
  EXPECT_EQ(files_.RemoveIfSame(dir.get(), "名簿.csv", id).code(),
            StatusCode::kIoError);
  EXPECT_EQ(files_.KindOf("/home/u/名簿.csv"), FakeFileSystem::Kind::kFile);
}

// The mover's sequence with the swap injected right after its StatAt: the
// removal refuses, the roster is where the attacker moved it, untouched,
// and nothing outside the directory was touched.
TEST_F(FakeFileSystemTest, ASwapAfterStatAtIsRefusedByRemoveIfSame) {
  files_.AddFile("/etc/passwd", "root:x:0:0\n");
  files_.SwapForSymlinkAfter(Op::kStatAt, "/home/u/名簿.csv", "/etc/passwd",
                             "/home/u/elsewhere.csv");
  UniqueFd fd = files_.Open("/home/u/名簿.csv");
  FileIdentity examined = *files_.Identify(fd.get());
  UniqueFd dir = Dir();
  Result<FileIdentity> entry = files_.StatAt(dir.get(), "名簿.csv");
  ASSERT_TRUE(entry.ok());
  EXPECT_TRUE(entry->SameFile(examined));  // the swap comes right after
  EXPECT_EQ(files_.RemoveIfSame(dir.get(), "名簿.csv", examined).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(files_.LinkTarget("/home/u/名簿.csv"), "/etc/passwd");
  EXPECT_EQ(files_.Content("/home/u/elsewhere.csv"), "氏名,住所\n山田,東京\n");
  EXPECT_EQ(files_.Content("/etc/passwd"), "root:x:0:0\n");
  EXPECT_EQ(*files_.PathOf(fd.get()), "/home/u/elsewhere.csv");
}

TEST_F(FakeFileSystemTest, ASwapAfterReadRemovesTheOriginalName) {
  files_.SwapForSymlinkAfter(Op::kReadSparse, "/home/u/名簿.csv", "/etc");
  UniqueFd fd = files_.Open("/home/u/名簿.csv");
  ASSERT_TRUE(files_.ReadSparse(fd.get(), 100).ok());
  EXPECT_EQ(files_.KindOf("/home/u/名簿.csv"), FakeFileSystem::Kind::kSymlink);
  EXPECT_EQ(files_.PathOf(fd.get()).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(files_.ReadSparse(fd.get(), 100).ok());  // once only
}

TEST_F(FakeFileSystemTest, WritersAreSetPerFile) {
  UniqueFd fd = files_.Open("/home/u/名簿.csv");
  FileIdentity id = *files_.Identify(fd.get());
  files_.SetWriter("/home/u/名簿.csv", 77);
  EXPECT_TRUE(*files_.OpenForWritingByAnyone(id));
  files_.SetWriter("/home/u/名簿.csv", 77, false);
  EXPECT_FALSE(*files_.OpenForWritingByAnyone(id));
  id.dev = 99;  // the same inode number on another device is another file
  files_.SetWriter("/home/u/名簿.csv", 77);
  EXPECT_FALSE(*files_.OpenForWritingByAnyone(id));
}

TEST_F(FakeFileSystemTest, MountsGiveDevicesAndFdsAreReal) {
  files_.AddMount("/media/u/STICK", 7);
  files_.AddFile("/media/u/STICK/a.csv", "x");
  UniqueFd stick = files_.Open("/media/u/STICK/a.csv");
  UniqueFd local = files_.Open("/home/u/名簿.csv");
  EXPECT_EQ(files_.Identify(stick.get())->dev, 7u);
  EXPECT_EQ(files_.Identify(local.get())->dev, 1u);
  EXPECT_EQ(files_.DeviceOf("/media/u/STICK"), 7u);
  // A real fd on the fake file: plain pread works.
  char buffer[6] = {};
  ASSERT_EQ(::pread(local.get(), buffer, 6, 0), 6);
  EXPECT_EQ(std::string(buffer, 6), "氏名");
  // An fd the fake did not hand out is not one of its files.
  UniqueFd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  Status foreign = files_.Identify(null.get()).status();
  EXPECT_NE(foreign.message().find(std::strerror(EBADF)), std::string::npos);
  EXPECT_FALSE(files_.Identify(-1).ok());
}

// Lstat and OpenDir do not follow a symlink before the last component, as
// Linux would: the fake has no such entry.
TEST_F(FakeFileSystemTest, PathsAreTakenLiterally) {
  files_.AddSymlink("/home/link", "u");
  EXPECT_TRUE(S_ISLNK(files_.Lstat("/home/link").value().mode));
  EXPECT_EQ(files_.Lstat("/home/link/名簿.csv").status().code(),
            StatusCode::kNotFound);
  for (const Status& status : {files_.OpenDir("/home/link").status(),
                               files_.Lstat("/home/u/名簿.csv/x").status()}) {
    EXPECT_NE(status.message().find(std::strerror(ENOTDIR)), std::string::npos)
        << status.message();
  }
  EXPECT_TRUE(files_.Lstat("/home//u/").ok());
}

TEST_F(FakeFileSystemTest, CreatedFilesAreFilesOfTheTree) {
  UniqueFd dir = Dir();
  Result<CreatedFile> made = files_.CreateUnique(dir.get(), "名簿.csv", 0600);
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(made->name, "名簿 (2).csv");
  ASSERT_EQ(::write(made->fd.get(), "copy", 4), 4);
  EXPECT_EQ(files_.Content("/home/u/名簿 (2).csv"), "copy");
  EXPECT_EQ(*files_.PathOf(made->fd.get()), "/home/u/名簿 (2).csv");
  EXPECT_EQ(files_.List("/home/u"),
            (std::vector<std::string>{"名簿 (2).csv", "名簿.csv"}));
}

}  // namespace
}  // namespace piiguard::os
