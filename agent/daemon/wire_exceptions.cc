#include "agent/daemon/wire_exceptions.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "agent/exception/exception_key.h"
#include "common/json.h"
#include "common/os/log.h"
#include "common/user_name.h"
#include "policy/exception/exception_file.h"

namespace piiguard::agent {
namespace {

void Log(const Status& status) { os::LogIfError("exception", status); }

}  // namespace

void AddExceptionOptions(CLI::App& app, ExceptionArgs& args) {
  app.add_option("--exception-key", args.key,
                 "this PC's key for offline exception codes (default "
                 "/etc/piiguard/exception.key)");
  app.add_option("--maintenance-account", args.maintenance_account,
                 "the account a maintenance window lets the vendor use "
                 "(default piiguard-maint)");
}

Status WireExceptions(ExceptionWiring& wiring, const StatePaths& paths,
                      const Owners& owners, Daemon& daemon,
                      const os::KernelInfo& kernel, const ExceptionArgs& args,
                      const std::optional<Ed25519PublicKey>& city_key,
                      notify::Notifier& notifier) {
  wiring.notifier = &notifier;
  PIIGUARD_ASSIGN_OR_RETURN(wiring.timer, os::Timer::Create("exception"));
  // Without the boot id a grant could outlive a reboot: fail closed.
  PIIGUARD_ASSIGN_OR_RETURN(std::string boot_id, kernel.BootId());
  ExceptionConfig config;
  config.clock = &owners.clock;
  config.journal = &owners.events.journal();
  config.notify = &notifier;
  config.state_file = paths.dir + "/exceptions.state";
  config.boot_id = boot_id;
  const Enrolment& enrolment = owners.enrolment;
  config.pc_id = [&enrolment] { return enrolment.pc().value_or(""); };
  const AppliedPolicy& applied = owners.policy;
  config.policy = [&applied] { return applied.policy(); };
  config.user_name = [](uid_t uid) { return UserNameOf(uid); };
  if (city_key) config.pinned.push_back(*city_key);
  os::Timer& timer = *wiring.timer;
  config.schedule = [&timer](int64_t at_us) { Log(timer.At(at_us)); };
  Result<exception::ExceptionKey> key = LoadExceptionKey(args.key);
  if (!key.ok()) {
    // Not a problem of status: most PCs never need an exception. Every
    // request answers why.
    std::cerr << "piiguardd: exceptions: " << key.status().message() << "\n";
  }
  wiring.service =
      std::make_unique<ExceptionService>(std::move(config), std::move(key));
  ExceptionService& service = *wiring.service;
  Log(service.Init());
  PIIGUARD_RETURN_IF_ERROR(daemon.AddSource(timer.fd(), [&timer, &service] {
    Result<uint64_t> fired = timer.Consume();
    Log(fired.status());
    if (fired.ok() && *fired > 0) service.OnTimer();
  }));
  daemon.AddHandler(ipc::Op::kExceptionRequest,
                    [&service](const ipc::Peer& peer, const ipc::Request& r) {
                      return service.Request(
                          peer.uid, ExceptionAsk{r.scope, r.minutes, r.index,
                                                 r.identity, r.folder});
                    });
  daemon.AddHandler(ipc::Op::kExceptionRedeem,
                    [&service](const ipc::Peer& peer, const ipc::Request& r) {
                      return service.Redeem(peer.uid, r.text);
                    });
  static_assert(ipc::kMaxExceptionFileBytes ==
                exception::kMaxExceptionFileBytes);
  daemon.AddHandler(ipc::Op::kExceptionApply,
                    [&service](const ipc::Peer& peer, const ipc::Request& r) {
                      return service.Apply(peer.uid, r.file);
                    });
  daemon.AddHandler(ipc::Op::kExceptionEnd,
                    [&service](const ipc::Peer& peer, const ipc::Request& r) {
                      return service.End(peer.uid, r.grant);
                    });
  owners.board.AddPart("exceptions",
                       [&service] { return service.StatusPart(); });
  // Without it the maintenance scope is refused; the rest runs.
  Log(WireMaintenance(wiring.maintenance, paths, owners, daemon, boot_id,
                      args.maintenance_account, notifier, service));
  return Status::Ok();
}

void JoinExceptions(ExceptionWiring& wiring, ForeignSticks* sticks,
                    session::SessionManager& sessions) {
  if (!wiring.service) return;
  wiring.service->SetForeignSticks(sticks);
  wiring.service->SetRadios(&sessions);
  sessions.SetExceptionGrants(wiring.service.get());
  sessions.SetNotifier(wiring.notifier);
  sessions.GrantsChanged();
  JoinMaintenance(wiring.maintenance, sessions);
}

void JoinSyncExceptions(ExceptionWiring& wiring, SyncMonitor* monitor) {
  if (!wiring.service || monitor == nullptr) return;
  ExceptionService& service = *wiring.service;
  monitor->SetExceptionApplier([&service](std::string_view bytes) {
    const Json answer = service.ApplyFromSync(bytes);
    sync::ExceptionOutcome outcome;
    outcome.applied = answer.value("accepted", false);
    outcome.journaled = answer.value("journaled", false);
    outcome.refusal = answer.value("refusal", std::string());
    return outcome;
  });
}

void JoinFolders(ExceptionWiring& wiring, rosterguard::FolderPause* folders) {
  if (!wiring.service || folders == nullptr) return;
  wiring.service->SetFolders(folders);
  folders->SetGrants(wiring.service.get());
}

}  // namespace piiguard::agent
