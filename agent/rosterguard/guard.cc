#include "agent/rosterguard/guard.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <memory>
#include <utility>

#include "common/encoding.h"
#include "common/journal/event_types.h"
#include "common/messages.h"
#include "common/quarantine.h"
#include "common/unique_fd.h"

namespace piiguard::agent::rosterguard {
namespace {

constexpr std::string_view kContext = "roster guard";
constexpr size_t kCopyChunk = size_t{256} * 1024;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// Copies the file at `in` (from offset 0, with pread: the event fd's offset
// is left alone) to `out`, with its SHA-256. Returns the bytes copied.
Result<std::pair<uint64_t, std::string>> CopyWithHash(int in, int out) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return InternalError(kContext, "sha256", "EVP_DigestInit_ex failed");
  }
  std::string buffer(kCopyChunk, '\0');
  uint64_t offset = 0;
  for (;;) {
    ssize_t n =
        ::pread(in, buffer.data(), buffer.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(kContext, "read", errno);
    if (n == 0) break;
    auto got = static_cast<size_t>(n);
    if (EVP_DigestUpdate(ctx.get(), buffer.data(), got) != 1) {
      return InternalError(kContext, "sha256", "EVP_DigestUpdate failed");
    }
    for (size_t done = 0; done < got;) {
      ssize_t w = ::write(out, buffer.data() + done, got - done);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return ErrnoStatus(kContext, "write", errno);
      done += static_cast<size_t>(w);
    }
    offset += got;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &size) != 1) {
    return InternalError(kContext, "sha256", "EVP_DigestFinal_ex failed");
  }
  return std::make_pair(
      offset, HexEncode(std::string_view(
                  reinterpret_cast<const char*>(digest.data()), size)));
}

std::pair<std::string, std::string> SplitPath(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

// Where a copy goes: an open directory, its path, and what it is.
struct Target {
  UniqueFd dir;
  std::string path;
  std::string kind;  // "stick" or "quarantine"
};

Result<Target> StickTarget(os::RosterFiles& files, const std::string& mount) {
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd root, files.OpenDirNoFollow(mount));
  PIIGUARD_RETURN_IF_ERROR(
      files.MakeDirAt(root.get(), std::string(kStickFolder), 0700));
  std::string folder = JoinPath(mount, std::string(kStickFolder));
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd dir, files.OpenDirNoFollow(folder));
  return Target{std::move(dir), folder, "stick"};
}

Result<Target> QuarantineTarget(os::RosterFiles& files,
                                const std::string& dir) {
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd fd, files.OpenDirNoFollow(dir));
  return Target{std::move(fd), dir, "quarantine"};
}

// Copies (stick) or encrypts (quarantine) the file into `target`; on any
// failure the partial copy is removed. Fills the outcome's copy fields.
Status WriteCopy(os::RosterFiles& files, const Guard::Job& job,
                 const std::string& name, Target& target, Outcome& outcome) {
  std::string base =
      target.kind == "stick" ? name : name + std::string(kQuarantineSuffix);
  PIIGUARD_ASSIGN_OR_RETURN(os::CreatedFile created,
                            files.CreateUnique(target.dir.get(), base, 0600));
  auto discard = [&](const Status& why) {
    (void)files.UnlinkAt(target.dir.get(), created.name);
    return why;
  };
  int in = job.file->fd.get();
  if (target.kind == "stick") {
    Result<std::pair<uint64_t, std::string>> copied =
        CopyWithHash(in, created.fd.get());
    if (!copied.ok()) return discard(copied.status());
    outcome.size = copied->first;
    outcome.sha256 = copied->second;
  } else {
    quarantine::Metadata metadata;
    metadata.path = job.path;
    metadata.time = job.now_seconds;
    metadata.pc = job.pc;
    metadata.explanation = outcome.verdict;
    quarantine::FdSource source(in, job.path);
    quarantine::FdSink sink(created.fd.get(), created.name);
    Result<quarantine::Sealed> sealed =
        quarantine::Encrypt(*job.rules.quarantine_key, metadata, source, sink);
    if (!sealed.ok()) return discard(sealed.status());
    outcome.size = sealed->size;
    outcome.sha256 = sealed->sha256;
    outcome.quarantine_sha256 = sealed->quarantine_sha256;
  }
  if (Status s = files.FsyncFd(created.fd.get()); !s.ok()) return discard(s);
  if (Status s = files.FsyncFd(target.dir.get()); !s.ok()) return discard(s);
  // The copy is of the file examined, whole: not written meanwhile.
  Result<os::FileIdentity> after = files.Identify(in);
  if (!after.ok()) return discard(after.status());
  if (!os::StillTheSame(*after, job.identity) ||
      outcome.size != job.identity.size) {
    return discard(FailedPreconditionError(kContext, job.path,
                                           "written while it was copied"));
  }
  outcome.destination = target.kind;
  outcome.destination_path = JoinPath(target.path, created.name);
  return Status::Ok();
}

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
    Submit(std::make_shared<os::FileEvent>(std::move(event)), 0);
  }
}

void Guard::Retry() {
  std::deque<Outcome> waiting;
  waiting.swap(waiting_);
  for (Outcome& o : waiting) Submit(std::move(o.file), o.deferrals + 1);
}

void Guard::Submit(std::shared_ptr<os::FileEvent> file, int deferrals) {
  Result<os::FileIdentity> identity = deps_.files.Identify(file->fd.get());
  if (!identity.ok() || !identity->is_regular) return;
  // A new close-write of a file that waits replaces the waiting entry.
  std::erase_if(waiting_, [&](const Outcome& o) {
    Result<os::FileIdentity> other = deps_.files.Identify(o.file->fd.get());
    return other.ok() && other->SameFile(*identity);
  });
  Result<std::string> path = deps_.files.PathOf(file->fd.get());
  if (!path.ok()) return;  // removed before we got to it
  if (Excluded(*path)) return;
  Job job;
  job.file = std::move(file);
  job.path = *path;
  job.identity = *identity;
  job.rules = rules_;
  if (destinations_.writable_stick) job.stick = destinations_.writable_stick();
  job.quarantine_dir = destinations_.quarantine_dir;
  job.pc = destinations_.pc ? destinations_.pc() : "";
  job.now_seconds = deps_.now_seconds();
  job.deferrals = deferrals;
  os::RosterFiles& files = deps_.files;
  const roster::Detector& detector = deps_.detector;
  auto post = deps_.post;
  deps_.background([this, &files, &detector, post, job = std::move(job)] {
    Outcome outcome = RunJob(files, detector, job);
    post([this, outcome = std::move(outcome)]() mutable {
      OnOutcome(std::move(outcome));
    });
  });
}

Outcome Guard::RunJob(os::RosterFiles& files, const roster::Detector& detector,
                      const Job& job) {
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
    outcome.kind = Outcome::Kind::kError;
    outcome.reason = std::string(verdict.status().message());
    return outcome;
  }
  if (!verdict->roster) return outcome;  // kNotRoster
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
  auto kept = [&](std::string why) {
    outcome.kind = Outcome::Kind::kKept;
    outcome.reason = std::move(why);
    return outcome;
  };
  auto [dir, name] = SplitPath(job.path);
  Result<UniqueFd> dir_fd = files.OpenDirNoFollow(dir);
  if (!dir_fd.ok()) {
    return kept("its folder could not be opened without following links: " +
                std::string(dir_fd.status().message()));
  }
  // The name must still be the file examined, unchanged (a symlink or
  // another file put in its place is never copied nor removed).
  Result<os::FileIdentity> entry = files.StatAt(dir_fd->get(), name);
  if (!entry.ok() || !entry->SameFile(job.identity) ||
      !os::StillTheSame(*entry, job.identity)) {
    outcome.kind = Outcome::Kind::kGone;
    outcome.reason = "renamed, replaced or written since it was read";
    return outcome;
  }
  if (!job.stick && !job.rules.quarantine_key) {
    return kept(
        "no personal-data stick is writable and the policy names no "
        "quarantine key");
  }
  Result<Target> target = job.stick
                              ? StickTarget(files, *job.stick)
                              : QuarantineTarget(files, job.quarantine_dir);
  if (!target.ok()) {
    return kept("its destination could not be opened: " +
                std::string(target.status().message()));
  }
  if (Status s = WriteCopy(files, job, name, *target, outcome); !s.ok()) {
    return kept("it could not be copied: " + std::string(s.message()));
  }
  if (Status s = files.RemoveIfSame(dir_fd->get(), name, job.identity);
      !s.ok()) {
    return kept(
        "a copy is at " + outcome.destination_path +
        ", but the original could not be removed: " + std::string(s.message()));
  }
  outcome.kind = Outcome::Kind::kMoved;
  return outcome;
}

void Guard::Journal(const std::string& type, journal::Severity severity,
                    const std::string& subject, Json details) const {
  journal::Event event;
  event.type = type;
  event.severity = severity;
  event.subject = subject;
  event.details = std::move(details);
  if (Status s = deps_.journal(event); !s.ok()) {
    // The journal keeps its own error; staff still get the notice.
    (void)s;
  }
}

void Guard::OnOutcome(Outcome outcome) {
  using Kind = Outcome::Kind;
  const std::string name = SplitPath(outcome.path).second;
  auto notify = [&](MsgId id, std::string_view second) {
    deps_.notify(notify::Notice{Message(Lang::kJa, MsgId::kRosterGuardTitle),
                                Message(Lang::kJa, id, {name, second}) + "\n" +
                                    Message(Lang::kEn, id, {name, second})});
  };
  Json details{{"path", outcome.path},
               {"verdict", outcome.verdict},
               {"size", outcome.size}};
  switch (outcome.kind) {
    case Kind::kNotRoster:
    case Kind::kGone:
      return;
    case Kind::kError:
      Journal(journal::types::kRosterError, journal::Severity::kInfo, "file",
              Json{{"path", outcome.path}, {"error", outcome.reason}});
      return;
    case Kind::kDeferred:
      if (outcome.deferrals < kMaxDeferrals && waiting_.size() < kMaxWaiting) {
        waiting_.push_back(std::move(outcome));
        return;
      }
      ++found_;
      ++kept_;
      Journal(journal::types::kRosterKept, journal::Severity::kWarning, "file",
              Json{{"path", outcome.path},
                   {"reason", "not examined: " + outcome.reason}});
      return;
    case Kind::kReported:
      ++found_;
      Journal(journal::types::kRosterFound, journal::Severity::kWarning, "file",
              details);
      notify(MsgId::kRosterGuardReported, "");
      break;
    case Kind::kMoved:
      ++found_;
      ++moved_;
      details["to"] = outcome.destination;
      details["copy"] = outcome.destination_path;
      details["sha256"] = outcome.sha256;
      if (!outcome.quarantine_sha256.empty()) {
        details["quarantine_sha256"] = outcome.quarantine_sha256;
      }
      Journal(journal::types::kRosterMoved, journal::Severity::kWarning, "file",
              details);
      if (outcome.destination == "stick") {
        notify(MsgId::kRosterGuardMovedToStick, kStickFolder);
      } else {
        notify(MsgId::kRosterGuardQuarantined, "");
      }
      break;
    case Kind::kKept:
      ++found_;
      ++kept_;
      details["reason"] = outcome.reason;
      Journal(journal::types::kRosterKept, journal::Severity::kWarning, "file",
              details);
      notify(MsgId::kRosterGuardKept, outcome.reason);
      break;
  }
  last_ = Json{{"path", outcome.path},
               {"time", deps_.now_seconds()},
               {"result", outcome.kind == Kind::kMoved  ? outcome.destination
                          : outcome.kind == Kind::kKept ? "kept"
                                                        : "reported"}};
}

Json Guard::StatusPart() const {
  return Json{{"found", found_},     {"moved", moved_},
              {"kept", kept_},       {"waiting", waiting_.size()},
              {"move", rules_.move}, {"last", last_}};
}

}  // namespace piiguard::agent::rosterguard
