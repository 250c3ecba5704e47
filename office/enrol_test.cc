#include "office/enrol.h"

#include <gtest/gtest.h>

#include <string>

#include "common/json.h"
#include "common/os/testing/fake_clock.h"
#include "office/simulated_pc.h"
#include "office/store_testing.h"

namespace piiguard::office {
namespace {

using testing::Engine;
using testing::MakeToken;
using testing::SimulatedPc;
using testing::TestStore;

constexpr int64_t kNowMs = 1790000000000;

class EnrolTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    PIIGUARD_SETUP_TEST_STORE(store_, GetParam());
    tls::CertSpec spec;
    spec.common_name = "office CA";
    spec.usage = tls::CertUsage::kCa;
    spec.not_before = kNowMs / 1000 - 60;
    spec.not_after = kNowMs / 1000 + 10 * 365 * 24 * 3600;
    auto ca = tls::CreateSelfSignedCa(ca_key_, spec);
    ASSERT_TRUE(ca.ok());
    enroller_.emplace(*store_.get(),
                      EnrolConfig{city_.PublicKey(), *ca, ca_key_, pin_},
                      clock_);
    ca_.emplace(*ca);
  }

  ApiAnswer Enrol(const SimulatedPc& pc, const tls::EnrolmentToken& token,
                  const Ed25519PrivateKey& signer) {
    return enroller_->Enrol(pc.EnrolBody(MakeToken(signer, token), token));
  }
  size_t PcCount() { return store_->ListPcs()->size(); }

  TestStore store_;
  Ed25519PrivateKey city_ = Ed25519PrivateKey::Generate().value();
  tls::EcPrivateKey ca_key_ = tls::EcPrivateKey::Generate().value();
  std::string pin_ = std::string(64, 'c');
  std::optional<tls::Certificate> ca_;
  os::FakeClock clock_{kNowMs};
  std::optional<Enroller> enroller_;
  SimulatedPc pc_{"hidamari-pc-01"};
};

TEST_P(EnrolTest, IssuesACertificateAndStoresThePc) {
  ApiAnswer answer = Enrol(pc_, pc_.Token(pin_, kNowMs + 1000), city_);
  ASSERT_EQ(answer.http_status, 200) << answer.reason;
  EXPECT_EQ(answer.body["pc"], "hidamari-pc-01");
  auto cert = tls::Certificate::FromPem(answer.body["cert"].get<std::string>());
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(*cert->CommonName(), "hidamari-pc-01");
  EXPECT_EQ(cert->SpkiSha256Hex(), pc_.tls_key().PublicKey().SpkiSha256Hex());
  EXPECT_EQ(tls::VerifyCertificate(*cert, *ca_, tls::CertUsage::kClient,
                                   kNowMs / 1000),
            Status::Ok());
  EXPECT_EQ(answer.body["ca"], ca_->ToPem());

  auto stored = store_->GetPc("hidamari-pc-01");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->cert_serial, cert->SerialHex());
  EXPECT_EQ(stored->chain, pc_.journal().chain());
  EXPECT_EQ(stored->device_key_pem, pc_.device_key().PublicKey().ToPem());
  EXPECT_EQ(stored->consignee, "npo-hidamari");
}

TEST_P(EnrolTest, ATokenEnrolsOnePcOnce) {
  tls::EnrolmentToken token = pc_.Token(pin_, kNowMs + 1000);
  std::string text = MakeToken(city_, token);
  ASSERT_EQ(enroller_->Enrol(pc_.EnrolBody(text, token)).http_status, 200);
  ApiAnswer again = enroller_->Enrol(pc_.EnrolBody(text, token));
  EXPECT_EQ(again.http_status, 409);
  EXPECT_EQ(again.error, "token_used");
  // A fresh token for a PC already enrolled.
  ApiAnswer second = Enrol(pc_, pc_.Token(pin_, kNowMs + 1000), city_);
  EXPECT_EQ(second.http_status, 409);
  EXPECT_EQ(second.error, "already_enrolled");
  EXPECT_EQ(PcCount(), 1U);
}

TEST_P(EnrolTest, RefusalsStoreNothing) {
  Ed25519PrivateKey other = Ed25519PrivateKey::Generate().value();
  tls::EnrolmentToken token = pc_.Token(pin_, kNowMs + 1000);

  ApiAnswer forged = Enrol(pc_, token, other);
  EXPECT_EQ(forged.http_status, 403);
  EXPECT_EQ(forged.error, "bad_token");

  std::string wrong_type = MakeToken(city_, token, "stick-key");
  ApiAnswer type = enroller_->Enrol(pc_.EnrolBody(wrong_type, token));
  EXPECT_EQ(type.http_status, 403);
  EXPECT_EQ(type.error, "bad_token");

  ApiAnswer expired = Enrol(pc_, pc_.Token(pin_, kNowMs), city_);
  EXPECT_EQ(expired.http_status, 403);
  EXPECT_EQ(expired.error, "expired");

  ApiAnswer other_office =
      Enrol(pc_, pc_.Token(std::string(64, 'd'), kNowMs + 1000), city_);
  EXPECT_EQ(other_office.http_status, 403);
  EXPECT_EQ(other_office.error, "wrong_office");

  // The proof made by another device key than the one sent.
  SimulatedPc impostor("hidamari-pc-01");
  std::string body = impostor.EnrolBody(MakeToken(city_, token), token);
  Json json = Json::parse(body);
  json["device_key"] = pc_.device_key().PublicKey().ToPem();
  ApiAnswer proof = enroller_->Enrol(json.dump());
  EXPECT_EQ(proof.http_status, 403);
  EXPECT_EQ(proof.error, "bad_proof");
  // The proof bound to another chain.
  json = Json::parse(pc_.EnrolBody(MakeToken(city_, token), token));
  json["chain"] = std::string(32, '0');
  EXPECT_EQ(enroller_->Enrol(json.dump()).error, "bad_proof");

  for (std::string bad :
       {std::string("{"), std::string("{}"), std::string("[]"),
        std::string(R"({"token":"x","device_key":"x","tls_key":"x",)"
                    R"("chain":"x","proof":"x"})")}) {
    ApiAnswer malformed = enroller_->Enrol(bad);
    EXPECT_EQ(malformed.http_status, 400) << bad;
    EXPECT_EQ(malformed.error, "malformed");
  }
  json = Json::parse(pc_.EnrolBody(MakeToken(city_, token), token));
  json["extra"] = 1;
  EXPECT_EQ(enroller_->Enrol(json.dump()).http_status, 400);
  EXPECT_EQ(PcCount(), 0U);
  // The nonce of every refused attempt is still usable.
  ASSERT_EQ(enroller_->Enrol(pc_.EnrolBody(MakeToken(city_, token), token))
                .http_status,
            200);
}

INSTANTIATE_TEST_SUITE_P(Engines, EnrolTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         testing::EngineName);

}  // namespace
}  // namespace piiguard::office
