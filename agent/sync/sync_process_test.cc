// A round as the sync process runs it: the material from piiguardd, the
// certificate checks, the outcome reported with its kind, and when the
// next round runs.

#include "agent/sync/sync_process.h"

#include <gtest/gtest.h>

#include "agent/sync/sync_testing.h"
#include "common/os/testing/fake_clock.h"

namespace piiguard::sync {
namespace {

using testing::kNow;
using testing::kYear;

// piiguardd as far as a round goes: material, nothing pending, outcomes.
class MonitorFake : public DaemonLink {
 public:
  std::optional<SyncMaterial> material;
  Status material_error;
  std::vector<std::pair<FailureKind, std::string>> done;

  Result<std::optional<SyncMaterial>> GetMaterial() override {
    if (!material_error.ok()) return material_error;
    if (!material) return std::optional<SyncMaterial>();
    SyncMaterial copy;
    copy.office = material->office;
    copy.client_cert_pem = material->client_cert_pem;
    copy.ca_pem = material->ca_pem;
    copy.client_key_pem = material->client_key_pem;
    return std::optional<SyncMaterial>(std::move(copy));
  }
  Result<PendingBatch> GetBatch() override { return PendingBatch{}; }
  Status Acked(uint64_t, const journal::Hash&) override { return Status::Ok(); }
  Result<PolicyOutcome> InstallPolicy(const std::string&) override {
    return PolicyOutcome{};
  }
  Result<std::string> GetStatusReport(const std::string&) override {
    return std::string();
  }
  Status SyncRefused(const std::string&) override { return Status::Ok(); }
  Status SyncDone(FailureKind kind, const std::string& detail) override {
    done.emplace_back(kind, detail);
    return Status::Ok();
  }
};

struct NoOffice : Transport {
  Status failure;
  Result<HttpAnswer> PostJournal(const std::string&) override {
    return HttpAnswer{200, "{}"};
  }
  Result<HttpAnswer> GetPolicy(int64_t) override {
    if (!failure.ok()) return failure;
    return HttpAnswer{204, ""};
  }
};

class SyncProcessTest : public ::testing::Test {
 protected:
  RoundResult Round() {
    SyncProcess process(
        monitor_,
        [this](const SyncMaterial& material)
            -> Result<std::unique_ptr<Transport>> {
          made_for_.push_back(material.office.office_url);
          auto office = std::make_unique<NoOffice>();
          office->failure = office_failure_;
          return std::unique_ptr<Transport>(std::move(office));
        },
        clock_);
    return process.RunRound();
  }

  testing::TestOffice office_ = testing::MakeOffice();
  MonitorFake monitor_;
  os::FakeClock clock_{kNow * 1000};
  Status office_failure_;
  std::vector<std::string> made_for_;
};

TEST_F(SyncProcessTest, NotEnrolledIsReportedAndNotAnError) {
  RoundResult round = Round();
  EXPECT_FALSE(round.ok);
  EXPECT_EQ(round.kind, FailureKind::kNotEnrolled);
  ASSERT_EQ(monitor_.done.size(), 1u);
  EXPECT_EQ(monitor_.done[0].first, FailureKind::kNotEnrolled);
  EXPECT_FALSE(IsError(FailureKind::kNotEnrolled));
  EXPECT_TRUE(made_for_.empty());
}

TEST_F(SyncProcessTest, MaterialThatCannotBeReadIsNamed) {
  monitor_.material_error = FailedPreconditionError(
      "sync material", "/var/lib/piiguard/tls/client.key", "owned by uid 7");
  RoundResult round = Round();
  EXPECT_EQ(round.kind, FailureKind::kMaterial);
  EXPECT_NE(round.detail.find("owned by uid 7"), std::string::npos);
  ASSERT_EQ(monitor_.done.size(), 1u);
  EXPECT_EQ(monitor_.done[0].first, FailureKind::kMaterial);
}

TEST_F(SyncProcessTest, RoundWithGoodMaterialGoesThrough) {
  monitor_.material = testing::MakeMaterial(office_, "https://office:8443");
  RoundResult round = Round();
  EXPECT_TRUE(round.ok) << round.detail;
  ASSERT_EQ(made_for_.size(), 1u);
  EXPECT_EQ(made_for_[0], "https://office:8443");
  ASSERT_EQ(monitor_.done.size(), 1u);
  EXPECT_EQ(monitor_.done[0].first, FailureKind::kNone);
  // Each round asks again: a new enrolment is used by the next round.
  monitor_.material = testing::MakeMaterial(office_, "https://other:8443");
  EXPECT_TRUE(Round().ok);
  EXPECT_EQ(made_for_.back(), "https://other:8443");
}

TEST_F(SyncProcessTest, ExpiredOrForeignCertificateIsACertificateProblem) {
  monitor_.material = testing::MakeMaterial(office_, "https://office:8443",
                                            kNow - 3 * kYear, kNow - kYear);
  RoundResult expired = Round();
  EXPECT_EQ(expired.kind, FailureKind::kCertificate);
  EXPECT_NE(expired.detail.find("expired on"), std::string::npos)
      << expired.detail;
  EXPECT_TRUE(made_for_.empty());  // nothing sent with it

  monitor_.material = testing::MakeMaterial(office_, "https://office:8443",
                                            kNow + kYear, kNow + 2 * kYear);
  EXPECT_EQ(Round().kind, FailureKind::kCertificate);

  testing::TestOffice other = testing::MakeOffice();
  monitor_.material = testing::MakeMaterial(other, "https://office:8443");
  monitor_.material->ca_pem = office_.ca.ToPem();
  RoundResult foreign = Round();
  EXPECT_EQ(foreign.kind, FailureKind::kCertificate);
  EXPECT_NE(foreign.detail.find("not issued by the office's CA"),
            std::string::npos);
}

TEST_F(SyncProcessTest, OfficeProblemsKeepTheirKind) {
  monitor_.material = testing::MakeMaterial(office_, "https://office:8443");
  office_failure_ = UnauthenticatedError("sync", "office", "pin");
  RoundResult round = Round();
  EXPECT_EQ(round.kind, FailureKind::kPin);
  ASSERT_FALSE(monitor_.done.empty());
  EXPECT_EQ(monitor_.done.back().first, FailureKind::kPin);
}

TEST(NextRoundDelayTest, IntervalBackoffAndMore) {
  Backoff backoff([] { return 0.5; });  // factor 1
  RoundResult ok;
  ok.ok = true;
  EXPECT_EQ(NextRoundDelayMs(ok, backoff, 300), 300000);
  RoundResult more = ok;
  more.more = true;
  EXPECT_EQ(NextRoundDelayMs(more, backoff, 300), 0);
  RoundResult offline;
  offline.kind = FailureKind::kOffline;
  EXPECT_EQ(NextRoundDelayMs(offline, backoff, 300), 5000);
  EXPECT_EQ(NextRoundDelayMs(offline, backoff, 300), 10000);
  RoundResult not_enrolled;
  not_enrolled.kind = FailureKind::kNotEnrolled;
  EXPECT_EQ(NextRoundDelayMs(not_enrolled, backoff, 300), 300000);
  EXPECT_EQ(NextRoundDelayMs(ok, backoff, 300), 300000);
  EXPECT_EQ(NextRoundDelayMs(offline, backoff, 300), 5000);  // reset by ok
}

TEST(HttpsTransportTest, MakesATransportFromMaterialOnly) {
  testing::TestOffice office = testing::MakeOffice();
  SyncMaterial material = testing::MakeMaterial(office, "https://127.0.0.1:1");
  EXPECT_TRUE(MakeHttpsTransport(material).ok());
  SyncMaterial other = testing::MakeMaterial(office, "https://127.0.0.1:1");
  material.client_key_pem = other.client_key_pem;  // not the cert's key
  EXPECT_FALSE(MakeHttpsTransport(material).ok());
  material.client_key_pem = "garbage";
  EXPECT_FALSE(MakeHttpsTransport(material).ok());
}

}  // namespace
}  // namespace piiguard::sync
