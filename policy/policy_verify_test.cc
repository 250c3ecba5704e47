#include "policy/policy_verify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/encoding.h"
#include "common/json.h"
#include "common/signed_envelope.h"
#include "policy/test_policy.h"

namespace piiguard::policy {
namespace {

using testing::Dump;
using ::testing::HasSubstr;
using testing::kNow;
using testing::NewKey;
using testing::ValidPolicyJson;

class PolicyVerifyTest : public ::testing::Test {
 protected:
  std::string Signed(const Json& json) { return Signed(json, key_); }
  static std::string Signed(const Json& json, const Ed25519PrivateKey& key) {
    Result<std::string> s = SignPolicy(Dump(json), key);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? *s : "";
  }
  PolicyVerdict Verify(
      std::string_view bytes,
      const std::optional<AppliedPolicyState>& applied = std::nullopt,
      int64_t now = kNow) {
    return VerifySignedPolicy(bytes, trusted_, now, applied);
  }

  Ed25519PrivateKey key_ = NewKey();
  std::vector<Ed25519PublicKey> trusted_ = {key_.PublicKey()};
};

TEST_F(PolicyVerifyTest, AcceptsAValidPolicy) {
  PolicyVerdict v = Verify(Signed(ValidPolicyJson()));
  ASSERT_TRUE(v.accepted()) << v.detail;
  EXPECT_EQ(v.policy->version, 3);
  EXPECT_EQ(v.signer_key_id, key_.PublicKey().KeyId());
  EXPECT_EQ(v.payload_sha256, Sha256Hex(v.payload));
  EXPECT_THAT(DescribePolicyVerdict(v, Lang::kJa),
              HasSubstr("ポリシーは有効です"));
  EXPECT_THAT(DescribePolicyVerdict(v, Lang::kEn), HasSubstr("version 3"));
}

TEST_F(PolicyVerifyTest, RefusesAnotherKey) {
  Ed25519PrivateKey other = NewKey();
  PolicyVerdict v = Verify(Signed(ValidPolicyJson(), other));
  EXPECT_EQ(v.refusal, PolicyRefusal::kUnknownSigner);
  EXPECT_FALSE(v.policy.has_value());  // nothing parsed before the signature
  EXPECT_THAT(DescribePolicyVerdict(v, Lang::kJa), HasSubstr("認めていない鍵"));
}

TEST_F(PolicyVerifyTest, RefusesAForgedSignatureUnderTheTrustedKeyId) {
  // Signed by another key, but claiming the trusted key's id.
  Ed25519PrivateKey other = NewKey();
  Result<SignedEnvelope> env =
      ParseSignedEnvelope(Signed(ValidPolicyJson(), other));
  ASSERT_TRUE(env.ok());
  env->key_id = key_.PublicKey().KeyId();
  PolicyVerdict v = Verify(SerializeSignedEnvelope(*env));
  EXPECT_EQ(v.refusal, PolicyRefusal::kBadSignature);
}

TEST_F(PolicyVerifyTest, RefusesEverySingleByteChange) {
  std::string good = Signed(ValidPolicyJson());
  for (size_t i = 0; i < good.size(); ++i) {
    for (unsigned char flip : {0x01, 0x20, 0x80}) {
      std::string bad = good;
      bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ flip);
      ASSERT_FALSE(Verify(bad).accepted())
          << "byte " << i << " ^ " << int{flip};
    }
  }
}

TEST_F(PolicyVerifyTest, RefusesTruncationAndAppending) {
  std::string good = Signed(ValidPolicyJson());
  for (size_t len = 0; len < good.size(); ++len) {
    ASSERT_EQ(Verify(good.substr(0, len)).refusal, PolicyRefusal::kMalformed)
        << len;
  }
  EXPECT_EQ(Verify(good + "\n").refusal, PolicyRefusal::kMalformed);
}

TEST_F(PolicyVerifyTest, RefusesOutsideTheValidityPeriod) {
  std::string s = Signed(ValidPolicyJson());
  PolicyVerdict early = Verify(s, std::nullopt, 1774969200 - 1);
  EXPECT_EQ(early.refusal, PolicyRefusal::kNotYetValid);
  EXPECT_TRUE(Verify(s, std::nullopt, 1774969200).accepted());
  PolicyVerdict late = Verify(s, std::nullopt, 1806505200);  // 2027-04-01 JST
  EXPECT_EQ(late.refusal, PolicyRefusal::kExpired);
  EXPECT_THAT(DescribePolicyVerdict(late, Lang::kJa),
              HasSubstr("2027-03-31T23:59:59+09:00"));
}

TEST_F(PolicyVerifyTest, RefusesAnOlderVersion) {
  std::string s = Signed(ValidPolicyJson());  // version 3
  PolicyVerdict v = Verify(s, AppliedPolicyState{4, "x"});
  EXPECT_EQ(v.refusal, PolicyRefusal::kRollback);
  EXPECT_THAT(v.detail, HasSubstr("3 is older than the applied version 4"));
  EXPECT_THAT(DescribePolicyVerdict(v, Lang::kJa),
              HasSubstr("版 4 が適用済み"));
}

TEST_F(PolicyVerifyTest, SameVersionMustBeTheSameContent) {
  std::string s = Signed(ValidPolicyJson());
  PolicyVerdict first = Verify(s);
  ASSERT_TRUE(first.accepted());
  AppliedPolicyState applied{3, first.payload_sha256};
  EXPECT_TRUE(Verify(s, applied).accepted());
  Json changed = ValidPolicyJson();
  changed["usb"]["unkeyed_storage"] = "block";
  EXPECT_EQ(Verify(Signed(changed), applied).refusal,
            PolicyRefusal::kSameVersionDiffers);
  changed["version"] = 4;
  EXPECT_TRUE(Verify(Signed(changed), applied).accepted());
}

TEST_F(PolicyVerifyTest, RefusesSignedButNonCanonicalOrInvalidPayloads) {
  Result<SignedEnvelope> spaced =
      SignEnvelope(kPolicyEnvelopeType, Dump(ValidPolicyJson()), key_);
  ASSERT_TRUE(spaced.ok());
  PolicyVerdict v = Verify(SerializeSignedEnvelope(*spaced));
  EXPECT_EQ(v.refusal, PolicyRefusal::kMalformed);
  EXPECT_THAT(v.detail, HasSubstr("not in canonical form"));

  Json invalid = ValidPolicyJson();
  invalid["version"] = 0;
  Result<SignedEnvelope> env =
      SignEnvelope(kPolicyEnvelopeType, invalid.dump(), key_);
  ASSERT_TRUE(env.ok());
  v = Verify(SerializeSignedEnvelope(*env));
  EXPECT_EQ(v.refusal, PolicyRefusal::kMalformed);
  EXPECT_THAT(v.detail, HasSubstr("$.version"));
}

TEST_F(PolicyVerifyTest, AStickKeySignatureIsNotAPolicy) {
  Result<SignedEnvelope> env =
      SignEnvelope("stick-key", ValidPolicyJson().dump(), key_);
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(Verify(SerializeSignedEnvelope(*env)).refusal,
            PolicyRefusal::kMalformed);
}

TEST_F(PolicyVerifyTest, KeyRotationThroughTheAppliedPolicy) {
  Ed25519PrivateKey next = NewKey();
  Json announcing = ValidPolicyJson();
  announcing["keys"] =
      Json::array({{{"name", "2027 key"},
                    {"roles", {"policy"}},
                    {"public_key", Base64Encode(next.PublicKey().raw())}}});
  PolicyVerdict applied = Verify(Signed(announcing));  // signed by the old key
  ASSERT_TRUE(applied.accepted()) << applied.detail;

  Json later = ValidPolicyJson();
  later["version"] = 4;
  std::string by_next = Signed(later, next);
  EXPECT_EQ(Verify(by_next).refusal, PolicyRefusal::kUnknownSigner);
  std::vector<Ed25519PublicKey> rotated = trusted_;
  for (auto& k : applied.policy->KeysFor(KeyRole::kPolicy))
    rotated.push_back(k);
  EXPECT_TRUE(VerifySignedPolicy(by_next, rotated, kNow,
                                 AppliedPolicyState{3, applied.payload_sha256})
                  .accepted());
}

TEST_F(PolicyVerifyTest, SignPolicyRefusesAnInvalidDocument) {
  Json j = ValidPolicyJson();
  j["usb"]["unkeyed_storage"] = "rw";
  Result<std::string> s = SignPolicy(Dump(j), key_);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("$.usb.unkeyed_storage"));
}

}  // namespace
}  // namespace piiguard::policy
