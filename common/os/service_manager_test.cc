#include "common/os/service_manager.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "common/os/testing/fake_service_manager.h"
#include "common/unique_fd.h"

namespace piiguard::os {
namespace {

// Sets an environment variable for the test's duration.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() { ::unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

TEST(LinuxServiceManager, NotStartedBySystemdSendsNothing) {
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("WATCHDOG_USEC");
  LinuxServiceManager manager;
  EXPECT_TRUE(manager.Notify("READY=1").ok());
  EXPECT_EQ(manager.WatchdogInterval(), std::nullopt);
}

// The datagrams libsystemd sends reach the socket systemd would listen on.
TEST(LinuxServiceManager, NotifiesTheSocketAndReadsTheWatchdog) {
  std::string dir = std::filesystem::temp_directory_path() /
                    ("service_manager_test." + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = dir + "/notify";
  UniqueFd sock(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(sock.valid());
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  ASSERT_EQ(::bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr),
            0);
  {
    ScopedEnv notify("NOTIFY_SOCKET", path);
    ScopedEnv usec("WATCHDOG_USEC", "30000000");
    ScopedEnv pid("WATCHDOG_PID", std::to_string(::getpid()));
    LinuxServiceManager manager;
    ASSERT_TRUE(manager.Notify("READY=1\nSTATUS=serving").ok());
    char buffer[256] = {};
    ssize_t n = ::recv(sock.get(), buffer, sizeof buffer - 1, MSG_DONTWAIT);
    ASSERT_GT(n, 0);
    EXPECT_EQ(std::string(buffer, static_cast<size_t>(n)),
              "READY=1\nSTATUS=serving");
    EXPECT_EQ(manager.WatchdogInterval(), std::chrono::seconds(30));
  }
  {
    // A watchdog meant for another process (WATCHDOG_PID) is not ours.
    ScopedEnv usec("WATCHDOG_USEC", "30000000");
    ScopedEnv pid("WATCHDOG_PID", "1");
    LinuxServiceManager manager;
    EXPECT_EQ(manager.WatchdogInterval(), std::nullopt);
  }
  std::filesystem::remove_all(dir);
}

TEST(FakeServiceManager, RecordsWhatAndWhichThread) {
  FakeServiceManager fake;
  EXPECT_EQ(fake.WatchdogInterval(), std::nullopt);
  fake.SetWatchdogInterval(std::chrono::milliseconds(10));
  EXPECT_EQ(fake.WatchdogInterval(), std::chrono::milliseconds(10));
  ASSERT_TRUE(fake.Notify("READY=1\nSTATUS=serving").ok());
  EXPECT_TRUE(fake.Has("READY=1"));
  EXPECT_TRUE(fake.Has("STATUS=serving"));
  EXPECT_FALSE(fake.Has("READY"));  // whole assignments only
  ASSERT_EQ(fake.sent().size(), 1u);
  EXPECT_EQ(fake.sent()[0].thread, std::this_thread::get_id());
  fake.Fail(InternalError("sd_notify", "socket", "gone"));
  EXPECT_FALSE(fake.Notify("WATCHDOG=1").ok());
  EXPECT_FALSE(fake.WaitFor("WATCHDOG=1", std::chrono::milliseconds(0)));
}

}  // namespace
}  // namespace piiguard::os
