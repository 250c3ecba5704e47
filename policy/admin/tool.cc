#include "policy/admin/tool.h"

#include <ctime>
#include <ostream>

#include "common/file_util.h"
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

}  // namespace piiguard::admin
