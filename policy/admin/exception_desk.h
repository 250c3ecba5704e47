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
#include <vector>

#include "common/messages.h"
#include "common/os/clock.h"
#include "common/result.h"
#include "policy/exception/code_mac.h"
#include "policy/exception/codes.h"
#include "policy/exception/persons.h"

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

// What the desk enters for one call. The scope detail (a stick's identity,
// a folder) is not among it: the PC binds it to the challenge's nonce.
struct RespondRequest {
  std::string pc_id;
  std::string challenge;  // as heard: full-width digits, spaces, hyphens
  int person = -1;        // PP: an index into the policy's person list
  std::optional<int64_t> issue_day;  // days since 1970-01-01; today if unset
};

struct DeskResponse {
  exception::Challenge challenge;
  int64_t issue_day = 0;
  exception::ResponsiblePerson person;  // whom the index names
  std::string response;                 // grouped, as EncodeResponse writes it
  // For a maintenance window (scope 4) only: the vendor's one-time password
  // (policy/exception/maintenance_password.h), "ABCD-EFGH-JKMN-PQRS".
  std::string maintenance_password;
};

// The response to `request.challenge`, for today's issue day in Japan on
// `clock` unless the request names a day. `persons` is the person list of
// the policy the PC applies (exception::ResponsiblePersons). Refuses a
// malformed challenge (`problem`, if not null, says which group), a person
// index that names nobody in `persons`, a pc id the MAC cannot take.
Result<DeskResponse> RespondToChallenge(
    const exception::ExceptionKey& master, const RespondRequest& request,
    const std::vector<exception::ResponsiblePerson>& persons,
    const os::Clock& clock, exception::CodeProblem* problem);

// The request in plain words, for the desk to confirm with the caller.
std::string DescribeRequest(const exception::Challenge& challenge,
                            std::string_view pc_id, Lang lang);
// The response line: the code, the person and the day it is valid on.
std::string DescribeResponse(const DeskResponse& response, Lang lang);
// For a maintenance window: the vendor's password in `lang`, then one line
// in Japanese and English saying it is for the vendor only, never staff.
// Empty for the other scopes.
std::string DescribeMaintenancePassword(const DeskResponse& response,
                                        Lang lang);
// A person of the list: the name, deputy or responsible, and the consignee.
std::string DescribePerson(const exception::ResponsiblePerson& person,
                           Lang lang);
// The numbered list the desk reads to callers (`exception persons`), one
// line each, after a heading naming the policy's version.
std::string DescribePersons(
    const std::vector<exception::ResponsiblePerson>& persons,
    int64_t policy_version, Lang lang);
// A refused challenge explained for the desk: which group to ask again, or
// the whole code.
std::string DescribeChallengeProblem(const exception::CodeProblem& problem,
                                     Lang lang);

}  // namespace piiguard::admin

#endif  // PIIGUARD_POLICY_ADMIN_EXCEPTION_DESK_H_
