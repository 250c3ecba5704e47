// Fuzzes VerifySignedPolicy with a trusted key made once per process and a
// fixed time. Two modes per input:
//  - the input itself as a signed policy file: no file but the one this
//    process signed can be accepted (nobody else has the key);
//  - a known-good signed policy mutated as the input says (data[0] selects
//    overwrite / insert / erase / replace, then a position and bytes): a
//    mutated file that differs from the original must never be accepted.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto.h"
#include "common/messages.h"
#include "common/result.h"
#include "policy/policy.h"
#include "policy/policy_verify.h"
#include "policy/test_policy.h"

namespace {

namespace policy = piiguard::policy;
using piiguard::Ed25519PrivateKey;
using piiguard::Ed25519PublicKey;
using piiguard::Result;
using piiguard::policy::testing::kNow;
using piiguard::policy::testing::ValidPolicyText;

struct Fixture {
  std::vector<Ed25519PublicKey> trusted;
  std::string good;  // the signed policy file
  policy::AppliedPolicyState applied;
};

const Fixture& GetFixture() {
  static const Fixture* const fixture = [] {
    Result<Ed25519PrivateKey> key = Ed25519PrivateKey::Generate();
    if (!key.ok()) std::abort();
    Result<std::string> good = policy::SignPolicy(ValidPolicyText(), *key);
    if (!good.ok()) std::abort();
    auto* f = new Fixture{{key->PublicKey()}, std::move(good).value(), {}};
    policy::PolicyVerdict v =
        policy::VerifySignedPolicy(f->good, f->trusted, kNow, std::nullopt);
    if (!v.accepted()) std::abort();  // the fixture itself must be good
    f->applied = {v.policy->version, v.payload_sha256};
    return f;
  }();
  return *fixture;
}

// Verifies `bytes`; aborts if it is accepted but is not the good file.
void Check(std::string_view bytes, const Fixture& f) {
  const std::optional<policy::AppliedPolicyState> states[] = {std::nullopt,
                                                              f.applied};
  for (const auto& applied : states) {
    policy::PolicyVerdict v =
        policy::VerifySignedPolicy(bytes, f.trusted, kNow, applied);
    if (v.accepted() != (bytes == f.good)) std::abort();
    if (v.accepted() && !v.policy.has_value()) std::abort();
    (void)policy::DescribePolicyVerdict(v, piiguard::Lang::kJa);
    (void)policy::DescribePolicyVerdict(v, piiguard::Lang::kEn);
    (void)policy::PolicyRefusalName(v.refusal);
  }
}

// Reads a little-endian uint32 from data[at..at+4), zero-padded.
size_t ReadIndex(const uint8_t* data, size_t size, size_t at) {
  size_t v = 0;
  for (size_t i = 0; i < 4; ++i) {
    v |= static_cast<size_t>(at + i < size ? data[at + i] : 0) << (8 * i);
  }
  return v;
}

std::string Mutate(const std::string& good, const uint8_t* data, size_t size) {
  std::string out = good;
  const size_t pos = ReadIndex(data, size, 1) % (good.size() + 1);
  const std::string_view rest =
      size > 5
          ? std::string_view(reinterpret_cast<const char*>(data) + 5, size - 5)
          : std::string_view();
  switch (data[0] % 5) {
    case 0:  // flip bits of one byte (always a change)
      if (pos < out.size()) {
        const uint8_t mask = rest.empty() ? 1 : static_cast<uint8_t>(rest[0]);
        out[pos] = static_cast<char>(static_cast<uint8_t>(out[pos]) ^
                                     (mask == 0 ? 1 : mask));
      }
      break;
    case 1:  // overwrite bytes
      out.replace(pos, rest.size(), rest);
      break;
    case 2:  // insert bytes
      out.insert(pos, rest);
      break;
    case 3:  // erase bytes
      out.erase(pos, rest.empty() ? 1 : static_cast<uint8_t>(rest[0]) + 1u);
      break;
    default:  // truncate, then append
      out.resize(pos);
      out += rest;
      break;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = GetFixture();
  Check(std::string_view(reinterpret_cast<const char*>(data), size), f);
  if (size == 0) return 0;
  Check(Mutate(f.good, data, size), f);
  return 0;
}
