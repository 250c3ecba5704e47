#include "policy/stick_key.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/encoding.h"
#include "common/json.h"
#include "common/signed_envelope.h"
#include "common/timestamp.h"
#include "policy/test_policy.h"

namespace piiguard::policy {
namespace {

using ::testing::HasSubstr;
using testing::kNow;
using testing::NewKey;

StickIdentity SampleIdentity() {
  return {"0781",         "5567",      "4C530001230101117125",
          15693664256ULL, "1a2b-3c4d", "vfat"};
}

StickKey SampleKey() {
  StickKey key;
  key.stick_id = "0123456789abcdef0123456789abcdef";
  key.city_code = "132136";
  key.identity = SampleIdentity();
  key.job_id = "job-a";
  key.holder = "山田 花子";
  key.issued_at = kNow - 86400;
  key.expires_at = kNow + int64_t{86400} * 30;
  return key;
}

class StickKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Policy> p = ParsePolicy(testing::Dump(testing::ValidPolicyJson()));
    ASSERT_TRUE(p.ok()) << p.status().message();
    policy_ = std::move(p).value();
  }
  std::string Signed(const StickKey& key) { return Signed(key, key_); }
  static std::string Signed(const StickKey& key,
                            const Ed25519PrivateKey& signer) {
    Result<std::string> s = SignStickKey(key, signer);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? *s : "";
  }
  StickVerdict Verify(const std::optional<std::string>& file,
                      const StickIdentity& seen = SampleIdentity(),
                      int64_t now = kNow, std::string pc = "pc-1") {
    StickContext ctx{&policy_, trusted_, now, std::move(pc)};
    return VerifyStickKey(file, seen, ctx);
  }

  Ed25519PrivateKey key_ = NewKey();
  std::vector<Ed25519PublicKey> trusted_ = {key_.PublicKey()};
  Policy policy_;
};

TEST_F(StickKeyTest, PayloadRoundTrips) {
  StickKey key = SampleKey();
  key.allowed_pcs = {"pc-1", "pc-2"};
  Result<std::string> payload = StickKeyPayload(key);
  ASSERT_TRUE(payload.ok()) << payload.status().message();
  Result<StickKey> back = ParseStickKeyPayload(*payload);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->stick_id, key.stick_id);
  EXPECT_EQ(back->identity.serial, key.identity.serial);
  EXPECT_EQ(back->identity.capacity_bytes, key.identity.capacity_bytes);
  EXPECT_EQ(back->holder, "山田 花子");
  EXPECT_EQ(back->expires_at, key.expires_at);
  EXPECT_EQ(back->allowed_pcs, key.allowed_pcs);
}

TEST_F(StickKeyTest, TimesMustBeWrittenInJapanStandardTime) {
  // The same instant at another offset would be a second payload for the
  // same key: refused, so every key has exactly one canonical payload.
  Result<std::string> payload = StickKeyPayload(SampleKey());
  ASSERT_TRUE(payload.ok());
  Json j = Json::parse(*payload);
  j["issued_at"] = FormatRfc3339(SampleKey().issued_at, 0);
  Result<StickKey> parsed = ParseStickKeyPayload(j.dump());
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(),
              HasSubstr("$.issued_at: must be written"));
}

TEST_F(StickKeyTest, InvalidKeysCannotBeSigned) {
  StickKey key = SampleKey();
  key.identity.vid = "ABCD";
  EXPECT_THAT(SignStickKey(key, key_).status().message(),
              HasSubstr("$.identity.vid"));
  key = SampleKey();
  key.expires_at = key.issued_at;
  EXPECT_THAT(SignStickKey(key, key_).status().message(),
              HasSubstr("$.expires_at"));
  key = SampleKey();
  key.stick_id = "short";
  EXPECT_THAT(SignStickKey(key, key_).status().message(),
              HasSubstr("$.stick_id"));
  key = SampleKey();
  key.identity.fs_type = "ntfs";
  EXPECT_THAT(SignStickKey(key, key_).status().message(),
              HasSubstr("$.identity.fs_type"));
}

TEST_F(StickKeyTest, AcceptsTheStickItWasMadeFor) {
  StickVerdict v = Verify(Signed(SampleKey()));
  ASSERT_TRUE(v.accepted()) << v.detail;
  EXPECT_EQ(v.Reason(), "accepted");
  EXPECT_THAT(DescribeStickVerdict(v, Lang::kJa),
              HasSubstr("書き込みできます"));
}

TEST_F(StickKeyTest, NoKeyFile) {
  StickVerdict v = Verify(std::nullopt);
  EXPECT_EQ(v.refusal, StickRefusal::kNoKeyFile);
  EXPECT_THAT(DescribeStickVerdict(v, Lang::kJa),
              HasSubstr("鍵ファイルがありません"));
}

TEST_F(StickKeyTest, MalformedAndNoPolicy) {
  EXPECT_EQ(Verify(std::string("hello")).refusal, StickRefusal::kMalformed);
  StickContext ctx{nullptr, trusted_, kNow, "pc-1"};
  EXPECT_EQ(VerifyStickKey(Signed(SampleKey()), SampleIdentity(), ctx).refusal,
            StickRefusal::kMalformed);
}

TEST_F(StickKeyTest, RefusesOtherSignersAndForgedSignatures) {
  Ed25519PrivateKey other = NewKey();
  std::string by_other = Signed(SampleKey(), other);
  EXPECT_EQ(Verify(by_other).refusal, StickRefusal::kUnknownSigner);
  Result<SignedEnvelope> env = ParseSignedEnvelope(by_other);
  ASSERT_TRUE(env.ok());
  env->key_id = key_.PublicKey().KeyId();
  StickVerdict v = Verify(SerializeSignedEnvelope(*env));
  EXPECT_EQ(v.refusal, StickRefusal::kBadSignature);
  EXPECT_FALSE(v.key.has_value());
}

TEST_F(StickKeyTest, APolicySignatureIsNotAStickKey) {
  Result<std::string> payload = StickKeyPayload(SampleKey());
  ASSERT_TRUE(payload.ok());
  Result<SignedEnvelope> env = SignEnvelope("policy", *payload, key_);
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(Verify(SerializeSignedEnvelope(*env)).refusal,
            StickRefusal::kMalformed);
}

TEST_F(StickKeyTest, RefusesEverySingleByteChange) {
  std::string good = Signed(SampleKey());
  for (size_t i = 0; i < good.size(); ++i) {
    for (unsigned char flip : {0x01, 0x20, 0x80}) {
      std::string bad = good;
      bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ flip);
      ASSERT_FALSE(Verify(bad).accepted()) << "byte " << i;
    }
  }
}

TEST_F(StickKeyTest, WrongCity) {
  StickKey key = SampleKey();
  key.city_code = "131202";
  StickVerdict v = Verify(Signed(key));
  EXPECT_EQ(v.refusal, StickRefusal::kWrongCity);
  EXPECT_EQ(v.Reason(), "wrong city");
}

TEST_F(StickKeyTest, Revoked) {
  StickKey key = SampleKey();
  key.stick_id = "ffffffffffffffffffffffffffffffff";  // revoked in the policy
  StickVerdict v = Verify(Signed(key));
  EXPECT_EQ(v.refusal, StickRefusal::kRevoked);
  EXPECT_EQ(v.revocation_reason, "紛失");
  EXPECT_THAT(DescribeStickVerdict(v, Lang::kJa), HasSubstr("理由: 紛失"));
}

TEST_F(StickKeyTest, EachIdentityFieldIsBound) {
  std::string file = Signed(SampleKey());
  struct Case {
    const char* field;
    void (*change)(StickIdentity&);
  };
  const Case cases[] = {
      {"vid", [](StickIdentity& i) { i.vid = "0951"; }},
      {"pid", [](StickIdentity& i) { i.pid = "1666"; }},
      {"serial", [](StickIdentity& i) { i.serial = "4C530001230101117126"; }},
      {"capacity", [](StickIdentity& i) { i.capacity_bytes += 512; }},
      {"fs_uuid", [](StickIdentity& i) { i.fs_uuid = "1a2b-3c4e"; }},
      {"fs_type", [](StickIdentity& i) { i.fs_type = "ext4"; }},
  };
  for (const Case& c : cases) {
    StickIdentity seen = SampleIdentity();
    c.change(seen);
    StickVerdict v = Verify(file, seen);
    EXPECT_EQ(v.refusal, StickRefusal::kIdentityMismatch) << c.field;
    EXPECT_EQ(v.Reason(), std::string("identity mismatch (") + c.field + ")");
  }
}

TEST_F(StickKeyTest, CopiedToAnotherStickNamesEveryDifferingField) {
  StickIdentity other = SampleIdentity();
  other.serial = "AA00000000000001";
  other.fs_uuid = "9999-0000";
  StickVerdict v = Verify(Signed(SampleKey()), other);
  EXPECT_EQ(v.Reason(), "identity mismatch (serial, fs_uuid)");
  EXPECT_THAT(DescribeStickVerdict(v, Lang::kJa),
              HasSubstr("（serial, fs_uuid）"));
}

// Security review F11: for a model without a serial, a dd copy of a keyed
// stick onto another stick of that model matches every bound field. A key
// that binds an empty serial is refused, even on the stick it was made for.
TEST_F(StickKeyTest, AKeyBindingAnEmptySerialIsRefused) {
  StickKey key = SampleKey();
  key.identity.serial = "";
  StickIdentity clone = SampleIdentity();
  clone.serial = "";
  StickVerdict v = Verify(Signed(key), clone);
  EXPECT_EQ(v.refusal, StickRefusal::kNoSerial);
  EXPECT_EQ(v.Reason(), "no serial");
  EXPECT_THAT(DescribeStickVerdict(v, Lang::kJa), HasSubstr("シリアル番号"));
  EXPECT_THAT(DescribeStickVerdict(v, Lang::kEn), HasSubstr("no serial"));
}

TEST_F(StickKeyTest, ValidityPeriod) {
  StickKey key = SampleKey();
  std::string file = Signed(key);
  EXPECT_EQ(Verify(file, SampleIdentity(), key.issued_at - 1).refusal,
            StickRefusal::kNotYetValid);
  EXPECT_TRUE(Verify(file, SampleIdentity(), key.expires_at).accepted());
  StickVerdict v = Verify(file, SampleIdentity(), key.expires_at + 1);
  EXPECT_EQ(v.refusal, StickRefusal::kExpired);
  EXPECT_THAT(DescribeStickVerdict(v, Lang::kJa), HasSubstr("有効期限"));
}

TEST_F(StickKeyTest, JobMustBeInTheRegister) {
  StickKey key = SampleKey();
  key.job_id = "job-z";
  StickVerdict v = Verify(Signed(key));
  EXPECT_EQ(v.refusal, StickRefusal::kJobUnknown);
  EXPECT_THAT(DescribeStickVerdict(v, Lang::kEn), HasSubstr("job-z"));
}

TEST_F(StickKeyTest, AllowedPcs) {
  StickKey key = SampleKey();
  key.allowed_pcs = {"pc-1"};
  std::string file = Signed(key);
  EXPECT_TRUE(Verify(file, SampleIdentity(), kNow, "pc-1").accepted());
  StickVerdict v = Verify(file, SampleIdentity(), kNow, "pc-2");
  EXPECT_EQ(v.refusal, StickRefusal::kPcNotAllowed);
  EXPECT_THAT(DescribeStickVerdict(v, Lang::kJa), HasSubstr("pc-2"));
  EXPECT_EQ(Verify(file, SampleIdentity(), kNow, "").refusal,
            StickRefusal::kPcNotAllowed);
}

TEST_F(StickKeyTest, AStickKeyRoleKeyFromThePolicyIsTrusted) {
  Ed25519PrivateKey desk = NewKey();
  std::string file = Signed(SampleKey(), desk);
  EXPECT_EQ(Verify(file).refusal, StickRefusal::kUnknownSigner);
  Json j = testing::ValidPolicyJson();
  j["keys"] =
      Json::array({{{"name", "desk"},
                    {"roles", {"stick"}},
                    {"public_key", Base64Encode(desk.PublicKey().raw())}}});
  Result<Policy> p = ParsePolicy(j.dump());
  ASSERT_TRUE(p.ok());
  policy_ = std::move(p).value();
  for (auto& k : policy_.KeysFor(KeyRole::kStick)) trusted_.push_back(k);
  EXPECT_TRUE(Verify(file).accepted());
}

}  // namespace
}  // namespace piiguard::policy
