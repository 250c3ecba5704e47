#include "agent/daemon/device_signer.h"

#include "common/json.h"
#include "common/signed_envelope.h"

namespace piiguard::agent {

Result<std::string> DeviceSigner::Sign(std::string_view type,
                                       const Json& payload) const {
  PIIGUARD_ASSIGN_OR_RETURN(std::string canonical,
                            CanonicalJson(payload, type));
  PIIGUARD_ASSIGN_OR_RETURN(SignedEnvelope envelope,
                            SignEnvelope(type, std::move(canonical), key_));
  return SerializeSignedEnvelope(envelope);
}

}  // namespace piiguard::agent
