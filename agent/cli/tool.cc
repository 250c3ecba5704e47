#include "agent/cli/tool.h"

#include <ostream>

#include "common/file_util.h"

namespace piiguard::cli {

int Tool::Fail(const Status& status) const {
  *err << Message(lang, MsgId::kError, {status.message()}) << "\n";
  return kExitError;
}

Result<Ed25519PublicKey> LoadPublicKey(const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string pem,
                            ReadFileBytes(path, size_t{64} * 1024));
  Result<Ed25519PublicKey> key = Ed25519PublicKey::FromPem(pem);
  if (!key.ok()) return key.status().Annotate(path);
  return key;
}

}  // namespace piiguard::cli
