#include "agent/daemon/wire_sessions.h"

#include "common/json.h"
#include "common/os/linux_links.h"
#include "common/os/linux_rfkill.h"
#include "common/os/log.h"
#include "common/user_name.h"

namespace piiguard::agent {
namespace {

void Log(const Status& status) { os::LogIfError("", status); }

// How long the loop waits before handling and journaling radio events the
// guard has already acted on: long enough for the program that unblocked a
// radio to run again first (the loop runs at nice -20), short against the
// journal's pace. Without a running guard nothing waits.
constexpr int64_t kRadioJournalDelayNs = 5'000'000;

void StartRadioGuard(SessionWiring& s, const os::Clock& clock) {
  Result<std::unique_ptr<os::LinuxRfkill>> rfkill =
      os::LinuxRfkill::Open(s.sysfs, "/dev/rfkill");
  if (!rfkill.ok()) {
    Log(rfkill.status());
    return;
  }
  s.guard_rfkill = std::move(*rfkill);
  s.guard = std::make_unique<session::RadioGuard>(*s.guard_rfkill, clock);
  // The kernel queues one add event per radio on open: nothing is guarded
  // yet, so the first Pump only reads them.
  Log(s.guard->Pump());
  Result<std::unique_ptr<os::Timer>> timer = os::Timer::Create("radio guard");
  if (!timer.ok()) {
    Log(timer.status());
    return;
  }
  s.journal_timer = std::move(*timer);
  Result<std::unique_ptr<session::RadioGuardThread>> thread =
      session::RadioGuardThread::Start(*s.guard);
  if (!thread.ok()) {
    Log(thread.status());
    return;
  }
  s.guard_thread = std::move(*thread);
}

bool GuardRunning(const SessionWiring& s) {
  return s.guard_thread != nullptr && s.guard_thread->running();
}

// The rfkill descriptor is readable. With the guard running, the loop
// stops watching it and handles everything pending kRadioJournalDelayNs
// later (one wake-up, no read, in the unblocking program's way); else at
// once.
void OnRfkill(SessionWiring& s, Daemon& daemon) {
  if (!GuardRunning(s)) {
    Log(s.manager->OnRfkillReadable());
    return;
  }
  if (Status armed = s.journal_timer->After(kRadioJournalDelayNs / 1000);
      !armed.ok()) {
    Log(armed);
    Log(s.manager->OnRfkillReadable());
    return;
  }
  Log(daemon.PauseSource(s.rfkill->fd(), true));
}

void OnJournalTimer(SessionWiring& s, Daemon& daemon) {
  Result<uint64_t> fired = s.journal_timer->Consume();
  if (!fired.ok()) Log(fired.status());
  Log(s.manager->OnRfkillReadable());
  Log(daemon.PauseSource(s.rfkill->fd(), false));
}

Json GuardStatus(const SessionWiring& s) {
  if (s.guard == nullptr) return Json{{"running", false}};
  session::RadioGuard::Stats st = s.guard->stats();
  Json part = {{"running", GuardRunning(s)},
               {"reblocks", st.reblocks},
               {"last_micros", st.last_micros},
               {"worst_micros", st.worst_micros}};
  if (s.guard_thread != nullptr) {
    part["priority"] = s.guard_thread->priority();
    if (!GuardRunning(s)) part["stopped"] = s.guard_thread->stopped_why();
  }
  if (!st.last_error.empty()) part["error"] = st.last_error;
  return part;
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
                        const os::Clock& clock, session::SessionRules rules,
                        journal::Appender& journal) {
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
  config.clock = &clock;
  config.journal = &journal;
  config.user_name = UserNameOf;
  if (session::RadioGuard* guard = s.guard.get()) {
    config.guard_types = [guard](uint32_t mask) { guard->SetGuarded(mask); };
    config.guard_micros = [guard] { return guard->stats().last_micros; };
  }
  s.manager = std::make_unique<session::SessionManager>(
      config, *s.rfkill, s.links.get(), &s.firewall, std::move(rules));
}

Status WireSessions(SessionWiring& s, const StatePaths& paths,
                    const Owners& owners, Daemon& daemon) {
  StartRadioGuard(s, owners.clock);
  MakeSessionManager(s, paths, owners.clock,
                     InitialSessionRules(owners.policy.policy()),
                     owners.events.journal());
  Log(s.manager->Init());
  session::SessionManager& m = *s.manager;
  if (s.rfkill->fd() >= 0) {
    PIIGUARD_RETURN_IF_ERROR(daemon.AddSource(
        s.rfkill->fd(), [&s, &daemon] { OnRfkill(s, daemon); }));
  }
  if (s.journal_timer) {
    PIIGUARD_RETURN_IF_ERROR(daemon.AddSource(
        s.journal_timer->fd(), [&s, &daemon] { OnJournalTimer(s, daemon); }));
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
  owners.board.AddPart("session", [&m] { return m.StatusPart(); });
  owners.board.AddPart("radio_guard",
                       [&s]() -> Result<Json> { return GuardStatus(s); });
  owners.policy.AddListener([&m](const policy::Policy& policy) {
    Result<session::SessionRules> rules = session::RulesFromPolicy(policy);
    Log(rules.ok() ? m.ApplyRules(*rules) : rules.status());
  });
  return Status::Ok();
}

}  // namespace piiguard::agent
