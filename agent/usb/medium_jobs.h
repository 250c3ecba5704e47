// MediumJobs: runs medium requests (medium_helper.h) off the event loop.
// Start() hands a request over and returns at once; Collect(), once fd() is
// readable, tells first that the helper has started on the request (the
// helper's first byte, kHelperReady: its deadline starts then, not while a
// program is being loaded) and then gives its answer. A job whose answer is not
// wanted any more (its deadline passed: the enforcer keeps the deadlines) is
// Abandon()ed: its process is killed (SIGKILL through a pidfd, so a reused
// pid is never hit) and never waited for; a process stuck in an
// uninterruptible read dies whenever the kernel lets it, and the daemon's
// SIGCHLD handler reaps it then.
//
// LinuxMediumJobs spawns `ARGV...` (piiguardd --medium-helper) per job with
// posix_spawn: the request on its stdin, the answer on its stdout (at most
// kMaxMediumMessageSize), every other descriptor closed. One helper is
// started ahead (from Create() on, and again whenever no job runs) and
// waits on its stdin, so a request (cutting writes on a revoked stick) does
// not wait for a program to start. fd() is an
// epoll descriptor over the jobs' pipes. FakeMediumJobs
// (testing/fake_medium_jobs.h) keeps requests until a test runs them on fake
// seams (or never, a stick that does not answer).
//
// The process must ignore or block SIGPIPE (piiguardd blocks it): a helper
// that dies before reading its request makes the write fail with EPIPE.
//
// Thread-safety: not thread-safe; the daemon's event loop owns it.
#ifndef PIIGUARD_AGENT_USB_MEDIUM_JOBS_H_
#define PIIGUARD_AGENT_USB_MEDIUM_JOBS_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/usb/medium_helper.h"
#include "common/result.h"
#include "common/unique_fd.h"

namespace piiguard::agent::usb {

// The helper's first byte on stdout: it runs and reads its request now.
inline constexpr char kHelperReady = '\x06';

class MediumJobs {
 public:
  using Id = uint64_t;
  // `second` is nullopt when the helper has started on the request, else
  // the job's end (its answer, or why there is none).
  using Done = std::pair<Id, std::optional<Result<MediumAnswer>>>;
  virtual ~MediumJobs() = default;
  virtual Result<Id> Start(const MediumRequest& request) = 0;
  virtual void Abandon(Id id) = 0;
  // Readable when answers may be waiting; -1 for a fake.
  virtual int fd() const = 0;
  // What happened since the last call: helpers that started, jobs that
  // ended (a helper that died or wrote garbage gives an error).
  virtual std::vector<Done> Collect() = 0;
};

class LinuxMediumJobs : public MediumJobs {
 public:
  static Result<std::unique_ptr<LinuxMediumJobs>> Create(
      std::vector<std::string> argv);
  ~LinuxMediumJobs() override;
  Result<Id> Start(const MediumRequest& request) override;
  void Abandon(Id id) override;
  int fd() const override { return epoll_.get(); }
  std::vector<Done> Collect() override;
  size_t running() const { return jobs_.size(); }

 private:
  struct Job {
    pid_t pid = 0;
    UniqueFd pidfd;
    UniqueFd in;   // the helper's stdin, until the request is written
    UniqueFd out;  // the helper's stdout
    std::string answer;
    bool ready = false;     // its first byte came
    bool reported = false;  // ... and Collect() said so
  };
  LinuxMediumJobs(std::vector<std::string> argv, UniqueFd epoll)
      : argv_(std::move(argv)), epoll_(std::move(epoll)) {}
  // A helper waiting for its request.
  Result<Job> Spawn();
  // The spare helper if it is alive, else a new one.
  Result<Job> TakeHelper();
  // Starts the spare helper if there is none and no job runs.
  void StartSpare();
  // Reads what the job's pipe holds; true once it is at its end (or broke).
  static bool Drain(Job& job, Status& error);
  void Finish(Id id, Job& job);

  std::vector<std::string> argv_;
  UniqueFd epoll_;
  Id next_ = 1;
  std::map<Id, Job> jobs_;
  std::optional<Job> spare_;
};

}  // namespace piiguard::agent::usb

#endif  // PIIGUARD_AGENT_USB_MEDIUM_JOBS_H_
