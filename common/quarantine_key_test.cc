#include "common/quarantine_key.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/encoding.h"

namespace piiguard {
namespace {

using ::testing::HasSubstr;

std::string Hex(std::string_view hex) {
  Result<std::string> bytes = HexDecode(hex);
  EXPECT_TRUE(bytes.ok()) << hex;
  return bytes.ok() ? *bytes : std::string();
}

// An X25519 PKCS#8 PEM around a raw private scalar (RFC 8410 §7).
std::string PemFor(std::string_view raw_private) {
  std::string der = Hex("302e020100300506032b656e04220420");
  der += raw_private;
  return "-----BEGIN PRIVATE KEY-----\n" + Base64Encode(der) +
         "\n-----END PRIVATE KEY-----\n";
}

X25519PrivateKey NewKey() {
  Result<X25519PrivateKey> key = X25519PrivateKey::Generate();
  EXPECT_TRUE(key.ok()) << key.status().message();
  return std::move(key).value();
}

TEST(QuarantineKeyTest, Rfc7748VectorsThroughPem) {
  Result<X25519PrivateKey> alice = X25519PrivateKey::FromPem(PemFor(
      Hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")));
  Result<X25519PrivateKey> bob = X25519PrivateKey::FromPem(PemFor(
      Hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")));
  ASSERT_TRUE(alice.ok()) << alice.status().message();
  ASSERT_TRUE(bob.ok()) << bob.status().message();
  EXPECT_EQ(HexEncode(alice->PublicKey().raw()),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(HexEncode(bob->PublicKey().raw()),
            "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  Result<std::string> ab = alice->SharedSecret(bob->PublicKey());
  Result<std::string> ba = bob->SharedSecret(alice->PublicKey());
  ASSERT_TRUE(ab.ok() && ba.ok());
  EXPECT_EQ(HexEncode(*ab),
            "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  EXPECT_EQ(*ab, *ba);
}

TEST(QuarantineKeyTest, PemRoundTripKeepsTheKey) {
  X25519PrivateKey key = NewKey();
  Result<std::string> pem = key.ToPem();
  ASSERT_TRUE(pem.ok());
  EXPECT_THAT(*pem, HasSubstr("-----BEGIN PRIVATE KEY-----"));
  Result<X25519PrivateKey> back = X25519PrivateKey::FromPem(*pem);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->PublicKey().raw(), key.PublicKey().raw());
}

TEST(QuarantineKeyTest, PublicKeyTextFormsAndKeyId) {
  X25519PrivateKey key = NewKey();
  const X25519PublicKey& pub = key.PublicKey();
  ASSERT_EQ(pub.raw().size(), kX25519KeySize);
  EXPECT_EQ(pub.ToBase64().size(), 44u);
  Result<X25519PublicKey> back = X25519PublicKey::FromBase64(pub.ToBase64());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->raw(), pub.raw());
  EXPECT_EQ(pub.KeyId(), Sha256Hex(pub.raw()).substr(0, 16));
  EXPECT_EQ(pub.KeyIdBytes().size(), kQuarantineKeyIdBytes);
}

TEST(QuarantineKeyTest, RefusesOtherPemContent) {
  Result<Ed25519PrivateKey> ed = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(ed.ok());
  Result<std::string> ed_pem = ed->ToPem();
  ASSERT_TRUE(ed_pem.ok());
  EXPECT_THAT(X25519PrivateKey::FromPem(*ed_pem).status().message(),
              HasSubstr("not an X25519 key"));
  Result<std::string> pem = NewKey().ToPem();
  ASSERT_TRUE(pem.ok());
  EXPECT_THAT(X25519PrivateKey::FromPem(*pem + *pem).status().message(),
              HasSubstr("unexpected data after the key"));
  EXPECT_THAT(X25519PrivateKey::FromPem("not a key").status().message(),
              HasSubstr("quarantine key: PEM"));
  EXPECT_FALSE(X25519PrivateKey::FromPem(ed->PublicKey().ToPem()).ok());
}

TEST(QuarantineKeyTest, RefusesBadPublicKeys) {
  EXPECT_THAT(X25519PublicKey::FromRaw(std::string(31, 'a')).status().message(),
              HasSubstr("must be 32 bytes"));
  EXPECT_THAT(X25519PublicKey::FromBase64("AAAA").status().message(),
              HasSubstr("must be 32 bytes"));
  EXPECT_THAT(X25519PublicKey::FromBase64("not base64!").status().message(),
              HasSubstr("not base64"));
  // Points of small order (RFC 7748 §7 lists the reason; these are 0, 1
  // and a point of order 8).
  for (const char* hex :
       {"0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"}) {
    EXPECT_THAT(X25519PublicKey::FromRaw(Hex(hex)).status().message(),
                HasSubstr("small order"))
        << hex;
  }
  // Non-canonical: bit 255 set, and u = p (= 0 mod p).
  std::string raw = NewKey().PublicKey().raw();
  raw[31] = static_cast<char>(static_cast<uint8_t>(raw[31]) | 0x80);
  EXPECT_THAT(X25519PublicKey::FromRaw(raw).status().message(),
              HasSubstr("not a canonical"));
  EXPECT_THAT(X25519PublicKey::FromRaw(Hex("edfffffffffffffffffffffffffffffffff"
                                           "fffffffffffffffffffffffffff7f"))
                  .status()
                  .message(),
              HasSubstr("not a canonical"));
  // p - 1 is canonical but of small order too.
  EXPECT_THAT(X25519PublicKey::FromRaw(Hex("ecfffffffffffffffffffffffffffffffff"
                                           "fffffffffffffffffffffffffff7f"))
                  .status()
                  .message(),
              HasSubstr("small order"));
}

TEST(QuarantineKeyTest, SharedSecretAgreesBothWays) {
  X25519PrivateKey a = NewKey();
  X25519PrivateKey b = NewKey();
  Result<std::string> ab = a.SharedSecret(b.PublicKey());
  Result<std::string> ba = b.SharedSecret(a.PublicKey());
  ASSERT_TRUE(ab.ok() && ba.ok());
  EXPECT_EQ(*ab, *ba);
  EXPECT_EQ(ab->size(), kX25519KeySize);
}

}  // namespace
}  // namespace piiguard
