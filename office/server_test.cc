// The office tier on loopback with real TLS: an in-process server on an
// ephemeral port, clients with and without certificates.
#include "office/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/file_util.h"
#include "common/json.h"
#include "office/simulated_pc.h"
#include "office/store_testing.h"

namespace piiguard::office {
namespace {

using testing::Engine;
using testing::MakeToken;
using testing::SimulatedPc;
using testing::TestStore;

struct Ca {
  tls::EcPrivateKey key;
  tls::Certificate cert;
  tls::Certificate Issue(const tls::EcPublicKey& subject, tls::CertSpec spec) {
    return tls::IssueCertificate(cert, key, subject, spec).value();
  }
};

tls::CertSpec Spec(std::string cn, tls::CertUsage usage) {
  tls::CertSpec spec;
  spec.common_name = std::move(cn);
  spec.usage = usage;
  spec.not_before = os::SystemClock().WallSeconds() - 60;
  spec.not_after = os::SystemClock().WallSeconds() + 3600;
  return spec;
}

Ca MakeCa(const std::string& cn) {
  tls::EcPrivateKey key = tls::EcPrivateKey::Generate().value();
  tls::Certificate cert =
      tls::CreateSelfSignedCa(key, Spec(cn, tls::CertUsage::kCa)).value();
  return Ca{key, cert};
}

class ServerTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    PIIGUARD_SETUP_TEST_STORE(store_, GetParam());
    tls::CertSpec server_spec = Spec("localhost", tls::CertUsage::kServer);
    server_spec.dns_names = {"localhost"};
    server_spec.ip_addresses = {"127.0.0.1"};
    tls::Certificate server_cert =
        ca_.Issue(server_key_.PublicKey(), server_spec);
    pin_ = server_cert.SpkiSha256Hex();
    ServerConfig config{.threads = 8,
                        .server_cert = server_cert,
                        .server_key = server_key_,
                        .ca_cert = ca_.cert,
                        .log = [this](const std::string& line) {
                          std::lock_guard<std::mutex> lock(log_mutex_);
                          log_ += line + "\n";
                        }};
    config.port = 0;
    // The system's clock, not a fake: OpenSSL checks the certificates'
    // dates against it.
    auto server = OfficeServer::Create(
        config, *store_.get(),
        EnrolConfig{city_.PublicKey(), ca_.cert, ca_.key, pin_},
        os::SystemClock());
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    auto port = server_->Bind();
    ASSERT_TRUE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { server_->Run().IgnoreError(); });
    ca_path_ = (tmp_ / "ca.crt").string();
    std::filesystem::create_directories(tmp_);
    ASSERT_EQ(WriteFileAtomic(ca_path_, ca_.cert.ToPem(), 0644), Status::Ok());
  }
  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    std::error_code ignored;
    std::filesystem::remove_all(tmp_, ignored);
  }

  std::unique_ptr<httplib::SSLClient> Client(
      const tls::Certificate* cert = nullptr,
      const tls::EcPrivateKey* key = nullptr) {
    auto client = cert == nullptr
                      ? std::make_unique<httplib::SSLClient>("127.0.0.1", port_)
                      : std::make_unique<httplib::SSLClient>(
                            "127.0.0.1", port_, cert->get(), key->get());
    client->set_ca_cert_path(ca_path_.c_str());
    client->enable_server_certificate_verification(true);
    client->set_connection_timeout(10, 0);
    client->set_read_timeout(30, 0);
    return client;
  }

  // Enrols `pc` over HTTPS; returns its certificate.
  tls::Certificate Enrol(const SimulatedPc& pc) {
    tls::EnrolmentToken token =
        pc.Token(pin_, os::SystemClock().WallMs() + 60000);
    auto res = Client()->Post("/api/v1/enrol",
                              pc.EnrolBody(MakeToken(city_, token), token),
                              "application/json");
    EXPECT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 200) << res->body;
    Json body = Json::parse(res->body);
    return tls::Certificate::FromPem(body["cert"].get<std::string>()).value();
  }

  httplib::Result Push(const tls::Certificate& cert,
                       const tls::EcPrivateKey& key,
                       const journal::Batch& batch) {
    return Client(&cert, &key)
        ->Post("/api/v1/journal", journal::SerializeBatch(batch),
               "application/json");
  }

  std::string Snapshot() {
    EventFilter all;
    all.limit = 0;
    auto events = store_->ListEvents(all);
    auto pcs = store_->ListPcs();
    auto incidents = store_->ListIncidents(true);
    EXPECT_TRUE(events.ok() && pcs.ok() && incidents.ok());
    std::string out =
        std::to_string(events->total) + "/" + std::to_string(incidents->size());
    for (const PcSummary& pc : *pcs) {
      out += "/" + pc.pc + ":" + std::to_string(pc.acked_seq) + ":" +
             std::to_string(pc.last_contact_ms) + ":" +
             std::to_string(pc.journal_failed);
    }
    return out;
  }

  TestStore store_;
  Ca ca_ = MakeCa("piiguard office CA");
  tls::EcPrivateKey server_key_ = tls::EcPrivateKey::Generate().value();
  Ed25519PrivateKey city_ = Ed25519PrivateKey::Generate().value();
  std::string pin_;
  std::unique_ptr<OfficeServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::filesystem::path tmp_ = std::filesystem::temp_directory_path() /
                               ("piiguard-server-test-" + testing::MustHex(6));
  std::string ca_path_;
  std::mutex log_mutex_;
  std::string log_;
};

TEST_P(ServerTest, EnrolThenIngestOverMutualTls) {
  SimulatedPc pc("hidamari-pc-01");
  pc.journal().AddEvents(99);
  tls::Certificate cert = Enrol(pc);
  EXPECT_EQ(*cert.CommonName(), "hidamari-pc-01");

  auto res = Push(cert, pc.tls_key(), pc.MakeBatch(1, 60));
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  ASSERT_EQ(res->status, 200) << res->body;
  Json body = Json::parse(res->body);
  EXPECT_EQ(body["acked_seq"], 60);
  EXPECT_EQ(body["acked_head"],
            journal::HashHex(pc.journal().entries()[59].hash));
  res = Push(cert, pc.tls_key(), pc.MakeBatch(61, 100));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(store_->GetPc("hidamari-pc-01")->acked_seq, 100U);
  EventFilter all;
  EXPECT_EQ(store_->ListEvents(all)->total, 100U);
  std::lock_guard<std::mutex> lock(log_mutex_);
  EXPECT_NE(log_.find("ingest: hidamari-pc-01: accepted 40 entries, acked 100"),
            std::string::npos)
      << log_;
}

TEST_P(ServerTest, ForgedClientCertificateFailsTheHandshake) {
  SimulatedPc pc("hidamari-pc-01");
  pc.journal().AddEvents(9);
  tls::Certificate cert = Enrol(pc);
  ASSERT_EQ(Push(cert, pc.tls_key(), pc.MakeBatch(1, 5))->status, 200);
  std::string before = Snapshot();

  // Same name, same key, another CA with the same name.
  Ca forger = MakeCa("piiguard office CA");
  tls::Certificate forged =
      forger.Issue(pc.tls_key().PublicKey(),
                   Spec("hidamari-pc-01", tls::CertUsage::kClient));
  auto res = Push(forged, pc.tls_key(), pc.MakeBatch(6, 10));
  EXPECT_FALSE(res);  // no HTTP answer at all: refused at TLS
  if (res) ADD_FAILURE() << "answered " << res->status << " " << res->body;
  // A self-signed certificate.
  Ca self = MakeCa("hidamari-pc-01");
  res = Push(self.cert, self.key, pc.MakeBatch(6, 10));
  EXPECT_FALSE(res);
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ServerTest, RefusalsOverTlsChangeNothing) {
  SimulatedPc pc("hidamari-pc-01");
  pc.journal().AddEvents(19);
  tls::Certificate cert = Enrol(pc);
  ASSERT_EQ(Push(cert, pc.tls_key(), pc.MakeBatch(1, 10))->status, 200);
  std::string before = Snapshot();

  // A replay of the old batch.
  auto res = Push(cert, pc.tls_key(), pc.MakeBatch(1, 10));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 409);
  Json body = Json::parse(res->body);
  EXPECT_EQ(body["error"], "already_acknowledged");
  EXPECT_EQ(body["acked_seq"], 10);

  // A PC the office never enrolled, with a certificate of the right CA.
  SimulatedPc ghost("ghost-pc");
  ghost.journal().AddEvents(3);
  tls::Certificate ghost_cert = ca_.Issue(
      ghost.tls_key().PublicKey(), Spec("ghost-pc", tls::CertUsage::kClient));
  res = Push(ghost_cert, ghost.tls_key(), ghost.MakeBatch(1, 4));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(Json::parse(res->body)["error"], "not_enrolled");

  // Malformed.
  res = Client(&cert, &pc.tls_key())
            ->Post("/api/v1/journal", "{\"format\":", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(Json::parse(res->body)["error"], "malformed");

  // A batch naming another PC than the certificate.
  journal::Batch other = pc.MakeBatch(11, 12);
  other.pc = "someone-else";
  res = Push(cert, pc.tls_key(), other);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(Json::parse(res->body)["error"], "wrong_pc");

  // No client certificate.
  res = Client()->Post("/api/v1/journal",
                       journal::SerializeBatch(pc.MakeBatch(11, 12)),
                       "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);

  // A body above the limit.
  res = Client(&cert, &pc.tls_key())
            ->Post("/api/v1/journal",
                   std::string(journal::kMaxBatchBytes + 1, ' '),
                   "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ServerTest, TruncatedTailAfterSyncIsAnIncident) {
  SimulatedPc pc("hidamari-pc-01");
  pc.journal().AddEvents(29);
  tls::Certificate cert = Enrol(pc);
  ASSERT_EQ(Push(cert, pc.tls_key(), pc.MakeBatch(1, 30))->status, 200);

  // On the PC: entries 21..30 deleted with their checkpoints, then new
  // events appended (same chain, same device key).
  journal::testing::ChainBuilder truncated(pc.device_key(),
                                           pc.journal().chain());
  truncated.AddEvents(19);                   // 1..20 as synced
  truncated.AddEvents(15, "agent.started");  // 21..35 new
  journal::Batch batch = truncated.MakeBatch(31, 35);
  batch.pc = pc.id();
  auto res = Push(cert, pc.tls_key(), batch);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 409) << res->body;
  batch = truncated.MakeBatch(21, 35);
  batch.pc = pc.id();
  res = Push(cert, pc.tls_key(), batch);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 409);
  Json body = Json::parse(res->body);
  EXPECT_EQ(body["error"], "history_rewritten");
  EXPECT_EQ(body["acked_seq"], 30);

  auto stored = store_->GetPc(pc.id());
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->verification_failed);
  EXPECT_EQ(stored->acked_seq, 30U);
  auto incidents = store_->ListIncidents(false);
  ASSERT_TRUE(incidents.ok());
  ASSERT_EQ(incidents->size(), 2U);
  EXPECT_EQ((*incidents)[0].pc, pc.id());
  EventFilter all;
  EXPECT_EQ(store_->ListEvents(all)->total, 30U);
  std::lock_guard<std::mutex> lock(log_mutex_);
  EXPECT_NE(log_.find("refused history_rewritten (INCIDENT)"),
            std::string::npos)
      << log_;
}

TEST_P(ServerTest, PolicyDownload) {
  SimulatedPc pc("hidamari-pc-01");
  tls::Certificate cert = Enrol(pc);
  auto res = Client()->Get("/api/v1/policy?have=0");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  res = Client(&cert, &pc.tls_key())->Get("/api/v1/policy?have=0");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  ASSERT_EQ(store_->PublishPolicy(4, "signed policy v4", "{}",
                                  os::SystemClock().WallMs()),
            Status::Ok());
  res = Client(&cert, &pc.tls_key())->Get("/api/v1/policy?have=3");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "signed policy v4");
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/octet-stream");
  res = Client(&cert, &pc.tls_key())->Get("/api/v1/policy?have=4");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  res = Client(&cert, &pc.tls_key())->Get("/api/v1/policy?have=-1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
}

// A browser resumes its TLS session on its next connection (Chromium does
// it for the page after the login's redirect). With client certificates
// asked for, OpenSSL refuses a resumption unless the server set a session
// id context: the browser then saw ERR_SSL_PROTOCOL_ERROR now and then.
TEST_P(ServerTest, ABrowserMayResumeItsTlsSession) {
  using SslCtx = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;
  using Ssl = std::unique_ptr<SSL, decltype(&SSL_free)>;
  using Session = std::unique_ptr<SSL_SESSION, decltype(&SSL_SESSION_free)>;
  SslCtx ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  ASSERT_NE(ctx, nullptr);
  ASSERT_EQ(SSL_CTX_load_verify_locations(ctx.get(), ca_path_.c_str(), nullptr),
            1);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  Session session(nullptr, SSL_SESSION_free);
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "first connection" : "resumed");
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr),
              0);
    Ssl ssl(SSL_new(ctx.get()), SSL_free);
    ASSERT_NE(ssl, nullptr);
    SSL_set_fd(ssl.get(), fd);
    if (session) SSL_set_session(ssl.get(), session.get());
    ASSERT_EQ(SSL_connect(ssl.get()), 1)
        << ERR_error_string(ERR_get_error(), nullptr);
    const std::string request =
        "GET /api/v1/policy?have=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Connection: close\r\n\r\n";
    ASSERT_EQ(
        SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())),
        static_cast<int>(request.size()));
    std::string response;
    char buffer[4096];
    int n = 0;
    while ((n = SSL_read(ssl.get(), buffer, sizeof buffer)) > 0) {
      response.append(buffer, static_cast<size_t>(n));
    }
    EXPECT_EQ(response.rfind("HTTP/1.1 ", 0), 0u) << response;
    if (round == 1) {
      EXPECT_EQ(SSL_session_reused(ssl.get()), 1);
    }
    session.reset(SSL_get1_session(ssl.get()));
    ASSERT_NE(session, nullptr);
    SSL_shutdown(ssl.get());
    ::close(fd);
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, ServerTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         testing::EngineName);

}  // namespace
}  // namespace piiguard::office
