// piiguardd's side of the examiner (README.md, docs/examiner.md): a
// roster::Detector that examines nothing itself but asks piiguard-examiner,
// an unprivileged, sandboxed child, so that libzip, expat, ICU and
// Hyperscan never parse a user's document inside the root daemon. The
// roster guard and `piiguard scan` keep their Detector interface.
//
// The child is started on the first request (and again on the first
// request after it ended), as the examiner user, on a SOCK_SEQPACKET
// socketpair. Examine() copies the bytes into a memfd sealed against
// writing and resizing and sends that; ExamineFd() sends the caller's
// descriptor. Each request has a deadline: a child that has not answered
// by then (a hostile spreadsheet that makes a parser spin) is killed, as is
// one that answers out of protocol; a child that dies (its sandbox killed
// it) is reaped. Either way the request fails with an error naming why
// ("examiner: file: killed by signal 31 (its sandbox refused a system
// call)"); the callers treat that as "not examined" and fail closed.
//
// Thread-safety: Examine(), ExamineFd() and StatusPart() may be called from
// several threads; requests are served one at a time (a mutex), and
// StatusPart() and child_pid() never wait for a request in progress (the
// daemon's loop calls them).
// OnChildExit() is for the thread that reaps children (the daemon's loop).
#ifndef PIIGUARD_AGENT_PRIV_EXAMINER_CLIENT_H_
#define PIIGUARD_AGENT_PRIV_EXAMINER_CLIENT_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "agent/priv/examiner_protocol.h"
#include "agent/priv/spawner.h"
#include "agent/roster/detector.h"
#include "common/json_fwd.h"
#include "common/result.h"

namespace piiguard::priv {

inline constexpr std::string_view kExaminerUser = "piiguard-examiner";

struct ExaminerConfig {
  std::string program;  // piiguard-examiner
  uid_t uid = 0;        // the examiner user
  gid_t gid = 0;
  bool keep_user = false;  // tests: run it as the caller
  // Longest wait for one verdict. The guard reads at most 64 MiB; the
  // detector takes well under a second for most files (docs/BENCHMARKS.md).
  int64_t deadline_ms = int64_t{60} * 1000;
};

// The examiner as installed: the program beside the running one (a build
// tree) or else /usr/lib/piiguard/piiguard-examiner (the package); the
// piiguard-examiner user (made by the package), or else `nobody` (a build
// tree, the demo), with `note` saying so. An error when neither user
// exists: the guard then does not start (fail closed, shown in status).
Result<ExaminerConfig> InstalledExaminer(std::string* note);

class ExaminerClient : public roster::Detector {
 public:
  ExaminerClient(ExaminerConfig config, agent::Spawner& spawner);
  ~ExaminerClient() override;
  ExaminerClient(const ExaminerClient&) = delete;
  ExaminerClient& operator=(const ExaminerClient&) = delete;

  Result<roster::Verdict> Examine(
      std::string_view bytes, const roster::Options& options) const override;
  Result<roster::Verdict> ExamineFd(
      int fd, const roster::Options& options) const override;

  // Starts the child now if none runs, so that the first file need not
  // wait for its detector to load (call from a thread that may wait).
  Status StartNow();
  // The daemon reaped child `pid` (it may be ours): its wait status.
  void OnChildExit(pid_t pid, int wait_status);
  // The running child's pid, 0 when none (tests); does not wait for a
  // request in progress.
  pid_t child_pid() const;
  // For `piiguard status`: whether a child runs (from its start), the
  // sandbox it entered ("" until its hello), requests, children started,
  // failures and the last one.
  Json StatusPart() const;

 private:
  struct State;
  Result<roster::Verdict> Call(Source source, int fd,
                               const roster::Options& options) const;
  std::unique_ptr<State> state_;
};

}  // namespace piiguard::priv

#endif  // PIIGUARD_AGENT_PRIV_EXAMINER_CLIENT_H_
