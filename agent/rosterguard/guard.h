// The roster guard (issue 7, REQUIREMENTS R2, R4, R12): a roster (名簿)
// written to the PC's own disk is moved off it, onto a writable keyed stick
// it belongs to (stick_choice.h: its owner holds the session the stick
// joined), else into a quarantine file encrypted to the privacy office's
// key (common/quarantine.h); the original is removed only once its copy is
// durable, and only if its name still is the file that was examined; data
// written after the copy is copied again from the held fd (mover.h). The
// journal records each finding and move (path, verdict counts and column
// kinds, sizes and hashes; never the file's contents; paths that are not
// UTF-8 encoded as the scan report encodes them); a journal write that
// fails is reported (GuardDeps::journal_failed, StatusPart). Staff get a
// notice in Japanese and English. docs/roster-guard.md says what it
// watches, the move protocol and what a crash leaves behind.
//
// Work is split so the daemon's event loop never waits for a file:
//  - OnEvents() (loop thread) takes the close-write events (FileEvents),
//    drops the daemon's own writes, excluded paths and non-files, and hands
//    each file to the executor (worker.h) as a job with everything it
//    needs (the event's fd, the destination chosen now, a copy of the
//    rules);
//  - the job (any thread) reads and examines the file and, for a roster,
//    checks that nobody still writes it and moves it; it touches only the
//    thread-safe seams (FileSystem: LinuxFileSystem is thread-safe;
//    Detector::Examine);
//  - its Outcome is posted back, and the executor runs it on the loop
//    thread: OnOutcome() journals, notifies and re-queues deferred files.
// Tests pass an InlineExecutor: the same code, no threads.
//
// Fails closed: a roster that cannot be moved (no stick and no quarantine
// key, a full disk, an I/O error) is left where it is, never deleted, and
// reported ("roster.kept" with the reason); a file that changed or was
// replaced since it was read is not removed.
//
// Thread-safety: Guard's methods are called on the loop thread only; jobs
// run wherever the executor runs them and share no state with the Guard.
#ifndef PIIGUARD_AGENT_ROSTERGUARD_GUARD_H_
#define PIIGUARD_AGENT_ROSTERGUARD_GUARD_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/journal/journal.h"
#include "agent/notify/notifier.h"
#include "agent/roster/detector.h"
#include "agent/rosterguard/stick_choice.h"
#include "agent/rosterguard/worker.h"
#include "common/json_fwd.h"
#include "common/os/clock.h"
#include "common/os/fanotify.h"
#include "common/os/file_system.h"
#include "common/quarantine_key.h"
#include "common/status.h"

namespace piiguard::agent::rosterguard {

// The folder made on a keyed stick for the rosters moved onto it.
inline constexpr std::string_view kStickFolder = "piiguard-moved";
// A quarantine file's name: the original's, then this.
inline constexpr std::string_view kQuarantineSuffix = ".piiguard-quarantine";
// A file still open for writing is looked at again this many times (each
// time its writer closes it, and on Retry()) before it is reported.
inline constexpr int kMaxDeferrals = 30;
// At most this many files wait at once; more are reported and dropped from
// the queue (they stay on the disk, and their next close-write brings them
// back).
inline constexpr size_t kMaxWaiting = 256;

// Whether `path` is `dir` or below it ("/a/b" is under "/a", "/ab" is not).
bool PathUnder(const std::string& path, const std::string& dir);

struct Rules {
  bool enabled = true;  // roster_guard.enabled
  bool move = true;     // roster_guard.action: move, or only report
  std::vector<std::string> exclude_paths;  // absolute, clean
  // Only files under these directories (--roster-watch); empty: all.
  std::vector<std::string> watch_only;
  std::optional<X25519PublicKey> quarantine_key;
  roster::Options detector;
};

// Decides where a roster goes now. Loop thread.
struct Destinations {
  // The mount of a keyed stick that is writable now and that a roster owned
  // by a uid belongs to (ChooseStickMount), if any. Null: no stick.
  StickChooser* sticks = nullptr;
  // The quarantine directory (root only, 0700), absolute.
  std::string quarantine_dir;
  // The PC's id for the quarantine metadata ("" before enrolment).
  std::function<std::string()> pc;
};

struct GuardDeps {
  os::FileSystem& files;
  const roster::Detector& detector;
  journal::Appender& journal;
  notify::Notifier& notify;
  const os::Clock& clock;  // wall clock: the quarantine metadata's time
  // Jobs off the loop thread, completions on it (worker.h).
  Executor& executor;
  int self_pid = 0;  // the daemon's own writes are not looked at
  // A journal write failed (the entry is lost): the daemon logs it at
  // error level and lists a problem in `piiguard status`. May be empty.
  std::function<void(const Status&)> journal_failed;
};

// A roster whose name is already removed but whose data was written after
// its copy was made (docs/roster-guard.md step 6): the data is only in the
// held fd until it is copied again. Nothing else is looked at for it.
struct PendingMove {
  std::string path;  // the name it had
  Json verdict = Json::object();
  std::string explanation_ja;
  std::string explanation_en;
  std::vector<std::string> earlier_copies;  // superseded, oldest first
};

// A file whose every known name is gone (Guard::ExamineUnnamed): examined
// through its fd alone; a roster is journaled, never moved.
struct Unnamed {
  std::string path;               // the name it had, for the journal
  std::string reason;             // why it is kept
  Json details = Json::object();  // added to the journal entry
};

// What a job found and did; journaled on the loop thread.
struct Outcome {
  enum class Kind {
    kNotRoster,   // nothing to do
    kGone,        // removed or replaced before it could be read
    kDeferred,    // still open for writing: look again later
    kReported,    // a roster; policy says report only
    kMoved,       // a roster, copied off the disk and the original removed
    kKept,        // a roster that could not be moved (see reason)
    kError,       // could not be read
    kUnexamined,  // read, but the detector failed (the examiner was
                  // killed by its sandbox or at its deadline): kept
  };
  Kind kind = Kind::kNotRoster;
  std::string path;
  std::string reason;
  Json verdict = Json::object();  // Verdict::ToJson() of a roster
  std::string explanation_ja;     // Verdict::Explain for the notice
  std::string explanation_en;
  std::string destination;       // "stick" or "quarantine"
  std::string destination_path;  // where the copy is
  uint64_t size = 0;
  std::string sha256;  // of the bytes moved
  std::string quarantine_sha256;
  // For kMoved: copies made before the data was written again (step 6).
  std::vector<std::string> earlier_copies;
  // For kDeferred: the file, kept open so it can be looked at again.
  std::shared_ptr<os::FileEvent> file;
  int deferrals = 0;
  // For kDeferred: its name is gone and its data waits to be copied again.
  std::optional<PendingMove> pending;
  // For kKept: journaled as a violation, with these details added.
  bool violation = false;
  Json extra = Json::object();
};

// At most this many jobs are queued at once while a rescan (Rescan()) has
// files left: each holds an open fd.
inline constexpr size_t kRescanInFlight = 16;

class Guard {
 public:
  // Decides whether a file is left for later: a folder paused by an
  // exception (folder_pause.h). Loop thread.
  class PauseFilter {
   public:
    virtual ~PauseFilter() = default;
    // `path` is the file's path as PathOf(its fd) gives it now. True: it is
    // not examined now; the filter may keep `file` to examine it later.
    virtual bool Paused(const std::string& path,
                        const os::FileIdentity& identity,
                        const std::shared_ptr<os::FileEvent>& file) = 0;
  };

  Guard(GuardDeps deps, Rules rules, Destinations destinations);

  // Null: nothing is paused.
  void SetPause(PauseFilter* pause) { pause_ = pause; }
  // Whether files under `path` are looked at (enabled, not excluded, not
  // the quarantine, within --roster-watch).
  bool Watches(const std::string& path) const;
  // Queues files for examination exactly as their close-write would: `held`
  // as they are, `paths` (absolute) opened when their turn comes without
  // following a symlink (one that is gone by then is skipped). At most
  // kRescanInFlight jobs are queued at a time.
  void Rescan(std::vector<std::shared_ptr<os::FileEvent>> held,
              std::vector<std::string> paths);
  // Queues `file`, which has no name the guard can find, for examination
  // through its fd alone: a roster cannot be moved (nothing names it), so
  // it is journaled as roster.kept, severity violation, with
  // `unnamed.reason` and `unnamed.details`, and staff are told.
  void ExamineUnnamed(std::shared_ptr<os::FileEvent> file, Unnamed unnamed);
  size_t rescan_backlog() const { return backlog_.size(); }
  // Journals an entry as the guard's own (a failure is counted and
  // reported like theirs).
  void Journal(const std::string& type, journal::Severity severity,
               const std::string& subject, Json details);

  // New rules (a policy change): for files seen from now on.
  void SetRules(Rules rules);

  // The events of one drain (loop thread). An overflow is journaled: files
  // written meanwhile are not seen until written again (`piiguard scan`
  // finds them).
  void OnEvents(os::FileEventBatch batch);
  // Looks again at the files that were still open for writing.
  void Retry();
  size_t waiting() const { return waiting_.size(); }

  // For `piiguard status`: counts, the last finding, and the journal
  // writes that failed (their count and the last error).
  Json StatusPart() const;

  // Exposed for the job (runs off the loop thread).
  struct Job {
    std::shared_ptr<os::FileEvent> file;
    std::string path;
    os::FileIdentity identity;
    Rules rules;
    std::optional<StickMount> stick;
    std::string quarantine_dir;
    std::string pc;
    int64_t now_seconds = 0;
    int deferrals = 0;
    std::optional<PendingMove> pending;
    std::optional<Unnamed> unnamed;
  };
  static Outcome RunJob(os::FileSystem& files, const roster::Detector& detector,
                        const Job& job);

 private:
  void Submit(std::shared_ptr<os::FileEvent> file, int deferrals,
              std::optional<PendingMove> pending,
              std::optional<Unnamed> unnamed = std::nullopt);
  void OnOutcome(Outcome outcome);
  void OnMoved(const Outcome& outcome, Json details);
  bool Excluded(const std::string& path) const;
  // Submits backlog entries while fewer than kRescanInFlight jobs run.
  void Feed();

  struct Backlog {
    std::shared_ptr<os::FileEvent> file;  // held; else opened by `path`
    std::string path;
    std::optional<Unnamed> unnamed;  // ExamineUnnamed
  };

  GuardDeps deps_;
  Rules rules_;
  Destinations destinations_;
  std::deque<Outcome> waiting_;  // deferred files
  PauseFilter* pause_ = nullptr;
  std::deque<Backlog> backlog_;  // Rescan()
  size_t in_flight_ = 0;         // jobs submitted, outcome not yet back
  bool feeding_ = false;
  uint64_t found_ = 0;
  uint64_t moved_ = 0;
  uint64_t kept_ = 0;
  uint64_t unexamined_ = 0;
  uint64_t journal_failures_ = 0;
  std::string journal_error_;
  Json last_ = nullptr;
};

}  // namespace piiguard::agent::rosterguard

#endif  // PIIGUARD_AGENT_ROSTERGUARD_GUARD_H_
