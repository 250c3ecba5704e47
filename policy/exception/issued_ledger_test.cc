#include "policy/exception/issued_ledger.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/signed_envelope.h"
#include "common/timestamp.h"

namespace piiguard::exception {
namespace {

const std::string kId = "0123456789abcdef0123456789abcdef";
const std::string kSha(64, 'c');

IssuedRecord Record(uint64_t seq) {
  IssuedRecord r;
  r.seq = seq;
  r.pc = "hidamari-pc-01";
  r.challenge = {ScopeKind::kStickWritable, DurationClass::k1Hour, 5,
                 123456789011 + seq};
  r.person = 1;
  r.person_name = "佐藤 一郎";
  r.deputy = true;
  r.consignee = "npo-hidamari";
  r.reason = "講座の名簿を持ち出すため \"急ぎ\"";
  r.issued_ms = 1796601600000 + static_cast<int64_t>(seq);
  r.issue_day = ParseDate("2026-12-07").value();
  r.policy_version = 3;
  return r;
}

Ledger ThreeRecordsOneMark() {
  Ledger ledger;
  ledger.id = kId;
  ledger.created_ms = 1796601500000;
  ledger.lines = {Record(1), Record(2), ExportMark{2, 1796601700000, kSha},
                  Record(3)};
  return ledger;
}

TEST(IssuedLedgerTest, RoundTripsByteForByte) {
  const Ledger ledger = ThreeRecordsOneMark();
  const std::string bytes = SerializeLedger(ledger).value();
  Result<Ledger> parsed = ParseLedger(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, ledger);
  EXPECT_EQ(SerializeLedger(*parsed).value(), bytes);
  EXPECT_EQ(parsed->LastSeq(), 3U);
  EXPECT_EQ(parsed->ExportedThrough(), 2U);
  // The record line, as docs/exceptions.md shows it.
  EXPECT_NE(bytes.find(R"({"challenge":"13059-12348-56782-90126",)"),
            std::string::npos)
      << bytes;
  EXPECT_NE(bytes.find(R"("issue_day":"2026-12-07")"), std::string::npos);
}

TEST(IssuedLedgerTest, RefusesATornLastLine) {
  std::string bytes = SerializeLedger(ThreeRecordsOneMark()).value();
  bytes.pop_back();
  Result<Ledger> parsed = ParseLedger(bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("line 5: torn"), std::string::npos)
      << parsed.status().ToString();
  EXPECT_FALSE(ParseLedger("").ok());
}

TEST(IssuedLedgerTest, RefusesRecordsOutOfSequenceAndMarksOutOfPlace) {
  Ledger gap = ThreeRecordsOneMark();
  gap.lines[1] = Record(3);
  gap.lines[3] = Record(4);
  // Serialize does not check the order; the parser does.
  Result<Ledger> parsed = ParseLedger(SerializeLedger(gap).value());
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("record 3 out of sequence"),
            std::string::npos)
      << parsed.status().ToString();
  Ledger mark = ThreeRecordsOneMark();
  mark.lines[2] = ExportMark{1, 1796601700000, kSha};
  parsed = ParseLedger(SerializeLedger(mark).value());
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("export mark through 1"),
            std::string::npos);
}

TEST(IssuedLedgerTest, RefusesALineThatIsNotCanonicalOrDisagrees) {
  const std::string bytes = SerializeLedger(ThreeRecordsOneMark()).value();
  std::string spaced = bytes;
  spaced.insert(spaced.find("\"kind\""), " ");
  EXPECT_FALSE(ParseLedger(spaced).ok());
  // The challenge text must say what the fields say.
  std::string other = bytes;
  const size_t at = other.find(R"("index":5)");
  ASSERT_NE(at, std::string::npos);
  other.replace(at, 9, R"("index":6)");
  Result<Ledger> parsed = ParseLedger(other);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("$.challenge: does not agree"),
            std::string::npos)
      << parsed.status().ToString();
  // An unknown field.
  std::string extra = bytes;
  extra.replace(extra.find(R"({"challenge")"), 1, R"({"aaa":1,)");
  EXPECT_FALSE(ParseLedger(extra).ok());
}

TEST(IssuedLedgerTest, ExportsWhatCameAfterTheLastMark) {
  LedgerExport batch = RecordsToExport(ThreeRecordsOneMark(), 1796601800000);
  EXPECT_EQ(batch.from_seq, 3U);
  EXPECT_EQ(batch.through, 3U);
  ASSERT_EQ(batch.records.size(), 1U);
  EXPECT_EQ(batch.records[0], Record(3));
  Ledger none = ThreeRecordsOneMark();
  none.lines.emplace_back(ExportMark{3, 1796601900000, kSha});
  batch = RecordsToExport(none, 1796602000000);
  EXPECT_EQ(batch.from_seq, 4U);
  EXPECT_EQ(batch.through, 3U);
  EXPECT_TRUE(batch.records.empty());
  const std::string payload = EncodeExportPayload(batch).value();
  EXPECT_EQ(ParseExportPayload(payload).value(), batch);
}

TEST(IssuedLedgerTest, ExportPayloadRoundTripsAndCountsMustAgree) {
  Ledger fresh = ThreeRecordsOneMark();
  fresh.lines = {Record(1), Record(2)};
  const LedgerExport batch = RecordsToExport(fresh, 1796601800000);
  const std::string payload = EncodeExportPayload(batch).value();
  Result<LedgerExport> parsed = ParseExportPayload(payload);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, batch);
  EXPECT_EQ(EncodeExportPayload(*parsed).value(), payload);
  std::string short_by_one = payload;
  short_by_one.replace(short_by_one.find(R"("through":2)"), 11,
                       R"("through":3)");
  parsed = ParseExportPayload(short_by_one);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("2 records for seq 1 to 3"),
            std::string::npos)
      << parsed.status().ToString();
}

TEST(IssuedLedgerTest, OnlyTheCityKeysSignatureOnAnExportIsAccepted) {
  const Ed25519PrivateKey city = Ed25519PrivateKey::Generate().value();
  const Ed25519PrivateKey other = Ed25519PrivateKey::Generate().value();
  Ledger fresh = ThreeRecordsOneMark();
  fresh.lines = {Record(1), Record(2)};
  const LedgerExport batch = RecordsToExport(fresh, 1796601800000);
  const std::string file = SignLedgerExport(batch, city).value();
  const std::vector<Ed25519PublicKey> trusted = {city.PublicKey()};
  Result<LedgerExport> verified = VerifyLedgerExport(file, trusted);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(*verified, batch);

  const std::string forged = SignLedgerExport(batch, other).value();
  Result<LedgerExport> refused = VerifyLedgerExport(forged, trusted);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnauthenticated);
  // Signed by the city, but as another type (a policy's envelope).
  const std::string payload = EncodeExportPayload(batch).value();
  const std::string as_policy =
      SerializeSignedEnvelope(SignEnvelope("policy", payload, city).value());
  EXPECT_FALSE(VerifyLedgerExport(as_policy, trusted).ok());
  // Every byte changed is refused.
  for (size_t i = 0; i < file.size(); ++i) {
    std::string altered = file;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    EXPECT_FALSE(VerifyLedgerExport(altered, trusted).ok()) << "byte " << i;
  }
}

TEST(IssuedLedgerTest, AReasonMustBeSaid) {
  EXPECT_TRUE(ValidateReason("名簿の持ち出し").ok());
  EXPECT_FALSE(ValidateReason("").ok());
  EXPECT_FALSE(
      ValidateReason(std::string(kMaxIssuedReasonBytes + 1, 'a')).ok());
  EXPECT_FALSE(ValidateReason("line\nbreak").ok());
  EXPECT_FALSE(ValidateReason("\x1b[31mred").ok());
  EXPECT_FALSE(ValidateReason("\xff\xfe").ok());
  // As in a signed file: what the office's pages would show reordered or
  // hidden (a right-to-left override, a zero-width space, a line separator).
  EXPECT_FALSE(ValidateReason("\u202e"
                              "txt.exe")
                   .ok());
  EXPECT_FALSE(ValidateReason("名簿\u200b持ち出し").ok());
  EXPECT_FALSE(ValidateReason("one\u2028two").ok());
}

TEST(IssuedLedgerTest, RefusesARecordOutOfRange) {
  IssuedRecord r = Record(1);
  EXPECT_TRUE(ValidateIssuedRecord(r).ok());
  r.consignee = "not an id!";
  EXPECT_FALSE(ValidateIssuedRecord(r).ok());
  r = Record(1);
  r.challenge.duration = DurationClass::k8Hours;
  r.challenge.scope = ScopeKind::kRosterFolderPause;  // at most 2 hours
  EXPECT_FALSE(ValidateIssuedRecord(r).ok());
  r = Record(1);
  r.pc = std::string(65, 'p');
  EXPECT_FALSE(ValidateIssuedRecord(r).ok());
  r = Record(1);
  r.seq = 0;
  EXPECT_FALSE(ValidateIssuedRecord(r).ok());
  // What the office's pages would show reordered or hidden.
  r = Record(1);
  r.pc = "pc-01\u202e";
  EXPECT_FALSE(ValidateIssuedRecord(r).ok());
  r = Record(1);
  r.person_name = "佐藤\u200b一郎";
  EXPECT_FALSE(ValidateIssuedRecord(r).ok());
}

}  // namespace
}  // namespace piiguard::exception
