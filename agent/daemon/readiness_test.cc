// piiguardd and systemd on the fake service manager: READY=1 only after
// every enforcer was started; WATCHDOG=1 sent by the event loop's thread,
// from its timer, and only while the loop runs.
#include "agent/daemon/readiness.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <thread>

#include "common/os/testing/fake_service_manager.h"

namespace piiguard::agent {
namespace {

using std::chrono::milliseconds;

TEST(Readiness, ReadyOnlyOnceEveryEnforcerWasStarted) {
  os::FakeServiceManager service;
  Readiness readiness(service);
  EXPECT_EQ(readiness.Ready(0).code(), StatusCode::kFailedPrecondition);
  readiness.Started(kEnforcerRadio, Status::Ok());
  readiness.Started(kEnforcerUsb, Status::Ok());
  EXPECT_EQ(readiness.Ready(0).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(service.sent().empty());
  // An enforcer that failed to start was still tried: the daemon serves,
  // and says what does not run.
  readiness.Started(kEnforcerRoster,
                    InternalError("roster guard", "fanotify", "EPERM"));
  ASSERT_TRUE(readiness.Ready(2).ok());
  ASSERT_EQ(service.sent().size(), 1U);
  EXPECT_TRUE(service.Has("READY=1"));
  EXPECT_TRUE(service.Has(
      "STATUS=serving; enforcing usb, radio; not started: roster; 2 "
      "problem(s), see piiguard status"));
  ASSERT_TRUE(readiness.Stopping().ok());
  EXPECT_TRUE(service.Has("STOPPING=1"));
}

class WatchdogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/readiness_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
};

TEST_F(WatchdogTest, NoWatchdogAskedNoTimer) {
  os::FakeServiceManager service;
  Readiness readiness(service);
  Daemon daemon(DaemonConfig{});
  ASSERT_TRUE(daemon.Init(ipc::Listen(dir_ + "/agent.sock").value()).ok());
  ASSERT_TRUE(readiness.ArmWatchdog(daemon).ok());
  EXPECT_FALSE(readiness.watchdog_armed());
}

TEST_F(WatchdogTest, PingedByTheLoopOnly) {
  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : {SIGTERM, SIGCHLD, SIGINT}) sigaddset(&mask, sig);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &mask, nullptr), 0);

  os::FakeServiceManager service;
  service.SetWatchdogInterval(std::chrono::milliseconds(4));
  Readiness readiness(service);
  DaemonConfig config;
  config.socket_path = dir_ + "/agent.sock";
  Daemon daemon(config);
  ASSERT_TRUE(daemon.Init(ipc::Listen(config.socket_path).value()).ok());
  ASSERT_TRUE(readiness.ArmWatchdog(daemon).ok());
  ASSERT_TRUE(readiness.watchdog_armed());
  // The timer runs from now, but nothing pings until the loop reads it.
  EXPECT_TRUE(service.sent().empty());

  std::thread loop([&] { EXPECT_TRUE(daemon.Run().ok()); });
  EXPECT_TRUE(service.WaitFor("WATCHDOG=1", milliseconds(10000)));
  ::kill(::getpid(), SIGTERM);
  std::thread::id loop_id = loop.get_id();
  loop.join();
  std::vector<os::FakeServiceManager::Sent> sent = service.sent();
  ASSERT_FALSE(sent.empty());
  for (const auto& s : sent) {
    EXPECT_EQ(s.state, "WATCHDOG=1");
    EXPECT_EQ(s.thread, loop_id);
  }
}

}  // namespace
}  // namespace piiguard::agent
