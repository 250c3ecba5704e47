// The SessionManager's test fixture (session_manager_test.cc,
// session_exception_test.cc): fake rfkill with two Wi-Fi radios (one
// blocked before) and a Bluetooth radio, fake links and firewall, fake
// keyed sticks, a fake clock and a recording journal.
//
// Thread-safety: a gtest fixture; one test's thread.
#ifndef PIIGUARD_AGENT_SESSION_SESSION_TEST_FIXTURE_H_
#define PIIGUARD_AGENT_SESSION_SESSION_TEST_FIXTURE_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "agent/journal/testing/recording_appender.h"
#include "agent/session/session_manager.h"
#include "common/os/testing/fake_clock.h"
#include "common/os/testing/fake_firewall.h"
#include "common/os/testing/fake_links.h"
#include "common/os/testing/fake_rfkill.h"

namespace piiguard::agent::session {

inline constexpr uint8_t kWlan = 1;
inline constexpr uint8_t kBluetooth = 2;

class FakeSticks : public StickControl {
 public:
  Status ReleaseWaiting() override {
    ++released;
    return Status::Ok();
  }
  Status MakeAllReadOnly(std::string_view reason) override {
    read_only_reasons.emplace_back(reason);
    return fail_read_only;
  }
  std::vector<KeyedStickState> KeyedSticks() const override { return keyed; }
  bool AnyUnsettled() const override { return unsettled; }

  int released = 0;
  std::vector<KeyedStickState> keyed;  // plugged now
  bool unsettled = false;              // a stick being checked
  std::vector<std::string> read_only_reasons;
  Status fail_read_only;
};

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/session_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    w0_ = rfkill_.AddRadio(os::RadioType::kWlan, "phy0");
    w1_ = rfkill_.AddRadio(os::RadioType::kWlan, "phy1", true);  // was blocked
    bt_ = rfkill_.AddRadio(os::RadioType::kBluetooth, "hci0");
    links_.AddLink({1, "lo", true, true});
    links_.AddLink({2, "eth0", true});
    links_.AddLink({3, "eth1", true});
    links_.AddLink({4, "wlan0", false});
    rules_.block_types = {kWlan, kBluetooth};
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string StateFile() const { return dir_ + "/session.json"; }

  std::unique_ptr<SessionManager> Make() {
    SessionConfig config;
    config.state_file = StateFile();
    clock_.SetReadStepUs(7);
    config.clock = &clock_;
    config.journal = &journal_;
    config.user_name = [](uid_t uid) {
      return uid == 1000 ? std::string("tanaka") : std::string("other");
    };
    config.guard_types = [this](uint32_t mask) { guard_mask_ = mask; };
    auto m = std::make_unique<SessionManager>(config, rfkill_, &links_,
                                              &firewall_, rules_);
    m->SetStickControl(&sticks_);
    return m;
  }

  std::vector<journal::Event> EventsOf(std::string_view type) const {
    std::vector<journal::Event> out;
    for (const auto& e : events_) {
      if (e.type == type) out.push_back(e);
    }
    return out;
  }

  bool Soft(uint32_t idx) const { return rfkill_.radios().at(idx).soft; }

  std::string dir_;
  os::FakeRfkill rfkill_;
  os::FakeLinks links_;
  os::FakeFirewall firewall_;
  FakeSticks sticks_;
  SessionRules rules_;
  std::vector<journal::Event> events_;
  os::FakeClock clock_{1780282800000, 1000};
  bool journal_fails_ = false;
  journal::testing::RecordingAppender journal_{events_, &journal_fails_};
  uint32_t w0_ = 0, w1_ = 0, bt_ = 0;
  uint32_t guard_mask_ = 0;  // what the radio guard was last told to keep
  ipc::Peer staff_{100, 1000, 1000};
  ipc::Peer other_{101, 1001, 1001};
  ipc::Peer root_{102, 0, 0};
};

}  // namespace piiguard::agent::session

#endif  // PIIGUARD_AGENT_SESSION_SESSION_TEST_FIXTURE_H_
