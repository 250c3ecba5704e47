#include "agent/maint/maint_auth_linux.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "agent/maint/window_file.h"

namespace piiguard::maint {
namespace {

class LinuxAuthHostTest : public ::testing::Test {
 protected:
  LinuxAuthHostTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("maint_auth_linux_test." + std::to_string(getpid()) + "." +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ::chmod(dir_.c_str(), 0700);
    EXPECT_EQ(::pipe(pipe_), 0);
  }
  ~LinuxAuthHostTest() override {
    ::close(pipe_[0]);
    ::close(pipe_[1]);
    std::filesystem::remove_all(dir_);
  }

  void WriteWindow(const std::string& bytes, mode_t mode) {
    const std::string path = (dir_ / "window").string();
    std::ofstream(path) << bytes;
    ::chmod(path.c_str(), mode);
  }
  void Feed(const std::string& bytes, bool close_it) {
    ASSERT_EQ(::write(pipe_[1], bytes.data(), bytes.size()),
              static_cast<ssize_t>(bytes.size()));
    if (close_it) {
      ::close(pipe_[1]);
      pipe_[1] = -1;
    }
  }

  std::filesystem::path dir_;
  int pipe_[2] = {-1, -1};
};

TEST_F(LinuxAuthHostTest, ReadsTheWindowAndItsFacts) {
  WriteWindow("piiguard-maintenance-window v1\n", 0600);
  LinuxAuthHost host(dir_.string(), pipe_[0]);
  Result<FileFacts> dir = host.OpenWindowDir();
  ASSERT_TRUE(dir.ok()) << dir.status().message();
  EXPECT_TRUE(dir->directory);
  EXPECT_EQ(dir->uid, ::geteuid());
  EXPECT_EQ(dir->mode, 0700U);
  Result<WindowRead> read = host.ReadWindow(10);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_TRUE(read->facts.regular);
  EXPECT_EQ(read->facts.mode, 0600U);
  EXPECT_EQ(read->facts.uid, ::geteuid());
  EXPECT_EQ(read->facts.size, 31);
  EXPECT_EQ(read->bytes, "piiguard-m");  // no more than asked
}

TEST_F(LinuxAuthHostTest, SaysNotFoundWithoutDirectoryOrWindow) {
  LinuxAuthHost missing((dir_ / "nothing").string(), pipe_[0]);
  EXPECT_EQ(missing.OpenWindowDir().status().code(), StatusCode::kNotFound);
  LinuxAuthHost host(dir_.string(), pipe_[0]);
  ASSERT_TRUE(host.OpenWindowDir().ok());
  EXPECT_EQ(host.ReadWindow(1024).status().code(), StatusCode::kNotFound);
}

TEST_F(LinuxAuthHostTest, NeverFollowsASymlink) {
  WriteWindow("x", 0600);
  std::filesystem::rename(dir_ / "window", dir_ / "elsewhere");
  std::filesystem::create_symlink(dir_ / "elsewhere", dir_ / "window");
  LinuxAuthHost host(dir_.string(), pipe_[0]);
  ASSERT_TRUE(host.OpenWindowDir().ok());
  Result<WindowRead> read = host.ReadWindow(1024);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().code(), StatusCode::kNotFound);
  // Nor for the directory.
  std::filesystem::create_directory_symlink(dir_, dir_ / "link");
  LinuxAuthHost linked((dir_ / "link").string(), pipe_[0]);
  EXPECT_FALSE(linked.OpenWindowDir().ok());
}

TEST_F(LinuxAuthHostTest, DoesNotReadOrBlockOnAFifo) {
  ASSERT_EQ(::mkfifo((dir_ / "window").c_str(), 0600), 0);
  LinuxAuthHost host(dir_.string(), pipe_[0]);
  ASSERT_TRUE(host.OpenWindowDir().ok());
  Result<WindowRead> read = host.ReadWindow(1024);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_FALSE(read->facts.regular);
  EXPECT_TRUE(read->bytes.empty());
}

TEST_F(LinuxAuthHostTest, CreatesLocksAndAppendsTheTriesFile) {
  LinuxAuthHost host(dir_.string(), pipe_[0]);
  ASSERT_TRUE(host.OpenWindowDir().ok());
  const mode_t old = ::umask(077);
  Result<FileFacts> tries = host.LockTries();
  ::umask(old);
  ASSERT_TRUE(tries.ok()) << tries.status().message();
  EXPECT_TRUE(tries->regular);
  EXPECT_EQ(tries->mode, 0600U);
  EXPECT_EQ(tries->size, 0);
  ASSERT_TRUE(host.AddTry().ok());
  ASSERT_TRUE(host.AddTry().ok());
  EXPECT_EQ(std::filesystem::file_size(dir_ / "tries"), 2U);
  // Locked while the host lives: another open description cannot lock it.
  const int other = ::open((dir_ / "tries").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(other, 0);
  EXPECT_NE(::flock(other, LOCK_EX | LOCK_NB), 0);
  ::close(other);

  LinuxAuthHost again(dir_.string(), pipe_[0]);
  ASSERT_TRUE(again.OpenWindowDir().ok());
  std::filesystem::remove(dir_ / "tries");  // the first one's lock goes
  std::filesystem::create_symlink(dir_ / "elsewhere", dir_ / "tries");
  EXPECT_FALSE(again.LockTries().ok());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "elsewhere"));
}

TEST_F(LinuxAuthHostTest, ReadsStdinUpToNulOrLfOrTheLimit) {
  LinuxAuthHost host(dir_.string(), pipe_[0]);
  Feed(std::string("ABCD\0rest", 9), false);
  Result<std::string> secret = host.ReadSecret(129);
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(*secret, std::string("ABCD\0", 5));
  Feed("\nline\n", false);
  EXPECT_EQ(*host.ReadSecret(129), "rest\n");
  EXPECT_EQ(*host.ReadSecret(129), "line\n");
  Feed(std::string(300, 'x'), true);
  EXPECT_EQ(host.ReadSecret(129)->size(), 129U);
  EXPECT_EQ(host.ReadSecret(1000)->size(), 171U);  // to the end of file
  EXPECT_EQ(*host.ReadSecret(10), "");
}

TEST_F(LinuxAuthHostTest, ReadsTheBootIdTheClockAndAccounts) {
  LinuxAuthHost host(dir_.string(), pipe_[0]);
  Result<std::string> boot_id = host.BootId();
  ASSERT_TRUE(boot_id.ok()) << boot_id.status().message();
  EXPECT_EQ(boot_id->size(), kBootIdChars);
  const int64_t a = host.BoottimeUs();
  EXPECT_GT(a, 0);
  EXPECT_GE(host.BoottimeUs(), a);
  Result<uint32_t> root = host.AccountUid("root");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(*root, 0U);
  EXPECT_EQ(host.AccountUid("no-such-user-here").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(host.Env("PIIGUARD_MAINT_AUTH_TEST_UNSET"), std::nullopt);
}

}  // namespace
}  // namespace piiguard::maint
