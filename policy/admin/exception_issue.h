// The IT desk's side of signed exception files (docs/exceptions.md "Signed
// exception files"): `piiguard-admin exception issue` builds the file for
// one PC, scope and person and signs it with the city key, as policies are
// signed. BuildExceptionFile holds every rule of what may be issued; the
// desk's IssueExceptionFile and the office's review pages (which have the
// payload signed by the signer service, office/exception_signer.h) both
// build through it. The CLI wiring is in exception_commands.cc; these
// functions take the clock so that the tests drive them without a process
// (and make the files the PC's tests apply).
//
// Thread-safety: pure functions apart from the file WriteIssuedFile writes.
#ifndef PIIGUARD_POLICY_ADMIN_EXCEPTION_ISSUE_H_
#define PIIGUARD_POLICY_ADMIN_EXCEPTION_ISSUE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto.h"
#include "common/os/clock.h"
#include "common/result.h"
#include "policy/exception/exception_file.h"
#include "policy/exception/persons.h"
#include "policy/policy.h"

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

// A file built and checked, not signed yet.
struct BuiltFile {
  exception::ExceptionFile file;
  exception::ResponsiblePerson person;
  std::string payload;  // canonical, as the PC's parser accepts it
};

struct IssuedFile {
  exception::ExceptionFile file;
  exception::ResponsiblePerson person;
  std::string bytes;  // the signed file
};

// The unsigned exception file for `request`, issued now on `clock` with a
// fresh random id, checked as the PC's parser checks it. `persons` is the
// person list of the policy the PC applies. kInvalidArgument names the
// field (by its desk option, e.g. `--minutes 45`, or its payload path,
// e.g. `$.reason`) and what it must be.
Result<BuiltFile> BuildExceptionFile(
    const IssueRequest& request,
    const std::vector<exception::ResponsiblePerson>& persons,
    const os::Clock& clock);

// A signed exception file for `request` (BuildExceptionFile, then signed),
// issued now on `clock` with a fresh random id. `persons` is the person list of
// the policy the PC applies.
Result<IssuedFile> IssueExceptionFile(
    const IssueRequest& request,
    const std::vector<exception::ResponsiblePerson>& persons,
    const Ed25519PrivateKey& city_key, const os::Clock& clock);

// The consignee whose `pcs` in `policy` lists `pc_id`; "" when none does.
std::string ConsigneeOfPc(const policy::Policy& policy, std::string_view pc_id);

// A person may permit a file only for a PC of their own consignee: when
// `pc_consignee` (the PC's consignee; "" for none known) is not "" and
// `person` belongs to another, kInvalidArgument naming both.
Status CheckPersonForPc(const exception::ResponsiblePerson& person,
                        std::string_view pc_id, std::string_view pc_consignee);

// Writes `bytes` to `path` (0644: it is signed and single use); an existing
// file is refused and left untouched.
[[nodiscard]] Status WriteIssuedFile(const std::string& path,
                                     const std::string& bytes);

}  // namespace piiguard::admin

#endif  // PIIGUARD_POLICY_ADMIN_EXCEPTION_ISSUE_H_
