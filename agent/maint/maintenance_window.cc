// MaintenanceWindow: what is decided when (grants, sessions, the timer),
// the daemon's start, status and what the exception service asks. Opening:
// maintenance_open.cc; closing: maintenance_close.cc.

#include "agent/maint/maintenance_window.h"

#include <algorithm>

#include "agent/maint/window_file.h"
#include "common/file_util.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/os/log.h"

namespace piiguard::maint {
namespace {

constexpr std::string_view kContext = "maintenance";
constexpr int64_t kMinuteUs = 60'000'000;

Status Refused(MsgId id, std::initializer_list<std::string_view> ja,
               std::initializer_list<std::string_view> en) {
  // As the exception service's refusals: both languages, Japanese first.
  return FailedPreconditionError(
      kContext, "request",
      Message(Lang::kJa, id, ja) + " / " + Message(Lang::kEn, id, en));
}

}  // namespace

MaintenanceWindow::MaintenanceWindow(MaintenanceConfig config,
                                     MaintenanceHost& host)
    : config_(std::move(config)), host_(host) {}

Status MaintenanceWindow::Journal(std::string type, journal::Severity severity,
                                  Json details) const {
  journal::Event event{std::move(type), severity, "maintenance",
                       std::move(details)};
  Status status =
      config_.journal != nullptr
          ? config_.journal->Append(event).status()
          : FailedPreconditionError(kContext, "journal", "none given");
  os::LogIfError("maintenance: journal: " + event.type, status);
  return status;
}

void MaintenanceWindow::Notify(
    MsgId id, std::initializer_list<std::string_view> ja,
    std::initializer_list<std::string_view> en) const {
  if (config_.notify == nullptr) return;
  config_.notify->Notify(agent::notify::CatalogueNotice(id, ja, en));
}

void MaintenanceWindow::Reschedule() const {
  if (!config_.schedule) return;
  int64_t next = 0;
  if (phase_ == Phase::kOpen) next = record_.end_mono_us;
  if (phase_ == Phase::kClosing) next = next_step_us_;
  config_.schedule(next);
}

void MaintenanceWindow::Changed() const {
  if (sessions_ != nullptr) sessions_->MaintenanceChanged();
}

std::optional<agent::ScopeGrant> MaintenanceWindow::CurrentGrant() const {
  if (grants_ == nullptr) return std::nullopt;
  const int64_t now = config_.clock->MonotonicUs();
  std::vector<agent::ScopeGrant> running =
      grants_->Running(exception::ScopeKind::kMaintenance);
  std::optional<agent::ScopeGrant> found;
  for (const agent::ScopeGrant& grant : running) {
    // A grant past its end is never honoured, whatever the service says.
    if (grant.end_mono_us <= now || not_opened_.contains(grant.grant)) {
      continue;
    }
    if (phase_ == Phase::kOpen && grant.grant == record_.grant) return grant;
    if (!found) found = grant;
  }
  return phase_ == Phase::kOpen ? std::nullopt : found;
}

void MaintenanceWindow::Decide() {
  if (phase_ == Phase::kClosing) return;  // decided again once closed
  std::optional<agent::ScopeGrant> grant = CurrentGrant();
  if (phase_ == Phase::kOpen) {
    if (!grant) {
      const bool expired = config_.clock->MonotonicUs() >= record_.end_mono_us;
      BeginClose(expired ? "expired" : "ended");
    }
    return;
  }
  if (!grant) {
    waiting_.clear();
    return;
  }
  if (sessions_ != nullptr && sessions_->SessionActive()) {
    if (waiting_ != grant->grant) {
      waiting_ = grant->grant;
      Notify(MsgId::kStatusMaintenanceWaiting, {grant->grant}, {grant->grant});
    }
    return;
  }
  waiting_.clear();
  Open(*grant);
}

void MaintenanceWindow::GrantsChanged() { Decide(); }

void MaintenanceWindow::SessionEnded() {
  if (!waiting_.empty()) Decide();
}

void MaintenanceWindow::OnTimer() {
  if (phase_ == Phase::kOpen) Decide();
  if (phase_ == Phase::kClosing &&
      config_.clock->MonotonicUs() >= next_step_us_) {
    Step();
  }
  Reschedule();
}

std::optional<int64_t> MaintenanceWindow::HeldUntilUs() const {
  if (phase_ == Phase::kOpen) return record_.end_mono_us;
  if (phase_ == Phase::kClosing) return config_.clock->MonotonicUs();
  return std::nullopt;
}

Result<std::string> MaintenanceWindow::MaintenanceAccount() {
  const std::string& name = config_.account;
  if (!ValidAccountName(name)) {
    return Refused(MsgId::kMaintenanceNoAccount, {name, "not an account name"},
                   {name, "not an account name"});
  }
  Result<Account> account = host_.LookUpAccount(name);
  if (!account.ok()) {
    const std::string why = account.status().message();
    return Refused(MsgId::kMaintenanceNoAccount, {name, why}, {name, why});
  }
  if (account->uid == 0) {
    // Ending its processes would end the PC's own.
    return Refused(MsgId::kMaintenanceNoAccount, {name, "uid 0"},
                   {name, "uid 0"});
  }
  return account->name;
}

Status MaintenanceWindow::CheckMaintenance() {
  if (sessions_ != nullptr && sessions_->SessionActive()) {
    return Refused(MsgId::kMaintenanceSessionRunning, {}, {});
  }
  std::string running = phase_ != Phase::kIdle ? record_.grant : waiting_;
  if (running.empty()) {
    if (std::optional<agent::ScopeGrant> grant = CurrentGrant()) {
      running = grant->grant;
    }
  }
  if (!running.empty()) {
    return Refused(MsgId::kMaintenanceAlreadyOpen, {running}, {running});
  }
  return Status::Ok();
}

Result<Json> MaintenanceWindow::StatusPart() const {
  // No "grant" key here: status readers take the last one (the exceptions
  // part's); the grant's id is "exception".
  Json part = {{"account", config_.account}};
  const int64_t now = config_.clock->MonotonicUs();
  switch (phase_) {
    case Phase::kIdle:
      part["state"] = waiting_.empty() ? "none" : "waiting";
      if (!waiting_.empty()) part["exception"] = waiting_;
      break;
    case Phase::kOpen:
      part["state"] = "open";
      part["exception"] = record_.grant;
      part["uid"] = record_.uid;
      part["minutes_left"] =
          (std::max<int64_t>(0, record_.end_mono_us - now) + kMinuteUs - 1) /
          kMinuteUs;
      part["until_ms"] =
          config_.clock->WallMs() + (record_.end_mono_us - now) / 1000;
      break;
    case Phase::kClosing:
      part["state"] = "closing";
      part["exception"] = record_.grant;
      part["uid"] = record_.uid;
      part["processes_left"] = left_;
      break;
  }
  return part;
}

Status MaintenanceWindow::Init(std::string_view reason) {
  Result<std::string> bytes =
      ReadFileBytes(config_.record_file, kMaxRecordBytes);
  Result<MaintenanceRecord> record =
      bytes.ok() ? ParseMaintenanceRecord(*bytes)
                 : Result<MaintenanceRecord>(bytes.status());
  Result<std::string> window = host_.ReadWindow();
  Result<WindowFile> file =
      window.ok() ? ParseWindow(*window) : Result<WindowFile>(window.status());
  const bool record_left =
      bytes.ok() || bytes.status().code() != StatusCode::kNotFound;
  const bool window_left =
      window.ok() || window.status().code() != StatusCode::kNotFound;
  if (record_left && !record.ok()) {
    problems_.push_back(record.status().message());
  }
  if (window_left && !file.ok()) problems_.push_back(file.status().message());
  if (record.ok()) {
    record_ = *record;
    uid_known_ = true;
  } else {
    // What is known without the record; sudo's log is read from its tail.
    offset_known_ = false;
    record_.account = file.ok() ? file->account : config_.account;
    record_.grant = file.ok() ? file->grant : "";
    Result<Account> account = host_.LookUpAccount(config_.account);
    if (file.ok()) {
      record_.uid = file->uid;
      uid_known_ = true;
    } else if (account.ok()) {
      record_.uid = account->uid;
      uid_known_ = true;
    } else if (record_left || window_left) {
      problems_.push_back(account.status().message());
    }
  }
  if (!record_left && !window_left) {
    // No window: the account has no business running anything.
    Result<std::vector<AccountProcess>> stray =
        uid_known_ && record_.uid != 0 ? host_.AccountProcesses(record_.uid)
                                       : Result<std::vector<AccountProcess>>(
                                             std::vector<AccountProcess>{});
    if (!stray.ok() || stray->empty()) {
      record_ = MaintenanceRecord();
      offset_known_ = true;
      uid_known_ = false;
      return stray.status();
    }
    BeginClose("processes without a window");
  } else {
    BeginClose(std::string(reason));
  }
  Reschedule();
  return Status::Ok();
}

}  // namespace piiguard::maint
