#include "common/os/service_manager.h"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <string>

namespace piiguard::os {

Status LinuxServiceManager::Notify(std::string_view state) {
  std::string text(state);
  // 0: not started by a service manager (no NOTIFY_SOCKET); > 0: sent.
  int rc = ::sd_notify(0, text.c_str());
  if (rc < 0) return ErrnoStatus("sd_notify", "NOTIFY_SOCKET", -rc);
  return Status::Ok();
}

std::optional<std::chrono::microseconds>
LinuxServiceManager::WatchdogInterval() {
  uint64_t usec = 0;
  // > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID, if set, is ours.
  if (::sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec);
}

}  // namespace piiguard::os
