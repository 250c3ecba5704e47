#include "office/ingest.h"

#include <gtest/gtest.h>

#include <string>

#include "common/journal/batch.h"
#include "common/journal/testing.h"
#include "common/json.h"
#include "common/os/testing/fake_clock.h"
#include "common/signed_envelope.h"
#include "office/store_testing.h"
#include "policy/test_policy.h"

namespace piiguard::office {
namespace {

using journal::testing::ChainBuilder;
using testing::Engine;
using testing::TestStore;

constexpr int64_t kNowMs = 1790000100000;
constexpr std::string_view kPc = "hidamari-pc-01";
const ClientIdentity kClient{std::string(kPc), "5e41a1"};

Ed25519PrivateKey NewKey() { return Ed25519PrivateKey::Generate().value(); }

class IngestTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    PIIGUARD_SETUP_TEST_STORE(store_, GetParam());
    ingestor_.emplace(*store_.get(), clock_);
    PcRecord pc;
    pc.pc = kPc;
    pc.consignee = "npo-hidamari";
    pc.device_key_pem = agent_.key().PublicKey().ToPem();
    pc.chain = agent_.chain();
    pc.cert_serial = kClient.cert_serial;
    ASSERT_EQ(store_->Enrol(pc, "nonce", kNowMs), Status::Ok());
    agent_.AddEvents(29);  // 30 entries with journal.created
  }

  ApiAnswer Push(const journal::Batch& batch,
                 const ClientIdentity& client = kClient) {
    return ingestor_->Ingest(client, journal::SerializeBatch(batch));
  }

  // Everything the store holds about the PC, to check "nothing changed".
  std::string Snapshot() {
    EventFilter all;
    all.limit = 100000;
    auto events = store_->ListEvents(all);
    auto pc = store_->GetPc(kPc);
    auto incidents = store_->ListIncidents(true);
    EXPECT_TRUE(events.ok() && pc.ok() && incidents.ok());
    std::string out = std::to_string(events->total) + "|" +
                      std::to_string(pc->acked_seq) + "|" +
                      journal::HashHex(pc->acked_head) + "|" +
                      std::to_string(pc->last_contact_ms) + "|" +
                      std::to_string(pc->verification_failed) + "|" +
                      std::to_string(incidents->size());
    for (const ReviewEvent& e : events->events) {
      out += "|" + std::to_string(e.seq) + e.type + e.details;
    }
    return out;
  }

  TestStore store_;
  ChainBuilder agent_{NewKey()};
  // Each reading 1 ms after the one before (the first kNowMs + 1), so a
  // refusal that touched the contact time would show in Snapshot().
  os::FakeClock clock_{kNowMs + 1, 1000000, 1000};
  std::optional<Ingestor> ingestor_;
};

TEST_P(IngestTest, AcceptsBatchesAndResendsOfTheirTail) {
  ApiAnswer first = Push(agent_.MakeBatch(1, 10));
  ASSERT_EQ(first.http_status, 200) << first.reason;
  EXPECT_EQ(first.body["acked_seq"], 10);
  EXPECT_EQ(first.body["acked_head"],
            journal::HashHex(agent_.entries()[9].hash));
  EXPECT_EQ(first.body["status_request"], "");
  EXPECT_EQ(first.body["policy_version"], 0);
  EXPECT_EQ(first.new_entries, 10U);

  // A resend overlapping what was acknowledged: only the new part is stored.
  ApiAnswer second = Push(agent_.MakeBatch(6, 20));
  ASSERT_EQ(second.http_status, 200) << second.reason;
  EXPECT_EQ(second.new_entries, 10U);
  EXPECT_EQ(second.body["acked_seq"], 20);
  auto pc = store_->GetPc(kPc);
  ASSERT_TRUE(pc.ok());
  EXPECT_EQ(pc->acked_seq, 20U);
  EXPECT_EQ(pc->acked_head, agent_.entries()[19].hash);
  EXPECT_EQ(pc->last_contact_ms, kNowMs + 2);  // the second push's reading
  EventFilter all;
  EXPECT_EQ(store_->ListEvents(all)->total, 20U);
  auto event = store_->GetEvent(kPc, 1);
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->type, "journal.created");
  EXPECT_EQ(event->consignee, "npo-hidamari");
}

TEST_P(IngestTest, ReplayIsRefusedAndChangesNothing) {
  ASSERT_EQ(Push(agent_.MakeBatch(1, 10)).http_status, 200);
  std::string before = Snapshot();
  for (auto [first, last] : {std::pair{1, 10}, std::pair{3, 7}}) {
    ApiAnswer replay = Push(agent_.MakeBatch(first, last));
    EXPECT_EQ(replay.http_status, 409);
    EXPECT_EQ(replay.error, "already_acknowledged");
    EXPECT_EQ(replay.body["error"], "already_acknowledged");
    EXPECT_EQ(replay.body["acked_seq"], 10);
    EXPECT_EQ(replay.body["acked_head"],
              journal::HashHex(agent_.entries()[9].hash));
    EXPECT_FALSE(replay.incident);
  }
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(IngestTest, GapIsRefusedWithoutIncident) {
  ASSERT_EQ(Push(agent_.MakeBatch(1, 10)).http_status, 200);
  std::string before = Snapshot();
  ApiAnswer gap = Push(agent_.MakeBatch(15, 20));
  EXPECT_EQ(gap.http_status, 409);
  EXPECT_EQ(gap.error, "gap");
  EXPECT_FALSE(gap.incident);
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(IngestTest, TruncatedAndRewrittenTailIsAnIncident) {
  ASSERT_EQ(Push(agent_.MakeBatch(1, 20)).http_status, 200);
  std::string before = Snapshot();
  // The PC's journal cut back to entry 12 after the sync, then appended to:
  // same key and chain, different entries from 13.
  ChainBuilder rewritten(agent_.key(), agent_.chain());
  rewritten.AddEvents(11);                   // 1..12 as before
  rewritten.AddEvents(10, "stick.refused");  // 13..22 differ
  ASSERT_EQ(rewritten.entries()[11].hash, agent_.entries()[11].hash);

  ApiAnswer after_anchor = Push(rewritten.MakeBatch(21, 22));
  EXPECT_EQ(after_anchor.http_status, 409);
  EXPECT_TRUE(after_anchor.incident);
  EXPECT_EQ(after_anchor.body["acked_seq"], 20);

  ApiAnswer overlapping = Push(rewritten.MakeBatch(13, 22));
  EXPECT_EQ(overlapping.http_status, 409);
  EXPECT_EQ(overlapping.error, "history_rewritten");
  EXPECT_TRUE(overlapping.incident);

  auto pc = store_->GetPc(kPc);
  ASSERT_TRUE(pc.ok());
  EXPECT_TRUE(pc->verification_failed);
  EXPECT_EQ(pc->acked_seq, 20U);
  EXPECT_EQ(pc->acked_head, agent_.entries()[19].hash);
  auto incidents = store_->ListIncidents(false);
  ASSERT_TRUE(incidents.ok());
  ASSERT_EQ(incidents->size(), 2U);
  EXPECT_EQ((*incidents)[0].code, "history_rewritten");
  EXPECT_EQ((*incidents)[0].pc, kPc);
  EventFilter all;
  all.limit = 100;
  auto events = store_->ListEvents(all);
  EXPECT_EQ(events->total, 20U);
  for (const ReviewEvent& e : events->events) {
    EXPECT_NE(e.type, "stick.refused");
  }
  auto pcs = store_->ListPcs();
  ASSERT_TRUE(pcs.ok());
  EXPECT_TRUE((*pcs)[0].journal_failed);
  EXPECT_NE(before, Snapshot());
}

TEST_P(IngestTest, ReplacedJournalIsAnIncident) {
  ASSERT_EQ(Push(agent_.MakeBatch(1, 5)).http_status, 200);
  ChainBuilder fresh(agent_.key(), std::string(32, 'f'));
  fresh.AddEvents(3);
  ApiAnswer answer = Push(fresh.MakeBatch(1, 4));
  EXPECT_EQ(answer.http_status, 409);
  EXPECT_EQ(answer.error, "chain_replaced");
  EXPECT_TRUE(answer.incident);
  EXPECT_TRUE(store_->GetPc(kPc)->verification_failed);
}

TEST_P(IngestTest, IdentityRefusalsChangeNothing) {
  ASSERT_EQ(Push(agent_.MakeBatch(1, 5)).http_status, 200);
  std::string before = Snapshot();

  ApiAnswer other_pc = Push(agent_.MakeBatch(6, 8), {"other-pc", "5e41a1"});
  EXPECT_EQ(other_pc.http_status, 403);
  EXPECT_EQ(other_pc.error, "wrong_pc");

  journal::Batch unenrolled = agent_.MakeBatch(6, 8);
  unenrolled.pc = "stranger-pc";
  ApiAnswer stranger = Push(unenrolled, {"stranger-pc", "01"});
  EXPECT_EQ(stranger.http_status, 403);
  EXPECT_EQ(stranger.error, "not_enrolled");

  ApiAnswer old_cert = Push(agent_.MakeBatch(6, 8), {std::string(kPc), "99"});
  EXPECT_EQ(old_cert.http_status, 403);
  EXPECT_EQ(old_cert.error, "not_enrolled");

  for (std::string_view body :
       {std::string_view("{"), std::string_view(""),
        std::string_view(R"({"format":"piiguard-batch/1"})")}) {
    ApiAnswer malformed = ingestor_->Ingest(kClient, body);
    EXPECT_EQ(malformed.http_status, 400);
    EXPECT_EQ(malformed.error, "malformed");
    EXPECT_EQ(malformed.body["acked_seq"], 5);
  }
  std::string extra_field = journal::SerializeBatch(agent_.MakeBatch(6, 8));
  extra_field.insert(1, R"("admin":true,)");
  EXPECT_EQ(ingestor_->Ingest(kClient, extra_field).http_status, 400);
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(IngestTest, ForgedCheckpointAndBrokenLinksAreRefused) {
  ASSERT_EQ(Push(agent_.MakeBatch(1, 5)).http_status, 200);
  std::string before = Snapshot();
  // The same entries sealed by another key.
  ChainBuilder forger(NewKey(), agent_.chain());
  forger.AddEvents(29);
  ApiAnswer forged = Push(forger.MakeBatch(6, 8));
  EXPECT_EQ(forged.http_status, 409);
  EXPECT_EQ(forged.error, "bad_checkpoint");
  // An entry edited without fixing its hash.
  journal::Batch edited = agent_.MakeBatch(6, 8);
  edited.entries[1].subject = "uid:0";
  ApiAnswer bad = Push(edited);
  EXPECT_EQ(bad.http_status, 409);
  EXPECT_EQ(bad.error, "bad_chain");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(IngestTest, StatusReportsAndPolicyVersions) {
  ASSERT_EQ(store_->PublishPolicy(7, "env", policy::testing::ValidPolicyText(),
                                  kNowMs),
            Status::Ok());
  auto request = store_->RequestStatusReport(kPc, "alice", kNowMs);
  ASSERT_TRUE(request.ok());
  ApiAnswer first = Push(agent_.MakeBatch(1, 5));
  ASSERT_EQ(first.http_status, 200);
  EXPECT_EQ(first.body["status_request"], request->id);
  EXPECT_EQ(first.body["policy_version"], 7);

  Json report = {{"request", request->id},
                 {"pc", kPc},
                 {"time", kNowMs},
                 {"policy_version", 6},
                 {"journal_seq", 10},
                 {"sticks", Json::array()},
                 {"sessions", {{"count", 0}, {"last_start", 0}}},
                 {"last_scan", {{"time", 0}, {"result", "none"}}}};
  auto payload = CanonicalJson(report, "test");
  ASSERT_TRUE(payload.ok());
  // A report signed by another key is not stored; the batch still is.
  auto forged = SignEnvelope("status-report", *payload, NewKey());
  ASSERT_TRUE(forged.ok());
  journal::Batch batch = agent_.MakeBatch(6, 8);
  batch.status_report = SerializeSignedEnvelope(*forged);
  ApiAnswer ignored = Push(batch);
  ASSERT_EQ(ignored.http_status, 200);
  EXPECT_FALSE(ignored.reason.empty());
  EXPECT_EQ(ignored.body["status_request"], request->id);

  auto good = SignEnvelope("status-report", *payload, agent_.key());
  ASSERT_TRUE(good.ok());
  batch = agent_.MakeBatch(9, 10);
  batch.status_report = SerializeSignedEnvelope(*good);
  ApiAnswer stored = Push(batch);
  ASSERT_EQ(stored.http_status, 200) << stored.reason;
  EXPECT_EQ(stored.body["status_request"], "");
  auto list = store_->ListStatusRequests(kPc, 10);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1U);
  EXPECT_EQ((*list)[0].report, *payload);
  EXPECT_GT((*list)[0].received_ms, 0);
  EXPECT_EQ(store_->GetPc(kPc)->policy_version, 6);
}

INSTANTIATE_TEST_SUITE_P(Engines, IngestTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         testing::EngineName);

}  // namespace
}  // namespace piiguard::office
