// Examining files off the daemon's event loop (docs/roster-guard.md, "The
// guard"): the roster guard hands each written file (its fanotify event fd)
// to an Examiner, which reads it with os::ReadSparseFd (bounded) and runs
// the roster detector on it; the verdicts come back to the loop thread,
// which alone journals, copies and removes. USB and radio decisions on the
// loop never wait for a large file to be read or judged.
//
// ThreadExaminer runs one worker thread: one file at a time, in order. One
// thread is enough (the PC is a desk PC and files written to it come one at
// a time; the detector is fast on small files and bounded on large ones)
// and keeps at most one file's text in memory. ManualExaminer runs each job
// only when a test says (explicit pumping, no sleeps).
//
// The fd of a job is shared (std::shared_ptr<UniqueFd>): the worker holds
// it while it reads, so it is never closed (and its number never reused)
// under the worker, whatever the loop does meanwhile.
//
// Thread-safety: Submit and TakeDone are called from the loop thread only;
// ThreadExaminer's `wake` callback runs on its worker thread (it must be
// thread-safe: the daemon writes an eventfd). The Detector is shared
// (Examine is thread-safe).
#ifndef PIIGUARD_AGENT_ROSTERGUARD_EXAMINER_H_
#define PIIGUARD_AGENT_ROSTERGUARD_EXAMINER_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "agent/roster/detector.h"
#include "common/result.h"
#include "common/unique_fd.h"

namespace piiguard::rosterguard {

struct ExamineJob {
  uint64_t ticket = 0;
  std::shared_ptr<const UniqueFd> fd;
  size_t max_bytes = 0;  // read at most this much data (ReadSparseFd)
  roster::Options options;
};

struct Examined {
  uint64_t ticket = 0;
  // An error: the file could not be read or the detector failed.
  Result<roster::Verdict> verdict =
      InternalError("roster guard", "examination", "not run");
  bool truncated = false;  // only max_bytes of data were read
};

// Reads and judges one file: ReadSparseFd then Detector::Examine.
Examined ExamineNow(const roster::Detector& detector, const ExamineJob& job);

class Examiner {
 public:
  virtual ~Examiner() = default;
  virtual void Submit(ExamineJob job) = 0;
  // The jobs finished since the last call, in the order submitted.
  virtual std::vector<Examined> TakeDone() = 0;
};

class ThreadExaminer : public Examiner {
 public:
  // `wake` is called on the worker thread after each finished job.
  ThreadExaminer(const roster::Detector& detector, std::function<void()> wake);
  // Finishes the job in hand, drops the queued ones, joins the thread.
  ~ThreadExaminer() override;
  ThreadExaminer(const ThreadExaminer&) = delete;
  ThreadExaminer& operator=(const ThreadExaminer&) = delete;

  void Submit(ExamineJob job) override;
  std::vector<Examined> TakeDone() override;
  // Blocks until every submitted job is done (tests; no sleeping).
  void WaitIdle();

 private:
  void Run();

  const roster::Detector& detector_;
  std::function<void()> wake_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ExamineJob> queue_;
  std::vector<Examined> done_;
  size_t busy_ = 0;  // jobs submitted and not yet done
  bool stopping_ = false;
  std::thread thread_;  // last: started after the fields above exist
};

// Runs jobs only in RunAll() (tests).
class ManualExaminer : public Examiner {
 public:
  explicit ManualExaminer(const roster::Detector& detector)
      : detector_(detector) {}
  void Submit(ExamineJob job) override { queue_.push_back(std::move(job)); }
  std::vector<Examined> TakeDone() override;
  // Runs every queued job; returns how many.
  size_t RunAll();
  size_t queued() const { return queue_.size(); }

 private:
  const roster::Detector& detector_;
  std::deque<ExamineJob> queue_;
  std::vector<Examined> done_;
};

}  // namespace piiguard::rosterguard

#endif  // PIIGUARD_AGENT_ROSTERGUARD_EXAMINER_H_
