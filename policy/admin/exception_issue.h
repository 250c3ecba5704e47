// The IT desk's side of signed exception files (docs/exceptions.md "Signed
// exception files"): `piiguard-admin exception issue` builds the file for
// one PC, scope and person and signs it with the city key, as policies are
// signed. The CLI wiring is in exception_commands.cc; this function takes
// the clock so that the tests drive it without a process (and make the
// files the PC's tests apply).
//
// Thread-safety: pure functions apart from the file WriteIssuedFile writes.
#ifndef PIIGUARD_POLICY_ADMIN_EXCEPTION_ISSUE_H_
#define PIIGUARD_POLICY_ADMIN_EXCEPTION_ISSUE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/os/clock.h"
#include "common/result.h"
#include "policy/exception/exception_file.h"
#include "policy/exception/persons.h"

namespace piiguard::admin {

inline constexpr int64_t kDefaultIssueDays = 7;

struct IssueRequest {
  std::string pc_id;
  std::string scope;     // "stick" or "radios"
  std::string identity;  // stick: the identity hash (64 hex); radios: ""
  int64_t minutes = 0;   // 15, 30, 60, 120, 240 or 480
  int person = -1;       // an index into the policy's person list
  std::string reason;    // R5: why; 1..200 bytes, no control characters
  int64_t days = kDefaultIssueDays;  // redeem_by = now + days (1..7)
};

struct IssuedFile {
  exception::ExceptionFile file;
  exception::ResponsiblePerson person;
  std::string bytes;  // the signed file
};

// A signed exception file for `request`, issued now on `clock` with a fresh
// random id. `persons` is the person list of the policy the PC applies.
Result<IssuedFile> IssueExceptionFile(
    const IssueRequest& request,
    const std::vector<exception::ResponsiblePerson>& persons,
    const Ed25519PrivateKey& city_key, const os::Clock& clock);

// Writes `bytes` to `path` (0644: it is signed and single use); an existing
// file is refused and left untouched.
[[nodiscard]] Status WriteIssuedFile(const std::string& path,
                                     const std::string& bytes);

}  // namespace piiguard::admin

#endif  // PIIGUARD_POLICY_ADMIN_EXCEPTION_ISSUE_H_
