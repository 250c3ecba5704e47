// GET /healthz of the office server (server.h) on loopback over TLS: 200
// without a login or a client certificate while the store answers, 503
// with the reason when it does not, and nothing about PCs in either.
#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/crypto.h"
#include "common/json.h"
#include "common/os/clock.h"
#include "office/server.h"
#include "office/sql.h"
#include "office/store_testing.h"

namespace piiguard::office {
namespace {

using testing::Engine;
using testing::TestStore;

tls::CertSpec Spec(std::string cn, tls::CertUsage usage) {
  tls::CertSpec spec;
  spec.common_name = std::move(cn);
  spec.usage = usage;
  spec.not_before = os::SystemClock().WallSeconds() - 60;
  spec.not_after = os::SystemClock().WallSeconds() + 3600;
  return spec;
}

class HealthTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    PIIGUARD_SETUP_TEST_STORE(store_, GetParam());
    tls::EcPrivateKey ca_key = tls::EcPrivateKey::Generate().value();
    tls::Certificate ca =
        tls::CreateSelfSignedCa(ca_key, Spec("CA", tls::CertUsage::kCa))
            .value();
    tls::EcPrivateKey server_key = tls::EcPrivateKey::Generate().value();
    tls::CertSpec spec = Spec("localhost", tls::CertUsage::kServer);
    spec.ip_addresses = {"127.0.0.1"};
    tls::Certificate cert =
        tls::IssueCertificate(ca, ca_key, server_key.PublicKey(), spec).value();
    ServerConfig config{.threads = 2,
                        .server_cert = cert,
                        .server_key = server_key,
                        .ca_cert = ca,
                        .log = [this](const std::string& line) {
                          const std::lock_guard<std::mutex> lock(log_mutex_);
                          log_ += line + "\n";
                        }};
    config.port = 0;
    Ed25519PrivateKey city = Ed25519PrivateKey::Generate().value();
    auto server = OfficeServer::Create(
        config, *store_.get(),
        EnrolConfig{city.PublicKey(), ca, ca_key, cert.SpkiSha256Hex()},
        os::SystemClock());
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    auto port = server_->Bind();
    ASSERT_TRUE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { server_->Run().IgnoreError(); });
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  // No client certificate, and the server's is not even checked: a
  // monitor needs nothing to ask.
  httplib::Result GetHealth() const {
    httplib::SSLClient client("127.0.0.1", port_);
    client.enable_server_certificate_verification(false);
    client.set_connection_timeout(10, 0);
    return client.Get("/healthz");
  }

  // Breaks the store under the running server.
  void DropPolicies() {
    Result<std::unique_ptr<SqlDb>> db =
        store_.postgres() ? OpenPgDb(store_.ConnInfo(), 1)
                          : OpenSqliteDb(store_.sqlite_path());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto txn = (*db)->Begin(true);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->Query("DROP TABLE policies", {}).ok());
    ASSERT_EQ((*txn)->Commit(), Status::Ok());
  }

  TestStore store_;
  std::unique_ptr<OfficeServer> server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex log_mutex_;
  std::string log_;
};

TEST_P(HealthTest, AnswersOkWithoutALogin) {
  httplib::Result res = GetHealth();
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(Json::parse(res->body), Json({{"status", "ok"}, {"db", "ok"}}));
}

TEST_P(HealthTest, AnswersUnavailableWithTheReasonWhenTheStoreFails) {
  DropPolicies();
  httplib::Result res = GetHealth();
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 503);
  const Json body = Json::parse(res->body);
  EXPECT_EQ(body.value("status", ""), "unavailable");
  EXPECT_EQ(body.value("db", ""), "error");
  EXPECT_NE(body.value("reason", "").find("policies"), std::string::npos)
      << res->body;
  EXPECT_EQ(body.size(), 3U);
  const std::lock_guard<std::mutex> lock(log_mutex_);
  EXPECT_NE(log_.find("healthz: store: "), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Engines, HealthTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         testing::EngineName);

}  // namespace
}  // namespace piiguard::office
