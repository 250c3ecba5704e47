// Worker: the roster guard's background thread (guard.h). Jobs run on it in
// order; their completions are queued and run on the daemon's loop thread
// when fd() is readable (an eventfd), so only the loop thread journals and
// decides.
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

class Worker {
 public:
  static Result<std::unique_ptr<Worker>> Start();
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void Run(std::function<void()> job);
  void Post(std::function<void()> done);
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
