// The sync client's state machine against an in-memory office that runs
// the office's own batch verification (journal::VerifyBatch), over a real
// journal; why a round failed (failure.h); backoff with a fixed random
// source.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "agent/journal/journal.h"
#include "agent/sync/backoff.h"
#include "agent/sync/sync_client.h"
#include "common/json.h"
#include "common/os/testing/fake_clock.h"

namespace piiguard::sync {
namespace {

TEST(BackoffTest, DoublesToFifteenMinutesWithJitter) {
  double unit = 0.5;  // factor 1.0
  Backoff backoff([&] { return unit; });
  EXPECT_EQ(backoff.NextDelayMs(), 5000);
  EXPECT_EQ(backoff.NextDelayMs(), 10000);
  EXPECT_EQ(backoff.NextDelayMs(), 20000);
  for (int i = 0; i < 20; ++i) backoff.NextDelayMs();
  EXPECT_EQ(backoff.NextDelayMs(), 15 * 60 * 1000);
  unit = 0.0;  // factor 0.5
  EXPECT_EQ(backoff.NextDelayMs(), 15 * 60 * 1000 / 2);
  unit = 0.999999;  // factor just under 1.5
  EXPECT_NEAR(static_cast<double>(backoff.NextDelayMs()), 15 * 60 * 1500, 2);
  backoff.Reset();
  unit = 0.0;
  EXPECT_EQ(backoff.NextDelayMs(), 2500);
}

TEST(BackoffTest, SystemRandomInRange) {
  for (int i = 0; i < 100; ++i) {
    double value = SystemUnitRandom();
    EXPECT_GE(value, 0.0);
    EXPECT_LT(value, 1.0);
  }
}

// An office in memory: verifies like the real one and keeps an anchor.
class FakeOffice : public Transport {
 public:
  explicit FakeOffice(Ed25519PublicKey device_key)
      : device_key_(std::move(device_key)) {}

  bool online = true;
  Status failure;  // when set, every call fails with it
  bool lose_next_answer = false;
  std::string refuse_with;  // an error code to answer with once
  std::string status_request;
  std::string policy;  // served when newer
  int64_t policy_version = 0;
  journal::Anchor anchor;
  std::map<uint64_t, journal::Hash> stored;
  std::vector<std::string> reports;
  size_t posts = 0;

  Result<HttpAnswer> PostJournal(const std::string& body) override {
    ++posts;
    if (!failure.ok()) return failure;
    if (!online) return IoError("fake office", "connect", "refused");
    Result<journal::Batch> batch = journal::ParseBatch(body);
    if (!batch.ok()) return Answer(400, "malformed", batch.status().message());
    if (!refuse_with.empty()) {
      std::string code = std::exchange(refuse_with, "");
      return Answer(409, code, "test refusal");
    }
    if (anchor.chain.empty()) anchor.chain = batch->chain;
    size_t first_new = 0;
    auto refusal = journal::VerifyBatch(
        *batch, device_key_, anchor,
        [&](uint64_t seq) -> std::optional<journal::Hash> {
          auto it = stored.find(seq);
          if (it == stored.end()) return std::nullopt;
          return it->second;
        },
        &first_new);
    if (refusal) {
      return Answer(409, std::string(journal::BatchErrorCode(refusal->error)),
                    refusal->reason);
    }
    for (size_t i = first_new; i < batch->entries.size(); ++i) {
      stored[batch->entries[i].seq] = batch->entries[i].hash;
    }
    anchor.acked_seq = batch->entries.back().seq;
    anchor.acked_head = batch->entries.back().hash;
    if (!batch->status_report.empty()) {
      reports.push_back(batch->status_report);
      status_request.clear();
    }
    if (std::exchange(lose_next_answer, false)) {
      return IoError("fake office", "read", "connection reset");
    }
    Json json = {{"acked_seq", anchor.acked_seq},
                 {"acked_head", journal::HashHex(anchor.acked_head)},
                 {"status_request", status_request},
                 {"policy_version", policy_version}};
    return HttpAnswer{200, json.dump()};
  }

  Result<HttpAnswer> GetPolicy(int64_t have) override {
    if (!online) return IoError("fake office", "connect", "refused");
    if (policy.empty() || policy_version <= have) return HttpAnswer{204, ""};
    return HttpAnswer{200, policy};
  }

 private:
  Result<HttpAnswer> Answer(int status, const std::string& code,
                            const std::string& reason) {
    Json json = {{"error", code},
                 {"reason", reason},
                 {"acked_seq", anchor.acked_seq},
                 {"acked_head", journal::HashHex(anchor.acked_head)}};
    return HttpAnswer{status, json.dump()};
  }
  Ed25519PublicKey device_key_;
};

// The daemon's side as far as sync needs it, over a real journal.
class JournalLink : public DaemonLink {
 public:
  JournalLink(journal::Journal& journal) : journal_(journal) {}
  std::vector<std::string> refused;
  std::vector<std::string> installed;
  size_t max_entries = journal::kMaxBatchEntries;

  Result<std::optional<SyncMaterial>> GetMaterial() override {
    return std::optional<SyncMaterial>();
  }
  Result<PendingBatch> GetBatch() override {
    PendingBatch pending;
    PIIGUARD_ASSIGN_OR_RETURN(pending.batch,
                              journal_.NextBatch("pc-1", max_entries));
    return pending;
  }
  Status Acked(uint64_t seq, const journal::Hash& head) override {
    return journal_.SetAcked(seq, head);
  }
  Result<PolicyOutcome> InstallPolicy(const std::string& bytes) override {
    installed.push_back(bytes);
    return PolicyOutcome{true, ""};
  }
  Result<std::string> GetStatusReport(const std::string& request) override {
    journal::Event event{"status_report.sent", journal::Severity::kInfo,
                         "office", Json{{"request", request}}};
    PIIGUARD_RETURN_IF_ERROR(journal_.Append(event).status());
    return "report for " + request;
  }
  Status SyncRefused(const std::string& reason) override {
    refused.push_back(reason);
    journal::Event event{"sync.refused", journal::Severity::kWarning, "office",
                         Json{{"reason", reason}}};
    return journal_.Append(event).status();
  }
  Status SyncDone(FailureKind, const std::string&) override {
    return Status::Ok();
  }

 private:
  journal::Journal& journal_;
};

class SyncClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sync_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    key_.emplace(Ed25519PrivateKey::Generate().value());
    Reopen();
    office_.emplace(key_->PublicKey());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Reopen() {
    journal_.reset();
    auto journal = journal::Journal::Open(dir_ + "/journal.db", *key_, clock_);
    ASSERT_TRUE(journal.ok()) << journal.status().message();
    journal_ = std::move(*journal);
    link_.emplace(*journal_);
  }
  void Append(int count) {
    for (int i = 0; i < count; ++i) {
      journal::Event event{"near_miss", journal::Severity::kNotice, "staff",
                           Json{{"text", "n" + std::to_string(i)}}};
      ASSERT_TRUE(journal_->Append(event).ok());
    }
  }
  uint64_t Acked() { return journal_->GetSyncState().value().acked_seq; }
  RoundResult Round() {
    SyncClient client(*link_);
    return client.RunRound(*office_);
  }

  std::string dir_;
  os::FakeClock clock_{1790000000000, 1000000, 1000};
  std::optional<Ed25519PrivateKey> key_;
  std::unique_ptr<journal::Journal> journal_;
  std::optional<JournalLink> link_;
  std::optional<FakeOffice> office_;
};

TEST_F(SyncClientTest, SendsEverythingInBatches) {
  Append(30);
  link_->max_entries = 7;
  RoundResult round = Round();
  ASSERT_TRUE(round.ok) << round.detail;
  EXPECT_GE(round.batches_sent, 5u);
  EXPECT_EQ(Acked(), journal_->head_seq());
  EXPECT_EQ(office_->anchor.acked_seq, journal_->head_seq());
  // Nothing pending: no post.
  size_t posts = office_->posts;
  EXPECT_TRUE(Round().ok);
  EXPECT_EQ(office_->posts, posts);
}

TEST_F(SyncClientTest, LostAnswerResendIsAcknowledged) {
  Append(3);
  office_->lose_next_answer = true;
  RoundResult lost = Round();
  EXPECT_FALSE(lost.ok);
  EXPECT_EQ(lost.kind, FailureKind::kOffline);
  EXPECT_NE(lost.detail.find("connection reset"), std::string::npos);
  EXPECT_EQ(Acked(), 0u);  // the PC did not hear the answer
  EXPECT_EQ(office_->anchor.acked_seq, journal_->head_seq());
  RoundResult again = Round();  // resend → already_acknowledged → ack
  ASSERT_TRUE(again.ok) << again.detail;
  EXPECT_EQ(Acked(), journal_->head_seq());
  EXPECT_TRUE(link_->refused.empty());
}

TEST_F(SyncClientTest, RefusalIsJournaledAndRetried) {
  Append(2);
  office_->refuse_with = "gap";
  RoundResult refused = Round();
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.kind, FailureKind::kRefused);
  EXPECT_EQ(refused.detail, "gap: test refusal");
  ASSERT_EQ(link_->refused.size(), 1u);
  EXPECT_EQ(link_->refused[0].rfind("gap", 0), 0u);
  EXPECT_EQ(Acked(), 0u);
  ASSERT_TRUE(Round().ok);
  EXPECT_EQ(Acked(), journal_->head_seq());  // includes sync.refused
}

TEST_F(SyncClientTest, AckWithAForeignHeadIsNotTaken) {
  Append(2);
  ASSERT_TRUE(Round().ok);
  uint64_t acked = Acked();
  Append(2);
  // The office claims a position with a hash that is not ours.
  office_->anchor.acked_head[0] ^= 1;
  office_->refuse_with = "already_acknowledged";
  office_->anchor.acked_seq = journal_->head_seq();
  RoundResult foreign = Round();
  EXPECT_FALSE(foreign.ok);
  EXPECT_EQ(foreign.kind, FailureKind::kHttp);
  EXPECT_EQ(Acked(), acked);
}

TEST_F(SyncClientTest, OfflineKeepsEverythingAcrossRestart) {
  Append(5);
  office_->online = false;
  EXPECT_FALSE(Round().ok);
  EXPECT_FALSE(Round().ok);
  EXPECT_EQ(Acked(), 0u);
  uint64_t head = journal_->head_seq();
  Reopen();  // the daemon restarts
  EXPECT_EQ(journal_->head_seq(), head);
  office_->online = true;
  ASSERT_TRUE(Round().ok);
  EXPECT_EQ(Acked(), journal_->head_seq());
  EXPECT_EQ(office_->stored.size(), journal_->head_seq());
}

// Each transport error keeps its meaning (transport.h, failure.h).
TEST_F(SyncClientTest, TransportErrorsKeepTheirKind) {
  Append(1);
  const std::pair<Status, FailureKind> cases[] = {
      {NotFoundError("sync", "office.example", "name does not resolve"),
       FailureKind::kDns},
      {IoError("sync", "office.example", "name not resolved now"),
       FailureKind::kOffline},
      {UnauthenticatedError("sync", "office", "not the pinned key"),
       FailureKind::kPin},
      {FailedPreconditionError("sync", "office", "TLS handshake failed"),
       FailureKind::kTls},
  };
  for (const auto& [status, kind] : cases) {
    office_->failure = status;
    RoundResult round = Round();
    EXPECT_FALSE(round.ok);
    EXPECT_EQ(round.kind, kind) << status.message();
    EXPECT_EQ(round.detail, status.message());
  }
  office_->failure = Status::Ok();
  EXPECT_TRUE(Round().ok);
}

TEST_F(SyncClientTest, AnswerThatIsNotJsonIsAnHttpProblem) {
  struct Proxy : Transport {
    Result<HttpAnswer> PostJournal(const std::string&) override {
      return HttpAnswer{502, "<html>Bad Gateway</html>"};
    }
    Result<HttpAnswer> GetPolicy(int64_t) override {
      return HttpAnswer{502, ""};
    }
  } proxy;
  Append(1);
  SyncClient client(*link_);
  RoundResult round = client.RunRound(proxy);
  EXPECT_FALSE(round.ok);
  EXPECT_EQ(round.kind, FailureKind::kHttp);
  EXPECT_NE(round.detail.find("HTTP 502"), std::string::npos);
}

TEST_F(SyncClientTest, StatusRequestAnsweredInNextBatch) {
  Append(1);
  office_->status_request = "req-7";
  ASSERT_TRUE(Round().ok);
  ASSERT_EQ(office_->reports.size(), 1u);
  EXPECT_EQ(office_->reports[0], "report for req-7");
  EXPECT_EQ(Acked(), journal_->head_seq());
}

TEST_F(SyncClientTest, PolicyPulledWhenNewer) {
  office_->policy = "signed-policy-bytes";
  office_->policy_version = 3;
  ASSERT_TRUE(Round().ok);
  ASSERT_EQ(link_->installed.size(), 1u);
  EXPECT_EQ(link_->installed[0], "signed-policy-bytes");
}

}  // namespace
}  // namespace piiguard::sync
