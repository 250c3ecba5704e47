#include "agent/daemon/readiness.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "common/os/log.h"

namespace piiguard::agent {

void Readiness::Started(std::string_view enforcer, const Status& status) {
  std::erase_if(started_,
                [&](const auto& entry) { return entry.first == enforcer; });
  started_.emplace_back(std::string(enforcer), status);
}

Status Readiness::ArmWatchdog(Daemon& daemon) {
  std::optional<std::chrono::microseconds> interval =
      manager_.WatchdogInterval();
  if (!interval) return Status::Ok();
  // Half the interval, as sd_watchdog_enabled(3) advises.
  int64_t period_us = std::max<int64_t>(interval->count() / 2, 1);
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<os::Timer> timer,
                            os::Timer::Create("watchdog"));
  PIIGUARD_RETURN_IF_ERROR(timer->Every(period_us));
  timer_ = std::move(timer);
  return daemon.AddSource(timer_->fd(), [this] { Ping(); });
}

void Readiness::Ping() {
  Result<uint64_t> fired = timer_->Consume();
  if (!fired.ok() || *fired == 0) {
    os::LogIfError("", fired.status());
    return;
  }
  os::LogIfError("", manager_.Notify("WATCHDOG=1"));
}

Status Readiness::Ready(size_t problems) {
  std::string running;
  std::string failed;
  for (std::string_view enforcer :
       {kEnforcerUsb, kEnforcerRadio, kEnforcerRoster}) {
    auto it = std::find_if(started_.begin(), started_.end(),
                           [&](const auto& e) { return e.first == enforcer; });
    if (it == started_.end()) {
      return FailedPreconditionError("readiness", enforcer, "not started yet");
    }
    std::string& list = it->second.ok() ? running : failed;
    list += (list.empty() ? "" : ", ") + it->first;
  }
  std::string status = "STATUS=serving";
  if (!running.empty()) status += "; enforcing " + running;
  if (!failed.empty()) status += "; not started: " + failed;
  if (problems > 0) {
    status +=
        "; " + std::to_string(problems) + " problem(s), see piiguard status";
  }
  return manager_.Notify("READY=1\n" + status);
}

Status Readiness::Stopping() {
  return manager_.Notify("STOPPING=1\nSTATUS=stopping");
}

}  // namespace piiguard::agent
