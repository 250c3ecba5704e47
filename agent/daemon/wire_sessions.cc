#include "agent/daemon/wire_sessions.h"

#include <chrono>
#include <iostream>

#include "common/os/linux_links.h"
#include "common/os/linux_rfkill.h"
#include "common/user_name.h"

namespace piiguard::agent {
namespace {

void Log(const Status& status) {
  if (!status.ok()) std::cerr << "piiguardd: " << status.message() << "\n";
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t MonotonicUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

session::SessionRules InitialSessionRules(const policy::Policy* policy) {
  if (policy != nullptr) {
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

void MakeSessionManager(SessionWiring& s, const StatePaths& paths,
                        session::SessionRules rules,
                        std::function<Status(const journal::Event&)> journal) {
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
  config.journal = std::move(journal);
  config.user_name = UserNameOf;
  s.manager = std::make_unique<session::SessionManager>(
      config, *s.rfkill, s.links.get(), &s.firewall, std::move(rules));
}

Status WireSessions(SessionWiring& s, const StatePaths& paths, AgentCore& core,
                    Daemon& daemon) {
  MakeSessionManager(s, paths, InitialSessionRules(core.applied_policy()),
                     [&core](const journal::Event& e) {
                       return core.journal().Append(e).status();
                     });
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

}  // namespace piiguard::agent
