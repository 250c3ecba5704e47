// The sync client's state machine against an in-memory office that runs
// the office's own batch verification (journal::VerifyBatch), over a real
// journal; backoff with a fixed random source; the child protocol's
// permit table.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "agent/journal/journal.h"
#include "agent/sync/backoff.h"
#include "agent/sync/child_protocol.h"
#include "agent/sync/https_transport.h"
#include "agent/sync/sync_client.h"
#include "common/json.h"

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

TEST(ChildProtocolTest, PermitTable) {
  for (const ChildPermit& permit : kChildPermits) {
    EXPECT_EQ(permit.permitted, permit.op != ChildOp::kSignCheckpoint)
        << permit.name;
  }
  EXPECT_FALSE(ParseChildRequest(R"({"op":"sign"})").ok());
  EXPECT_FALSE(ParseChildRequest(R"({"op":"append"})").ok());
  EXPECT_FALSE(ParseChildRequest(R"({"op":"get_batch","x":1})").ok());
  EXPECT_FALSE(ParseChildRequest(R"({"op":"acked","seq":-1,"head":""})").ok());
  EXPECT_FALSE(ParseChildRequest("not json").ok());
  EXPECT_FALSE(
      ParseChildRequest(R"({"op":"status_report","request":"../x"})").ok());
  std::string big(3000, 'a');
  EXPECT_FALSE(
      ParseChildRequest(R"({"op":"sync_refused","reason":")" + big + "\"}")
          .ok());
}

TEST(ChildProtocolTest, RoundTrip) {
  ChildRequest acked = MakeChildRequest(ChildOp::kAcked);
  acked.seq = 42;
  acked.head[0] = 0xAB;
  ChildRequest policy = MakeChildRequest(ChildOp::kInstallPolicy);
  policy.policy = std::string("\x00\x01signed", 8);
  ChildRequest done = MakeChildRequest(ChildOp::kSyncDone);
  done.ok = true;
  done.reason = "fine";
  ChildRequest report = MakeChildRequest(ChildOp::kGetStatusReport);
  report.request = "req-1";
  for (const ChildRequest& request : {acked, policy, done, report}) {
    Result<ChildRequest> parsed =
        ParseChildRequest(SerializeChildRequest(request));
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_EQ(*parsed, request);
  }
}

TEST(OfficeConfigTest, ParsesAndRefuses) {
  OfficeConfig config{"pc-1", "https://127.0.0.1:8443", std::string(64, 'a')};
  Result<OfficeConfig> parsed =
      ParseOfficeConfig(SerializeOfficeConfig(config));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->office_url, config.office_url);
  EXPECT_EQ(ParseOfficeUrl("https://office.example:9443").value().port, 9443);
  EXPECT_EQ(ParseOfficeUrl("https://office.example").value().port, 443);
  EXPECT_FALSE(ParseOfficeUrl("http://office").ok());
  EXPECT_FALSE(ParseOfficeUrl("https://a@b:1").ok());
  EXPECT_FALSE(ParseOfficeUrl("https://b:99999").ok());
  config.office_pin = "ABC";
  EXPECT_FALSE(ParseOfficeConfig(SerializeOfficeConfig(config)).ok());
}

// An office in memory: verifies like the real one and keeps an anchor.
class FakeOffice : public Transport {
 public:
  explicit FakeOffice(Ed25519PublicKey device_key)
      : device_key_(std::move(device_key)) {}

  bool online = true;
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
  std::vector<std::pair<bool, std::string>> done;
  size_t max_entries = journal::kMaxBatchEntries;

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
  Status SyncDone(bool ok, const std::string& detail) override {
    done.emplace_back(ok, detail);
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
    auto journal = journal::Journal::Open(dir_ + "/journal.db", *key_,
                                          [this] { return now_++; });
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
    SyncClient client(*office_, *link_);
    return client.RunRound();
  }

  std::string dir_;
  int64_t now_ = 1790000000000;
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
  EXPECT_NE(lost.detail.find("offline"), std::string::npos);
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
  EXPECT_FALSE(Round().ok);
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
  ASSERT_FALSE(link_->done.empty());
  EXPECT_TRUE(link_->done.back().first);
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
