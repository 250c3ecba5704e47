// LinuxMaintenanceHost on a temporary directory and the test's own child
// processes: the window file never follows a symlink, tries are counted and
// removed, sudo's log is read from a mark, and a process is signalled only
// while its pid is still it.
#include "agent/maint/linux_maintenance_host.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/file_util.h"

namespace piiguard::maint {
namespace {

namespace fs = std::filesystem;

class LinuxMaintenanceHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/maint_host_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    paths_.window_dir = dir_ + "/maintenance";
    paths_.sudo_log = dir_ + "/maint-sudo.log";
  }
  void TearDown() override { fs::remove_all(dir_); }

  static mode_t Mode(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }
  static void Write(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::app) << bytes;
  }

  std::string dir_;
  MaintenancePaths paths_;
};

TEST_F(LinuxMaintenanceHostTest, WritesTheWindowPrivatelyAndAtomically) {
  LinuxMaintenanceHost host(paths_);
  ASSERT_TRUE(host.WriteWindow("one\n").ok());
  EXPECT_EQ(Mode(paths_.window_dir), 0700u);
  EXPECT_EQ(Mode(paths_.window_dir + "/window"), 0600u);
  ASSERT_TRUE(host.WriteWindow("two\n").ok());
  EXPECT_EQ(host.ReadWindow().value(), "two\n");
  EXPECT_FALSE(fs::exists(paths_.window_dir + "/window.tmp"));
  EXPECT_EQ(host.RemoveWindow().value(), true);
  EXPECT_EQ(host.RemoveWindow().value(), false);
  EXPECT_EQ(host.ReadWindow().status().code(), StatusCode::kNotFound);
  // A directory left group- or world-readable is made private again.
  ASSERT_EQ(::chmod(paths_.window_dir.c_str(), 0755), 0);
  ASSERT_TRUE(host.WriteWindow("three\n").ok());
  EXPECT_EQ(Mode(paths_.window_dir), 0700u);
}

TEST_F(LinuxMaintenanceHostTest, NeverFollowsASymlinkInTheWindowsPlace) {
  LinuxMaintenanceHost host(paths_);
  ASSERT_TRUE(host.WriteWindow("real\n").ok());
  const std::string target = dir_ + "/shadow";
  Write(target, "precious\n");
  const std::string window = paths_.window_dir + "/window";
  fs::remove(window);
  fs::create_symlink(target, window);
  EXPECT_EQ(host.ReadWindow().status().code(), StatusCode::kFailedPrecondition);
  // Writing replaces the link itself; removing removes the link itself.
  ASSERT_TRUE(host.WriteWindow("new\n").ok());
  EXPECT_FALSE(fs::is_symlink(window));
  EXPECT_EQ(ReadFileBytes(target, 100).value(), "precious\n");
  fs::remove(window);
  fs::create_symlink(target, window);
  EXPECT_EQ(host.RemoveWindow().value(), true);
  EXPECT_FALSE(fs::exists(fs::symlink_status(window)));
  EXPECT_EQ(ReadFileBytes(target, 100).value(), "precious\n");
  // A symlink as the tries file: counted as unknown, removed, target kept.
  fs::create_symlink(target, paths_.window_dir + "/tries");
  EXPECT_EQ(host.TakeTries().value(), -1);
  EXPECT_EQ(ReadFileBytes(target, 100).value(), "precious\n");
}

TEST_F(LinuxMaintenanceHostTest, RefusesADirectoryThatIsASymlink) {
  LinuxMaintenanceHost host(paths_);
  const std::string elsewhere = dir_ + "/elsewhere";
  fs::create_directory(elsewhere);
  fs::create_directory_symlink(elsewhere, paths_.window_dir);
  EXPECT_FALSE(host.WriteWindow("x\n").ok());
  EXPECT_TRUE(fs::is_empty(elsewhere));
  EXPECT_FALSE(host.ReadWindow().ok());
}

TEST_F(LinuxMaintenanceHostTest, CountsAndRemovesTheTries) {
  LinuxMaintenanceHost host(paths_);
  EXPECT_EQ(host.TakeTries().value(), 0);  // no directory yet
  ASSERT_TRUE(host.WriteWindow("w\n").ok());
  Write(paths_.window_dir + "/tries", "xxx");
  EXPECT_EQ(host.TakeTries().value(), 3);
  EXPECT_EQ(host.TakeTries().value(), 0);
}

TEST_F(LinuxMaintenanceHostTest, ReadsSudosLogFromAMark) {
  LinuxMaintenanceHost host(paths_);
  EXPECT_EQ(host.SudoLogEnd().value(), LogMark{});
  Write(paths_.sudo_log, "before\n");
  const LogMark mark = host.SudoLogEnd().value();
  EXPECT_EQ(mark.size, 7u);
  Write(paths_.sudo_log, "during 1\nduring 2\n");
  Result<LogRead> read = host.ReadSudoLog(mark, 1000);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->bytes, "during 1\nduring 2\n");
  EXPECT_FALSE(read->restarted);
  EXPECT_FALSE(read->truncated);
  read = host.ReadSudoLog(mark, 5);
  EXPECT_EQ(read->bytes, "durin");
  EXPECT_TRUE(read->truncated);
  // Rotated: another file has the name; read whole.
  fs::rename(paths_.sudo_log, paths_.sudo_log + ".1");
  Write(paths_.sudo_log, "after\n");
  read = host.ReadSudoLog(mark, 1000);
  EXPECT_EQ(read->bytes, "after\n");
  EXPECT_TRUE(read->restarted);
  // No log when the window opened: everything is new.
  EXPECT_EQ(host.ReadSudoLog(LogMark{}, 1000)->bytes, "after\n");
}

TEST_F(LinuxMaintenanceHostTest, AccountsByName) {
  LinuxMaintenanceHost host(paths_);
  EXPECT_EQ(host.LookUpAccount("root").value().uid, 0u);
  EXPECT_EQ(host.LookUpAccount("no-such-user-piiguard").status().code(),
            StatusCode::kNotFound);
}

// A child of this test that waits on a pipe until it is signalled.
pid_t Child(int& write_end) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[1]);
    char c = 0;
    while (::read(fds[0], &c, 1) != 0) {
    }
    ::_exit(0);
  }
  ::close(fds[0]);
  write_end = fds[1];
  return pid;
}

TEST_F(LinuxMaintenanceHostTest, SignalsAProcessOnlyWhileItIsTheOneListed) {
  LinuxMaintenanceHost host(paths_);
  int pipe_end = -1;
  const pid_t child = Child(pipe_end);
  ASSERT_GT(child, 0);
  Result<std::vector<AccountProcess>> listed =
      host.AccountProcesses(::getuid());
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  AccountProcess found;
  for (const AccountProcess& p : *listed) {
    EXPECT_NE(p.pid, 1);
    EXPECT_NE(p.pid, ::getpid());
    if (p.pid == child) found = p;
  }
  ASSERT_EQ(found.pid, child);
  EXPECT_FALSE(found.why.empty());
  // Another start time: another process with that pid; left alone.
  AccountProcess stale = found;
  stale.start_ticks += 1;
  ASSERT_TRUE(host.Signal(stale, SIGTERM).ok());
  int status = 0;
  EXPECT_EQ(::waitpid(child, &status, WNOHANG), 0);
  ASSERT_TRUE(host.Signal(found, SIGTERM).ok());
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  ::close(pipe_end);
  // Gone: nothing to do, not an error.
  EXPECT_TRUE(host.Signal(found, SIGKILL).ok());
}

}  // namespace
}  // namespace piiguard::maint
