#include "agent/daemon/wire_maintenance.h"

#include "agent/maint/linux_maintenance_host.h"
#include "common/os/log.h"

namespace piiguard::agent {
namespace {

void Log(const Status& status) { os::LogIfError("maintenance", status); }

}  // namespace

Status WireMaintenance(MaintenanceWiring& wiring, const StatePaths& paths,
                       const Owners& owners, Daemon& daemon,
                       const std::string& boot_id, const std::string& account,
                       notify::Notifier& notifier, ExceptionService& service) {
  PIIGUARD_ASSIGN_OR_RETURN(wiring.timer, os::Timer::Create("maintenance"));
  wiring.host = std::make_unique<maint::LinuxMaintenanceHost>();
  maint::MaintenanceConfig config;
  config.clock = &owners.clock;
  config.journal = &owners.events.journal();
  config.notify = &notifier;
  config.account = account;
  config.record_file = paths.dir + "/maintenance.json";
  config.boot_id = boot_id;
  // The service alone holds this PC's key.
  config.password = [&service](std::string_view grant) {
    return service.MaintenancePassword(grant);
  };
  os::Timer& timer = *wiring.timer;
  config.schedule = [&timer](int64_t at_us) { Log(timer.At(at_us)); };
  wiring.window =
      std::make_unique<maint::MaintenanceWindow>(config, *wiring.host);
  maint::MaintenanceWindow& window = *wiring.window;
  PIIGUARD_RETURN_IF_ERROR(daemon.AddSource(timer.fd(), [&timer, &window] {
    Result<uint64_t> fired = timer.Consume();
    Log(fired.status());
    if (fired.ok() && *fired > 0) window.OnTimer();
  }));
  owners.board.AddPart("maintenance",
                       [&window] { return window.StatusPart(); });
  window.SetGrants(&service);
  service.SetMaintenance(&window);
  return Status::Ok();
}

void JoinMaintenance(MaintenanceWiring& wiring,
                     session::SessionManager& sessions) {
  if (!wiring.window) return;
  maint::MaintenanceWindow& window = *wiring.window;
  window.SetSessions(&sessions);
  sessions.SetMaintenance(&window);
  Log(window.Init());
  window.GrantsChanged();
}

}  // namespace piiguard::agent
