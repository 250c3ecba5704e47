// piiguard-examiner's life (README.md, docs/examiner.md), apart from its
// main(): loads what the detector needs while files may still be opened
// (a warm-up over each text encoding and container format, so no library
// reaches for a file later), enters its sandbox (ExaminerSandboxPolicy),
// says hello, then answers piiguardd's requests one at a time until piiguardd
// closes the socket.
//
// Thread-safety: call from a process with one thread; it never returns.
#ifndef PIIGUARD_AGENT_PRIV_EXAMINER_SERVE_H_
#define PIIGUARD_AGENT_PRIV_EXAMINER_SERVE_H_

#include <memory>

#include "agent/priv/examiner_protocol.h"
#include "agent/roster/detector.h"
#include "common/result.h"

namespace piiguard::priv {

// The verdict for one request: `fd` read as `request.source` says. A
// kSealedBytes descriptor must be a memfd sealed against writing and
// resizing (else an error: its bytes could change under the detector).
Result<roster::Verdict> ExamineRequestFd(const roster::Detector& detector,
                                         const ExamineRequest& request, int fd);

// Warms `detector` up, enters the sandbox and serves `socket`; exits the
// process (0 when piiguardd closed the socket; 1, after a line on stderr,
// when the sandbox could not be entered or a request was malformed).
[[noreturn]] void RunExaminer(int socket,
                              std::unique_ptr<roster::Detector> detector);

}  // namespace piiguard::priv

#endif  // PIIGUARD_AGENT_PRIV_EXAMINER_SERVE_H_
