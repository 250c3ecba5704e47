// Fuzzes ParsePolicy and CanonicalPolicy. Oracles:
//  - a document ParsePolicy accepts can be made canonical (and signed);
//  - CanonicalPolicy is idempotent: its output is its own canonical form;
//  - the canonical form is still a valid policy.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/result.h"
#include "policy/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using piiguard::Result;
  namespace policy = piiguard::policy;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  Result<policy::Policy> parsed = policy::ParsePolicy(input);
  Result<std::string> canonical = policy::CanonicalPolicy(input);
  if (parsed.ok() != canonical.ok()) std::abort();
  if (!canonical.ok()) return 0;

  Result<std::string> again = policy::CanonicalPolicy(*canonical);
  if (!again.ok() || *again != *canonical) std::abort();
  Result<policy::Policy> reparsed = policy::ParsePolicy(*canonical);
  if (!reparsed.ok()) std::abort();
  // The canonical form says the same thing (spot checks of the typed value).
  if (reparsed->version != parsed->version ||
      reparsed->valid_from != parsed->valid_from ||
      reparsed->valid_until != parsed->valid_until ||
      reparsed->city.code != parsed->city.code ||
      reparsed->keys.size() != parsed->keys.size() ||
      reparsed->register_jobs.size() != parsed->register_jobs.size() ||
      reparsed->revoked_sticks.size() != parsed->revoked_sticks.size()) {
    std::abort();
  }
  return 0;
}
