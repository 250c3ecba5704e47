// Worker: the roster guard's background thread (guard.h). Jobs run on it in
// order; their completions are queued and run on the daemon's loop thread
// when fd() is readable (an eventfd), so only the loop thread journals and
// decides. It is the guard's Executor; tests give the guard an
// InlineExecutor instead (the same code, no thread).
//
// Thread-safety: Run() and Post() may be called from any thread; fd() and
// RunCompletions() from the loop thread only. The destructor stops the
// thread after the job it is running and drops the jobs and completions
// still queued (their files stay where they are and are seen again when
// next written).
#ifndef PIIGUARD_AGENT_ROSTERGUARD_WORKER_H_
#define PIIGUARD_AGENT_ROSTERGUARD_WORKER_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "common/result.h"
#include "common/unique_fd.h"

namespace piiguard::agent::rosterguard {

// Where the guard's jobs and their completions run.
class Executor {
 public:
  virtual ~Executor() = default;
  // Runs `job` off the loop thread (or inline).
  virtual void Run(std::function<void()> job) = 0;
  // Runs `done` on the loop thread (or inline).
  virtual void Post(std::function<void()> done) = 0;
};

// Runs both at once, on the caller's thread (tests, office_seed).
class InlineExecutor : public Executor {
 public:
  void Run(std::function<void()> job) override { job(); }
  void Post(std::function<void()> done) override { done(); }
};

class Worker : public Executor {
 public:
  static Result<std::unique_ptr<Worker>> Start();
  ~Worker() override;
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void Run(std::function<void()> job) override;
  void Post(std::function<void()> done) override;
  int fd() const { return event_fd_.get(); }
  // Runs the completions queued so far (loop thread).
  void RunCompletions();

 private:
  explicit Worker(UniqueFd event_fd);
  void Loop();

  UniqueFd event_fd_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::deque<std::function<void()>> done_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace piiguard::agent::rosterguard

#endif  // PIIGUARD_AGENT_ROSTERGUARD_WORKER_H_
