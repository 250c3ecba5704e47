// The daemon's scan_attest handler on a real journal: the uid and clean are
// the daemon's, the journal has scan.completed without paths, and the
// attestation makes the CLI's report verify with the device key.

#include "agent/daemon/wire_scan.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/json.h"
#include "common/os/testing/fake_clock.h"
#include "common/scanreport/scan_report_testing.h"
#include "common/signed_envelope.h"

namespace piiguard::agent {
namespace {

class WireScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wire_scan_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    device_key_.emplace(Ed25519PrivateKey::Generate().value());
    auto journal =
        journal::Journal::Open(dir_ + "/journal.db", *device_key_, clock_);
    ASSERT_TRUE(journal.ok());
    journal_ = std::move(*journal);
    ASSERT_TRUE(StoreOfficeConfig(StatePaths(dir_),
                                  {"hidamari-pc-01", "https://office:8443",
                                   std::string(64, 'a')})
                    .ok());
    events_.emplace(*journal_);
    board_.emplace(*events_);
    signer_.emplace(*device_key_);
    MakeEnrolment();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The CLI's side: the request for `body`.
  static ipc::Request RequestFor(const scanreport::Body& body) {
    ipc::Request request;
    request.op = ipc::Op::kScanAttest;
    request.body_sha256 = Sha256Hex(scanreport::CanonicalBody(body).value());
    request.counts = body.counts;
    request.full = body.full;
    return request;
  }

  // Reads office.json now.
  void MakeEnrolment() {
    enrolment_.emplace(StatePaths(dir_), *journal_, *events_, *board_);
  }

  static std::string UserName(uid_t uid) {
    return uid == 0 ? std::string("root") : std::string("staff");
  }

  Result<Json> Attest(const ipc::Peer& peer, const scanreport::Body& body) {
    return AttestScan(
        AttestDeps{*events_, *enrolment_, *signer_, clock_, &UserName}, peer,
        RequestFor(body));
  }

  std::vector<journal::Entry> Entries() {
    journal::ShowFilter filter;
    filter.type_prefix = "scan";
    return journal::ReadEntries(dir_ + "/journal.db", filter).value();
  }

  static constexpr int64_t kNowMs = int64_t{1795999999} * 1000;
  os::FakeClock clock_{kNowMs};
  std::string dir_;
  std::optional<Ed25519PrivateKey> device_key_;
  std::unique_ptr<journal::Journal> journal_;
  std::optional<EventSink> events_;
  std::optional<StatusBoard> board_;
  std::optional<DeviceSigner> signer_;
  std::optional<Enrolment> enrolment_;
};

TEST_F(WireScanTest, AttestationMakesTheReportVerify) {
  scanreport::Body body =
      scanreport::testing::SampleBody(device_key_->PublicKey());
  Json answer = Attest(ipc::Peer{42, 1000, 1000}, body).value();
  scanreport::Report report;
  report.body = body;
  report.attestation = answer["attestation"].get<std::string>();
  Result<scanreport::Attestation> verified =
      scanreport::VerifyReport(report, device_key_->PublicKey());
  ASSERT_TRUE(verified.ok()) << verified.status().message();
  EXPECT_EQ(verified->pc, "hidamari-pc-01");
  EXPECT_EQ(verified->user, "staff");
  EXPECT_EQ(verified->time, "2026-11-30T09:53:19+09:00");
  EXPECT_EQ(verified->journal_seq, answer["journal_seq"].get<uint64_t>());

  std::vector<journal::Entry> entries = Entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].type, "scan.completed");
  EXPECT_EQ(entries[0].severity, journal::Severity::kWarning);  // a roster
  EXPECT_EQ(entries[0].seq, verified->journal_seq);
  Json details = Json::parse(entries[0].details);
  EXPECT_EQ(details["uid"], 1000);
  EXPECT_EQ(details["counts"]["rosters"], 1);
  EXPECT_EQ(details["clean"], false);
  // No path of the scanned tree reaches the journal.
  EXPECT_EQ(entries[0].details.find("/home/staff"), std::string::npos);
  EXPECT_EQ(entries[0].details.find("名簿"), std::string::npos);
}

TEST_F(WireScanTest, UidAndCleanAreTheDaemons) {
  scanreport::Body body =
      scanreport::testing::SampleBody(device_key_->PublicKey());
  body.counts.rosters = 0;
  body.findings.clear();
  body.counts.not_examined = 0;
  body.not_examined.clear();
  // The body claims root, and so clean; the socket saw uid 1000.
  body.uid = 0;
  body.clean = true;
  Json answer = Attest(ipc::Peer{42, 1000, 1000}, body).value();
  SignedEnvelope envelope =
      ParseSignedEnvelope(answer["attestation"].get<std::string>()).value();
  scanreport::Attestation a =
      scanreport::ParseAttestation(envelope.payload).value();
  EXPECT_EQ(a.uid, 1000u);
  EXPECT_FALSE(a.clean);
  scanreport::Report report;
  report.body = body;
  report.attestation = answer["attestation"].get<std::string>();
  EXPECT_FALSE(scanreport::VerifyReport(report, device_key_->PublicKey()).ok());

  // The same body from root: clean, journaled as info.
  Json root = Attest(ipc::Peer{43, 0, 0}, body).value();
  report.attestation = root["attestation"].get<std::string>();
  Result<scanreport::Attestation> verified =
      scanreport::VerifyReport(report, device_key_->PublicKey());
  ASSERT_TRUE(verified.ok()) << verified.status().message();
  EXPECT_TRUE(verified->clean);
  std::vector<journal::Entry> entries = Entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].severity, journal::Severity::kInfo);
}

TEST_F(WireScanTest, NotEnrolledIsRefusedAndNotJournaled) {
  std::filesystem::remove(StatePaths(dir_).Office());
  MakeEnrolment();
  scanreport::Body body =
      scanreport::testing::SampleBody(device_key_->PublicKey());
  Result<Json> answer = Attest(ipc::Peer{42, 0, 0}, body);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(answer.status().message().find("not enrolled"), std::string::npos);
  EXPECT_TRUE(Entries().empty());
}

TEST_F(WireScanTest, AnswerFitsAFrame) {
  scanreport::Body body =
      scanreport::testing::SampleBody(device_key_->PublicKey());
  Json answer = Attest(ipc::Peer{42, 1000, 1000}, body).value();
  EXPECT_LT(answer.dump().size(), ipc::kMaxFrameBytes / 4);
}

}  // namespace
}  // namespace piiguard::agent
