// The IT desk's side of the offline exception codes (issue 17 item 2,
// docs/exceptions.md): the master key, the per-PC key derived from it, and
// the response to a challenge a caller reads out. The CLI wiring is in
// exception_commands.cc; these functions take the clock and return values so
// that the tests drive them without a process.
//
// Key files (master and K_pc) are exactly 32 raw bytes, mode 0600, and are
// never overwritten.
//
// Thread-safety: pure functions apart from the key files they read/write.
#ifndef PIIGUARD_POLICY_ADMIN_EXCEPTION_DESK_H_
#define PIIGUARD_POLICY_ADMIN_EXCEPTION_DESK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/messages.h"
#include "common/os/clock.h"
#include "common/result.h"
#include "policy/exception/code_mac.h"
#include "policy/exception/codes.h"

namespace piiguard::admin {

// Reads a key file (master or K_pc): exactly ExceptionKey::kSize bytes.
Result<exception::ExceptionKey> ReadExceptionKeyFile(const std::string& path);

// Writes a new random master to `path` (0600); an existing file is refused
// and left untouched.
[[nodiscard]] Status WriteNewMasterKey(const std::string& path);

// Writes K_pc of `pc_id` (1 to 64 bytes), derived from `master`, to `path`
// (0600); an existing file is refused and left untouched.
[[nodiscard]] Status WritePcKey(const exception::ExceptionKey& master,
                                std::string_view pc_id,
                                const std::string& path);

// What the desk enters for one call.
struct RespondRequest {
  std::string pc_id;
  std::string challenge;    // as heard: full-width digits, spaces, hyphens
  int person = -1;          // index of the responsible person, 0..99
  std::string responsible;  // the id of the person the index names
  std::string detail;       // the stick's identity hash, the folder...
  std::optional<int64_t> issue_day;  // days since 1970-01-01; today if unset
};

struct DeskResponse {
  exception::Challenge challenge;
  int64_t issue_day = 0;
  std::string response;  // grouped, as EncodeResponse writes it
};

// The response to `request.challenge`, for today's issue day in Japan on
// `clock` unless the request names a day. Refuses a malformed challenge
// (`problem`, if not null, says which group), a person index out of range,
// a pc id or detail the MAC cannot take.
Result<DeskResponse> RespondToChallenge(const exception::ExceptionKey& master,
                                        const RespondRequest& request,
                                        const os::Clock& clock,
                                        exception::CodeProblem* problem);

// The request in plain words, for the desk to confirm with the caller.
std::string DescribeRequest(const exception::Challenge& challenge,
                            std::string_view pc_id, Lang lang);
// The response line: the code, the person and the day it is valid on.
std::string DescribeResponse(const DeskResponse& response,
                             const RespondRequest& request, Lang lang);
// A refused challenge explained for the desk: which group to ask again, or
// the whole code.
std::string DescribeChallengeProblem(const exception::CodeProblem& problem,
                                     Lang lang);

}  // namespace piiguard::admin

#endif  // PIIGUARD_POLICY_ADMIN_EXCEPTION_DESK_H_
