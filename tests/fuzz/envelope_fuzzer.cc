// Fuzzes ParseSignedEnvelope. Oracle: parsing is exact, so whatever parses
// must serialize back to the very same bytes (every byte of a signed file
// is checked by structure or by signature; docs/signing.md).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/signed_envelope.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  piiguard::Result<piiguard::SignedEnvelope> env =
      piiguard::ParseSignedEnvelope(input);
  if (!env.ok()) return 0;
  if (piiguard::SerializeSignedEnvelope(*env) != input) std::abort();
  // A parsed envelope re-parses to the same fields.
  piiguard::Result<piiguard::SignedEnvelope> again =
      piiguard::ParseSignedEnvelope(piiguard::SerializeSignedEnvelope(*env));
  if (!again.ok() || again->type != env->type || again->key_id != env->key_id ||
      again->signature != env->signature || again->payload != env->payload) {
    std::abort();
  }
  return 0;
}
