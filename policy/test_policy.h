// Test helpers (unit tests and fuzzers): a valid policy document to start
// from, a time inside its validity, and keys.
//
// Thread-safety: not applicable (tests).
#ifndef PIIGUARD_POLICY_TEST_POLICY_H_
#define PIIGUARD_POLICY_TEST_POLICY_H_

#include <string>
#include <string_view>

#include "common/crypto.h"
#include "common/json_fwd.h"

namespace piiguard::policy::testing {

// 2026-06-01T12:00:00+09:00, inside the test policy's validity.
inline constexpr int64_t kNow = 1780282800;

// A small valid policy (city 132136, version 3, valid 2026-04-01 to
// 2027-03-31 JST, jobs "job-a" and "job-b", consignee "npo-1").
Json ValidPolicyJson();
std::string_view ValidPolicyText();  // the same document as text
std::string Dump(const Json& json);
Ed25519PrivateKey NewKey();

}  // namespace piiguard::policy::testing

#endif  // PIIGUARD_POLICY_TEST_POLICY_H_
