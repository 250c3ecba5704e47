#include "agent/rosterguard/guard.h"

#include <memory>
#include <utility>

#include "agent/rosterguard/mover.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/messages.h"
#include "common/scanreport/scan_report.h"

namespace piiguard::agent::rosterguard {
namespace {

using mover::SplitPath;

// Paths are bytes; the journal and the notices take UTF-8. Every path (and
// every reason, which may quote one) is written as the scan report writes
// paths (scanreport::EncodePath): a Shift_JIS name from an unzipped Windows
// archive is journaled, not lost.
std::string Text(std::string_view raw) { return scanreport::EncodePath(raw); }

}  // namespace

bool PathUnder(const std::string& path, const std::string& dir) {
  if (dir == "/") return true;
  return path == dir || (path.size() > dir.size() && path.starts_with(dir) &&
                         path[dir.size()] == '/');
}

Guard::Guard(GuardDeps deps, Rules rules, Destinations destinations)
    : deps_(std::move(deps)),
      rules_(std::move(rules)),
      destinations_(std::move(destinations)) {}

void Guard::SetRules(Rules rules) { rules_ = std::move(rules); }

bool Guard::Excluded(const std::string& path) const {
  if (!destinations_.quarantine_dir.empty() &&
      PathUnder(path, destinations_.quarantine_dir)) {
    return true;
  }
  for (const std::string& dir : rules_.exclude_paths) {
    if (PathUnder(path, dir)) return true;
  }
  if (rules_.watch_only.empty()) return false;
  for (const std::string& dir : rules_.watch_only) {
    if (PathUnder(path, dir)) return false;
  }
  return true;
}

bool Guard::Watches(const std::string& path) const {
  return rules_.enabled && !Excluded(path);
}

void Guard::Rescan(std::vector<std::shared_ptr<os::FileEvent>> held,
                   std::vector<std::string> paths) {
  for (std::shared_ptr<os::FileEvent>& file : held) {
    backlog_.push_back(Backlog{std::move(file), "", std::nullopt});
  }
  for (std::string& path : paths) {
    backlog_.push_back(Backlog{nullptr, std::move(path), std::nullopt});
  }
  Feed();
}

void Guard::ExamineUnnamed(std::shared_ptr<os::FileEvent> file,
                           Unnamed unnamed) {
  backlog_.push_back(Backlog{std::move(file), "", std::move(unnamed)});
  Feed();
}

void Guard::Feed() {
  if (feeding_) return;  // an inline executor's outcome, within this loop
  feeding_ = true;
  while (in_flight_ < kRescanInFlight && !backlog_.empty()) {
    Backlog next = std::move(backlog_.front());
    backlog_.pop_front();
    if (!rules_.enabled) continue;
    if (next.file == nullptr) {
      // Opened as the walker of `piiguard scan` opens files: the directory
      // with no symlink on the way, the file with O_NOFOLLOW.
      auto [dir, name] = SplitPath(next.path);
      Result<UniqueFd> dir_fd = deps_.files.OpenDirNoFollow(dir);
      if (!dir_fd.ok()) continue;
      Result<UniqueFd> fd = deps_.files.OpenFileAt(dir_fd->get(), name);
      if (!fd.ok()) continue;  // gone, or no longer a file
      next.file = std::make_shared<os::FileEvent>();
      next.file->fd = std::move(*fd);
    }
    Submit(std::move(next.file), 0, std::nullopt, std::move(next.unnamed));
  }
  feeding_ = false;
}

void Guard::OnEvents(os::FileEventBatch batch) {
  if (batch.overflow) {
    Journal(journal::types::kRosterOverflow, journal::Severity::kWarning,
            "watcher",
            Json{{"reason",
                  "events were lost: files written meanwhile are looked at "
                  "when written again, or by piiguard scan"}});
  }
  for (os::FileEvent& event : batch.events) {
    if (!rules_.enabled || event.pid == deps_.self_pid) continue;
    Submit(std::make_shared<os::FileEvent>(std::move(event)), 0, std::nullopt);
  }
}

void Guard::Retry() {
  std::deque<Outcome> waiting;
  waiting.swap(waiting_);
  for (Outcome& o : waiting) {
    Submit(std::move(o.file), o.deferrals + 1, std::move(o.pending));
  }
}

void Guard::Submit(std::shared_ptr<os::FileEvent> file, int deferrals,
                   std::optional<PendingMove> pending,
                   std::optional<Unnamed> unnamed) {
  Result<os::FileIdentity> identity = deps_.files.Identify(file->fd.get());
  if (!identity.ok() || !identity->is_regular) return;
  // A new close-write of a file that waits replaces the waiting entry, and
  // takes over its pending move (a removed inode written after its copy).
  std::erase_if(waiting_, [&](Outcome& o) {
    Result<os::FileIdentity> other = deps_.files.Identify(o.file->fd.get());
    if (!other.ok() || !other->SameFile(*identity)) return false;
    if (!pending && o.pending) pending = std::move(o.pending);
    return true;
  });
  Result<std::string> path = deps_.files.PathOf(file->fd.get());
  if (pending) {
    path = pending->path;  // its name is gone; its data is still ours
  } else if (unnamed) {
    path = unnamed->path;  // no name found: examined, never moved
  } else if (!path.ok() || Excluded(*path) ||
             (pause_ != nullptr && pause_->Paused(*path, *identity, file))) {
    // Removed before we got to it, not ours to look at, or in a paused
    // folder (examined when the pause ends).
    return;
  }
  Job job;
  job.file = std::move(file);
  job.path = *path;
  job.identity = *identity;
  job.rules = rules_;
  job.pending = std::move(pending);
  job.unnamed = std::move(unnamed);
  if (destinations_.sticks != nullptr) {
    job.stick = destinations_.sticks->For(identity->uid);
  }
  job.quarantine_dir = destinations_.quarantine_dir;
  job.pc = destinations_.pc ? destinations_.pc() : "";
  job.now_seconds = deps_.clock.WallSeconds();
  job.deferrals = deferrals;
  os::FileSystem& files = deps_.files;
  const roster::Detector& detector = deps_.detector;
  Executor& executor = deps_.executor;
  ++in_flight_;
  executor.Run([this, &files, &detector, &executor, job = std::move(job)] {
    Outcome outcome = RunJob(files, detector, job);
    executor.Post([this, outcome = std::move(outcome)]() mutable {
      --in_flight_;
      OnOutcome(std::move(outcome));
      Feed();
    });
  });
}

Outcome Guard::RunJob(os::FileSystem& files, const roster::Detector& detector,
                      const Job& job) {
  if (job.pending) return mover::CopyAgain(files, job);
  Outcome outcome;
  outcome.path = job.path;
  outcome.deferrals = job.deferrals;
  Result<os::ReadResult> read =
      files.ReadSparse(job.file->fd.get(), job.rules.detector.max_input);
  if (!read.ok()) {
    outcome.kind = Outcome::Kind::kError;
    outcome.reason = std::string(read.status().message());
    return outcome;
  }
  Result<roster::Verdict> verdict =
      detector.Examine(read->text, job.rules.detector);
  if (!verdict.ok()) {
    outcome.kind = Outcome::Kind::kUnexamined;
    outcome.reason = std::string(verdict.status().message());
    return outcome;
  }
  if (!verdict->roster) return outcome;  // kNotRoster
  if (job.unnamed) {
    // Nothing names it: it cannot be moved, and waiting for its writer
    // would lose why it is here.
    outcome.kind = Outcome::Kind::kKept;
    outcome.reason = job.unnamed->reason;
    outcome.violation = true;
    outcome.extra = job.unnamed->details;
    outcome.verdict = verdict->ToJson();
    outcome.size = job.identity.size;
    return outcome;
  }
  // Only a roster is worth the look through /proc: is it still written (its
  // writer's own close-write comes later; or we could not tell)?
  Result<bool> writing = files.OpenForWritingByAnyone(job.identity);
  if (!writing.ok() || *writing) {
    outcome.kind = Outcome::Kind::kDeferred;
    outcome.reason = writing.ok() ? "still open for writing"
                                  : std::string(writing.status().message());
    outcome.file = job.file;
    return outcome;
  }
  outcome.verdict = verdict->ToJson();
  outcome.explanation_ja = verdict->Explain(Lang::kJa);
  outcome.explanation_en = verdict->Explain(Lang::kEn);
  outcome.size = job.identity.size;
  if (!job.rules.move) {
    outcome.kind = Outcome::Kind::kReported;
    return outcome;
  }
  return mover::Move(files, job, std::move(outcome));
}

void Guard::Journal(const std::string& type, journal::Severity severity,
                    const std::string& subject, Json details) {
  journal::Event event;
  event.type = type;
  event.severity = severity;
  event.subject = subject;
  event.details = std::move(details);
  Status s = deps_.journal.Append(event).status();
  if (s.ok()) return;
  // The entry is lost: never silently. Staff still get the notice, the
  // roster was already handled (the move comes before the journal).
  ++journal_failures_;
  journal_error_ = Text(s.message());
  if (deps_.journal_failed) deps_.journal_failed(s);
}

void Guard::OnOutcome(Outcome outcome) {
  using Kind = Outcome::Kind;
  const std::string name = Text(SplitPath(outcome.path).second);
  const std::string path = Text(outcome.path);
  auto notify = [&](MsgId id, std::string_view second) {
    deps_.notify.Notify(
        notify::Notice{Message(Lang::kJa, MsgId::kRosterGuardTitle),
                       Message(Lang::kJa, id, {name, second}) + "\n" +
                           Message(Lang::kEn, id, {name, second})});
  };
  Json details{
      {"path", path}, {"verdict", outcome.verdict}, {"size", outcome.size}};
  switch (outcome.kind) {
    case Kind::kNotRoster:
      return;
    case Kind::kGone:
      // A roster renamed or replaced between its examination and its move
      // (it is examined again at its next write): the office hears of it.
      if (!outcome.verdict.empty()) {
        Journal(journal::types::kRosterError, journal::Severity::kWarning,
                "file",
                Json{{"path", path},
                     {"verdict", outcome.verdict},
                     {"error",
                      Text("a roster was " + outcome.reason + ": not moved")}});
      }
      return;
    case Kind::kError:
      Journal(journal::types::kRosterError, journal::Severity::kInfo, "file",
              Json{{"path", path}, {"error", Text(outcome.reason)}});
      return;
    case Kind::kUnexamined:
      // Fail closed: the file stays where it is, and the office hears that
      // it could not be looked into (a file that kills the parser may be
      // made to).
      ++unexamined_;
      details["reason"] = Text("not examined: " + outcome.reason);
      Journal(journal::types::kRosterKept, journal::Severity::kWarning, "file",
              details);
      return;
    case Kind::kDeferred:
      // A pending move holds data that is nowhere else: it waits as long as
      // it is written, bounded only by kMaxWaiting.
      if ((outcome.pending || outcome.deferrals < kMaxDeferrals) &&
          waiting_.size() < kMaxWaiting) {
        waiting_.push_back(std::move(outcome));
        return;
      }
      ++found_;
      ++kept_;
      details["reason"] =
          Text((outcome.pending ? "its later writes were not copied: "
                                : "not examined: ") +
               outcome.reason);
      Journal(journal::types::kRosterKept,
              outcome.pending ? journal::Severity::kViolation
                              : journal::Severity::kWarning,
              "file", details);
      return;
    case Kind::kReported:
      ++found_;
      Journal(journal::types::kRosterFound, journal::Severity::kWarning, "file",
              details);
      notify(MsgId::kRosterGuardReported, "");
      break;
    case Kind::kMoved:
      OnMoved(outcome, details);
      if (outcome.destination == "stick") {
        notify(MsgId::kRosterGuardMovedToStick, kStickFolder);
      } else {
        notify(MsgId::kRosterGuardQuarantined, "");
      }
      break;
    case Kind::kKept:
      ++found_;
      ++kept_;
      details["reason"] = Text(outcome.reason);
      details.update(outcome.extra);
      Journal(journal::types::kRosterKept,
              outcome.violation ? journal::Severity::kViolation
                                : journal::Severity::kWarning,
              "file", details);
      notify(MsgId::kRosterGuardKept, Text(outcome.reason));
      break;
  }
  last_ = Json{{"path", path},
               {"time", deps_.clock.WallSeconds()},
               {"result", outcome.kind == Kind::kMoved  ? outcome.destination
                          : outcome.kind == Kind::kKept ? "kept"
                                                        : "reported"}};
}

void Guard::OnMoved(const Outcome& outcome, Json details) {
  ++found_;
  ++moved_;
  details["to"] = outcome.destination;
  details["copy"] = Text(outcome.destination_path);
  details["sha256"] = outcome.sha256;
  if (!outcome.quarantine_sha256.empty()) {
    details["quarantine_sha256"] = outcome.quarantine_sha256;
  }
  if (!outcome.earlier_copies.empty()) {
    // Copies of the data as it was before later writes: superseded.
    Json earlier = Json::array();
    for (const std::string& c : outcome.earlier_copies) {
      earlier.push_back(Text(c));
    }
    details["earlier_copies"] = std::move(earlier);
  }
  Journal(journal::types::kRosterMoved, journal::Severity::kWarning, "file",
          std::move(details));
}

Json Guard::StatusPart() const {
  return Json{{"found", found_},
              {"moved", moved_},
              {"kept", kept_},
              {"not_examined", unexamined_},
              {"waiting", waiting_.size()},
              {"move", rules_.move},
              {"last", last_},
              {"journal_failures", journal_failures_},
              {"journal_error", journal_error_}};
}

}  // namespace piiguard::agent::rosterguard
