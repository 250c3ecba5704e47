// The maintenance window's life on a fake clock: opened for a running
// grant (journaled before its file is written), closed at the grant's end,
// early, and at the daemon's next start when it was left over; the
// account's processes ended (SIGTERM, SIGKILL after the grace); what ran
// read from sudo's log; sessions.
#include "agent/maint/maintenance_window.h"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "agent/maint/maintenance_window_fixture.h"
#include "agent/maint/sudo_log.h"
#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::maint {
namespace {

namespace types = journal::types;

constexpr char kBefore[] =
    "Dec  7 09:00:00 : piiguard-maint : TTY=pts/0 ; PWD=/ ; USER=root ; "
    "COMMAND=/bin/old";
constexpr char kDuring[] =
    "Dec  7 10:00:00 : piiguard-maint : TTY=pts/0 ; PWD=/ ; USER=root ; "
    "TSID=000001 ; COMMAND=/usr/bin/apt upgrade";

// Records, with each entry, how many window files had been written then.
class ProbeAppender : public journal::Appender {
 public:
  explicit ProbeAppender(const FakeMaintenanceHost& host) : host_(host) {}
  Result<uint64_t> Append(const journal::Event& event) override {
    writes_at[event.type] = host_.window_writes;
    return uint64_t{1};
  }
  std::map<std::string, int> writes_at;

 private:
  const FakeMaintenanceHost& host_;
};

TEST_F(MaintenanceWindowTest, OpensForARunningGrantJournaledFirst) {
  Grant(60);
  window_->GrantsChanged();
  ASSERT_EQ(State(), "open");
  ASSERT_EQ(EventsOf(types::kMaintenanceOpened).size(), 1u);
  const Json opened = EventsOf(types::kMaintenanceOpened)[0].details;
  EXPECT_EQ(opened["grant"], kGrant);
  EXPECT_EQ(opened["account"], "piiguard-maint");
  EXPECT_EQ(opened["uid"], kVendorUid);
  EXPECT_EQ(opened["minutes"], 60);
  EXPECT_EQ(opened["responsible"], "山田花子");
  // The file the PAM gate reads: this boot, the grant's end, the hash of
  // the password the service gives for this grant.
  ASSERT_TRUE(host_.window.has_value());
  Result<WindowFile> file = ParseWindow(*host_.window);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->account, "piiguard-maint");
  EXPECT_EQ(file->uid, kVendorUid);
  EXPECT_EQ(file->grant, kGrant);
  EXPECT_EQ(file->boot_id, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  EXPECT_EQ(file->end_boottime_us, grants_.maintenance[0].end_mono_us);
  EXPECT_EQ(
      file->password_sha256,
      HashMaintenancePassword(NormaliseMaintenancePassword(kPassword).value()));
  EXPECT_EQ(asked_password_for_, kGrant);
  EXPECT_EQ(window_->HeldUntilUs(), grants_.maintenance[0].end_mono_us);
  EXPECT_EQ(scheduled_, grants_.maintenance[0].end_mono_us);
  EXPECT_EQ(sessions_.changed, 1);
  EXPECT_TRUE(std::filesystem::exists(RecordFile()));
  EXPECT_EQ((*window_->StatusPart())["minutes_left"], 60);
  EXPECT_FALSE((*window_->StatusPart()).contains("grant"));
  ASSERT_EQ(notifier_.notices.size(), 1u);
  // Deciding again changes nothing.
  window_->GrantsChanged();
  EXPECT_EQ(host_.window_writes, 1);
  ExpectJournalable();
}

TEST_F(MaintenanceWindowTest, TheJournalEntryComesBeforeTheFile) {
  ProbeAppender probe(host_);
  MaintenanceConfig config;
  config.clock = &clock_;
  config.journal = &probe;
  config.record_file = RecordFile();
  config.boot_id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
  config.password = [](std::string_view) -> Result<std::string> {
    return std::string(kPassword);
  };
  MaintenanceWindow window(config, host_);
  window.SetGrants(&grants_);
  Grant(30);
  window.GrantsChanged();
  ASSERT_EQ(host_.window_writes, 1);
  EXPECT_EQ(probe.writes_at[types::kMaintenanceOpened], 0);
}

TEST_F(MaintenanceWindowTest, NoJournalNoWindow) {
  journal_fails_ = true;
  Grant(60);
  window_->GrantsChanged();
  EXPECT_EQ(State(), "none");
  EXPECT_EQ(host_.window_writes, 0);
  EXPECT_FALSE(host_.window.has_value());
  EXPECT_FALSE(Held());
  EXPECT_FALSE(std::filesystem::exists(RecordFile()));
  // Not tried again for this grant (the journal may work again later;
  // staff ask anew).
  journal_fails_ = false;
  window_->GrantsChanged();
  EXPECT_EQ(host_.window_writes, 0);
  EXPECT_EQ(EventsOf(types::kMaintenanceNotOpened).size(), 1u);
}

TEST_F(MaintenanceWindowTest, ExpiresOnTheTimerEndingTheAccountsProcesses) {
  host_.AppendSudoLog(kBefore);
  Grant(60);
  window_->GrantsChanged();
  const pid_t shell = host_.Spawn(kVendorUid, "bash");
  const pid_t sudo = host_.Spawn(kVendorUid, "sudo");
  const pid_t staff = host_.Spawn(kStaffUid, "soffice");
  host_.AppendSudoLog(kDuring);
  host_.tries = 2;
  host_.calls.clear();
  Pump();  // the grant's end: the clock is there
  EXPECT_EQ(State(), "closing");
  // The file first (no new login), then the tries, then the processes.
  ASSERT_GE(host_.calls.size(), 3u);
  EXPECT_EQ(host_.calls[0], "window-");
  EXPECT_EQ(host_.calls[1], "tries-");
  EXPECT_EQ(host_.calls[2], "signal " + std::to_string(SIGTERM));
  EXPECT_FALSE(host_.window.has_value());
  EXPECT_FALSE(host_.Alive(shell));
  EXPECT_FALSE(host_.Alive(sudo));
  EXPECT_TRUE(host_.Alive(staff));
  EXPECT_TRUE(Held());  // until the rescan finds none
  Pump();
  EXPECT_FALSE(Held());
  ASSERT_EQ(EventsOf(types::kMaintenanceClosed).size(), 1u);
  const Json closed = EventsOf(types::kMaintenanceClosed)[0].details;
  EXPECT_EQ(closed["reason"], "expired");
  EXPECT_EQ(closed["window_removed"], true);
  EXPECT_EQ(closed["tries"], 2);
  EXPECT_EQ(closed["processes_ended"], 2);
  EXPECT_EQ(closed["processes"][0]["name"], "bash");
  EXPECT_EQ(closed["minutes_open"], 60);
  // What ran: only what sudo logged while the window was open.
  ASSERT_EQ(closed["commands"].size(), 1u);
  EXPECT_EQ(closed["commands"][0]["command"], "/usr/bin/apt upgrade");
  EXPECT_EQ(closed["commands"][0]["tsid"], "000001");
  EXPECT_EQ(closed["commands_total"], 1);
  EXPECT_EQ(closed["io_log_dir"], "/var/log/piiguard/maint-io");
  EXPECT_FALSE(std::filesystem::exists(RecordFile()));
  EXPECT_EQ(sessions_.changed, 2);  // opened, closed
  EXPECT_EQ(scheduled_, 0);
  ExpectJournalable();
}

TEST_F(MaintenanceWindowTest, EndsEarlyWhenTheGrantEnds) {
  Grant(120);
  window_->GrantsChanged();
  host_.Spawn(kVendorUid, "vim");
  clock_.AdvanceUs(10 * kMinuteUs);
  EndGrant();  // `piiguard exception end`
  window_->GrantsChanged();
  EXPECT_FALSE(host_.window.has_value());
  PumpUntilClosed();
  ASSERT_EQ(EventsOf(types::kMaintenanceClosed).size(), 1u);
  EXPECT_EQ(EventsOf(types::kMaintenanceClosed)[0].details["reason"], "ended");
}

TEST_F(MaintenanceWindowTest, SigkillFollowsSigtermAfterTheGrace) {
  Grant(15);
  window_->GrantsChanged();
  const pid_t stubborn = host_.Spawn(kVendorUid, "daemon", 0, true);
  EndGrant();
  window_->GrantsChanged();
  EXPECT_TRUE(host_.Alive(stubborn));
  EXPECT_EQ(scheduled_, clock_.MonotonicUs() + 5'000'000);
  clock_.AdvanceUs(4'000'000);
  window_->OnTimer();  // early: nothing yet
  EXPECT_TRUE(host_.Alive(stubborn));
  Pump();
  EXPECT_FALSE(host_.Alive(stubborn));
  ASSERT_EQ(host_.signals.size(), 2u);
  EXPECT_EQ(host_.signals[0].second, SIGTERM);
  EXPECT_EQ(host_.signals[1].second, SIGKILL);
  EXPECT_FALSE(Held());
}

TEST_F(MaintenanceWindowTest, ALeftOverWindowIsClosedAtTheNextStart) {
  host_.AppendSudoLog(kBefore);
  Grant(60);
  window_->GrantsChanged();
  host_.AppendSudoLog(kDuring);
  const pid_t shell = host_.Spawn(kVendorUid, "bash", 0, true);
  // piiguardd dies; the grant ends while it is down.
  window_.reset();
  EndGrant();
  events_.clear();
  ASSERT_TRUE(host_.window.has_value());
  window_ = Make();
  ASSERT_TRUE(window_->Init().ok());
  EXPECT_FALSE(host_.window.has_value());
  EXPECT_TRUE(Held());  // no session until the account's processes are gone
  PumpUntilClosed();
  EXPECT_FALSE(host_.Alive(shell));
  ASSERT_EQ(EventsOf(types::kMaintenanceClosed).size(), 1u);
  const Json closed = EventsOf(types::kMaintenanceClosed)[0].details;
  EXPECT_EQ(closed["reason"], "restart");
  EXPECT_EQ(closed["grant"], kGrant);
  EXPECT_EQ(closed["commands"].size(), 1u);  // from the record's offset
  window_->GrantsChanged();
  EXPECT_EQ(EventsOf(types::kMaintenanceOpened).size(), 0u);
}

TEST_F(MaintenanceWindowTest, WithoutItsRecordTheWindowFileSaysWhatToClose) {
  Grant(60);
  window_->GrantsChanged();
  host_.AppendSudoLog(kDuring);
  host_.Spawn(kVendorUid, "bash");
  window_.reset();
  EndGrant();
  std::filesystem::remove(RecordFile());
  window_ = Make();
  ASSERT_TRUE(window_->Init().ok());
  PumpUntilClosed();
  ASSERT_EQ(EventsOf(types::kMaintenanceClosed).size(), 1u);
  const Json closed = EventsOf(types::kMaintenanceClosed)[0].details;
  EXPECT_EQ(closed["grant"], kGrant);
  EXPECT_EQ(closed["processes_ended"], 1);
  EXPECT_TRUE(closed.contains("sudo_log_from"));
  EXPECT_EQ(closed["commands"].size(), 1u);
}

TEST_F(MaintenanceWindowTest, AGrantStillRunningAfterARestartOpensAnew) {
  Grant(60);
  window_->GrantsChanged();
  window_.reset();
  window_ = Make();
  ASSERT_TRUE(window_->Init().ok());
  // Closed (nothing ran), then opened again for the grant that runs.
  EXPECT_EQ(EventsOf(types::kMaintenanceClosed).size(), 1u);
  window_->GrantsChanged();
  EXPECT_EQ(State(), "open");
  EXPECT_EQ(EventsOf(types::kMaintenanceOpened).size(), 2u);
  EXPECT_EQ(host_.window_writes, 2);
}

TEST_F(MaintenanceWindowTest, AtStartNothingLeftNothingDone) {
  ASSERT_TRUE(window_->Init().ok());
  EXPECT_TRUE(events_.empty());
  EXPECT_FALSE(Held());
  // Processes of the account with no window are ended all the same.
  host_.Spawn(kVendorUid, "nc");
  window_ = Make();
  ASSERT_TRUE(window_->Init().ok());
  PumpUntilClosed();
  ASSERT_EQ(EventsOf(types::kMaintenanceClosed).size(), 1u);
  EXPECT_EQ(EventsOf(types::kMaintenanceClosed)[0].details["reason"],
            "processes without a window");
}

TEST_F(MaintenanceWindowTest, WaitsForTheSessionToEnd) {
  sessions_.active = true;
  EXPECT_FALSE(window_->CheckMaintenance().ok());
  Grant(60);  // a session began between the request and the response
  window_->GrantsChanged();
  EXPECT_EQ(State(), "waiting");
  EXPECT_FALSE(host_.window.has_value());
  EXPECT_FALSE(Held());
  EXPECT_EQ(notifier_.notices.size(), 1u);
  sessions_.active = false;
  window_->SessionEnded();
  EXPECT_EQ(State(), "open");
  EXPECT_FALSE(window_->CheckMaintenance().ok());  // one window at a time
}

TEST_F(MaintenanceWindowTest, TheAccountMustExistAndNotBeRoot) {
  EXPECT_EQ(window_->MaintenanceAccount().value(), "piiguard-maint");
  host_.accounts.clear();
  Result<std::string> missing = window_->MaintenanceAccount();
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("piiguard-maint"),
            std::string::npos);
  host_.AddAccount("piiguard-maint", 0);
  EXPECT_FALSE(window_->MaintenanceAccount().ok());
  Grant(60);
  window_->GrantsChanged();
  EXPECT_FALSE(host_.window.has_value());
  EXPECT_EQ(EventsOf(types::kMaintenanceNotOpened).size(), 1u);
}

TEST_F(MaintenanceWindowTest, AGrantForAnotherAccountOpensNothing) {
  Grant(60, "someone-else");
  window_->GrantsChanged();
  EXPECT_FALSE(host_.window.has_value());
  ASSERT_EQ(EventsOf(types::kMaintenanceNotOpened).size(), 1u);
}

TEST_F(MaintenanceWindowTest, AWindowThePamGateWouldRefuseIsNotWritten) {
  boot_id_ = "boot-1";  // not the kernel's shape
  window_ = Make();
  Grant(60);
  window_->GrantsChanged();
  EXPECT_EQ(host_.window_writes, 0);
  EXPECT_TRUE(EventsOf(types::kMaintenanceOpened).empty());
  ASSERT_EQ(EventsOf(types::kMaintenanceNotOpened).size(), 1u);
  EXPECT_FALSE(std::filesystem::exists(RecordFile()));
}

TEST_F(MaintenanceWindowTest, AWindowFileNotWrittenIsClosedAgain) {
  host_.write_error = IoError("maintenance", "window", "disk full");
  Grant(60);
  window_->GrantsChanged();
  PumpUntilClosed();
  EXPECT_FALSE(Held());
  EXPECT_EQ(EventsOf(types::kMaintenanceOpened).size(), 1u);
  EXPECT_EQ(EventsOf(types::kMaintenanceClosed).size(), 1u);
  EXPECT_EQ(EventsOf(types::kMaintenanceNotOpened).size(), 1u);
  window_->GrantsChanged();
  EXPECT_EQ(EventsOf(types::kMaintenanceOpened).size(), 1u);
}

}  // namespace
}  // namespace piiguard::maint
