#include "agent/daemon/wire_roster.h"

#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <utility>

#include "agent/daemon/prerequisites.h"
#include "common/journal/event_types.h"
#include "common/os/log.h"
#include "common/scanreport/scan_report.h"

namespace piiguard::agent {
namespace {

// A roster larger than this is judged by its first part (the detector's
// `partial`); the guard never holds more in memory per file.
constexpr size_t kGuardMaxInput = size_t{64} * 1024 * 1024;

void LogRoster(const Status& status) { os::LogIfError("roster guard", status); }

Result<std::vector<os::MountInfo>> ReadMounts(const os::MountTable& table) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string bytes, table.Read());
  return os::ParseMountInfo(bytes);
}

// The mount of a writable keyed stick a roster of `owner_uid` belongs to
// (rosterguard::ChooseStickMount: by device number, never by source text).
std::optional<rosterguard::StickMount> WritableStickMount(
    const RosterWiring& w, const StickControl* sticks,
    const std::optional<rosterguard::SessionHolder>& session,
    const std::string& state_dir, uint32_t owner_uid) {
  if (sticks == nullptr) return std::nullopt;
  Result<std::vector<os::MountInfo>> mounts = ReadMounts(*w.mounts);
  if (!mounts.ok()) {
    LogRoster(mounts.status());
    return std::nullopt;
  }
  rosterguard::StickChoiceInputs in;
  in.mounts = std::move(*mounts);
  in.sticks = sticks->KeyedSticks();
  const os::Sysfs& sysfs = w.sysfs;
  in.numbers = [&sysfs](const std::string& disk) {
    return rosterguard::DiskDeviceNumbers(sysfs, disk);
  };
  in.session = session;
  in.state_dir = state_dir;
  return rosterguard::ChooseStickMount(in, owner_uid);
}

// The mount points to mark: every local disk filesystem, or those holding
// the `watch_only` directories.
Result<std::vector<std::string>> MountsToWatch(
    const std::vector<os::MountInfo>& mounts, const os::Sysfs& sysfs,
    const std::vector<std::string>& watch_only) {
  std::vector<os::MountInfo> local =
      os::LocalDiskFilesystems(mounts, [&sysfs](const os::MountInfo& m) {
        return os::IsUsbBlockDevice(sysfs, m);
      });
  std::vector<std::string> points;
  if (watch_only.empty()) {
    for (const os::MountInfo& m : local) points.push_back(m.mount_point);
    return points;
  }
  for (const std::string& dir : watch_only) {
    const os::MountInfo* best = nullptr;
    for (const os::MountInfo& m : mounts) {
      if (rosterguard::PathUnder(dir, m.mount_point) &&
          (best == nullptr ||
           m.mount_point.size() >= best->mount_point.size())) {
        best = &m;
      }
    }
    const os::MountInfo* chosen = nullptr;
    for (const os::MountInfo& m : local) {
      if (best != nullptr && m.major == best->major && m.minor == best->minor) {
        chosen = &m;
      }
    }
    if (chosen == nullptr) {
      return InvalidArgumentError("roster guard", dir,
                                  "not on a local disk filesystem");
    }
    points.push_back(best->mount_point);
  }
  return points;
}

void ArmRetry(RosterWiring& w) {
  itimerspec spec{};
  if (w.guard->waiting() > 0) spec.it_value.tv_sec = 1;  // else: disarm
  if (::timerfd_settime(w.retry_timer.get(), 0, &spec, nullptr) != 0) {
    LogRoster(ErrnoStatus("roster guard", "timerfd", errno));
  }
}

}  // namespace

rosterguard::Rules RosterRulesFrom(const policy::Policy* policy,
                                   const std::vector<std::string>& watch_only) {
  rosterguard::Rules rules;
  rules.watch_only = watch_only;
  rules.detector.max_input = kGuardMaxInput;
  // No policy applied: the guard watches with its defaults (enforcement
  // never waits for a policy); without the office's key from a policy a
  // roster can only go to a writable keyed stick, else it is reported
  // (roster.kept) and left in place.
  if (policy == nullptr) return rules;
  const policy::RosterGuardRules& g = policy->roster_guard;
  rules.enabled = g.enabled;
  rules.move = g.action == policy::RosterAction::kMove;
  rules.exclude_paths = g.exclude_paths;
  rules.detector.min_rows = static_cast<size_t>(g.min_rows);
  if (!g.quarantine_key_raw.empty()) {
    Result<X25519PublicKey> key =
        X25519PublicKey::FromRaw(g.quarantine_key_raw);
    if (key.ok()) {
      rules.quarantine_key = *key;
    } else {
      LogRoster(key.status());  // the policy parser refuses such keys
    }
  }
  return rules;
}

Status WireRosterGuard(
    RosterWiring& w, const StatePaths& paths, AgentCore& core, Daemon& daemon,
    const std::vector<std::string>& watch_only,
    const std::function<const StickControl*()>& sticks,
    const std::function<std::optional<rosterguard::SessionHolder>()>& session,
    std::function<void(const notify::Notice&)> notify) {
  std::string quarantine_dir = paths.dir + "/quarantine";
  if (::mkdir(quarantine_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus("roster guard", quarantine_dir, errno);
  }
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
  w.retry_timer =
      UniqueFd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!w.retry_timer.valid()) {
    return ErrnoStatus("roster guard", "timerfd", errno);
  }
  rosterguard::Worker& worker = *w.worker;
  // The examiner loads its detector before the first file comes, on the
  // worker (its jobs wait for it; the loop does not).
  priv::ExaminerClient& examiner_client = *w.detector;
  worker.Run([&examiner_client] { LogRoster(examiner_client.StartNow()); });
  rosterguard::GuardDeps deps{
      w.files,
      *w.detector,
      [&core](const journal::Event& e) {
        return core.journal().Append(e).status();
      },
      std::move(notify),
      core.clock(),
      [&worker](std::function<void()> job) { worker.Run(std::move(job)); },
      [&worker](std::function<void()> done) { worker.Post(std::move(done)); },
      static_cast<int>(::getpid()),
      [&core](const Status& s) {
        os::LogIfError("roster guard: journal", s);
        (void)core.ReportProblem(
            RosterJournalFailed(scanreport::EncodePath(s.message())));
      }};
  rosterguard::Destinations destinations;
  const RosterWiring& wc = w;
  std::string state_dir = paths.dir;
  destinations.writable_stick = [&wc, sticks, session,
                                 state_dir](uint32_t owner_uid) {
    return WritableStickMount(wc, sticks(), session(), state_dir, owner_uid);
  };
  destinations.quarantine_dir = quarantine_dir;
  // Read until the PC is enrolled, then kept (asked once per file written).
  destinations.pc = [paths, pc = std::string()]() mutable -> std::string {
    if (pc.empty()) {
      Result<std::optional<sync::OfficeConfig>> office =
          LoadOfficeConfig(paths);
      if (office.ok() && office->has_value()) pc = (*office)->pc;
    }
    return pc;
  };
  w.guard = std::make_unique<rosterguard::Guard>(
      std::move(deps), RosterRulesFrom(core.applied_policy(), watch_only),
      std::move(destinations));

  PIIGUARD_ASSIGN_OR_RETURN(std::vector<os::MountInfo> mounts,
                            ReadMounts(*w.mounts));
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<std::string> points,
                            MountsToWatch(mounts, w.sysfs, watch_only));
  for (const std::string& point : points) {
    Result<os::MarkScope> scope = w.events->MarkFilesystem(point);
    if (!scope.ok()) {
      LogRoster(scope.status());
      continue;
    }
    w.marked.push_back(point);
  }
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
  PIIGUARD_RETURN_IF_ERROR(daemon.AddSource(w.retry_timer.get(), [wp] {
    uint64_t expirations = 0;
    (void)!::read(wp->retry_timer.get(), &expirations, sizeof expirations);
    wp->guard->Retry();
    ArmRetry(*wp);
  }));
  core.AddStatusPart("roster", [wp] {
    Json part = wp->guard->StatusPart();
    part["watched"] = wp->marked;
    part["examiner"] = wp->detector->StatusPart();
    return part;
  });
  daemon.OnChildExit([wp](pid_t pid, int wait_status) {
    wp->detector->OnChildExit(pid, wait_status);
  });
  core.AddPolicyListener([wp, watch_only](const policy::Policy& policy) {
    wp->guard->SetRules(RosterRulesFrom(&policy, watch_only));
  });
  journal::Event started;
  started.type = journal::types::kRosterWatching;
  started.subject = "watcher";
  started.details = Json{{"filesystems", w.marked}};
  return core.journal().Append(started).status();
}

}  // namespace piiguard::agent
