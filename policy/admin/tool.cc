#include "policy/admin/tool.h"

#include <ctime>
#include <ostream>

#include "common/file_util.h"
#include "common/signed_envelope.h"
#include "common/timestamp.h"

namespace piiguard::admin {

Result<int64_t> NowOr(const std::string& text) {
  if (text.empty()) return static_cast<int64_t>(std::time(nullptr));
  return ParseRfc3339(text);
}

Result<policy::PolicyVerdict> LoadVerifiedPolicy(
    const Tool& tool, const std::string& path,
    const std::vector<Ed25519PublicKey>& trusted, int64_t now) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string bytes,
                            ReadFileBytes(path, policy::kMaxPolicySize + 4096));
  policy::PolicyVerdict v =
      policy::VerifySignedPolicy(bytes, trusted, now, std::nullopt);
  if (!v.accepted()) {
    return FailedPreconditionError(
        "policy", path,
        DescribePolicyVerdict(v, tool.lang) + " [" + v.detail + "]");
  }
  return v;
}

Result<policy::Policy> LoadSignedPolicyAnyDate(const std::string& path,
                                               const std::string& pub_path) {
  PIIGUARD_ASSIGN_OR_RETURN(const Ed25519PublicKey key,
                            LoadPublicKey(pub_path));
  PIIGUARD_ASSIGN_OR_RETURN(std::string bytes,
                            ReadFileBytes(path, policy::kMaxPolicySize + 4096));
  Result<SignedEnvelope> env = ParseSignedEnvelope(bytes);
  if (!env.ok()) return env.status().Annotate(path);
  const std::vector<Ed25519PublicKey> trusted = {key};
  Result<size_t> verified =
      VerifySignedEnvelope(*env, policy::kPolicyEnvelopeType, trusted);
  if (!verified.ok()) return verified.status().Annotate(path);
  Result<policy::Policy> parsed = policy::ParsePolicy(env->payload);
  if (!parsed.ok()) return parsed.status().Annotate(path);
  return parsed;
}

}  // namespace piiguard::admin
