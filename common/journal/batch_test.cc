#include "common/journal/batch.h"

#include <gtest/gtest.h>

#include <map>

#include "common/journal/testing.h"
#include "common/json.h"

namespace piiguard::journal {
namespace {

using testing::ChainBuilder;

Ed25519PrivateKey NewKey() {
  auto key = Ed25519PrivateKey::Generate();
  if (!key.ok()) std::abort();
  return std::move(key).value();
}

class BatchTest : public ::testing::Test {
 protected:
  BatchTest() : chain_(NewKey()) { chain_.AddEvents(20); }

  Anchor AnchorAt(uint64_t seq) const {
    Anchor anchor;
    anchor.chain = chain_.chain();
    anchor.acked_seq = seq;
    if (seq > 0) anchor.acked_head = chain_.entries().at(seq - 1).hash;
    return anchor;
  }
  StoredHashFn Stored() const {
    return [this](uint64_t seq) -> std::optional<Hash> {
      if (seq == 0 || seq > chain_.entries().size()) return std::nullopt;
      return chain_.entries().at(seq - 1).hash;
    };
  }
  std::optional<BatchRefusal> Verify(const Batch& batch, const Anchor& anchor,
                                     size_t* first_new = nullptr) const {
    size_t ignored = 0;
    return VerifyBatch(batch, chain_.key().PublicKey(), anchor, Stored(),
                       first_new != nullptr ? first_new : &ignored);
  }

  ChainBuilder chain_;
};

TEST_F(BatchTest, SerializeParseRoundTrip) {
  Batch batch = chain_.MakeBatch(1, 10);
  batch.checkpoints.insert(batch.checkpoints.begin(), chain_.Checkpoint(5));
  batch.status_report = "report";
  std::string text = SerializeBatch(batch);
  auto parsed = ParseBatch(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->pc, batch.pc);
  EXPECT_EQ(parsed->chain, batch.chain);
  EXPECT_EQ(parsed->checkpoints, batch.checkpoints);
  EXPECT_EQ(parsed->status_report, "report");
  ASSERT_EQ(parsed->entries.size(), 10u);
  for (size_t i = 0; i < 10; ++i) {
    const Entry& a = parsed->entries[i];
    const Entry& b = batch.entries[i];
    EXPECT_EQ(a.seq, b.seq);
    EXPECT_EQ(a.time_ms, b.time_ms);
    EXPECT_EQ(a.type, b.type);
    EXPECT_EQ(a.severity, b.severity);
    EXPECT_EQ(a.subject, b.subject);
    EXPECT_EQ(a.details, b.details);
    EXPECT_EQ(a.prev, b.prev);
    EXPECT_EQ(a.hash, b.hash);
  }
  EXPECT_EQ(SerializeBatch(*parsed), text);
  EXPECT_FALSE(Verify(*parsed, AnchorAt(0)).has_value());
}

// Parses SerializeBatch(batch) after `edit` changed its JSON.
Status ParseEdited(const Batch& batch, const std::function<void(Json&)>& edit) {
  Json json = Json::parse(SerializeBatch(batch));
  edit(json);
  return ParseBatch(json.dump()).status();
}

TEST_F(BatchTest, ParseIsStrict) {
  const Batch batch = chain_.MakeBatch(1, 3);
  struct Case {
    std::function<void(Json&)> edit;
    std::string message;
  };
  const Case cases[] = {
      {[](Json& j) { j["extra"] = 1; }, "batch: $.extra: unknown field"},
      {[](Json& j) { j.erase("pc"); }, "batch: $.pc: missing field"},
      {[](Json& j) { j["format"] = "piiguard-batch/2"; },
       "batch: $.format: expected \"piiguard-batch/1\""},
      {[](Json& j) { j["pc"] = ""; }, "batch: $.pc: must be 1 to 128 bytes"},
      {[](Json& j) { j["chain"] = "ABCDEF00112233445566778899aabbcc"; },
       "batch: $.chain: expected 32 lower-case hex digits"},
      {[](Json& j) { j["entries"] = Json::array(); },
       "batch: $.entries: empty"},
      {[](Json& j) { j["entries"] = 5; },
       "batch: $.entries: expected array, got integer"},
      {[](Json& j) { j["entries"][1]["seq"] = 3; },
       "batch: $.entries[1].seq: expected 2 (seqs must be consecutive), got "
       "3"},
      {[](Json& j) { j["entries"][0]["seq"] = "1"; },
       "batch: $.entries[0].seq: expected integer, got string"},
      {[](Json& j) { j["entries"][0]["seq"] = 0; },
       "batch: $.entries[0].seq: must be between 1 and 9223372036854775807, "
       "got 0"},
      {[](Json& j) { j["entries"][0]["hash"] = "00"; },
       "batch: $.entries[0].hash: expected 64 lower-case hex digits"},
      {[](Json& j) { j["entries"][2]["prev"] = std::string(64, 'G'); },
       "batch: $.entries[2].prev: expected 64 lower-case hex digits"},
      {[](Json& j) { j["entries"][1]["severity"] = "fatal"; },
       "batch: $.entries[1].severity: expected one of info, notice, "
       "warning, violation, incident, got \"fatal\""},
      {[](Json& j) { j["entries"][1]["details"] = "{}"; },
       "batch: $.entries[1].details: expected object, got string"},
      {[](Json& j) {
         j["entries"][1]["details"] = {{"f", 1.5}};
       },
       "batch: $.entries[1].details: JSON: fractional numbers are not "
       "allowed"},
      {[](Json& j) { j["entries"][1]["type"] = "Bad Type"; },
       "batch: $.entries[1]: journal: entry 2: type: only a-z, 0-9, '.', '_' "
       "and '-' allowed"},
      {[](Json& j) { j["entries"][1]["x"] = 1; },
       "batch: $.entries[1].x: unknown field"},
      {[](Json& j) { j["checkpoints"][0] = 1; },
       "batch: $.checkpoints[0]: expected string, got integer"},
      {[](Json& j) { j.erase("checkpoints"); },
       "batch: $.checkpoints: missing field"},
      {[](Json& j) { j["status_report"] = 1; },
       "batch: $.status_report: expected string, got integer"},
  };
  for (const Case& c : cases) {
    Status status = ParseEdited(batch, c.edit);
    EXPECT_EQ(status.message(), c.message);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  }
  EXPECT_FALSE(ParseBatch("").ok());
  EXPECT_FALSE(ParseBatch("[]").ok());
  EXPECT_FALSE(
      ParseBatch(R"({"format":"piiguard-batch/1","format":"x"})").ok());
  EXPECT_EQ(ParseBatch(std::string(kMaxBatchBytes + 1, ' ')).status().message(),
            "batch: larger than 8 MiB");
}

TEST_F(BatchTest, ParseLimits) {
  ChainBuilder big(NewKey());
  big.AddEvents(kMaxBatchEntries);  // kMaxBatchEntries + 1 entries in all
  Batch batch = big.MakeBatch(1, kMaxBatchEntries);
  EXPECT_TRUE(ParseBatch(SerializeBatch(batch)).ok());
  batch = big.MakeBatch(1, kMaxBatchEntries + 1);
  EXPECT_EQ(ParseBatch(SerializeBatch(batch)).status().message(),
            "batch: $.entries: more than 5000 entries");
  batch = chain_.MakeBatch(1, 2);
  batch.checkpoints.assign(kMaxBatchCheckpoints + 1, batch.checkpoints[0]);
  EXPECT_EQ(ParseBatch(SerializeBatch(batch)).status().message(),
            "batch: $.checkpoints: more than 64 checkpoints");
}

TEST_F(BatchTest, ErrorCodes) {
  EXPECT_EQ(BatchErrorCode(BatchError::kMalformed), "malformed");
  EXPECT_EQ(BatchErrorCode(BatchError::kChainReplaced), "chain_replaced");
  EXPECT_EQ(BatchErrorCode(BatchError::kHistoryRewritten), "history_rewritten");
  EXPECT_EQ(BatchErrorCode(BatchError::kGap), "gap");
  EXPECT_EQ(BatchErrorCode(BatchError::kBadCheckpoint), "bad_checkpoint");
  EXPECT_EQ(BatchErrorCode(BatchError::kBadChain), "bad_chain");
  EXPECT_EQ(BatchErrorCode(BatchError::kAlreadyAcknowledged),
            "already_acknowledged");
  EXPECT_TRUE(IsIncident(BatchError::kChainReplaced));
  EXPECT_TRUE(IsIncident(BatchError::kHistoryRewritten));
  EXPECT_FALSE(IsIncident(BatchError::kGap));
  EXPECT_FALSE(IsIncident(BatchError::kBadChain));
  EXPECT_FALSE(IsIncident(BatchError::kAlreadyAcknowledged));
}

TEST_F(BatchTest, EmptyOrUnorderedBatchIsMalformed) {
  Batch batch = chain_.MakeBatch(1, 3);
  batch.entries.clear();
  auto refusal = Verify(batch, AnchorAt(0));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->error, BatchError::kMalformed);
  batch = chain_.MakeBatch(1, 3);
  std::swap(batch.entries[1], batch.entries[2]);
  refusal = Verify(batch, AnchorAt(0));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->error, BatchError::kMalformed);
  EXPECT_EQ(refusal->reason, "batch: entry 3: seqs not consecutive");
}

TEST_F(BatchTest, AcceptsFirstBatchAndContinuation) {
  size_t first_new = 99;
  EXPECT_FALSE(Verify(chain_.MakeBatch(1, 10), AnchorAt(0), &first_new));
  EXPECT_EQ(first_new, 0u);
  EXPECT_FALSE(Verify(chain_.MakeBatch(11, 21), AnchorAt(10), &first_new));
  EXPECT_EQ(first_new, 0u);
}

TEST_F(BatchTest, ResendOverlapSkipsAcknowledgedEntries) {
  size_t first_new = 99;
  auto refusal = Verify(chain_.MakeBatch(5, 15), AnchorAt(10), &first_new);
  EXPECT_FALSE(refusal.has_value()) << refusal->reason;
  EXPECT_EQ(first_new, 6u);  // seq 11
}

TEST_F(BatchTest, ReplayIsAlreadyAcknowledged) {
  auto refusal = Verify(chain_.MakeBatch(1, 10), AnchorAt(10));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->error, BatchError::kAlreadyAcknowledged);
  EXPECT_EQ(refusal->reason, "batch: entries 1..10: already acknowledged");
}

TEST_F(BatchTest, ChainReplaced) {
  ChainBuilder other(NewKey(), "ffeeddccbbaa99887766554433221100");
  other.AddEvents(3);
  Batch batch = other.MakeBatch(1, 4);
  size_t first_new = 0;
  auto refusal = VerifyBatch(batch, other.key().PublicKey(), AnchorAt(0),
                             Stored(), &first_new);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->error, BatchError::kChainReplaced);
  EXPECT_EQ(refusal->reason,
            "batch: chain: journal replaced (chain "
            "ffeeddccbbaa99887766554433221100, enrolled with "
            "00112233445566778899aabbccddeeff)");
}

TEST_F(BatchTest, BadChain) {
  Batch batch = chain_.MakeBatch(1, 5);
  batch.entries[2].subject = "uid:0";  // content changed, hash kept
  auto refusal = Verify(batch, AnchorAt(0));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->error, BatchError::kBadChain);
  EXPECT_EQ(refusal->reason, "batch: entry 3: hash does not match its content");

  batch = chain_.MakeBatch(1, 5);
  batch.entries[3].prev[0] ^= 1;  // relinked, hash recomputed
  batch.entries[3].hash = EntryHash(batch.entries[3]);
  refusal = Verify(batch, AnchorAt(0));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->error, BatchError::kBadChain);
  EXPECT_EQ(refusal->reason, "batch: entry 4: does not follow entry 3");

  // Entry 1 must be this chain's journal.created with a zero prev.
  Batch first = chain_.MakeBatch(1, 1);
  first.entries[0].type = "agent.started";
  first.entries[0].hash = EntryHash(first.entries[0]);
  first.checkpoints = {};
  Checkpoint cp{chain_.chain(), 1, first.entries[0].hash, 1};
  auto signed_cp = SignCheckpoint(cp, chain_.key());
  ASSERT_TRUE(signed_cp.ok());
  first.checkpoints.push_back(*signed_cp);
  refusal = Verify(first, AnchorAt(0));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->error, BatchError::kBadChain);
  EXPECT_EQ(refusal->reason,
            "batch: entry 1: not the journal.created entry of chain "
            "00112233445566778899aabbccddeeff");
}

TEST_F(BatchTest, BadCheckpoint) {
  // Last entry not covered.
  Batch batch = chain_.MakeBatch(1, 5);
  batch.checkpoints = {chain_.Checkpoint(4)};
  auto refusal = Verify(batch, AnchorAt(0));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->error, BatchError::kBadCheckpoint);
  EXPECT_EQ(refusal->reason,
            "batch: entry 5: not covered by a signed checkpoint");
  // No checkpoint at all.
  batch.checkpoints.clear();
  refusal = Verify(batch, AnchorAt(0));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->error, BatchError::kBadCheckpoint);
  // Signed by another key.
  ChainBuilder same_chain_other_key(NewKey());
  same_chain_other_key.AddEvents(20);
  batch = chain_.MakeBatch(1, 5);
  batch.checkpoints = {same_chain_other_key.Checkpoint(5)};
  refusal = Verify(batch, AnchorAt(0));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->error, BatchError::kBadCheckpoint);
  EXPECT_EQ(refusal->reason.rfind("batch: checkpoints[0]: checkpoint: ", 0),
            0u);
  // Head not the entry's hash.
  Checkpoint wrong_head{chain_.chain(), 5, chain_.entries()[3].hash, 1};
  batch.checkpoints = {*SignCheckpoint(wrong_head, chain_.key())};
  refusal = Verify(batch, AnchorAt(0));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->reason,
            "batch: checkpoints[0]: head does not match entry 5");
  // Another chain id.
  Checkpoint other_chain{"ffeeddccbbaa99887766554433221100", 5,
                         chain_.entries()[4].hash, 1};
  batch.checkpoints = {*SignCheckpoint(other_chain, chain_.key())};
  refusal = Verify(batch, AnchorAt(0));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->reason, "batch: checkpoints[0]: names another chain");
  // Outside the batch.
  batch.checkpoints = {chain_.Checkpoint(5), chain_.Checkpoint(6)};
  refusal = Verify(batch, AnchorAt(0));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->reason,
            "batch: checkpoints[1]: seq 6 outside the batch's entries");
  // A malformed envelope.
  batch.checkpoints = {"not an envelope"};
  refusal = Verify(batch, AnchorAt(0));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->error, BatchError::kBadCheckpoint);
}

TEST_F(BatchTest, Gap) {
  auto refusal = Verify(chain_.MakeBatch(13, 15), AnchorAt(10));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->error, BatchError::kGap);
  EXPECT_EQ(refusal->reason, "batch: entries 11..12: missing");
  EXPECT_FALSE(IsIncident(refusal->error));
}

TEST_F(BatchTest, HistoryRewrittenInResentRange) {
  // The PC rewrote entries 3.. consistently and re-signed: the batch is
  // internally valid but entry 3 differs from what the office stored.
  ChainBuilder forged(chain_.key());
  forged.AddEvents(1);
  forged.AddEvents(10, "agent.started");  // differs from seq 3 on
  size_t first_new = 0;
  auto refusal = VerifyBatch(forged.MakeBatch(1, 11), chain_.key().PublicKey(),
                             AnchorAt(5), Stored(), &first_new);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->error, BatchError::kHistoryRewritten);
  EXPECT_EQ(refusal->reason, "batch: entry 3: history rewritten at seq 3");
  EXPECT_TRUE(IsIncident(refusal->error));
}

TEST_F(BatchTest, HistoryRewrittenBeforeTheBatch) {
  // Only the new entries are sent, but they follow a rewritten entry 10.
  ChainBuilder forged(chain_.key());
  forged.AddEvents(8);
  forged.AddEvents(5, "agent.started");  // seq 10.. differ
  size_t first_new = 0;
  auto refusal = VerifyBatch(forged.MakeBatch(11, 14), chain_.key().PublicKey(),
                             AnchorAt(10), Stored(), &first_new);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->error, BatchError::kHistoryRewritten);
  EXPECT_EQ(refusal->reason,
            "batch: entry 11: history rewritten at seq 10 (does not follow "
            "the acknowledged head)");
}

TEST_F(BatchTest, TruncatedAndRegrownTailIsRefused) {
  // Acked up to 15; the PC deleted 11..15 and appended new entries 11..
  ChainBuilder regrown(chain_.key());
  regrown.AddEvents(9);
  regrown.AddEvents(8, "agent.stopped");
  auto refusal =
      VerifyBatch(regrown.MakeBatch(11, 17), chain_.key().PublicKey(),
                  AnchorAt(15), Stored(), nullptr);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->error, BatchError::kHistoryRewritten);
  EXPECT_EQ(refusal->reason, "batch: entry 11: history rewritten at seq 11");
}

}  // namespace
}  // namespace piiguard::journal
