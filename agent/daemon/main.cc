// piiguardd: the resident agent (root). Wires the modules: the state
// directory and device key, the journal, the applied policy, the local
// socket, and the unprivileged sync process (wire_sync.h); the decisions
// live in the modules (AgentCore, the sync client), not here.
//
//   piiguardd --state-dir DIR [--policy FILE --city-pub FILE] [--socket PATH]
//             [--sync spawn|socket|off] [--sync-user USER]
//             [--sync-socket PATH] [--sync-program PATH] [--sync-interval S]
//             [--foreground]

#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <climits>
#include <iostream>

#include "agent/daemon/agent_core.h"
#include "agent/daemon/daemon.h"
#include "agent/daemon/state_dir.h"
#include "agent/daemon/wire_roster.h"
#include "agent/daemon/wire_scan.h"
#include "agent/daemon/wire_sync.h"
#include "agent/daemon/wire_usb.h"
#include "agent/session/session_manager.h"
#include "common/file_util.h"
#include "common/os/firewall.h"
#include "common/os/linux_links.h"
#include "common/os/linux_rfkill.h"
#include "common/os/linux_sysfs.h"
#include "common/user_name.h"

namespace piiguard::agent {
namespace {

struct Args {
  std::string state_dir = std::string(kDefaultStateDir);
  std::string policy;
  std::string city_pub;
  std::string socket = std::string(ipc::kDefaultSocketPath);
  SyncArgs sync;
  bool foreground = false;
  std::vector<std::string> roster_watch;  // empty: every local disk
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int Fail(const Status& status) {
  std::cerr << "piiguardd: " << status.message() << "\n";
  return 1;
}

void Log(const Status& status) {
  if (!status.ok()) std::cerr << "piiguardd: " << status.message() << "\n";
}

int64_t MonotonicUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Sessions, radios and links (issue 6): the Linux seams, made here only.
struct Sessions {
  os::LinuxSysfs sysfs{"/sys"};
  std::unique_ptr<os::Rfkill> rfkill;
  std::unique_ptr<os::Links> links;
  os::NftFirewall firewall;
  std::unique_ptr<session::SessionManager> manager;
};

session::SessionRules InitialRules(const AgentCore& core) {
  if (const policy::Policy* policy = core.applied_policy()) {
    Result<session::SessionRules> rules = session::RulesFromPolicy(*policy);
    if (rules.ok()) return *rules;
    Log(rules.status());
  }
  // No usable policy: block the radios DESIGN.md names.
  session::SessionRules rules;
  for (auto t : {os::RadioType::kWlan, os::RadioType::kBluetooth,
                 os::RadioType::kWwan}) {
    rules.block_types.push_back(static_cast<uint8_t>(t));
  }
  return rules;
}

Status WireSessions(Sessions& s, const StatePaths& paths, AgentCore& core,
                    Daemon& daemon) {
  Result<std::unique_ptr<os::LinuxRfkill>> rfkill =
      os::LinuxRfkill::Open(s.sysfs, "/dev/rfkill");
  if (rfkill.ok()) {
    s.rfkill = std::move(*rfkill);
  } else {
    Log(rfkill.status());
    s.rfkill =
        std::make_unique<os::UnavailableRfkill>(rfkill.status().message());
  }
  Result<std::unique_ptr<os::LinuxLinks>> links = os::LinuxLinks::Open();
  if (links.ok()) {
    s.links = std::move(*links);
  } else {
    Log(links.status());
  }
  session::SessionConfig config;
  config.state_file = paths.dir + "/session.json";
  config.wall_ms = NowMs;
  config.monotonic_us = MonotonicUs;
  config.journal = [&core](const journal::Event& e) {
    return core.journal().Append(e).status();
  };
  config.user_name = UserNameOf;
  s.manager = std::make_unique<session::SessionManager>(
      config, *s.rfkill, s.links.get(), &s.firewall, InitialRules(core));
  Log(s.manager->Init());
  session::SessionManager& m = *s.manager;
  if (s.rfkill->fd() >= 0) {
    PIIGUARD_RETURN_IF_ERROR(
        daemon.AddSource(s.rfkill->fd(), [&m] { Log(m.OnRfkillReadable()); }));
  }
  if (s.links) {
    PIIGUARD_RETURN_IF_ERROR(
        daemon.AddSource(s.links->fd(), [&m] { Log(m.OnLinksReadable()); }));
  }
  daemon.AddHandler(ipc::Op::kSessionStart,
                    [&m](const ipc::Peer& peer, const ipc::Request& r) {
                      return m.Start(peer, r.job);
                    });
  daemon.AddHandler(
      ipc::Op::kSessionEnd,
      [&m](const ipc::Peer& peer, const ipc::Request&) { return m.End(peer); });
  core.AddStatusPart("session", [&m] { return m.StatusPart(); });
  core.AddPolicyListener([&m](const policy::Policy& policy) {
    Result<session::SessionRules> rules = session::RulesFromPolicy(policy);
    Log(rules.ok() ? m.ApplyRules(*rules) : rules.status());
  });
  return Status::Ok();
}

int Serve(const Args& args) {
  StatePaths paths(args.state_dir);
  if (Status s = EnsureStateDir(paths); !s.ok()) return Fail(s);
  std::optional<Ed25519PublicKey> city_key;
  if (!args.city_pub.empty()) {
    Result<std::string> pem = ReadFileBytes(args.city_pub, size_t{64} * 1024);
    if (!pem.ok()) return Fail(pem.status());
    Result<Ed25519PublicKey> key = Ed25519PublicKey::FromPem(*pem);
    if (!key.ok()) return Fail(key.status().Annotate(args.city_pub));
    city_key = *key;
  }
  std::optional<std::string> initial_policy;
  if (!args.policy.empty()) {
    Result<std::string> bytes =
        ReadFileBytes(args.policy, policy::kMaxPolicySize + 4096);
    if (!bytes.ok()) return Fail(bytes.status());
    initial_policy = std::move(*bytes);
  }
  Result<Ed25519PrivateKey> device_key = LoadOrCreateDeviceKey(paths);
  if (!device_key.ok()) return Fail(device_key.status());
  Result<std::unique_ptr<journal::Journal>> journal =
      journal::Journal::Open(paths.Journal(), *device_key, NowMs);
  if (!journal.ok()) return Fail(journal.status());

  CoreConfig core_config;
  core_config.paths = paths;
  core_config.city_key = city_key;
  core_config.clock = NowMs;
  core_config.user_name = UserNameOf;
  AgentCore core(core_config, **journal, *device_key);

  // A marker left by a run that did not stop cleanly (crash, SIGKILL).
  struct stat st {};
  bool recovered = ::stat(paths.RunningMarker().c_str(), &st) == 0;
  auto append = [&](const char* type, journal::Severity severity,
                    Json details) {
    journal::Event event;
    event.type = type;
    event.severity = severity;
    event.subject = "agent";
    event.details = std::move(details);
    return (*journal)->Append(event).status();
  };
  if (recovered) {
    if (Status s =
            append("agent.recovered", journal::Severity::kWarning,
                   Json{{"reason", "previous run did not stop cleanly"}});
        !s.ok()) {
      return Fail(s);
    }
  }
  if (Status s = WriteFileAtomic(paths.RunningMarker(),
                                 std::to_string(::getpid()) + "\n", 0644);
      !s.ok()) {
    return Fail(s);
  }
  if (Status s = append("agent.started", journal::Severity::kInfo,
                        Json{{"pid", ::getpid()}});
      !s.ok()) {
    return Fail(s);
  }
  if (Status s = core.LoadPolicy(initial_policy); !s.ok()) return Fail(s);

  Result<UniqueFd> listen = ipc::Listen(args.socket);
  if (!listen.ok()) return Fail(listen.status());
  DaemonConfig config;
  config.socket_path = args.socket;
  Daemon daemon(config, core);
  if (Status s = daemon.Init(std::move(*listen)); !s.ok()) return Fail(s);
  // The sync process (docs/sync.md): when it cannot run, it says why in
  // status and the journal, and enforcement runs anyway.
  SyncWiring sync;
  Log(WireSync(sync, args.sync, paths, core, daemon, NowMs));
  // The session manager is the keyed sticks' WriteGate (agent/interlock);
  // the USB enforcer gets `sessions.manager` and calls SetStickControl.
  Sessions sessions;
  if (Status s = WireSessions(sessions, paths, core, daemon); !s.ok()) {
    return Fail(s);
  }
  // Keyed-USB enforcement (issue 5): the session manager is its WriteGate.
  UsbWiring usb;
  session::SessionManager& gate = *sessions.manager;
  if (Status s = WireUsb(usb, paths, core, daemon, city_key, gate,
                         [&gate](StickControl* c) { gate.SetStickControl(c); });
      !s.ok()) {
    return Fail(s);
  }
  // The roster guard (issue 7): rosters written to the local disks moved off
  // them. A failure here leaves the USB and radio controls running.
  RosterWiring roster;
  if (Status s = WireRosterGuard(
          roster, paths, core, daemon, args.roster_watch,
          [&usb]() -> const StickControl* { return usb.enforcer.get(); },
          [&usb](const notify::Notice& n) { usb.notifier->Notify(n); });
      !s.ok()) {
    Log(s);
    Log(append("roster.error", journal::Severity::kWarning,
               Json{{"error", "roster guard not started: " +
                                  std::string(s.message())}}));
  }
  // `piiguard scan` reports signed with the device key (docs/scan-report.md).
  WireScanReports(core, daemon, NowMs, UserNameOf);
  std::cout << "piiguardd: serving " << args.socket << std::endl;
  Status ran = daemon.Run();
  ::unlink(args.socket.c_str());
  if (Status s = append("agent.stopped", journal::Severity::kInfo,
                        Json{{"pid", ::getpid()}});
      !s.ok()) {
    return Fail(s);
  }
  ::unlink(paths.RunningMarker().c_str());
  std::cout << "piiguardd: stopped" << std::endl;
  return ran.ok() ? 0 : Fail(ran);
}

}  // namespace
}  // namespace piiguard::agent

int main(int argc, char** argv) {
  piiguard::agent::Args args;
  CLI::App app{"piiguardd: the piiguard agent (常駐プログラム)"};
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
               "stay in the foreground (as under systemd)");
  app.add_option("--roster-watch", args.roster_watch,
                 "watch only files under this directory for rosters "
                 "(repeatable; default: every local disk)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (::geteuid() != 0) {
    std::cerr << "piiguardd: must run as root\n";
    return 1;
  }
  if (!args.foreground && ::daemon(0, 0) != 0) {
    std::cerr << "piiguardd: daemon: " << std::strerror(errno) << "\n";
    return 1;
  }
  return piiguard::agent::Serve(args);
}
