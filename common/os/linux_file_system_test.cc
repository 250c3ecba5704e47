// What only LinuxFileSystem does: /proc parsing, names that look deleted,
// fds that are not files, permissions. Shared behaviour is in
// file_system_test.cc and file_system_change_test.cc.
#include "common/os/linux_file_system.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace piiguard::os {
namespace {

TEST(FdinfoTest, ParsesTheFlagsLine) {
  EXPECT_EQ(*ParseFdinfoFlags("pos:\t0\nflags:\t0100001\nmnt_id:\t27\n"),
            0100001);
  EXPECT_EQ(*ParseFdinfoFlags("flags: 02"), 02);
  for (const char* bad : {"", "pos:\t0\n", "flags:\t\n", "flags:\t0100009\n",
                          "flags:\t-1\n", "flags:\t077777777777\n",
                          "flags:\t01\nflags:\t02\n", "flags:\t0 1\n"}) {
    EXPECT_FALSE(ParseFdinfoFlags(bad).ok()) << bad;
  }
}

TEST(FdinfoTest, OurOwnFdinfoSaysWriteOnly) {
  char name[] = "/tmp/piiguard-fdinfo-XXXXXX";
  UniqueFd fd(::mkstemp(name));
  ASSERT_TRUE(fd.valid());
  ::unlink(name);
  UniqueFd w(::open(("/proc/self/fd/" + std::to_string(fd.get())).c_str(),
                    O_WRONLY | O_CLOEXEC));
  std::string path = "/proc/self/fdinfo/" + std::to_string(w.get());
  UniqueFd info(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  char buffer[512];
  ssize_t n = ::read(info.get(), buffer, sizeof(buffer));
  ASSERT_GT(n, 0);
  Result<int> flags = ParseFdinfoFlags(std::string_view(buffer, n));
  ASSERT_TRUE(flags.ok()) << flags.status().message();
  EXPECT_EQ(*flags & O_ACCMODE, O_WRONLY);
}

class LinuxFileSystemTest : public ::testing::Test {
 protected:
  LinuxFileSystemTest() {
    char dir[] = "/tmp/piiguard-linux-files-XXXXXX";
    if (::mkdtemp(dir) == nullptr) std::abort();
    root_ = dir;
  }
  ~LinuxFileSystemTest() override { std::filesystem::remove_all(root_); }
  LinuxFileSystem files_;
  std::string root_;
};

TEST_F(LinuxFileSystemTest, ANameEndingInDeletedIsStillAName) {
  std::string path = root_ + "/x (deleted)";
  UniqueFd fd(::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600));
  ASSERT_TRUE(fd.valid());
  EXPECT_EQ(*files_.PathOf(fd.get()), path);
  ASSERT_EQ(::unlink(path.c_str()), 0);
  Result<std::string> gone = files_.PathOf(fd.get());
  EXPECT_EQ(gone.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(gone.status().message(),
            "file system: " + path + ": removed since it was opened");
}

TEST_F(LinuxFileSystemTest, APipeHasNoPath) {
  int ends[2];
  ASSERT_EQ(::pipe2(ends, O_CLOEXEC), 0);
  UniqueFd r(ends[0]);
  UniqueFd w(ends[1]);
  EXPECT_EQ(files_.PathOf(r.get()).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(files_.ReadSparse(r.get(), 10).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(files_.ReopenForWriting(r.get()).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_FALSE(files_.Identify(-1).ok());
}

// A writer that keeps a removed file open still counts: the roster may be
// written on after its name is gone.
TEST_F(LinuxFileSystemTest, SeesAWriterOfARemovedFile) {
  std::string path = root_ + "/a.csv";
  UniqueFd mine(::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600));
  FileIdentity id = *files_.Identify(mine.get());
  int ready[2];
  int done[2];
  ASSERT_EQ(::pipe2(ready, O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(done, O_CLOEXEC), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(done[1]);
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND);
    ::unlink(path.c_str());
    char c = fd >= 0 ? '1' : '0';
    (void)!::write(ready[1], &c, 1);
    (void)!::read(done[0], &c, 1);
    ::_exit(0);
  }
  ::close(ready[1]);
  ::close(done[0]);
  char c = '0';
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ::close(ready[0]);
  Result<bool> writing = files_.OpenForWritingByAnyone(id);
  ::close(done[1]);
  ::waitpid(pid, nullptr, 0);
  ASSERT_TRUE(writing.ok()) << writing.status().message();
  EXPECT_TRUE(*writing);
  EXPECT_FALSE(*files_.OpenForWritingByAnyone(id));
}

// EACCES: needs an unprivileged user (root may open anything).
TEST_F(LinuxFileSystemTest, PermissionDeniedWithoutRoot) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "runs as root: EACCES cannot happen to root";
  }
  struct stat st {};
  if (::stat("/root", &st) != 0 || st.st_uid != 0 || (st.st_mode & 07) != 0) {
    GTEST_SKIP() << "no root-only /root directory here";
  }
  EXPECT_EQ(files_.OpenDirNoFollow("/root").status().code(),
            StatusCode::kPermissionDenied);
  UniqueFd slash = std::move(files_.OpenDirNoFollow("/").value());
  EXPECT_EQ(
      files_.CreateExclusive(slash.get(), "piiguard-x", 0600).status().code(),
      StatusCode::kPermissionDenied);
}

// A mount on the way below the folder (a bind mount of elsewhere, as staff
// can make in a user namespace) is refused as RESOLVE_NO_XDEV refuses it,
// with openat2 and without (piiguardd.service: RestrictSUIDSGID= makes
// every openat2 ENOSYS).
TEST(StatBeneathTest, AMountOnTheWayIsRefusedEitherWay) {
  if (::geteuid() != 0) GTEST_SKIP() << "bind-mounting needs root";
  char name[] = "/tmp/piiguard-beneath-XXXXXX";
  ASSERT_NE(::mkdtemp(name), nullptr);
  std::filesystem::path root(name);
  std::filesystem::create_directories(root / "d" / "sub");
  std::filesystem::create_directories(root / "elsewhere");
  ASSERT_EQ(::close(::creat((root / "elsewhere" / "a.csv").c_str(), 0600)), 0);
  ASSERT_EQ(::close(::creat((root / "d" / "b.csv").c_str(), 0600)), 0);
  std::string sub = (root / "d" / "sub").string();
  if (::mount((root / "elsewhere").c_str(), sub.c_str(), nullptr, MS_BIND,
              nullptr) != 0) {
    std::filesystem::remove_all(root);
    GTEST_SKIP() << "mount: " << std::strerror(errno);
  }
  struct stat through {};
  EXPECT_EQ(::stat((root / "d" / "sub" / "a.csv").c_str(), &through), 0);
  for (bool openat2 : {true, false}) {
    LinuxFileSystem files(LinuxFileSystem::Options{openat2});
    UniqueFd dir(::open((root / "d").c_str(), O_RDONLY | O_DIRECTORY));
    ASSERT_TRUE(dir.valid());
    EXPECT_TRUE(files.StatBeneath(dir.get(), "b.csv").ok()) << openat2;
    Result<FileIdentity> crossed = files.StatBeneath(dir.get(), "sub/a.csv");
    EXPECT_FALSE(crossed.ok()) << openat2;
    EXPECT_NE(crossed.status().message().find(std::strerror(EXDEV)),
              std::string::npos)
        << openat2 << ": " << crossed.status().message();
  }
  EXPECT_EQ(::umount2(sub.c_str(), MNT_DETACH), 0);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace piiguard::os
