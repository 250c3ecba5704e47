#include "agent/daemon/wire_sync.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <string_view>

#include "agent/sync/backoff.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/os/log.h"

namespace piiguard::agent {
namespace {

// piiguard-sync beside this program (the build tree and the package).
std::string DefaultProgram() {
  char exe[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return "piiguard-sync";
  std::string path(exe, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/') + 1) + "piiguard-sync";
}

Status JournalUnavailable(EventSink& events, const std::string& reason) {
  return events
      .Append(journal::types::kSyncUnavailable, journal::Severity::kWarning,
              "office", Json{{"reason", reason}})
      .status();
}

}  // namespace

void LogToJournal(sync::LogLevel level, const std::string& line) {
  os::Log(level, line);
}

Status WireSync(SyncWiring& wiring, const SyncArgs& args,
                const StatePaths& paths, const Owners& owners,
                journal::Journal& journal, const DeviceSigner& signer,
                Daemon& daemon) {
  PIIGUARD_ASSIGN_OR_RETURN(SyncMode mode, ParseSyncMode(args.mode));
  SupervisorConfig config;
  config.mode = mode;
  config.socket_path = args.socket;
  config.interval_seconds = args.interval_seconds;
  config.program = args.program.empty() ? DefaultProgram() : args.program;
  if (mode != SyncMode::kOff) {
    Result<std::pair<uid_t, gid_t>> user = LookUpUser(args.user);
    if (user.ok()) {
      config.uid = user->first;
      config.gid = user->second;
    } else {
      config.unavailable = user.status().message();
    }
    if (config.unavailable.empty() && mode == SyncMode::kSpawn &&
        ::access(config.program.c_str(), X_OK) != 0) {
      config.unavailable = ErrnoStatus("sync", config.program, errno).message();
    }
  }
  wiring.health =
      std::make_unique<sync::SyncHealth>(owners.clock, LogToJournal);
  wiring.monitor = std::make_unique<SyncMonitor>(
      MonitorDeps{journal, owners.events, owners.policy, owners.enrolment,
                  signer, owners.clock, *wiring.health},
      paths, config.uid);
  wiring.supervisor = std::make_unique<SyncSupervisor>(
      config, *wiring.monitor, *wiring.health, wiring.spawner,
      sync::SystemUnitRandom, LogToJournal);
  SyncSupervisor& supervisor = *wiring.supervisor;
  Status init = supervisor.Init();
  if (!init.ok()) {
    config.unavailable = init.message();
    supervisor.MarkUnavailable(init.message());
  }
  owners.board.AddPart("sync", [&supervisor]() -> Result<Json> {
    return supervisor.StatusPart();
  });
  if (!config.unavailable.empty()) {
    LogToJournal(sync::LogLevel::kError,
                 "sync: unavailable (enforcement runs): " + config.unavailable);
    // Once per start; delivered when sync runs again.
    Status journaled = JournalUnavailable(owners.events, config.unavailable);
    if (!journaled.ok())
      LogToJournal(sync::LogLevel::kError, journaled.message());
    return Status::Ok();
  }
  if (mode == SyncMode::kOff) return Status::Ok();
  PIIGUARD_RETURN_IF_ERROR(daemon.AddSource(
      supervisor.fd(), [&supervisor] { supervisor.OnReady(); }));
  daemon.OnChildExit([&supervisor](pid_t pid, int status) {
    supervisor.OnChildExit(pid, status);
  });
  daemon.SetWake([&supervisor] { supervisor.Wake(); });
  supervisor.Start();
  return Status::Ok();
}

}  // namespace piiguard::agent
