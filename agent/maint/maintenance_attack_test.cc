// The maintenance window against someone who wants it to last: a process
// of the account that forks as it is killed, one that cannot be killed, a
// symlink in the window file's place, hostile text in process names and
// sudo's log; and what a session start sees while it is held. The password
// is never journaled nor shown.
#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>

#include "agent/maint/maintenance_window.h"
#include "agent/maint/maintenance_window_fixture.h"
#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::maint {
namespace {

namespace types = journal::types;

class MaintenanceAttackTest : public MaintenanceWindowTest {
 protected:
  void OpenThenEnd() {
    Grant(60);
    window_->GrantsChanged();
    ASSERT_EQ(State(), "open");
    EndGrant();
    window_->GrantsChanged();
  }
};

TEST_F(MaintenanceAttackTest, AProcessThatForksAsItIsKilledIsEndedWhole) {
  Grant(60);
  window_->GrantsChanged();
  // Each of them starts a child as each signal reaches it (4 deep), and
  // ignores SIGTERM.
  host_.Spawn(kVendorUid, "respawner", 4, true);
  host_.Spawn(kVendorUid, "respawner", 4, true);
  const pid_t staff = host_.Spawn(kStaffUid, "soffice");
  EndGrant();
  window_->GrantsChanged();
  PumpUntilClosed();
  EXPECT_FALSE(Held());
  EXPECT_TRUE(host_.AccountProcesses(kVendorUid)->empty());
  EXPECT_TRUE(host_.Alive(staff));
  ASSERT_EQ(EventsOf(types::kMaintenanceClosed).size(), 1u);
  // Every process it saw, the children included, is counted.
  EXPECT_GT(EventsOf(types::kMaintenanceClosed)[0].details["processes_ended"],
            2);
  EXPECT_TRUE(EventsOf(types::kMaintenanceError).empty());
  for (const auto& [pid, signal] : host_.signals) EXPECT_NE(pid, staff);
}

TEST_F(MaintenanceAttackTest, ProcessesThatOutliveTheRoundsKeepItHeld) {
  Grant(60);
  window_->GrantsChanged();
  // Forks for longer than any bound: every kill finds a new child.
  host_.Spawn(kVendorUid, "forkbomb", 100000, true);
  const pid_t stuck = host_.Spawn(kVendorUid, "nfs-wait");
  host_.processes[stuck].unkillable = true;
  EndGrant();
  window_->GrantsChanged();
  for (int i = 0; i < 20; ++i) {
    const size_t before = host_.signals.size();
    Pump();
    // Each round is bounded: at most kRescans sweeps of what is there.
    EXPECT_LE(host_.signals.size() - before,
              static_cast<size_t>(MaintenanceWindow::kRescans) * 4);
  }
  // Still closing: sessions stay refused; the file is gone; journaled once.
  EXPECT_TRUE(Held());
  EXPECT_EQ(State(), "closing");
  EXPECT_FALSE(host_.window.has_value());
  ASSERT_EQ(EventsOf(types::kMaintenanceError).size(), 1u);
  EXPECT_EQ(EventsOf(types::kMaintenanceError)[0].severity,
            journal::Severity::kIncident);
  EXPECT_TRUE(EventsOf(types::kMaintenanceClosed).empty());
  // Retried once a minute after the quick rounds.
  EXPECT_EQ(scheduled_ - clock_.MonotonicUs(), 60'000'000);
  // Root ends them; the next round sees none and the window closes.
  host_.processes.clear();
  Pump();
  EXPECT_FALSE(Held());
  EXPECT_EQ(EventsOf(types::kMaintenanceClosed).size(), 1u);
}

TEST_F(MaintenanceAttackTest, ASymlinkInTheWindowsPlaceIsRemovedItself) {
  Grant(60);
  window_->GrantsChanged();
  host_.window.reset();
  host_.window_is_symlink = true;  // e.g. to /etc/shadow
  EndGrant();
  window_->GrantsChanged();
  EXPECT_FALSE(host_.window_is_symlink);
  EXPECT_EQ(EventsOf(types::kMaintenanceClosed)[0].details["window_removed"],
            true);
  // Left over at a start: not read through, removed, journaled.
  host_.window_is_symlink = true;
  window_ = Make();
  ASSERT_TRUE(window_->Init().ok());
  PumpUntilClosed();
  EXPECT_FALSE(host_.window_is_symlink);
  ASSERT_EQ(EventsOf(types::kMaintenanceClosed).size(), 2u);
  const Json closed = EventsOf(types::kMaintenanceClosed)[1].details;
  EXPECT_EQ(closed["reason"], "restart");
  ASSERT_TRUE(closed.contains("problems"));
  EXPECT_NE(closed["problems"].dump().find("symlink"), std::string::npos);
}

TEST_F(MaintenanceAttackTest, AWindowFileThatCannotBeRemovedKeepsItClosing) {
  Grant(60);
  window_->GrantsChanged();
  const pid_t shell = host_.Spawn(kVendorUid, "bash");
  // e.g. made immutable (chattr +i) by a root shell of the vendor's.
  host_.remove_error = ErrnoStatus("maintenance", "window", EPERM);
  EndGrant();
  window_->GrantsChanged();
  PumpUntilClosed();
  EXPECT_FALSE(host_.Alive(shell));
  EXPECT_TRUE(Held());  // the file says the account may log in
  ASSERT_EQ(EventsOf(types::kMaintenanceError).size(), 1u);
  EXPECT_EQ(EventsOf(types::kMaintenanceError)[0].details["error"],
            "window file not removed");
  EXPECT_TRUE(EventsOf(types::kMaintenanceClosed).empty());
  host_.remove_error = Status::Ok();
  Pump();
  EXPECT_FALSE(Held());
  EXPECT_FALSE(host_.window.has_value());
  const Json closed = EventsOf(types::kMaintenanceClosed)[0].details;
  EXPECT_EQ(closed["window_removed"], true);
  EXPECT_NE(closed["problems"].dump().find("not permitted"), std::string::npos);
}

TEST_F(MaintenanceAttackTest, HeldWhileOpenAndWhileClosing) {
  EXPECT_EQ(window_->HeldUntilUs(), std::nullopt);
  Grant(30);
  window_->GrantsChanged();
  const int64_t end = grants_.maintenance[0].end_mono_us;
  EXPECT_EQ(window_->HeldUntilUs(), end);
  host_.Spawn(kVendorUid, "stubborn", 0, true);
  clock_.AdvanceUs(kMinuteUs);
  EndGrant();
  window_->GrantsChanged();
  // Closing: held, its end now (not the grant's end any more).
  ASSERT_TRUE(window_->HeldUntilUs().has_value());
  EXPECT_LE(*window_->HeldUntilUs(), clock_.MonotonicUs());
  EXPECT_EQ(sessions_.changed, 1);  // not told "closed" yet
  PumpUntilClosed();
  EXPECT_EQ(window_->HeldUntilUs(), std::nullopt);
  EXPECT_EQ(sessions_.changed, 2);
}

TEST_F(MaintenanceAttackTest, HostileTextIsJournaledSafely) {
  Grant(60);
  window_->GrantsChanged();
  host_.Spawn(kVendorUid, std::string("\xff\x1b[2Jx\n", 7));
  host_.AppendSudoLog(
      std::string("t : piiguard-maint : USER=root ; COMMAND=/bin/echo \xc3") +
      "\x07" + std::string(600, 'A'));
  host_.AppendSudoLog("not sudo at all");
  EndGrant();
  window_->GrantsChanged();
  PumpUntilClosed();
  ExpectJournalable();
  const Json closed = EventsOf(types::kMaintenanceClosed)[0].details;
  EXPECT_EQ(closed["processes"][0]["name"], "??[2Jx?");
  EXPECT_EQ(closed["commands"][0]["command"].get<std::string>().size(), 256u);
  EXPECT_EQ(closed["sudo_log_unread_lines"], 1);
}

TEST_F(MaintenanceAttackTest, ThePasswordIsNeverJournaledNorShown) {
  host_.tries = 4;
  OpenThenEnd();
  PumpUntilClosed();
  const std::string normalised =
      NormaliseMaintenancePassword(kPassword).value();
  for (const journal::Event& e : events_) {
    const std::string text = e.details.dump();
    EXPECT_EQ(text.find(kPassword), std::string::npos) << e.type;
    EXPECT_EQ(text.find(normalised), std::string::npos) << e.type;
  }
  for (const auto& notice : notifier_.notices) {
    EXPECT_EQ(notice.body.find(kPassword), std::string::npos);
  }
  EXPECT_EQ(window_->StatusPart()->dump().find(kPassword), std::string::npos);
}

TEST_F(MaintenanceAttackTest, TriesOfAnEarlierWindowDoNotCount) {
  host_.tries = 5;  // left by an earlier window's guesser
  Grant(60);
  window_->GrantsChanged();
  EXPECT_EQ(host_.tries, 0);
  host_.tries = 3;  // during this one
  EndGrant();
  window_->GrantsChanged();
  EXPECT_EQ(EventsOf(types::kMaintenanceClosed)[0].details["tries"], 3);
}

}  // namespace
}  // namespace piiguard::maint
