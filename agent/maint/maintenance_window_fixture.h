// The MaintenanceWindow's test fixture (maintenance_window_test.cc,
// maintenance_attack_test.cc): a window over the fake host, with a fake
// clock, a recording journal, fake notices, the grants the exception
// service would run and a session manager that only says whether a session
// runs. Every expiry is driven by advancing the clock and calling OnTimer()
// (Pump), as the daemon's timer would.
//
// Thread-safety: a gtest fixture; one test's thread.
#ifndef PIIGUARD_AGENT_MAINT_MAINTENANCE_WINDOW_FIXTURE_H_
#define PIIGUARD_AGENT_MAINT_MAINTENANCE_WINDOW_FIXTURE_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "agent/journal/testing/recording_appender.h"
#include "agent/maint/maintenance_window.h"
#include "agent/maint/testing/fake_maintenance_host.h"
#include "agent/maint/window_file.h"
#include "agent/notify/testing/fake_notifier.h"
#include "common/os/testing/fake_clock.h"

namespace piiguard::maint {

inline constexpr uid_t kVendorUid = 998;
inline constexpr uid_t kStaffUid = 1000;
inline constexpr int64_t kMinuteUs = 60'000'000;
inline constexpr char kGrant[] = "123456789012";
inline constexpr char kPassword[] = "J7MM-T55Q-5F13-3MFD";

class FakeGrants : public agent::ExceptionGrants {
 public:
  std::vector<agent::ScopeGrant> Running(exception::ScopeKind scope) override {
    return scope == exception::ScopeKind::kMaintenance
               ? maintenance
               : std::vector<agent::ScopeGrant>{};
  }
  std::vector<agent::ScopeGrant> maintenance;
};

class FakeSessions : public agent::MaintenanceSessions {
 public:
  bool SessionActive() const override { return active; }
  void MaintenanceChanged() override { ++changed; }
  bool active = false;
  int changed = 0;
};

class MaintenanceWindowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/maint_window_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    host_.AddAccount("piiguard-maint", kVendorUid);
    window_ = Make();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<MaintenanceWindow> Make() {
    MaintenanceConfig config;
    config.clock = &clock_;
    config.journal = &journal_;
    config.notify = &notifier_;
    config.record_file = RecordFile();
    config.boot_id = boot_id_;
    config.password = [this](std::string_view grant) -> Result<std::string> {
      asked_password_for_ = std::string(grant);
      return std::string(kPassword);
    };
    config.schedule = [this](int64_t at) { scheduled_ = at; };
    auto window = std::make_unique<MaintenanceWindow>(config, host_);
    window->SetGrants(&grants_);
    window->SetSessions(&sessions_);
    return window;
  }
  std::string RecordFile() const { return dir_ + "/maintenance.json"; }

  // A maintenance grant of `minutes` from now, as the service runs it.
  void Grant(int64_t minutes = 60, std::string account = "piiguard-maint") {
    grants_.maintenance = {
        agent::ScopeGrant{kGrant, "山田花子", std::move(account),
                          clock_.MonotonicUs() + minutes * kMinuteUs}};
  }
  void EndGrant() { grants_.maintenance.clear(); }
  // The daemon's timer: the clock moves to what was scheduled, then fires.
  void Pump() {
    const int64_t now = clock_.MonotonicUs();
    if (scheduled_ > now) clock_.AdvanceUs(scheduled_ - now);
    window_->OnTimer();
  }
  // Pumps until the window is no longer closing (bounded).
  void PumpUntilClosed(int bound = 100) {
    for (int i = 0; i < bound && Held(); ++i) Pump();
  }
  bool Held() const { return window_->HeldUntilUs().has_value(); }
  std::string State() const {
    return (*window_->StatusPart())["state"].get<std::string>();
  }

  std::vector<journal::Event> EventsOf(std::string_view type) const {
    std::vector<journal::Event> out;
    for (const journal::Event& e : events_) {
      if (e.type == type) out.push_back(e);
    }
    return out;
  }
  // Every entry as the journal would write it: valid canonical JSON.
  void ExpectJournalable() const {
    for (const journal::Event& e : events_) {
      EXPECT_TRUE(CanonicalJson(e.details, "test").ok()) << e.type;
    }
  }

  std::string dir_;
  std::string boot_id_ = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
  os::FakeClock clock_;
  std::vector<journal::Event> events_;
  bool journal_fails_ = false;
  journal::testing::RecordingAppender journal_{events_, &journal_fails_};
  agent::notify::FakeNotifier notifier_;
  FakeMaintenanceHost host_;
  FakeGrants grants_;
  FakeSessions sessions_;
  int64_t scheduled_ = 0;
  std::string asked_password_for_;
  std::unique_ptr<MaintenanceWindow> window_;
};

}  // namespace piiguard::maint

#endif  // PIIGUARD_AGENT_MAINT_MAINTENANCE_WINDOW_FIXTURE_H_
