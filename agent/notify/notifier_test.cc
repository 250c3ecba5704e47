#include "agent/notify/notifier.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace piiguard::agent::notify {
namespace {

class NotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/piiguard-notify-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::string cmd = "rm -rf " + dir_;
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  // A session bus for `uid`, owned by `owner`.
  void AddBus(uid_t uid, uid_t owner) {
    std::string d = dir_ + "/" + std::to_string(uid);
    ASSERT_EQ(::mkdir(d.c_str(), 0700), 0);
    std::ofstream(d + "/bus") << "";
    ASSERT_EQ(::chown((d + "/bus").c_str(), owner, owner), 0);
  }
  DesktopNotifier Make() {
    return DesktopNotifier(
        dir_,
        [this](const std::vector<std::string>& argv,
               const std::vector<std::string>& envp) {
          calls_.push_back({argv, envp});
          return fail_ ? IoError("notify", "runuser", "missing") : Status::Ok();
        },
        [](uid_t uid) { return uid == 1001 ? "hanako" : std::string(); });
  }

  struct Call {
    std::vector<std::string> argv;
    std::vector<std::string> envp;
  };
  std::string dir_;
  std::vector<Call> calls_;
  bool fail_ = false;
};

TEST_F(NotifierTest, NotifiesEachDesktopUserOnTheirBus) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (chown of the fake bus)";
  AddBus(1001, 1001);
  AddBus(1002, 1002);  // no user name: skipped
  AddBus(1003, 0);     // bus not owned by the user: skipped
  AddBus(120, 120);    // a system user (display manager): skipped
  Make().Notify({"piiguard", "書き込みできません"});
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].argv[2], "hanako");
  EXPECT_EQ(calls_[0].argv.back(), "書き込みできません");
  EXPECT_EQ(calls_[0].envp.back(),
            "DBUS_SESSION_BUS_ADDRESS=unix:path=" + dir_ + "/1001/bus");
}

TEST_F(NotifierTest, NoSessionsOrAFailedSpawnIsNotAnError) {
  DesktopNotifier none("/nonexistent-run-user", nullptr, nullptr);
  none.Notify({"t", "b"});  // nothing to call: must not crash
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (chown of the fake bus)";
  AddBus(1001, 1001);
  fail_ = true;
  Make().Notify({"t", "b"});
  EXPECT_EQ(calls_.size(), 1u);
}

}  // namespace
}  // namespace piiguard::agent::notify
