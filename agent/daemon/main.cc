// piiguardd: the resident agent (root). Wires the modules: the state
// directory and device key, the journal, the applied policy, the local
// socket, the enforcers, and the unprivileged sync process (wire_sync.h);
// the decisions live in the owners it makes (event_sink.h, status_board.h,
// applied_policy.h, enrolment.h, device_signer.h, sync_monitor.h) and the
// modules (the enforcers, the roster guard, the sync client), not here. It
// always runs in the foreground (systemd Type=notify: readiness and the
// watchdog, agent/daemon/readiness.h).
//
//   piiguardd [--state-dir DIR] [--policy FILE] [--city-pub FILE]
//             [--socket PATH] [--sync spawn|socket|off] [--sync-user USER]
//             [--sync-socket PATH] [--sync-program PATH] [--sync-interval S]
//             [--roster-watch DIR]... [--exception-key FILE]
//             [--maintenance-account NAME]
//   piiguardd --record-present-devices [--state-dir DIR]   (postinst)
//   piiguardd --release [--state-dir DIR] [--socket PATH]  (prerm)
//   piiguardd --version
//   piiguardd --medium-helper --state-dir DIR   (internal:
//   agent/usb/medium_helper.h)
//
// A missing or broken prerequisite (city key, policy, sync account, runtime
// directory, enrolment, the kernel command line) never stops it:
// agent/daemon/prerequisites.h.
//
// SIGHUP (systemctl reload) reads --policy FILE again and applies it if it
// verifies and is newer: how an offline PC gets a revocation.

#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <climits>
#include <filesystem>
#include <iostream>

#include "agent/daemon/applied_policy.h"
#include "agent/daemon/commands.h"
#include "agent/daemon/daemon.h"
#include "agent/daemon/device_signer.h"
#include "agent/daemon/enrolment.h"
#include "agent/daemon/event_sink.h"
#include "agent/daemon/local_requests.h"
#include "agent/daemon/owners.h"
#include "agent/daemon/prerequisites.h"
#include "agent/daemon/readiness.h"
#include "agent/daemon/status_board.h"
#include "agent/daemon/wire_exceptions.h"
#include "agent/daemon/wire_roster.h"
#include "agent/daemon/wire_scan.h"
#include "agent/daemon/wire_sessions.h"
#include "agent/daemon/wire_sync.h"
#include "agent/daemon/wire_usb.h"
#include "agent/state/state_dir.h"
#include "agent/usb/medium_helper_process.h"
#include "common/file_util.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/os/clock.h"
#include "common/os/kernel_info.h"
#include "common/os/service_manager.h"
#include "common/user_name.h"
#include "common/version.h"

namespace piiguard::agent {
namespace {

struct Args {
  std::string state_dir = std::string(kDefaultStateDir);
  std::string policy;
  std::string city_pub;
  std::string socket = std::string(ipc::kDefaultSocketPath);
  SyncArgs sync;
  bool foreground = false;  // accepted; piiguardd never forks away
  bool record_present_devices = false;
  bool release = false;
  bool medium_helper = false;
  std::vector<std::string> roster_watch;  // empty: every local disk
  ExceptionArgs exceptions;  // --exception-key, --maintenance-account
};

int Fail(const Status& status) {
  std::cerr << "piiguardd: " << status.message() << "\n";
  return 1;
}

void Log(const Status& status) {
  if (!status.ok()) std::cerr << "piiguardd: " << status.message() << "\n";
}

// The socket's directory (/run/piiguard), made 0755 when missing; true if
// it was made.
Result<bool> EnsureRuntimeDir(const std::string& socket) {
  std::string dir = std::filesystem::path(socket).parent_path().string();
  if (dir.empty()) return false;
  if (::mkdir(dir.c_str(), 0755) != 0) {
    if (errno == EEXIST) return false;
    return ErrnoStatus("runtime dir", dir, errno);
  }
  if (::chmod(dir.c_str(), 0755) != 0) {  // whatever the umask
    return ErrnoStatus("runtime dir", dir, errno);
  }
  return true;
}

}  // namespace

// `path` made absolute and clean ("demo/agent/" -> "/root/x/demo/agent").
bool MakeAbsolute(std::string& path) {
  std::error_code error;
  std::filesystem::path p =
      std::filesystem::absolute(path, error).lexically_normal();
  if (error) {
    std::cerr << "piiguardd: " << path << ": " << error.message() << "\n";
    return false;
  }
  std::string text = p.string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  path = text;
  return true;
}

namespace {

// This program, for the medium helper (piiguardd --medium-helper).
std::string SelfExe() {
  char exe[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return "/usr/sbin/piiguardd";
  return {exe, static_cast<size_t>(n)};
}

Result<std::string> ReadIfGiven(const std::string& path, size_t max) {
  if (path.empty()) return NotFoundError("piiguardd", "file", "not given");
  return ReadFileBytes(path, max);
}

int Serve(const Args& args) {
  StatePaths paths(args.state_dir);
  if (Status s = EnsureStateDir(paths); !s.ok()) return Fail(s);
  Result<bool> runtime_made = EnsureRuntimeDir(args.socket);
  if (!runtime_made.ok()) return Fail(runtime_made.status());
  PrerequisiteInputs inputs;
  inputs.city_pub_path = args.city_pub;
  inputs.city_pub = ReadIfGiven(args.city_pub, size_t{64} * 1024);
  inputs.policy_path = args.policy;
  inputs.policy = ReadIfGiven(args.policy, policy::kMaxPolicySize + 4096);
  inputs.sync_user = args.sync.user;
  // With --sync off no sync account is needed.
  if (args.sync.mode != "off") inputs.sync_ids = LookUpUser(args.sync.user);
  Prerequisites pre = CheckPrerequisites(inputs);

  Result<Ed25519PrivateKey> device_key = LoadOrCreateDeviceKey(paths);
  if (!device_key.ok()) return Fail(device_key.status());
  Result<std::unique_ptr<journal::Journal>> journal =
      journal::Journal::Open(paths.Journal(), *device_key, os::SystemClock());
  if (!journal.ok()) return Fail(journal.status());

  const os::Clock& clock = os::SystemClock();
  EventSink events(**journal);
  StatusBoard board(events);
  AppliedPolicy applied(PolicyConfig{paths, pre.city_key, &clock}, events,
                        board);
  Enrolment enrolment(paths, **journal, events, board);
  DeviceSigner signer(std::move(*device_key));
  journal::Journal& journal_ref = **journal;
  board.AddFields([&journal_ref] { return JournalProgress(journal_ref); });
  board.AddFields([&applied] { return applied.StatusFields(); });
  board.AddFields([&enrolment] { return enrolment.StatusFields(); });
  Owners owners{clock, events, board, applied, enrolment};

  // A marker left by a run that did not stop cleanly (crash, SIGKILL).
  struct stat st {};
  if (::stat(paths.RunningMarker().c_str(), &st) == 0) {
    if (Status s = events.Recovered("previous run did not stop cleanly");
        !s.ok()) {
      return Fail(s);
    }
  }
  if (Status s = WriteFileAtomic(paths.RunningMarker(),
                                 std::to_string(::getpid()) + "\n", 0644);
      !s.ok()) {
    return Fail(s);
  }
  os::LinuxKernelInfo kernel;
  Result<std::string> release = kernel.Release();
  if (Status s = events.Started(::getpid(), kVersion,
                                release.ok() ? *release : "unknown");
      !s.ok()) {
    return Fail(s);
  }
  if (*runtime_made) {
    Log(events
            .Append({journal::types::kAgentNotConfigured,
                     journal::Severity::kNotice, "agent",
                     Json{{"problem", "no_runtime_dir"},
                          {"path", std::filesystem::path(args.socket)
                                       .parent_path()
                                       .string()},
                          {"action", "created (0755)"}}})
            .status());
  }
  for (Problem& problem : pre.problems) {
    Log(board.Report(std::move(problem)));
  }
  if (std::optional<Problem> boot = CheckBootParameter(kernel.CommandLine())) {
    Log(board.Report(std::move(*boot)));
  }
  Result<usb::PresentDevices> present = LoadPresentDevices(paths);
  if (!present.ok()) {
    Log(board.Report(PresentDevicesInvalid(
        paths.dir + "/" + std::string(usb::kPresentDevicesFile),
        present.status().message())));
  }
  if (Status s = applied.Load(pre.initial_policy,
                              args.policy.empty() ? "--policy" : args.policy);
      !s.ok()) {
    return Fail(s);
  }
  if (!enrolment.pc()) Log(board.Report(NotEnrolled()));

  Result<UniqueFd> listen = ipc::Listen(args.socket);
  if (!listen.ok()) return Fail(listen.status());
  DaemonConfig config;
  config.socket_path = args.socket;
  config.on_suppressed = [&events](const ipc::Suppression& summary) {
    Log(RecordSuppressed(events, UserNameOf, summary));
  };
  Daemon daemon(config);
  if (Status s = daemon.Init(std::move(*listen)); !s.ok()) return Fail(s);
  os::LinuxServiceManager service;
  Readiness readiness(service);
  if (Status s = readiness.ArmWatchdog(daemon); !s.ok()) return Fail(s);
  // The sync process (docs/sync.md): when it cannot run, it says why in
  // status and the journal, and enforcement runs anyway.
  SyncWiring sync;
  WireLocalRequests(daemon, events, board, enrolment, UserNameOf);
  Log(WireSync(sync, args.sync, paths, owners, journal_ref, signer, daemon));
  // The session manager is the keyed sticks' WriteGate (agent/interlock);
  // the USB enforcer gets it and calls SetStickControl.
  SessionWiring sessions;
  if (Status s = WireSessions(sessions, paths, owners, daemon); !s.ok()) {
    return Fail(s);
  }
  readiness.Started(kEnforcerRadio, Status::Ok());
  // Keyed-USB enforcement (issue 5). A failure here leaves the radio and
  // roster controls running.
  UsbWiring usb;
  session::SessionManager& gate = *sessions.manager;
  // Staff's notices (USB, exceptions and roster guard), on their desktops.
  notify::DesktopNotifier notifier("/run/user", notify::SpawnDetached,
                                   UserNameOf);
  // Offline exception codes (issue 17): before the enforcer, which asks
  // them for grants.
  ExceptionWiring exceptions;
  Log(WireExceptions(exceptions, paths, owners, daemon, kernel, args.exceptions,
                     pre.city_key, notifier));
  usb.exceptions = exceptions.service.get();
  // Exception files the office queued come with the sync.
  JoinSyncExceptions(exceptions, sync.monitor.get());
  Status usb_wired = WireUsb(
      usb, paths, owners, daemon, pre.city_key, gate, notifier,
      [&gate](StickControl* c) { gate.SetStickControl(c); },
      present.ok() ? *present : usb::PresentDevices(), SelfExe());
  if (!usb_wired.ok()) {
    Log(usb_wired);
    Log(board.Report(UsbNotStarted(usb_wired.message())));
  }
  readiness.Started(kEnforcerUsb, usb_wired);
  JoinExceptions(exceptions, usb.enforcer.get(), gate);
  // `systemctl reload`: the policy file again (an offline PC's revocations
  // come this way); journaled by InstallPolicy either way.
  daemon.SetReloadHandler([&args, &applied] {
    if (args.policy.empty()) return;
    Result<std::string> bytes =
        ReadFileBytes(args.policy, policy::kMaxPolicySize + 4096);
    if (!bytes.ok()) {
      Log(bytes.status());
      return;
    }
    Result<sync::PolicyOutcome> outcome = applied.Install(*bytes);
    if (!outcome.ok()) {
      Log(outcome.status());
    } else {
      std::cout << "piiguardd: reload: policy "
                << (outcome->applied ? "applied" : "not applied")
                << (outcome->reason.empty() ? "" : ": " + outcome->reason)
                << std::endl;
    }
  });
  // The roster guard (issue 7): rosters written to the local disks moved off
  // them. A failure here leaves the USB and radio controls running.
  RosterWiring roster;
  Status roster_wired = WireRosterGuard(
      roster, paths, owners, daemon, args.roster_watch, usb.enforcer.get(),
      [&gate]() -> std::optional<rosterguard::SessionHolder> {
        const std::optional<session::SessionState>& state = gate.state();
        if (!state) return std::nullopt;
        return rosterguard::SessionHolder{state->uid, state->job,
                                          state->sticks};
      },
      notifier);
  if (!roster_wired.ok()) {
    Log(roster_wired);
    Log(board.Report(RosterGuardNotStarted(roster_wired.message())));
  }
  readiness.Started(kEnforcerRoster, roster_wired);
  JoinFolders(exceptions, roster.pause.get());
  // `piiguard scan` reports signed with the device key (docs/scan-report.md).
  WireScanReports(AttestDeps{events, enrolment, signer, clock, UserNameOf},
                  daemon);
  Log(readiness.Ready(board.problems().size()));
  std::cout << "piiguardd: serving " << args.socket << std::endl;
  Status ran = daemon.Run();
  Log(readiness.Stopping());
  ::unlink(args.socket.c_str());
  if (Status s = events.Stopped(::getpid()); !s.ok()) return Fail(s);
  ::unlink(paths.RunningMarker().c_str());
  std::cout << "piiguardd: stopped" << std::endl;
  return ran.ok() ? 0 : Fail(ran);
}

}  // namespace
}  // namespace piiguard::agent

int main(int argc, char** argv) {
  piiguard::agent::Args args;
  CLI::App app{"piiguardd: the piiguard agent (常駐プログラム)"};
  app.set_version_flag("--version", std::string(piiguard::kVersion),
                       "print the version and exit");
  app.add_option("--state-dir", args.state_dir,
                 "state directory (default /var/lib/piiguard)");
  app.add_option("--policy", args.policy, "a signed policy to apply");
  app.add_option("--city-pub", args.city_pub,
                 "the city's public key, pinned for policies");
  app.add_option("--socket", args.socket,
                 "local socket (default /run/piiguard/agent.sock)");
  app.add_option("--sync", args.sync.mode,
                 "how the sync process runs: spawn (started by piiguardd, "
                 "the default), socket (its own systemd unit connects to "
                 "--sync-socket) or off")
      ->check(CLI::IsMember({"spawn", "socket", "off"}));
  app.add_option("--sync-user", args.sync.user,
                 "unprivileged user of the sync process (default "
                 "piiguard-sync)");
  app.add_option("--sync-socket", args.sync.socket,
                 "socket the sync process connects to with --sync socket "
                 "(default /run/piiguard/sync.sock)");
  app.add_option("--sync-program", args.sync.program,
                 "the sync program started with --sync spawn (default: "
                 "piiguard-sync beside piiguardd)");
  app.add_option("--sync-interval", args.sync.interval_seconds,
                 "seconds between syncs (default 300)")
      ->check(CLI::Range(1, 86400));
  app.add_flag("--foreground", args.foreground,
               "accepted for older units; piiguardd always stays in the "
               "foreground");
  app.add_option("--roster-watch", args.roster_watch,
                 "watch only files under this directory for rosters "
                 "(repeatable; default: every local disk)");
  piiguard::agent::AddExceptionOptions(app, args.exceptions);
  app.add_flag("--record-present-devices", args.record_present_devices,
               "record the USB devices plugged now as present at "
               "installation (STATE/present-devices.json) and exit");
  app.add_flag("--release", args.release,
               "with the daemon stopped: give back what the agent holds "
               "(USB authorization, read-only disks, a session) and exit");
  app.add_flag("--medium-helper", args.medium_helper)->group("");
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;  // usage, as every piiguard tool (common/cli_tool.h)
  }
  // Relative paths name the directory piiguardd was started from (the
  // socket stays as given: sun_path is short).
  if (!piiguard::agent::MakeAbsolute(args.state_dir)) return 2;
  for (std::string& dir : args.roster_watch) {
    if (!piiguard::agent::MakeAbsolute(dir)) return 2;
  }
  if (args.medium_helper) {
    return piiguard::agent::usb::RunMediumHelperProcess(args.state_dir);
  }
  if (::geteuid() != 0) {
    std::cerr << "piiguardd: must run as root\n";
    return 1;
  }
  piiguard::agent::StatePaths paths(args.state_dir);
  if (args.record_present_devices && args.release) {
    std::cerr << "piiguardd: --record-present-devices and --release: "
                 "one at a time\n";
    return 2;
  }
  if (args.record_present_devices) {
    return piiguard::agent::RecordPresentDevices(paths);
  }
  if (args.release) return piiguard::agent::RunRelease(paths, args.socket);
  return piiguard::agent::Serve(args);
}
