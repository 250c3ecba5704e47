// Online delivery of signed exception files at the office: `exception
// publish`'s checks and queue (both engines), and GET /api/v1/exceptions
// over real mutual TLS on loopback, with the office's clock a fake one.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "common/exception_delivery.h"
#include "common/file_util.h"
#include "common/os/testing/fake_clock.h"
#include "office/exception_commands.h"
#include "office/server.h"
#include "office/simulated_pc.h"
#include "office/store_testing.h"
#include "policy/exception/exception_file.h"

namespace piiguard::office {
namespace {

using testing::Engine;
using testing::SimulatedPc;
using testing::TestStore;

tls::CertSpec Spec(std::string cn, tls::CertUsage usage) {
  tls::CertSpec spec;
  spec.common_name = std::move(cn);
  spec.usage = usage;
  spec.not_before = os::SystemClock().WallSeconds() - 60;
  spec.not_after = os::SystemClock().WallSeconds() + 3600;
  return spec;
}

class ExceptionQueueTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    PIIGUARD_SETUP_TEST_STORE(store_, GetParam());
    for (SimulatedPc* pc : {&pc1_, &pc2_}) {
      PcRecord record;
      record.pc = pc->id();
      record.device_key_pem = pc->device_key().PublicKey().ToPem();
      record.chain = pc->journal().chain();
      record.cert_serial = Cert(*pc).SerialHex();
      ASSERT_TRUE(store_->Enrol(record, testing::MustHex(16), Now()).ok());
    }
  }

  int64_t Now() const { return clock_.WallMs(); }

  // The PC's client certificate (one per PC, issued once).
  const tls::Certificate& Cert(const SimulatedPc& pc) {
    auto it = certs_.find(pc.id());
    if (it == certs_.end()) {
      tls::Certificate cert =
          tls::IssueCertificate(ca_cert_, ca_key_, pc.tls_key().PublicKey(),
                                Spec(pc.id(), tls::CertUsage::kClient))
              .value();
      it = certs_.emplace(pc.id(), cert).first;
    }
    return it->second;
  }

  std::string File(const std::string& pc, uint64_t id,
                   const Ed25519PrivateKey* key = nullptr) {
    exception::ExceptionFile f;
    f.id = id;
    f.pc_id = pc;
    f.scope = exception::ScopeKind::kRadios;
    f.duration = exception::DurationClass::k1Hour;
    f.person = "山田花子";
    f.reason = "研修";
    f.issued_at = Now() / 1000 - 60;
    f.redeem_by = Now() / 1000 + 86400;
    return exception::SignExceptionFile(f, key ? *key : city_).value();
  }

  Result<QueuedException> Publish(const std::string& bytes) {
    return PublishExceptionFile(*store_.get(), bytes, city_.PublicKey(),
                                kCommandLineIssuer, Now());
  }

  // Stores the PC's journal up to its last entry, as an ingest does.
  void Ingest(SimulatedPc& pc, uint64_t first) {
    const uint64_t last = pc.journal().entries().size();
    journal::Batch batch = pc.MakeBatch(first, last);
    auto tx = store_->BeginIngest();
    ASSERT_TRUE(tx.ok());
    std::span<const journal::Entry> entries(batch.entries);
    ASSERT_TRUE((*tx)->InsertEntries(pc.id(), entries).ok());
    ASSERT_TRUE((*tx)->SettleExceptionFiles(pc.id(), entries, Now()).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }

  std::vector<std::string> PendingIds(const SimulatedPc& pc) {
    auto pending = store_->PendingExceptionFiles(pc.id(), Now());
    EXPECT_TRUE(pending.ok()) << pending.status().ToString();
    std::vector<std::string> ids;
    for (const QueuedException& q : *pending) ids.push_back(q.id);
    return ids;
  }

  os::FakeClock clock_{os::SystemClock().WallMs()};
  TestStore store_;
  Ed25519PrivateKey city_ = Ed25519PrivateKey::Generate().value();
  tls::EcPrivateKey ca_key_ = tls::EcPrivateKey::Generate().value();
  tls::Certificate ca_cert_ =
      tls::CreateSelfSignedCa(ca_key_, Spec("office CA", tls::CertUsage::kCa))
          .value();
  SimulatedPc pc1_{"hidamari-pc-01"};
  SimulatedPc pc2_{"hidamari-pc-02"};
  std::map<std::string, tls::Certificate> certs_;
};

TEST_P(ExceptionQueueTest, PublishChecksAsThePcWould) {
  Result<QueuedException> ok = Publish(File(pc1_.id(), 11));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->pc, pc1_.id());
  EXPECT_EQ(ok->id, "11");
  EXPECT_EQ(ok->sha256.size(), 64U);
  // The same id again for the same PC.
  EXPECT_EQ(Publish(File(pc1_.id(), 11)).status().code(),
            StatusCode::kFailedPrecondition);
  // Another signer, an unknown PC, an altered file, too large, expired.
  Ed25519PrivateKey other = Ed25519PrivateKey::Generate().value();
  EXPECT_EQ(Publish(File(pc1_.id(), 12, &other)).status().code(),
            StatusCode::kFailedPrecondition);
  Result<QueuedException> unknown = Publish(File("stranger-pc", 13));
  EXPECT_EQ(unknown.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(unknown.status().message().find("not enrolled"), std::string::npos);
  std::string altered = File(pc1_.id(), 14);
  altered[altered.find("研修")] ^= 1;
  EXPECT_EQ(Publish(altered).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Publish(std::string(16385, 'x')).status().code(),
            StatusCode::kFailedPrecondition);
  std::string late = File(pc1_.id(), 15);
  clock_.AdvanceMs(int64_t{2} * 86400 * 1000);
  EXPECT_EQ(Publish(late).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(PendingIds(pc1_).empty());  // and id 11 has expired now
}

TEST_P(ExceptionQueueTest, ServedPerPcUntilRedeemBy) {
  ASSERT_TRUE(Publish(File(pc1_.id(), 21)).ok());
  ASSERT_TRUE(Publish(File(pc1_.id(), 22)).ok());
  ASSERT_TRUE(Publish(File(pc2_.id(), 23)).ok());
  EXPECT_EQ(PendingIds(pc1_), (std::vector<std::string>{"21", "22"}));
  EXPECT_EQ(PendingIds(pc2_), (std::vector<std::string>{"23"}));
  clock_.AdvanceMs(int64_t{86400} * 1000 - 60000);
  EXPECT_EQ(PendingIds(pc1_).size(), 2U);
  clock_.AdvanceMs(120000);  // past redeem_by
  EXPECT_TRUE(PendingIds(pc1_).empty());
  EXPECT_TRUE(PendingIds(pc2_).empty());
}

TEST_P(ExceptionQueueTest, SettledByGrantedOrRefusedEntries) {
  ASSERT_TRUE(Publish(File(pc1_.id(), 31)).ok());
  const std::string refused = File(pc1_.id(), 32);
  Result<QueuedException> q32 = Publish(refused);
  ASSERT_TRUE(q32.ok());
  ASSERT_TRUE(Publish(File(pc1_.id(), 33)).ok());
  ASSERT_TRUE(Publish(File(pc2_.id(), 31)).ok());
  // A granted entry by code, another PC's file id by other means, and a
  // refusal naming the id without via file settle nothing.
  pc1_.journal().AddEntry("exception.granted", R"({"via":"code","id":"33"})");
  pc1_.journal().AddEntry("near_miss.reported", R"({"id":"33"})");
  Ingest(pc1_, 1);
  EXPECT_EQ(PendingIds(pc1_), (std::vector<std::string>{"31", "32", "33"}));
  // Granted by file 31 (on pc1 only); file 32 refused unverified, by hash.
  const size_t before = pc1_.journal().entries().size();
  pc1_.journal().AddEntry("exception.granted",
                          R"({"id":"31","origin":"sync","via":"file"})");
  pc1_.journal().AddEntry(
      "exception.refused",
      R"({"file_sha256":")" + q32->sha256 + R"(","refusal":"bad-signature"})");
  Ingest(pc1_, before + 1);
  EXPECT_EQ(PendingIds(pc1_), (std::vector<std::string>{"33"}));
  EXPECT_EQ(PendingIds(pc2_), (std::vector<std::string>{"31"}));
  // A refusal that may clear (no policy yet, the PC's clock behind, the
  // state unreadable) keeps it served; one that will not, settles it.
  const size_t later = pc1_.journal().entries().size();
  for (const char* refusal :
       {"no-policy", "not-yet-valid", "state-unreadable", "unknown-person",
        "scope-unavailable", "too-many-grants"}) {
    pc1_.journal().AddEntry(
        "exception.refused",
        std::string(R"({"id":"33","origin":"sync","refusal":")") + refusal +
            R"(","via":"file"})");
  }
  Ingest(pc1_, later + 1);
  EXPECT_EQ(PendingIds(pc1_), (std::vector<std::string>{"33"}));
  const size_t last = pc1_.journal().entries().size();
  pc1_.journal().AddEntry(
      "exception.refused",
      R"({"id":"33","origin":"sync","refusal":"already-applied","via":"file"})");
  Ingest(pc1_, last + 1);
  EXPECT_TRUE(PendingIds(pc1_).empty());
}

TEST_P(ExceptionQueueTest, ListedWithIssuerAndHowItWasSettled) {
  ASSERT_TRUE(Publish(File(pc1_.id(), 51)).ok());
  clock_.AdvanceMs(1);
  ASSERT_TRUE(PublishExceptionFile(*store_.get(), File(pc1_.id(), 52),
                                   city_.PublicKey(), "tanaka", Now())
                  .ok());
  pc1_.journal().AddEntry("exception.granted",
                          R"({"id":"51","origin":"sync","via":"file"})");
  Ingest(pc1_, 1);
  auto listed = store_->ListExceptionFiles("", 10);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 2U);
  EXPECT_EQ((*listed)[0].id, "52");  // newest first
  EXPECT_EQ((*listed)[0].issued_by, "tanaka");
  EXPECT_EQ((*listed)[0].settled_type, "");
  EXPECT_EQ((*listed)[1].issued_by, kCommandLineIssuer);
  EXPECT_NE((*listed)[1].settled_ms, 0);
  EXPECT_EQ((*listed)[1].settled_type, "exception.granted");
}

TEST_P(ExceptionQueueTest, WithdrawnFilesAreNoLongerServed) {
  ASSERT_TRUE(Publish(File(pc1_.id(), 61)).ok());
  ASSERT_TRUE(Publish(File(pc1_.id(), 62)).ok());
  ASSERT_TRUE(Publish(File(pc1_.id(), 63)).ok());
  ASSERT_TRUE(
      store_->WithdrawExceptionFile(pc1_.id(), "61", "tanaka", Now()).ok());
  EXPECT_EQ(PendingIds(pc1_), (std::vector<std::string>{"62", "63"}));
  auto listed = store_->ListExceptionFiles(pc1_.id(), 10);
  ASSERT_TRUE(listed.ok());
  for (const QueuedException& q : *listed) {
    if (q.id != "61") continue;
    EXPECT_EQ(q.withdrawn_ms, Now());
    EXPECT_EQ(q.withdrawn_by, "tanaka");
  }
  // Not twice, not another PC's, not one settled, not one past redeem_by.
  EXPECT_EQ(
      store_->WithdrawExceptionFile(pc1_.id(), "61", "sato", Now()).code(),
      StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      store_->WithdrawExceptionFile(pc2_.id(), "62", "sato", Now()).code(),
      StatusCode::kNotFound);
  pc1_.journal().AddEntry("exception.granted",
                          R"({"id":"62","origin":"sync","via":"file"})");
  Ingest(pc1_, 1);
  EXPECT_EQ(
      store_->WithdrawExceptionFile(pc1_.id(), "62", "sato", Now()).code(),
      StatusCode::kFailedPrecondition);
  clock_.AdvanceMs(int64_t{2} * 86400 * 1000);
  EXPECT_EQ(
      store_->WithdrawExceptionFile(pc1_.id(), "63", "sato", Now()).code(),
      StatusCode::kFailedPrecondition);
}

TEST_P(ExceptionQueueTest, PendingIsBounded) {
  for (uint64_t id = 100; id < 100 + kMaxDeliveredFiles + 3; ++id) {
    ASSERT_TRUE(Publish(File(pc1_.id(), id)).ok());
    clock_.AdvanceMs(1);
  }
  EXPECT_EQ(PendingIds(pc1_).size(), kMaxDeliveredFiles);
}

// The endpoint, over mutual TLS.
class ExceptionEndpointTest : public ExceptionQueueTest {
 protected:
  void SetUp() override {
    ExceptionQueueTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    tls::CertSpec server_spec = Spec("localhost", tls::CertUsage::kServer);
    server_spec.ip_addresses = {"127.0.0.1"};
    tls::Certificate server_cert =
        tls::IssueCertificate(ca_cert_, ca_key_, server_key_.PublicKey(),
                              server_spec)
            .value();
    ServerConfig config{.threads = 2,
                        .server_cert = server_cert,
                        .server_key = server_key_,
                        .ca_cert = ca_cert_,
                        .log = nullptr};
    config.port = 0;
    auto server =
        OfficeServer::Create(config, *store_.get(),
                             EnrolConfig{city_.PublicKey(), ca_cert_, ca_key_,
                                         server_cert.SpkiSha256Hex()},
                             clock_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    auto port = server_->Bind();
    ASSERT_TRUE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { server_->Run().IgnoreError(); });
    std::filesystem::create_directories(tmp_);
    ASSERT_TRUE(WriteFileAtomic(ca_path_, ca_cert_.ToPem(), 0644).ok());
  }
  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    std::error_code ignored;
    std::filesystem::remove_all(tmp_, ignored);
  }

  // GET /api/v1/exceptions as `pc` (with its certificate, or another's
  // key: the handshake fails).
  Result<ExceptionDelivery> Fetch(SimulatedPc& pc, int* status = nullptr) {
    httplib::SSLClient client("127.0.0.1", port_, Cert(pc).get(),
                              pc.tls_key().get());
    client.set_ca_cert_path(ca_path_);
    client.enable_server_certificate_verification(true);
    auto res = client.Get("/api/v1/exceptions");
    if (!res) return IoError("test", "get", httplib::to_string(res.error()));
    if (status != nullptr) *status = res->status;
    if (res->status != 200) return ExceptionDelivery{};
    return ParseExceptionDelivery(res->body);
  }

  tls::EcPrivateKey server_key_ = tls::EcPrivateKey::Generate().value();
  std::unique_ptr<OfficeServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::filesystem::path tmp_ = std::filesystem::temp_directory_path() /
                               ("piiguard-exc-" + testing::MustHex(6));
  std::string ca_path_ = (tmp_ / "ca.crt").string();
};

TEST_P(ExceptionEndpointTest, EachPcGetsOnlyItsOwnUntilSettledOrExpired) {
  const std::string f1 = File(pc1_.id(), 41);
  const std::string f2 = File(pc2_.id(), 42);
  ASSERT_TRUE(Publish(f1).ok());
  ASSERT_TRUE(Publish(f2).ok());
  Result<ExceptionDelivery> one = Fetch(pc1_);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->files, std::vector<std::string>{f1});
  Result<ExceptionDelivery> two = Fetch(pc2_);
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  EXPECT_EQ(two->files, std::vector<std::string>{f2});
  // A PC the office does not know (a certificate from its CA, no row).
  SimulatedPc stranger("stranger-pc");
  int status = 0;
  ASSERT_TRUE(Fetch(stranger, &status).ok());
  EXPECT_EQ(status, 403);
  // Settled by the granted entry ingested over the API's own path.
  pc1_.journal().AddEntry("exception.granted",
                          R"({"id":"41","origin":"sync","via":"file"})");
  Ingest(pc1_, 1);
  one = Fetch(pc1_);
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(one->files.empty());
  // pc2's expires.
  clock_.AdvanceMs(int64_t{2} * 86400 * 1000);
  two = Fetch(pc2_, &status);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(status, 200);
  EXPECT_TRUE(two->files.empty());
}

TEST_P(ExceptionEndpointTest, AWithdrawnFileIsNoLongerServed) {
  const std::string f1 = File(pc1_.id(), 71);
  const std::string f2 = File(pc1_.id(), 72);
  ASSERT_TRUE(Publish(f1).ok());
  ASSERT_TRUE(Publish(f2).ok());
  ASSERT_TRUE(
      store_->WithdrawExceptionFile(pc1_.id(), "71", "tanaka", Now()).ok());
  Result<ExceptionDelivery> one = Fetch(pc1_);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->files, std::vector<std::string>{f2});
}

INSTANTIATE_TEST_SUITE_P(Engines, ExceptionQueueTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         testing::EngineName);
INSTANTIATE_TEST_SUITE_P(Engines, ExceptionEndpointTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         testing::EngineName);

}  // namespace
}  // namespace piiguard::office
