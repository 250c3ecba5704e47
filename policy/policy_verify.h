// Accepting a signed policy on a PC: signature by a trusted city key,
// inside its validity period, and not older than the policy the PC already
// applied (anti-rollback). Every refusal has a reason code, an English
// technical detail and a Japanese/English message for people.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_POLICY_POLICY_VERIFY_H_
#define PIIGUARD_POLICY_POLICY_VERIFY_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/crypto.h"
#include "common/messages.h"
#include "policy/policy.h"

namespace piiguard::policy {

enum class PolicyRefusal {
  kNone,
  kMalformed,      // not a signed policy, or the payload is invalid
  kUnknownSigner,  // signed by a key that is not trusted
  kBadSignature,   // altered, or the signature is not the named key's
  kNotYetValid,
  kExpired,
  kRollback,            // older than the applied policy
  kSameVersionDiffers,  // the applied version with other content
};

// What a PC remembers about the policy it applied.
struct AppliedPolicyState {
  int64_t version = 0;
  std::string payload_sha256;  // hex SHA-256 of the signed payload
};

struct PolicyVerdict {
  PolicyRefusal refusal = PolicyRefusal::kMalformed;
  std::string detail;            // technical reason, English
  std::optional<Policy> policy;  // set once the payload parsed
  std::string payload;           // the signed payload, once verified
  std::string payload_sha256;
  std::string signer_key_id;
  int64_t applied_version = 0;  // of the PC, when one was given

  bool accepted() const { return refusal == PolicyRefusal::kNone; }
};

// `trusted` holds the city key pinned at installation and the policy-role
// keys of the applied policy (Policy::KeysFor(KeyRole::kPolicy)).
PolicyVerdict VerifySignedPolicy(
    std::string_view signed_bytes, std::span<const Ed25519PublicKey> trusted,
    int64_t now, const std::optional<AppliedPolicyState>& applied);

// The verdict for people, in `lang`.
std::string DescribePolicyVerdict(const PolicyVerdict& verdict, Lang lang);
// Short English name of a refusal ("rollback").
std::string_view PolicyRefusalName(PolicyRefusal refusal);

// Validates a policy document and returns the signed file's bytes.
Result<std::string> SignPolicy(std::string_view json_bytes,
                               const Ed25519PrivateKey& key);

}  // namespace piiguard::policy

#endif  // PIIGUARD_POLICY_POLICY_VERIFY_H_
