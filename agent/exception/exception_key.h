// This PC's key for the offline exception codes, K_pc (docs/exceptions.md
// "On the PC"), read from the file the IT desk installs at enrolment
// (`piiguard-admin exception pc-key`, /etc/piiguard/exception.key).
//
// Thread-safety: thread-safe (no shared state).
#ifndef PIIGUARD_AGENT_EXCEPTION_EXCEPTION_KEY_H_
#define PIIGUARD_AGENT_EXCEPTION_EXCEPTION_KEY_H_

#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/result.h"
#include "policy/exception/code_mac.h"

namespace piiguard::agent {

inline constexpr std::string_view kDefaultExceptionKey =
    "/etc/piiguard/exception.key";

// K_pc from `path`: a regular file (a symlink is not followed, a FIFO or a
// device is not waited on) owned by `owner` (root in piiguardd), with no
// permission for group or others, of exactly 32 bytes. Anything else is
// refused: a key staff could read or replace lets them forge codes.
Result<exception::ExceptionKey> LoadExceptionKey(const std::string& path,
                                                 uid_t owner = 0);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_EXCEPTION_EXCEPTION_KEY_H_
