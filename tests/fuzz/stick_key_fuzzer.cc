// Fuzzes the stick key: ParseSignedEnvelope + ParseStickKeyPayload on the
// input (and on the input taken as a bare payload), and VerifyStickKey with
// a fixed applied policy, trusted key and time. Oracles:
//  - a payload ParseStickKeyPayload accepts is canonical: StickKeyPayload of
//    the parsed key gives back exactly the same bytes;
//  - a fuzzed key file is never accepted (nobody else has the key);
//  - a parsed payload signed with the trusted key passes the signature
//    check, and is accepted only if every binding holds.

#include <algorithm>
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
#include "common/signed_envelope.h"
#include "policy/policy.h"
#include "policy/stick_key.h"
#include "policy/test_policy.h"

namespace {

namespace policy = piiguard::policy;
using piiguard::Ed25519PrivateKey;
using piiguard::Ed25519PublicKey;
using piiguard::Result;
using piiguard::policy::testing::kNow;
using piiguard::policy::testing::ValidPolicyText;

struct Fixture {
  Fixture(policy::Policy p, Ed25519PrivateKey k)
      : applied(std::move(p)), signer(std::move(k)) {
    trusted.push_back(signer.PublicKey());
  }
  policy::Policy applied;
  Ed25519PrivateKey signer;
  std::vector<Ed25519PublicKey> trusted;
  policy::StickIdentity observed{
      "0781", "5581", "4C530001231122115142", 32000000000, "1234-abcd", "vfat"};
};

const Fixture& GetFixture() {
  static const Fixture* const fixture = [] {
    Result<policy::Policy> p = policy::ParsePolicy(ValidPolicyText());
    Result<Ed25519PrivateKey> key = Ed25519PrivateKey::Generate();
    if (!p.ok() || !key.ok()) std::abort();
    return new Fixture(std::move(p).value(), std::move(key).value());
  }();
  return *fixture;
}

policy::StickVerdict Verify(const std::optional<std::string>& file,
                            const policy::StickIdentity& observed,
                            const std::string& pc_id, const Fixture& f) {
  policy::StickContext ctx{&f.applied, f.trusted, kNow, pc_id};
  policy::StickVerdict v = policy::VerifyStickKey(file, observed, ctx);
  (void)v.Reason();
  (void)policy::DescribeStickVerdict(v, piiguard::Lang::kJa);
  (void)policy::DescribeStickVerdict(v, piiguard::Lang::kEn);
  return v;
}

// Whether an accepted verdict is right: every binding VerifyStickKey checks.
bool BindingsHold(const policy::StickKey& key,
                  const policy::StickIdentity& observed,
                  const std::string& pc_id, const Fixture& f) {
  const policy::StickIdentity& id = key.identity;
  return key.city_code == f.applied.city.code &&
         f.applied.FindRevoked(key.stick_id) == nullptr &&
         id.vid == observed.vid && id.pid == observed.pid &&
         id.serial == observed.serial &&
         id.capacity_bytes == observed.capacity_bytes &&
         id.fs_uuid == observed.fs_uuid && id.fs_type == observed.fs_type &&
         key.issued_at <= kNow && kNow <= key.expires_at &&
         f.applied.FindJob(key.job_id) != nullptr &&
         (key.allowed_pcs.empty() ||
          std::find(key.allowed_pcs.begin(), key.allowed_pcs.end(), pc_id) !=
              key.allowed_pcs.end());
}

void CheckPayload(std::string_view payload, const Fixture& f) {
  Result<policy::StickKey> key = policy::ParseStickKeyPayload(payload);
  if (!key.ok()) return;
  Result<std::string> again = policy::StickKeyPayload(*key);
  if (!again.ok() || *again != payload) std::abort();  // canonical round trip

  // Signed by the trusted key, the payload reaches the binding checks: once
  // against the fixed stick, once against the stick it names.
  Result<std::string> signed_file = policy::SignStickKey(*key, f.signer);
  if (!signed_file.ok()) std::abort();
  const std::vector<const policy::StickIdentity*> sticks = {&f.observed,
                                                            &key->identity};
  const std::vector<std::string> pcs = {"", "pc-1"};
  for (const policy::StickIdentity* observed : sticks) {
    for (const std::string& pc_id : pcs) {
      policy::StickVerdict v = Verify(*signed_file, *observed, pc_id, f);
      if (v.refusal == policy::StickRefusal::kMalformed ||
          v.refusal == policy::StickRefusal::kUnknownSigner ||
          v.refusal == policy::StickRefusal::kBadSignature ||
          v.refusal == policy::StickRefusal::kNoKeyFile) {
        std::abort();
      }
      if (v.accepted() != BindingsHold(*key, *observed, pc_id, f)) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = GetFixture();
  const std::string input(reinterpret_cast<const char*>(data), size);

  Result<piiguard::SignedEnvelope> env = piiguard::ParseSignedEnvelope(input);
  if (env.ok()) CheckPayload(env->payload, f);
  CheckPayload(input, f);

  if (Verify(input, f.observed, "pc-1", f).accepted()) std::abort();
  if (Verify(std::nullopt, f.observed, "pc-1", f).refusal !=
      policy::StickRefusal::kNoKeyFile) {
    std::abort();
  }
  return 0;
}
