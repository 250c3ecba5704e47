// MaintenanceWindow: opening a window for a running maintenance grant.

#include <utility>

#include "agent/maint/maintenance_window.h"
#include "agent/maint/window_file.h"
#include "common/file_util.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/os/log.h"

namespace piiguard::maint {
namespace {

constexpr std::string_view kContext = "maintenance";
constexpr int64_t kMinuteUs = 60'000'000;

}  // namespace

void MaintenanceWindow::NotOpened(const agent::ScopeGrant& grant,
                                  std::string_view why) {
  // Not tried again for this grant: staff see why, and may ask again.
  not_opened_.insert(grant.grant);
  (void)Journal(journal::types::kMaintenanceNotOpened,
                journal::Severity::kWarning,
                Json{{"grant", grant.grant},
                     {"account", config_.account},
                     {"why", std::string(why)}});
  Notify(MsgId::kMaintenanceNotOpenedNotice, {grant.grant, why},
         {grant.grant, why});
}

Status MaintenanceWindow::OpenSteps(const agent::ScopeGrant& grant,
                                    uid_t& uid) {
  // The account, as the challenge was bound to it.
  PIIGUARD_ASSIGN_OR_RETURN(std::string account, MaintenanceAccount());
  if (grant.detail != account) {
    return FailedPreconditionError(
        kContext, "grant " + grant.grant,
        "asked for account \"" + grant.detail + "\", this PC's is " + account);
  }
  PIIGUARD_ASSIGN_OR_RETURN(Account found, host_.LookUpAccount(account));
  uid = found.uid;
  if (config_.boot_id.empty()) {
    return FailedPreconditionError(kContext, "boot id", "unknown");
  }
  if (!config_.password) {
    return FailedPreconditionError(kContext, "password", "no exception key");
  }
  return Status::Ok();
}

void MaintenanceWindow::Open(const agent::ScopeGrant& grant) {
  uid_t uid = 0;
  if (Status ready = OpenSteps(grant, uid); !ready.ok()) {
    NotOpened(grant, ready.message());
    return;
  }
  Result<std::string> password = config_.password(grant.grant);
  Result<std::string> normalised = password.ok()
                                       ? NormaliseMaintenancePassword(*password)
                                       : Result<std::string>(password.status());
  if (!normalised.ok()) {
    NotOpened(grant, normalised.status().message());
    return;
  }
  WindowFile file;
  file.account = config_.account;
  file.uid = uid;
  file.grant = grant.grant;
  file.boot_id = config_.boot_id;
  file.end_boottime_us = grant.end_mono_us;
  file.password_sha256 = HashMaintenancePassword(*normalised);
  // What the PAM gate would refuse to read is not written (a boot id of
  // another shape, an end not ahead).
  if (Status valid = ValidateWindow(file); !valid.ok()) {
    NotOpened(grant, valid.message());
    return;
  }
  const int64_t now = config_.clock->MonotonicUs();
  // Where sudo's log ends now: what ran is what comes after. A log that
  // cannot be looked at is read from its start at the end.
  Result<LogMark> mark = host_.SudoLogEnd();
  MaintenanceRecord record{grant.grant,
                           config_.account,
                           uid,
                           config_.clock->WallMs(),
                           grant.end_mono_us,
                           mark.ok() ? mark->inode : 0,
                           mark.ok() ? mark->size : 0};
  const int64_t minutes = (grant.end_mono_us - now + kMinuteUs - 1) / kMinuteUs;
  Json details = {
      {"grant", grant.grant},
      {"account", config_.account},
      {"uid", uid},
      {"minutes", minutes},
      {"responsible", grant.responsible},
      {"until_ms", record.opened_wall_ms + (grant.end_mono_us - now) / 1000},
      {"sudo_log", config_.sudo_log},
      {"sudo_log_offset", record.sudo_log_offset},
      {"io_log_dir", config_.io_log_dir}};
  if (!mark.ok()) details["sudo_log_error"] = mark.status().message();
  // The record first (a restart closes what it names), then the journal,
  // then the window file: nothing opens that the office cannot see.
  if (Status saved = WriteFileAtomic(config_.record_file,
                                     SerializeMaintenanceRecord(record), 0600);
      !saved.ok()) {
    NotOpened(grant, saved.message());
    return;
  }
  if (Status journaled = Journal(journal::types::kMaintenanceOpened,
                                 journal::Severity::kNotice, details);
      !journaled.ok()) {
    (void)std::remove(config_.record_file.c_str());
    NotOpened(grant, journaled.message());
    return;
  }
  phase_ = Phase::kOpen;  // held from here: no session starts
  record_ = record;
  offset_known_ = true;
  uid_known_ = true;
  // A try count left from an earlier window must not count against this
  // one.
  Result<int64_t> stale = host_.TakeTries();
  os::LogIfError("maintenance: tries", stale.status());
  if (Status written = host_.WriteWindow(SerializeWindow(file));
      !written.ok()) {
    // Whatever was written goes, and anything the account runs ends (not
    // opened again for this grant: NotOpened first).
    NotOpened(grant, written.message());
    problems_.push_back(written.message());
    BeginClose("window file not written");
    Reschedule();
    return;
  }
  Notify(MsgId::kMaintenanceOpenedNotice,
         {std::to_string(minutes), config_.account},
         {std::to_string(minutes), config_.account});
  Reschedule();
  Changed();
}

}  // namespace piiguard::maint
