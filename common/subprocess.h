// Runs a helper program (mtools, debugfs) without a shell: argv is passed
// as is, the environment is reduced to PATH and LC_ALL=C, stdin is fed
// from memory and stdout/stderr are captured (each capped).
//
// Thread-safety: call from one thread at a time: it ignores SIGPIPE for
// the process while it runs (the tools that use it are single-threaded).
#ifndef PIIGUARD_COMMON_SUBPROCESS_H_
#define PIIGUARD_COMMON_SUBPROCESS_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace piiguard {

struct ProcessResult {
  int exit_code = -1;  // -1 if killed by a signal
  std::string out;
  std::string err;
};

inline constexpr size_t kMaxCapturedOutput = size_t{16} * 1024 * 1024;

// Fails only if the program could not be started or waited for; a non-zero
// exit is reported in exit_code.
Result<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                 std::string_view stdin_bytes = {});

}  // namespace piiguard

#endif  // PIIGUARD_COMMON_SUBPROCESS_H_
