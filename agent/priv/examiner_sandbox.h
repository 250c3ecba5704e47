// The examiner's permit table (README.md, docs/examiner.md): what
// piiguard-examiner may still do once its detector is loaded. It reads the
// descriptors piiguardd sends it (pread, or a read-only map of a sealed
// memfd), answers on its socket, allocates memory and exits. No open or
// openat at all, no socket, no exec or fork, no signal to another process:
// any other system call kills the process (SIGSYS). Landlock (where the
// kernel has it) is entered with no path at all, so even a descriptor
// smuggled in could not be used to reach a file by name.
//
// Thread-safety: pure function.
#ifndef PIIGUARD_AGENT_PRIV_EXAMINER_SANDBOX_H_
#define PIIGUARD_AGENT_PRIV_EXAMINER_SANDBOX_H_

#include "common/os/sandbox.h"

namespace piiguard::priv {

os::SandboxPolicy ExaminerSandboxPolicy();

}  // namespace piiguard::priv

#endif  // PIIGUARD_AGENT_PRIV_EXAMINER_SANDBOX_H_
