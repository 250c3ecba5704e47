#include "common/journal/entry.h"

#include <gtest/gtest.h>

#include "common/signed_envelope.h"

namespace piiguard::journal {
namespace {

TEST(EntryHashTest, KnownAnswers) {
  // Expected values computed independently (Python hashlib, struct.pack).
  Entry created;
  created.seq = 1;
  created.time_ms = 1790000000000;
  created.type = "journal.created";
  created.severity = Severity::kNotice;
  created.subject = "journal";
  created.details =
      R"({"chain":"00112233445566778899aabbccddeeff","device_key":"ab","reason":"new"})";
  EXPECT_EQ(HashHex(EntryHash(created)),
            "9ff34eb76fd774b458068c840767282b4439329557cf996a10ac4e196c2344ae");

  Entry second;
  second.seq = 2;
  for (size_t i = 0; i < second.prev.size(); ++i) {
    second.prev[i] = static_cast<uint8_t>(i);
  }
  second.time_ms = -5;
  second.type = "near_miss.reported";
  second.severity = Severity::kViolation;
  second.subject = "uid:1000 日本";
  second.details = "{}";
  EXPECT_EQ(HashHex(EntryHash(second)),
            "573fb8f16ac44304164f94a00f576ccd96bbbec50a1168b72bab640d8dedf99a");
  // The stored hash does not enter the hash; the seq does.
  second.hash[0] = 1;
  EXPECT_EQ(EntryHash(second), EntryHashAtSeq(second, 2));
  EXPECT_NE(EntryHash(second), EntryHashAtSeq(second, 3));
}

TEST(EntryHashTest, EveryFieldChangesTheHash) {
  Entry base;
  base.seq = 5;
  base.time_ms = 1;
  base.type = "a";
  base.subject = "s";
  base.details = "{}";
  const Hash h = EntryHash(base);
  std::vector<Entry> variants(7, base);
  variants[0].seq = 6;
  variants[1].time_ms = 2;
  variants[2].type = "b";
  variants[3].severity = Severity::kIncident;
  variants[4].subject = "t";
  variants[5].details = R"({"a":1})";
  variants[6].prev[31] = 1;
  for (const Entry& v : variants) EXPECT_NE(EntryHash(v), h);
  // Length prefixes keep field boundaries apart.
  Entry shifted = base;
  shifted.type = "as";
  shifted.subject = "";
  EXPECT_NE(EntryHash(shifted), h);
}

TEST(SeverityTest, NamesRoundTrip) {
  for (Severity s : {Severity::kInfo, Severity::kNotice, Severity::kWarning,
                     Severity::kViolation, Severity::kIncident}) {
    auto parsed = ParseSeverity(SeverityName(s));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_EQ(SeverityName(Severity::kViolation), "violation");
  auto bad = ParseSeverity("Info");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "journal: severity: expected one of info, notice, warning, "
            "violation, incident, got \"Info\"");
}

TEST(HexTest, RoundTripAndStrictness) {
  Hash hash{};
  hash[0] = 0xab;
  hash[31] = 0x01;
  std::string hex = HashHex(hash);
  EXPECT_EQ(hex.size(), 64u);
  EXPECT_EQ(hex.substr(0, 2), "ab");
  auto back = HashFromHex(hex);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, hash);
  EXPECT_FALSE(HashFromHex(hex.substr(2)).ok());
  std::string upper = hex;
  upper[0] = 'A';
  EXPECT_FALSE(HashFromHex(upper).ok());
  std::string junk = hex;
  junk[5] = 'g';
  auto bad = HashFromHex(junk);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "journal: hash: expected 64 lower-case hex digits");
}

Entry ValidEntry() {
  Entry e;
  e.seq = 3;
  e.type = "stick.refused";
  e.subject = "stick:0781:5581";
  e.details = R"({"reason":"no key"})";
  return e;
}

TEST(ValidateEntryFieldsTest, AcceptsValidAndNamesEachProblem) {
  EXPECT_TRUE(ValidateEntryFields(ValidEntry()).ok());
  struct Case {
    void (*mutate)(Entry&);
    std::string message;
  };
  const Case cases[] = {
      {[](Entry& e) { e.seq = 0; },
       "journal: entry 0: seq: must be between 1 and 2^63-1"},
      {[](Entry& e) { e.type = ""; },
       "journal: entry 3: type: must be 1 to 48 characters"},
      {[](Entry& e) { e.type = std::string(49, 'a'); },
       "journal: entry 3: type: must be 1 to 48 characters"},
      {[](Entry& e) { e.type = "Stick"; },
       "journal: entry 3: type: only a-z, 0-9, '.', '_' and '-' allowed"},
      {[](Entry& e) { e.subject = std::string(257, 'x'); },
       "journal: entry 3: subject: longer than 256 bytes"},
      {[](Entry& e) { e.subject = "a\nb"; },
       "journal: entry 3: subject: not UTF-8 text without control "
       "characters"},
      {[](Entry& e) { e.subject = "\xc0\xaf"; },
       "journal: entry 3: subject: not UTF-8 text without control "
       "characters"},
      {[](Entry& e) { e.details = "[]"; },
       "journal: entry 3: details: not a JSON object"},
      {[](Entry& e) { e.details = R"({"b":1,"a":2})"; },
       "journal: entry 3: details: JSON: not in canonical form"},
      {[](Entry& e) {
         e.details = R"({"a":")" + std::string(16 * 1024, 'x') + "\"}";
       },
       "journal: entry 3: details: longer than 16 KiB"},
  };
  for (const Case& c : cases) {
    Entry e = ValidEntry();
    c.mutate(e);
    Status status = ValidateEntryFields(e);
    EXPECT_EQ(status.message(), c.message);
  }
  Entry max = ValidEntry();
  max.type = std::string(48, 'z');
  max.subject = std::string(256, 'x');
  max.subject = "日本語";
  EXPECT_TRUE(ValidateEntryFields(max).ok());
}

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = Ed25519PrivateKey::Generate();
    ASSERT_TRUE(key.ok());
    key_.emplace(std::move(key).value());
    auto other = Ed25519PrivateKey::Generate();
    ASSERT_TRUE(other.ok());
    other_.emplace(std::move(other).value());
    checkpoint_.chain = "00112233445566778899aabbccddeeff";
    checkpoint_.seq = 1234;
    checkpoint_.head[0] = 7;
    checkpoint_.time_ms = 1790000000000;
  }
  // A checkpoint envelope over an arbitrary payload, signed by key_.
  std::string SignPayload(const std::string& payload) {
    auto envelope = SignEnvelope(kCheckpointType, payload, *key_);
    EXPECT_TRUE(envelope.ok());
    return SerializeSignedEnvelope(*envelope);
  }
  std::optional<Ed25519PrivateKey> key_;
  std::optional<Ed25519PrivateKey> other_;
  Checkpoint checkpoint_;
};

TEST_F(CheckpointTest, SignVerifyRoundTrip) {
  auto envelope = SignCheckpoint(checkpoint_, *key_);
  ASSERT_TRUE(envelope.ok()) << envelope.status().ToString();
  auto parsed = ParseSignedEnvelope(*envelope);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->payload,
            R"({"chain":"00112233445566778899aabbccddeeff","head":"07)" +
                std::string(62, '0') + R"(","seq":1234,"time":1790000000000})");
  auto verified = VerifyCheckpoint(*envelope, key_->PublicKey());
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->chain, checkpoint_.chain);
  EXPECT_EQ(verified->seq, 1234u);
  EXPECT_EQ(verified->head, checkpoint_.head);
  EXPECT_EQ(verified->time_ms, 1790000000000);
}

TEST_F(CheckpointTest, SignRefusesBadFields) {
  Checkpoint bad = checkpoint_;
  bad.chain = "xyz";
  EXPECT_EQ(SignCheckpoint(bad, *key_).status().message(),
            "checkpoint: chain: expected 32 lower-case hex digits");
  bad = checkpoint_;
  bad.seq = 0;
  EXPECT_EQ(SignCheckpoint(bad, *key_).status().message(),
            "checkpoint: seq: must be between 1 and 2^63-1");
}

TEST_F(CheckpointTest, EveryRefusal) {
  auto envelope = SignCheckpoint(checkpoint_, *key_);
  ASSERT_TRUE(envelope.ok());
  // Another key.
  auto wrong_key = VerifyCheckpoint(*envelope, other_->PublicKey());
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_EQ(wrong_key.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong_key.status().message().rfind("checkpoint: ", 0), 0u);
  // A changed payload byte (the seq 1234 -> 1235).
  std::string altered = *envelope;
  size_t pos = altered.find("1234");
  ASSERT_NE(pos, std::string::npos);
  altered[pos + 3] = '5';
  EXPECT_EQ(VerifyCheckpoint(altered, key_->PublicKey()).status().code(),
            StatusCode::kUnauthenticated);
  // Not an envelope.
  auto garbage = VerifyCheckpoint("hello", key_->PublicKey());
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().message().rfind("checkpoint: ", 0), 0u);
  // Another type, signed by the right key.
  auto other_type = SignEnvelope("status-report", "{}", *key_);
  ASSERT_TRUE(other_type.ok());
  EXPECT_EQ(
      VerifyCheckpoint(SerializeSignedEnvelope(*other_type), key_->PublicKey())
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  // Signed payloads that are not valid checkpoints.
  struct Case {
    std::string payload;
    std::string message;
  };
  const std::string head = std::string(64, 'a');
  const Case cases[] = {
      {R"({"chain":"00112233445566778899aabbccddeeff","head":")" + head +
           R"(","seq":1,"time":5,"x":1})",
       "checkpoint: $.x: unknown field"},
      {R"({"chain":"0011","head":")" + head + R"(","seq":1,"time":5})",
       "checkpoint: $.chain: expected 32 lower-case hex digits"},
      {R"({"chain":"00112233445566778899aabbccddeeff","head":"ab","seq":1,"time":5})",
       "checkpoint: $.head: expected 64 lower-case hex digits"},
      {R"({"chain":"00112233445566778899aabbccddeeff","head":")" + head +
           R"(","seq":0,"time":5})",
       "checkpoint: $.seq: must be between 1 and 9223372036854775807, got 0"},
      {R"({"chain":"00112233445566778899aabbccddeeff","head":")" + head +
           R"(","seq":1})",
       "checkpoint: $.time: missing field"},
      {R"({"seq":1, "time":2})", "checkpoint: JSON: not in canonical form"},
      {"[]", "checkpoint: $: expected object, got array"},
  };
  for (const Case& c : cases) {
    auto result = VerifyCheckpoint(SignPayload(c.payload), key_->PublicKey());
    ASSERT_FALSE(result.ok()) << c.payload;
    EXPECT_EQ(result.status().message(), c.message);
  }
}

}  // namespace
}  // namespace piiguard::journal
