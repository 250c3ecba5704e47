#include "common/tls/tls.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <string>

#include "common/crypto.h"
#include "common/tls/enrolment.h"

namespace piiguard::tls {
namespace {

constexpr int64_t kNow = 1790000000;  // 2026-09
constexpr int64_t kYear = 365 * 24 * 3600;

CertSpec Spec(std::string cn, CertUsage usage) {
  CertSpec spec;
  spec.common_name = std::move(cn);
  spec.usage = usage;
  spec.not_before = kNow - 60;
  spec.not_after = kNow + 2 * kYear;
  return spec;
}

struct Ca {
  EcPrivateKey key;
  Certificate cert;
};

Ca MakeCa(const std::string& cn) {
  Result<EcPrivateKey> key = EcPrivateKey::Generate();
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  Result<Certificate> cert = CreateSelfSignedCa(*key, Spec(cn, CertUsage::kCa));
  EXPECT_TRUE(cert.ok()) << cert.status().ToString();
  return {*key, *cert};
}

TEST(TlsKeyTest, PrivateKeyPemRoundTrip) {
  Result<EcPrivateKey> key = EcPrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  Result<std::string> pem = key->ToPem();
  ASSERT_TRUE(pem.ok());
  EXPECT_NE(pem->find("BEGIN PRIVATE KEY"), std::string::npos);
  Result<EcPrivateKey> back = EcPrivateKey::FromPem(*pem);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->PublicKey().ToPem(), key->PublicKey().ToPem());
  CleanseString(*pem);
  EXPECT_TRUE(pem->empty());
}

TEST(TlsKeyTest, PublicKeyPemRoundTripAndPinMatchesCertificate) {
  Ca ca = MakeCa("office CA");
  Result<EcPrivateKey> key = EcPrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  std::string pem = key->PublicKey().ToPem();
  Result<EcPublicKey> pub = EcPublicKey::FromPem(pem);
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  Result<Certificate> cert =
      IssueCertificate(ca.cert, ca.key, *pub, Spec("pc-1", CertUsage::kClient));
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  std::string pin = SpkiSha256Hex(*cert);
  EXPECT_EQ(pin.size(), 64U);
  EXPECT_EQ(pin.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(pin, pub->SpkiSha256Hex());
  EXPECT_EQ(pin, cert->SpkiSha256Hex());
  EXPECT_NE(pin, SpkiSha256Hex(ca.cert));
}

TEST(TlsKeyTest, RefusesOtherKeyTypesAndTrailingBytes) {
  Result<Ed25519PrivateKey> ed = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(ed.ok());
  EXPECT_FALSE(EcPublicKey::FromPem(ed->PublicKey().ToPem()).ok());
  Result<std::string> ed_pem = ed->ToPem();
  ASSERT_TRUE(ed_pem.ok());
  EXPECT_FALSE(EcPrivateKey::FromPem(*ed_pem).ok());

  EVP_PKEY* p384 = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  ASSERT_NE(p384, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  ASSERT_EQ(PEM_write_bio_PUBKEY(bio, p384), 1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);  // NOLINT(google-runtime-int)
  std::string p384_pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  EVP_PKEY_free(p384);
  Result<EcPublicKey> refused = EcPublicKey::FromPem(p384_pem);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("P-256"), std::string::npos);

  Result<EcPrivateKey> key = EcPrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  std::string pem = key->PublicKey().ToPem();
  EXPECT_TRUE(EcPublicKey::FromPem(pem + "\n").ok());
  EXPECT_FALSE(EcPublicKey::FromPem(pem + "x").ok());
  EXPECT_FALSE(EcPublicKey::FromPem(pem + pem).ok());
  EXPECT_FALSE(EcPublicKey::FromPem("").ok());
  EXPECT_FALSE(EcPublicKey::FromPem(pem.substr(0, pem.size() / 2)).ok());
}

TEST(TlsCertTest, ClientCertificateFields) {
  Ca ca = MakeCa("office CA");
  Result<EcPrivateKey> key = EcPrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  Result<Certificate> cert =
      IssueCertificate(ca.cert, ca.key, key->PublicKey(),
                       Spec("hidamari-pc-01", CertUsage::kClient));
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  Result<std::string> cn = cert->CommonName();
  ASSERT_TRUE(cn.ok());
  EXPECT_EQ(*cn, "hidamari-pc-01");
  EXPECT_EQ(cert->NotBefore(), kNow - 60);
  EXPECT_EQ(cert->NotAfter(), kNow + 2 * kYear);
  EXPECT_GE(cert->SerialHex().size(), 30U);
  EXPECT_EQ(cert->SerialHex().find_first_not_of("0123456789abcdef"),
            std::string::npos);
  EXPECT_EQ(X509_check_purpose(cert->get(), X509_PURPOSE_SSL_CLIENT, 0), 1);
  EXPECT_NE(X509_check_purpose(cert->get(), X509_PURPOSE_SSL_SERVER, 0), 1);
  EXPECT_EQ(X509_check_ca(cert->get()), 0);
  EXPECT_EQ(VerifyCertificate(*cert, ca.cert, CertUsage::kClient, kNow),
            Status::Ok());

  // PEM round trip keeps everything.
  Result<Certificate> back = Certificate::FromPem(cert->ToPem());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->SerialHex(), cert->SerialHex());
  EXPECT_EQ(back->SpkiSha256Hex(), cert->SpkiSha256Hex());
  EXPECT_FALSE(Certificate::FromPem(cert->ToPem() + cert->ToPem()).ok());
}

TEST(TlsCertTest, SerialsAreRandom) {
  Ca ca = MakeCa("office CA");
  Result<EcPrivateKey> key = EcPrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  Result<Certificate> a = IssueCertificate(ca.cert, ca.key, key->PublicKey(),
                                           Spec("a", CertUsage::kClient));
  Result<Certificate> b = IssueCertificate(ca.cert, ca.key, key->PublicKey(),
                                           Spec("a", CertUsage::kClient));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->SerialHex(), b->SerialHex());
}

TEST(TlsCertTest, ServerCertificateHasNames) {
  Ca ca = MakeCa("office CA");
  Result<EcPrivateKey> key = EcPrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  CertSpec spec = Spec("office.example.lg.jp", CertUsage::kServer);
  spec.dns_names = {"office.example.lg.jp", "localhost"};
  spec.ip_addresses = {"127.0.0.1", "::1"};
  Result<Certificate> cert =
      IssueCertificate(ca.cert, ca.key, key->PublicKey(), spec);
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_EQ(X509_check_host(cert->get(), "office.example.lg.jp", 0, 0, nullptr),
            1);
  EXPECT_EQ(X509_check_host(cert->get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_NE(X509_check_host(cert->get(), "evil.example", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert->get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert->get(), "::1", 0), 1);
  EXPECT_EQ(VerifyCertificate(*cert, ca.cert, CertUsage::kServer, kNow),
            Status::Ok());
  EXPECT_FALSE(
      VerifyCertificate(*cert, ca.cert, CertUsage::kClient, kNow).ok());
}

TEST(TlsCertTest, RefusesBadSpecs) {
  Ca ca = MakeCa("office CA");
  Result<EcPrivateKey> key = EcPrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  CertSpec injected = Spec("x", CertUsage::kServer);
  injected.dns_names = {"a.example,IP:10.0.0.1"};
  EXPECT_FALSE(
      IssueCertificate(ca.cert, ca.key, key->PublicKey(), injected).ok());
  CertSpec bad_ip = Spec("x", CertUsage::kServer);
  bad_ip.ip_addresses = {"127.0.0.256"};
  EXPECT_FALSE(
      IssueCertificate(ca.cert, ca.key, key->PublicKey(), bad_ip).ok());
  CertSpec no_name = Spec("x", CertUsage::kServer);
  EXPECT_FALSE(
      IssueCertificate(ca.cert, ca.key, key->PublicKey(), no_name).ok());
  CertSpec client_with_name = Spec("x", CertUsage::kClient);
  client_with_name.dns_names = {"a.example"};
  EXPECT_FALSE(
      IssueCertificate(ca.cert, ca.key, key->PublicKey(), client_with_name)
          .ok());
  CertSpec control = Spec(std::string("a\nb"), CertUsage::kClient);
  EXPECT_FALSE(
      IssueCertificate(ca.cert, ca.key, key->PublicKey(), control).ok());
  CertSpec backwards = Spec("x", CertUsage::kClient);
  backwards.not_after = backwards.not_before;
  EXPECT_FALSE(
      IssueCertificate(ca.cert, ca.key, key->PublicKey(), backwards).ok());
  // The CA key must match the CA certificate.
  Ca other = MakeCa("other CA");
  EXPECT_FALSE(IssueCertificate(ca.cert, other.key, key->PublicKey(),
                                Spec("x", CertUsage::kClient))
                   .ok());
}

TEST(TlsCertTest, VerifyRefusesOtherCaExpiryAndNotYetValid) {
  Ca ca = MakeCa("office CA");
  Ca forger = MakeCa("office CA");  // same name, other key
  Result<EcPrivateKey> key = EcPrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  Result<Certificate> forged =
      IssueCertificate(forger.cert, forger.key, key->PublicKey(),
                       Spec("pc", CertUsage::kClient));
  ASSERT_TRUE(forged.ok());
  Status refused =
      VerifyCertificate(*forged, ca.cert, CertUsage::kClient, kNow);
  EXPECT_EQ(refused.code(), StatusCode::kUnauthenticated);

  Result<Certificate> good = IssueCertificate(ca.cert, ca.key, key->PublicKey(),
                                              Spec("pc", CertUsage::kClient));
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(
      VerifyCertificate(*good, ca.cert, CertUsage::kClient, kNow + 3 * kYear)
          .code(),
      StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyCertificate(*good, ca.cert, CertUsage::kClient, kNow - kYear)
                .code(),
            StatusCode::kUnauthenticated);
  // A leaf certificate cannot act as a CA.
  Result<Certificate> issued_by_leaf = IssueCertificate(
      *good, *key, key->PublicKey(), Spec("pc2", CertUsage::kClient));
  ASSERT_TRUE(issued_by_leaf.ok());
  EXPECT_FALSE(
      VerifyCertificate(*issued_by_leaf, ca.cert, CertUsage::kClient, kNow)
          .ok());
}

TEST(TlsCertTest, CommonNameRefusals) {
  Ca ca = MakeCa("office CA");
  X509* raw = X509_dup(ca.cert.get());
  ASSERT_NE(raw, nullptr);
  X509_NAME* name = X509_NAME_new();
  ASSERT_EQ(X509_set_subject_name(raw, name), 1);
  X509_NAME_free(name);
  Certificate no_cn = Certificate::FromX509(raw);
  X509_free(raw);
  EXPECT_FALSE(no_cn.CommonName().ok());
}

TEST(EnrolProofTest, LayoutAsDocumented) {
  std::string input = EnrolProofInput("ab", "PEM", "cd");
  auto digest = Sha256("PEM");
  std::string expected("piiguard-enrol/1\0ab\0", 20);
  expected.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  expected.append(std::string("\0cd", 3));
  EXPECT_EQ(input, expected);
  EXPECT_NE(EnrolProofInput("ab", "PEM2", "cd"), input);
}

TEST(EnrolmentTokenTest, RoundTripAndStrictness) {
  EnrolmentToken token;
  token.consignee = "npo-hidamari";
  token.expires_ms = 1790000000000;
  token.nonce = std::string(32, 'a');
  token.office_pin = std::string(64, 'b');
  token.office_url = "https://office.example.lg.jp:8443";
  token.pc = "hidamari-pc-01";
  Result<std::string> payload = EnrolmentTokenPayload(token);
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();
  Result<EnrolmentToken> back = ParseEnrolmentTokenPayload(*payload);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->pc, token.pc);
  EXPECT_EQ(back->consignee, token.consignee);
  EXPECT_EQ(back->expires_ms, token.expires_ms);

  token.consignee.clear();
  payload = EnrolmentTokenPayload(token);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(payload->find("consignee"), std::string::npos);
  EXPECT_TRUE(ParseEnrolmentTokenPayload(*payload).ok());

  token.nonce = "ABC";
  EXPECT_FALSE(EnrolmentTokenPayload(token).ok());
  EXPECT_FALSE(
      ParseEnrolmentTokenPayload(
          R"({"expires":1,"extra":1,"nonce":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","office_pin":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","office_url":"https://x","pc":"p"})")
          .ok());
  EXPECT_FALSE(ParseEnrolmentTokenPayload("{").ok());
}

}  // namespace
}  // namespace piiguard::tls
