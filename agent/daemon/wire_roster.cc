#include "agent/daemon/wire_roster.h"

#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <utility>

#include "agent/daemon/prerequisites.h"
#include "agent/rosterguard/watch_rules.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/os/log.h"
#include "common/scanreport/scan_report.h"
#include "common/user_name.h"

namespace piiguard::agent {
namespace {

void LogRoster(const Status& status) { os::LogIfError("roster guard", status); }

// In a second while some files wait (still open for writing); else off.
void ArmRetry(RosterWiring& w) {
  LogRoster(w.guard->waiting() > 0 ? w.retry_timer->After(1'000'000)
                                   : w.retry_timer->Disarm());
}

// The seams, the examiner's client and the worker; nothing watched yet.
Status OpenSeams(RosterWiring& w) {
  PIIGUARD_ASSIGN_OR_RETURN(w.mounts, os::LinuxMountTable::Open());
  PIIGUARD_ASSIGN_OR_RETURN(w.events, os::LinuxFanotify::Open());
  std::string examiner_note;
  PIIGUARD_ASSIGN_OR_RETURN(priv::ExaminerConfig examiner,
                            priv::InstalledExaminer(&examiner_note));
  if (!examiner_note.empty()) {
    os::Log(os::LogLevel::kWarning, "roster guard: " + examiner_note);
  }
  w.detector =
      std::make_unique<priv::ExaminerClient>(std::move(examiner), w.spawner);
  PIIGUARD_ASSIGN_OR_RETURN(w.worker, rosterguard::Worker::Start());
  PIIGUARD_ASSIGN_OR_RETURN(w.retry_timer, os::Timer::Create("roster guard"));
  // The examiner loads its detector before the first file comes, on the
  // worker (its jobs wait for it; the loop does not).
  priv::ExaminerClient& examiner_client = *w.detector;
  w.worker->Run([&examiner_client] { LogRoster(examiner_client.StartNow()); });
  return Status::Ok();
}

// Marks what watch_rules says; a mount that cannot be marked is logged and
// left out of "watched".
Status MarkFilesystems(RosterWiring& w,
                       const std::vector<std::string>& watch_only) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string table, w.mounts->Read());
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<os::MountInfo> mounts,
                            os::ParseMountInfo(table));
  PIIGUARD_ASSIGN_OR_RETURN(
      std::vector<std::string> points,
      rosterguard::MountsToWatch(mounts, w.sysfs, watch_only));
  for (const std::string& point : points) {
    Result<os::MarkScope> scope = w.events->MarkFilesystem(point);
    if (!scope.ok()) {
      LogRoster(scope.status());
      continue;
    }
    w.marked.push_back(point);
  }
  return Status::Ok();
}

// The loop's sources: fanotify, the worker's completions, the retry timer,
// and the mount table's changes.
Status AddSources(RosterWiring& w, Daemon& daemon) {
  RosterWiring* wp = &w;
  PIIGUARD_RETURN_IF_ERROR(daemon.AddSource(w.events->fd(), [wp] {
    Result<os::FileEventBatch> batch = wp->events->Drain();
    if (!batch.ok()) {
      LogRoster(batch.status());
      os::FileEventBatch lost;
      lost.overflow = true;
      wp->guard->OnEvents(std::move(lost));
      return;
    }
    wp->guard->OnEvents(std::move(*batch));
  }));
  PIIGUARD_RETURN_IF_ERROR(daemon.AddSource(w.worker->fd(), [wp] {
    wp->worker->RunCompletions();
    ArmRetry(*wp);
  }));
  PIIGUARD_RETURN_IF_ERROR(daemon.AddSource(w.retry_timer->fd(), [wp] {
    Result<uint64_t> fired = wp->retry_timer->Consume();
    if (!fired.ok()) LogRoster(fired.status());
    wp->guard->Retry();
    ArmRetry(*wp);
  }));
  return daemon.AddSource(
      w.mounts->fd(), [wp] { wp->sticks->MountsChanged(); }, EPOLLPRI);
}

}  // namespace

Status WireRosterGuard(RosterWiring& w, const StatePaths& paths,
                       const Owners& owners, Daemon& daemon,
                       const std::vector<std::string>& watch_only,
                       const StickControl* sticks,
                       rosterguard::StickDestination::SessionFn session,
                       notify::Notifier& notifier) {
  std::string quarantine_dir = paths.dir + "/quarantine";
  if (::mkdir(quarantine_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus("roster guard", quarantine_dir, errno);
  }
  PIIGUARD_RETURN_IF_ERROR(OpenSeams(w));
  w.sticks = std::make_unique<rosterguard::StickDestination>(
      *w.mounts, w.sysfs, paths.dir, std::move(session));
  w.sticks->SetSticks(sticks);
  StatusBoard& board = owners.board;
  EventSink& events = owners.events;
  rosterguard::GuardDeps deps{w.files,
                              *w.detector,
                              events.journal(),
                              notifier,
                              owners.clock,
                              *w.worker,
                              static_cast<int>(::getpid()),
                              [&board](const Status& s) {
                                os::LogIfError("roster guard: journal", s);
                                (void)board.Report(RosterJournalFailed(
                                    scanreport::EncodePath(s.message())));
                              }};
  rosterguard::Destinations destinations;
  destinations.sticks = w.sticks.get();
  destinations.quarantine_dir = quarantine_dir;
  const Enrolment& enrolment = owners.enrolment;
  destinations.pc = [&enrolment] { return enrolment.pc().value_or(""); };
  w.guard = std::make_unique<rosterguard::Guard>(
      std::move(deps),
      rosterguard::RulesFromPolicy(owners.policy.policy(), watch_only),
      std::move(destinations));

  PIIGUARD_RETURN_IF_ERROR(MarkFilesystems(w, watch_only));
  PIIGUARD_RETURN_IF_ERROR(AddSources(w, daemon));
  RosterWiring* wp = &w;
  w.pause =
      std::make_unique<rosterguard::FolderPause>(rosterguard::FolderPauseDeps{
          w.files, *w.guard, notifier, quarantine_dir, paths.dir, HomeDirOf,
          [wp] { return wp->marked; }});
  w.guard->SetPause(w.pause.get());
  board.AddPart("roster", [wp] {
    Json part = wp->guard->StatusPart();
    part["paused_folders"] = wp->pause->StatusPart();
    part["watched"] = wp->marked;
    part["examiner"] = wp->detector->StatusPart();
    return part;
  });
  daemon.OnChildExit([wp](pid_t pid, int wait_status) {
    wp->detector->OnChildExit(pid, wait_status);
  });
  owners.policy.AddListener([wp, watch_only](const policy::Policy& policy) {
    wp->guard->SetRules(rosterguard::RulesFromPolicy(&policy, watch_only));
  });
  journal::Event started;
  started.type = journal::types::kRosterWatching;
  started.subject = "watcher";
  started.details = Json{{"filesystems", w.marked}};
  return events.Append(started).status();
}

}  // namespace piiguard::agent
