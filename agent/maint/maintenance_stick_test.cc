// The whole interlock with the real modules (issue 17 item 3): the USB
// enforcer, its WriteGate the session manager, and the maintenance window
// over the fake host. A keyed stick plugged during a window is not made
// writable, whatever is tried; once the window has closed, it is, through
// the session as usual.

#include <gtest/gtest.h>

#include <memory>

#include "agent/maint/maintenance_window.h"
#include "agent/maint/testing/fake_maintenance_host.h"
#include "agent/session/session_manager.h"
#include "agent/usb/enforcer_fixture.h"
#include "common/os/testing/fake_rfkill.h"

namespace piiguard::maint {
namespace {

using agent::ScopeGrant;
using agent::session::SessionManager;
using agent::usb::UsbEnforcer;

class Grants : public agent::ExceptionGrants {
 public:
  std::vector<ScopeGrant> Running(exception::ScopeKind scope) override {
    return scope == exception::ScopeKind::kMaintenance
               ? maintenance
               : std::vector<ScopeGrant>{};
  }
  std::vector<ScopeGrant> maintenance;
};

class MaintenanceStickTest : public agent::usb::testing::EnforcerTest {
 protected:
  void SetUp() override {
    EnforcerTest::SetUp();
    char tmpl[] = "/tmp/maint_stick_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    rfkill_.AddRadio(os::RadioType::kWlan, "phy0");
    agent::session::SessionConfig session;
    session.state_file = dir_ + "/session.json";
    session.clock = &clock_;
    session.journal = &journal_;
    agent::session::SessionRules rules;
    rules.block_types = {static_cast<uint8_t>(os::RadioType::kWlan)};
    sessions_ = std::make_unique<SessionManager>(session, rfkill_, nullptr,
                                                 nullptr, rules);
    host_.AddAccount("piiguard-maint", 998);
    MaintenanceConfig config;
    config.clock = &clock_;
    config.journal = &journal_;
    config.record_file = dir_ + "/maintenance.json";
    config.boot_id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    config.password = [](std::string_view) -> Result<std::string> {
      return std::string("J7MM-T55Q-5F13-3MFD");
    };
    window_ = std::make_unique<MaintenanceWindow>(config, host_);
    // As the daemon wires them.
    window_->SetGrants(&grants_);
    window_->SetSessions(sessions_.get());
    sessions_->SetMaintenance(window_.get());
    ASSERT_TRUE(sessions_->Init().ok());
    ASSERT_TRUE(window_->Init().ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The fixture's Make(), with the session manager as the WriteGate.
  std::unique_ptr<UsbEnforcer> MakeGated() {
    agent::usb::EnforcerConfig config;
    config.policy = [this]() -> const policy::Policy* { return &policy_; };
    config.pinned = {signer_.PublicKey()};
    config.pc_id = [] { return std::string("pc-1"); };
    config.clock = &clock_;
    config.journal = &journal_;
    auto enforcer = std::make_unique<UsbEnforcer>(
        agent::usb::EnforcerDeps{sysfs_, blocks_, mounts_, jobs_, writes_,
                                 device_gate_},
        std::move(config), *sessions_);
    sessions_->SetStickControl(enforcer.get());
    return enforcer;
  }
  bool ReadOnly(const char* device) {
    Result<bool> read_only = blocks_.IsReadOnly(device);
    return read_only.ok() && *read_only;
  }

  std::string dir_;
  os::FakeRfkill rfkill_;
  std::unique_ptr<SessionManager> sessions_;
  FakeMaintenanceHost host_;
  Grants grants_;
  std::unique_ptr<MaintenanceWindow> window_;
};

TEST_F(MaintenanceStickTest, AKeyedStickIsNotWritableDuringAWindow) {
  grants_.maintenance = {ScopeGrant{"123456789012", "山田花子",
                                    "piiguard-maint",
                                    clock_.MonotonicUs() + 3'600'000'000}};
  window_->GrantsChanged();
  ASSERT_TRUE(host_.window.has_value());

  AddStick("S1", false);
  SetMedium(Key("S1"), /*fs_offset=*/2048 * 512);
  auto enforcer = MakeGated();
  ASSERT_TRUE(enforcer->Start().ok());
  Plug(*enforcer);
  DiskAppears(*enforcer, /*partition=*/true);
  // Keyed, and waiting: read-only in the block layer and the write gate.
  EXPECT_EQ(StickField(*enforcer, "state"), "waiting_for_session");
  EXPECT_TRUE(ReadOnly("sdb"));
  EXPECT_TRUE(ReadOnly("sdb1"));
  EXPECT_FALSE(device_gate_.WouldAllow(agent::usb::testing::kSdb));
  EXPECT_FALSE(sessions_->active());
  // Every way to ask again: a session by command, the policy re-read, the
  // session manager told of a change or of sticks.
  EXPECT_EQ((*sessions_->Start(ipc::Peer{1, 1000, 1000}, "job-a"))["refused"],
            "maintenance");
  enforcer->OnPolicyChanged();
  sessions_->MaintenanceChanged();
  sessions_->SticksChanged();
  EXPECT_NE(StickField(*enforcer, "state"), "writable");
  EXPECT_TRUE(ReadOnly("sdb"));
  EXPECT_FALSE(device_gate_.WouldAllow(agent::usb::testing::kSdb));
  EXPECT_GE(Count("session.start_refused"), 2);

  // The window ends: the stick starts its session and is written.
  grants_.maintenance.clear();
  window_->GrantsChanged();
  EXPECT_FALSE(window_->HeldUntilUs().has_value());
  EXPECT_TRUE(sessions_->active());
  EXPECT_TRUE(sessions_->radios_confirmed());
  EXPECT_EQ(StickField(*enforcer, "state"), "writable");
  EXPECT_FALSE(ReadOnly("sdb"));
}

}  // namespace
}  // namespace piiguard::maint
