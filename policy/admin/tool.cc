#include "policy/admin/tool.h"

#include <ctime>
#include <ostream>

#include "common/file_util.h"
#include "common/timestamp.h"

namespace piiguard::admin {

int Tool::Fail(const Status& status) const {
  *err << Message(lang, MsgId::kError, {status.message()}) << "\n";
  return kExitError;
}

Result<Ed25519PrivateKey> LoadPrivateKey(const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string pem,
                            ReadFileBytes(path, size_t{64} * 1024));
  Result<Ed25519PrivateKey> key = Ed25519PrivateKey::FromPem(pem);
  CleanseString(pem);
  if (!key.ok()) return key.status().Annotate(path);
  return key;
}

Result<Ed25519PublicKey> LoadPublicKey(const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string pem,
                            ReadFileBytes(path, size_t{64} * 1024));
  Result<Ed25519PublicKey> key = Ed25519PublicKey::FromPem(pem);
  if (!key.ok()) return key.status().Annotate(path);
  return key;
}

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

}  // namespace piiguard::admin
