// `piiguardd --release` and the maintenance window: a window left open
// when the package is removed is closed as piiguardd would close it, its
// account's processes ended (SIGKILL after the grace for one that ignores
// SIGTERM), and journaled with reason "release"; a process that cannot be
// ended fails the step instead of waiting for ever.
#include <gtest/gtest.h>

#include <csignal>

#include "agent/daemon/release.h"
#include "agent/maint/maintenance_window_fixture.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/os/testing/fake_block_devices.h"
#include "common/os/testing/fake_sysfs.h"

namespace piiguard::maint {
namespace {

namespace types = journal::types;

class ReleaseMaintenanceTest : public MaintenanceWindowTest {
 protected:
  // The release's own window over the same host and record, as
  // commands.cc makes it: no grants, so no window opens again.
  agent::ReleaseReport Release() {
    MaintenanceConfig config;
    config.clock = &clock_;
    config.journal = &journal_;
    config.record_file = RecordFile();
    config.boot_id = boot_id_;
    config.schedule = [this](int64_t at) { next_ = at; };
    MaintenanceWindow window(config, host_);
    agent::ReleaseMaintenance maintenance;
    maintenance.window = &window;
    maintenance.next_us = &next_;
    maintenance.clock = &clock_;
    maintenance.wait_until = [this](int64_t at) {
      ++waits_;
      if (at > clock_.MonotonicUs())
        clock_.AdvanceUs(at - clock_.MonotonicUs());
    };
    os::FakeSysfs sysfs;
    os::FakeBlockDevices blocks;
    return agent::Release(
        agent::ReleaseDeps{sysfs, blocks, nullptr, nullptr, &maintenance});
  }
  const agent::ReleaseStep* Step(const agent::ReleaseReport& report) const {
    for (const agent::ReleaseStep& s : report.steps) {
      if (s.name == "maintenance") return &s;
    }
    return nullptr;
  }

  int64_t next_ = 0;
  int waits_ = 0;
};

TEST_F(ReleaseMaintenanceTest, AnOpenWindowIsClosedAndItsProcessesEnded) {
  Grant(60);
  window_->GrantsChanged();
  ASSERT_TRUE(host_.window.has_value());
  const pid_t shell = host_.Spawn(kVendorUid, "bash", 0, true);
  window_.reset();  // the unit is stopped; the grant still runs
  events_.clear();
  const agent::ReleaseReport report = Release();
  const agent::ReleaseStep* step = Step(report);
  ASSERT_NE(step, nullptr);
  EXPECT_TRUE(step->ok) << step->error;
  EXPECT_EQ(step->done, Json::array({"window closed"}));
  EXPECT_FALSE(host_.window.has_value());
  EXPECT_FALSE(host_.Alive(shell));
  EXPECT_GT(waits_, 0);  // it waited for the grace, then SIGKILL
  ASSERT_EQ(host_.signals.size(), 2u);
  EXPECT_EQ(host_.signals[1].second, SIGKILL);
  ASSERT_EQ(EventsOf(types::kMaintenanceClosed).size(), 1u);
  EXPECT_EQ(EventsOf(types::kMaintenanceClosed)[0].details["reason"],
            "release");
  EXPECT_EQ(EventsOf(types::kMaintenanceOpened).size(), 0u);
  // Again: nothing left to do.
  const agent::ReleaseReport again = Release();
  EXPECT_TRUE(Step(again)->ok);
  EXPECT_TRUE(Step(again)->done.empty());
}

TEST_F(ReleaseMaintenanceTest, AProcessThatCannotBeEndedFailsTheStep) {
  Grant(60);
  window_->GrantsChanged();
  const pid_t stuck = host_.Spawn(kVendorUid, "D-state", 0, true);
  host_.processes[stuck].unkillable = true;
  window_.reset();
  const agent::ReleaseReport report = Release();
  const agent::ReleaseStep* step = Step(report);
  ASSERT_NE(step, nullptr);
  EXPECT_FALSE(step->ok);
  EXPECT_NE(step->error.find("did not end"), std::string::npos);
  EXPECT_FALSE(host_.window.has_value());  // no new login all the same
  EXPECT_FALSE(report.ok());
}

TEST_F(ReleaseMaintenanceTest, NoWindowNothingToDo) {
  const agent::ReleaseReport report = Release();
  ASSERT_NE(Step(report), nullptr);
  EXPECT_TRUE(Step(report)->ok);
  EXPECT_TRUE(Step(report)->done.empty());
  EXPECT_TRUE(host_.signals.empty());
}

}  // namespace
}  // namespace piiguard::maint
