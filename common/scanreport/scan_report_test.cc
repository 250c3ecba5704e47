#include "common/scanreport/scan_report.h"

#include <gtest/gtest.h>

#include "common/json.h"
#include "common/scanreport/scan_report_testing.h"
#include "common/signed_envelope.h"

namespace piiguard::scanreport {
namespace {

using testing::AttestationOf;
using testing::SampleBody;
using testing::SignAttestation;
using testing::SignedReport;

class ScanReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = Ed25519PrivateKey::Generate().value();
    other_ = Ed25519PrivateKey::Generate().value();
  }
  Ed25519PublicKey pub() const { return key_->PublicKey(); }

  std::optional<Ed25519PrivateKey> key_;
  std::optional<Ed25519PrivateKey> other_;
};

TEST_F(ScanReportTest, SignedRoundTripVerifies) {
  Report report = SignedReport(SampleBody(pub()), *key_);
  std::string bytes = SerializeReport(report).value();
  EXPECT_EQ(bytes.back(), '\n');
  EXPECT_EQ(bytes.find('\n'), bytes.size() - 1);  // one line
  Report parsed = ParseReport(bytes).value();
  EXPECT_EQ(parsed, report);
  EXPECT_EQ(SerializeReport(parsed).value(), bytes);
  Result<Attestation> attestation = VerifyReport(parsed, pub());
  ASSERT_TRUE(attestation.ok()) << attestation.status().message();
  EXPECT_EQ(attestation->uid, 1000u);
  EXPECT_EQ(attestation->journal_seq, 42u);
  EXPECT_FALSE(attestation->clean);
}

TEST_F(ScanReportTest, EveryByteChangeOfASignedReportIsRefused) {
  std::string good =
      SerializeReport(SignedReport(SampleBody(pub()), *key_)).value();
  size_t refused = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    for (unsigned mask : {0x01u, 0x20u, 0x80u}) {
      std::string bad = good;
      bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ mask);
      Result<Report> parsed = ParseReport(bad);
      bool accepted = parsed.ok() && VerifyReport(*parsed, pub()).ok();
      EXPECT_FALSE(accepted) << "byte " << i << " mask " << mask;
      refused += accepted ? 0 : 1;
    }
  }
  EXPECT_EQ(refused, good.size() * 3);
}

TEST_F(ScanReportTest, WrongKeyIsRefused) {
  Report report = SignedReport(SampleBody(pub()), *key_);
  Result<Attestation> other = VerifyReport(report, other_->PublicKey());
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kUnauthenticated);
  // Signed by another key that the body names: still not this device.
  Report forged = SignedReport(SampleBody(other_->PublicKey()), *other_);
  EXPECT_FALSE(VerifyReport(forged, pub()).ok());
}

TEST_F(ScanReportTest, BodyNamingAnotherDeviceKeyIsRefused) {
  Report report = SignedReport(SampleBody(other_->PublicKey()), *key_);
  Result<Attestation> verified = VerifyReport(report, pub());
  ASSERT_FALSE(verified.ok());
  EXPECT_NE(verified.status().message().find("device_key"), std::string::npos);
}

TEST_F(ScanReportTest, SwappedBodyIsRefused) {
  Report a = SignedReport(SampleBody(pub()), *key_);
  Body other_body = SampleBody(pub());
  other_body.paths = {"/srv"};
  Report b = SignedReport(other_body, *key_);
  ASSERT_TRUE(VerifyReport(b, pub()).ok());
  Report swapped = a;
  swapped.body = b.body;
  Result<Attestation> verified = VerifyReport(swapped, pub());
  ASSERT_FALSE(verified.ok());
  EXPECT_NE(verified.status().message().find("SHA-256"), std::string::npos);
}

TEST_F(ScanReportTest, AttestationMustAgreeWithTheBody) {
  Body body = SampleBody(pub());
  std::string sha = Sha256Hex(CanonicalBody(body).value());
  auto with = [&](auto change) {
    Attestation a = AttestationOf(body, sha);
    change(a);
    a.clean = IsClean(a.counts, a.uid);
    Report report;
    report.body = body;
    report.attestation = SignAttestation(a, *key_);
    return VerifyReport(report, pub());
  };
  EXPECT_TRUE(with([](Attestation&) {}).ok());
  EXPECT_FALSE(with([](Attestation& a) { a.counts.files += 1; }).ok());
  EXPECT_FALSE(with([](Attestation& a) { a.uid = 0; }).ok());
  EXPECT_FALSE(with([](Attestation& a) { a.pc = "other-pc"; }).ok());
  EXPECT_FALSE(with([](Attestation& a) { a.full = true; }).ok());
}

TEST_F(ScanReportTest, InconsistentCountsAreRefused) {
  Body body = SampleBody(pub());
  body.counts.rosters = 2;  // one finding listed
  EXPECT_FALSE(CheckBody(body).ok());
  EXPECT_FALSE(CanonicalBody(body).ok());
  body = SampleBody(pub());
  body.counts.not_examined = 0;
  body.clean = IsClean(body.counts, body.uid);
  EXPECT_FALSE(CheckBody(body).ok());
  // A capped list: exact count, kMaxListed entries.
  body = SampleBody(pub());
  body.counts.partial = kMaxListed + 5;
  body.partial.clear();
  for (size_t i = 0; i < kMaxListed; ++i) {
    body.partial.push_back("/p/" + std::to_string(100000 + i));
  }
  EXPECT_TRUE(CheckBody(body).ok()) << CheckBody(body).message();
  body.partial.pop_back();
  EXPECT_FALSE(CheckBody(body).ok());
}

TEST_F(ScanReportTest, CleanFollowsFromCountsAndUid) {
  Counts none;
  EXPECT_TRUE(IsClean(none, 0));
  EXPECT_FALSE(IsClean(none, 1000));  // only root sees every file
  Counts unexamined;
  unexamined.not_examined = 1;
  EXPECT_FALSE(IsClean(unexamined, 0));
  Counts roster;
  roster.rosters = 1;
  EXPECT_FALSE(IsClean(roster, 0));
  Counts partial;
  partial.partial = 3;
  EXPECT_TRUE(IsClean(partial, 0));

  Body body = SampleBody(pub());
  body.clean = true;  // claims clean with a roster listed
  EXPECT_FALSE(CheckBody(body).ok());
}

TEST_F(ScanReportTest, BodyRulesAreStrict) {
  auto refused = [&](auto change) {
    Body body = SampleBody(pub());
    change(body);
    return !CheckBody(body).ok();
  };
  EXPECT_TRUE(refused([](Body& b) { b.version = 2; }));
  EXPECT_TRUE(refused([](Body& b) { b.paths.clear(); }));
  EXPECT_TRUE(refused([](Body& b) { b.paths = {"relative/path"}; }));
  EXPECT_TRUE(refused([](Body& b) { b.started = "yesterday"; }));
  EXPECT_TRUE(refused([](Body& b) { b.device_key = "ABCD"; }));
  EXPECT_TRUE(
      refused([](Body& b) { b.findings[0].verdict["roster"] = false; }));
  EXPECT_TRUE(refused([](Body& b) { b.findings[0].verdict["extra"] = 1; }));
  EXPECT_TRUE(refused([](Body& b) { b.findings[0].verdict.erase("people"); }));
  EXPECT_TRUE(refused([](Body& b) { b.not_examined[0].reason = ""; }));
  EXPECT_TRUE(refused([](Body& b) {
    b.counts.mounts = 2;
    b.mounts = {"/b", "/a"};  // not sorted
  }));
  EXPECT_TRUE(refused([](Body& b) {
    b.counts.mounts = 2;
    b.mounts = {"/a", "/a"};  // repeated
  }));
  EXPECT_TRUE(refused([](Body& b) { b.partial = {"/bad%zz"}; }));
}

TEST_F(ScanReportTest, ParserRefusesUnknownFieldsAndNonCanonicalForm) {
  Report report = SignedReport(SampleBody(pub()), *key_);
  std::string bytes = SerializeReport(report).value();
  Json json = Json::parse(bytes);
  // Pretty-printed: not canonical.
  EXPECT_FALSE(ParseReport(json.dump(2) + "\n").ok());
  // No final LF, or two.
  EXPECT_FALSE(ParseReport(bytes.substr(0, bytes.size() - 1)).ok());
  EXPECT_FALSE(ParseReport(bytes + "\n").ok());
  auto reencoded = [](const Json& j) {
    return CanonicalJson(j, "test").value() + "\n";
  };
  Json extra = json;
  extra["comment"] = "hi";
  EXPECT_FALSE(ParseReport(reencoded(extra)).ok());
  Json body_extra = json;
  body_extra["body"]["note"] = "x";
  EXPECT_FALSE(ParseReport(reencoded(body_extra)).ok());
  Json both = json;
  both["unsigned"] = "why";
  EXPECT_FALSE(ParseReport(reencoded(both)).ok());
  Json neither = json;
  neither.erase("attestation");
  EXPECT_FALSE(ParseReport(reencoded(neither)).ok());
  Json negative = json;
  negative["body"]["counts"]["files"] = -1;
  EXPECT_FALSE(ParseReport(reencoded(negative)).ok());
  EXPECT_TRUE(ParseReport(reencoded(json)).ok());
}

TEST_F(ScanReportTest, UnsignedReportParsesButDoesNotVerify) {
  Report report;
  report.body = SampleBody(pub());
  report.unsigned_reason = "piiguardd not reachable";
  std::string bytes = SerializeReport(report).value();
  EXPECT_NE(bytes.find("\"unsigned\":\"piiguardd not reachable\""),
            std::string::npos);
  Report parsed = ParseReport(bytes).value();
  EXPECT_FALSE(parsed.attestation.has_value());
  Result<Attestation> verified = VerifyReport(parsed, pub());
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(verified.status().message().find("unsigned"), std::string::npos);
  Report neither;
  neither.body = report.body;
  EXPECT_FALSE(SerializeReport(neither).ok());
}

TEST_F(ScanReportTest, AnotherEnvelopeTypeIsRefused) {
  Body body = SampleBody(pub());
  std::string sha = Sha256Hex(CanonicalBody(body).value());
  std::string payload =
      CanonicalJson(AttestationJson(AttestationOf(body, sha)), "t").value();
  SignedEnvelope status = SignEnvelope("status-report", payload, *key_).value();
  Report report;
  report.body = body;
  report.attestation = SerializeSignedEnvelope(status);
  EXPECT_FALSE(VerifyReport(report, pub()).ok());
}

TEST_F(ScanReportTest, AttestationParserIsStrict) {
  Body body = SampleBody(pub());
  Attestation a = AttestationOf(body, std::string(64, 'a'));
  std::string payload = CanonicalJson(AttestationJson(a), "t").value();
  EXPECT_EQ(ParseAttestation(payload).value(), a);
  Json json = AttestationJson(a);
  json["clean"] = true;  // uid 1000 with a roster: cannot be clean
  EXPECT_FALSE(ParseAttestation(CanonicalJson(json, "t").value()).ok());
  json = AttestationJson(a);
  json["extra"] = 1;
  EXPECT_FALSE(ParseAttestation(CanonicalJson(json, "t").value()).ok());
  json = AttestationJson(a);
  json["body_sha256"] = std::string(64, 'A');
  EXPECT_FALSE(ParseAttestation(CanonicalJson(json, "t").value()).ok());
  EXPECT_FALSE(ParseAttestation(AttestationJson(a).dump(1)).ok());
}

TEST_F(ScanReportTest, CountsParser) {
  Counts counts{.files = 1, .bytes = 2, .mounts = 3};
  EXPECT_EQ(ParseCounts(CountsJson(counts), "t").value(), counts);
  Json missing = CountsJson(counts);
  missing.erase("dirs");
  EXPECT_FALSE(ParseCounts(missing, "t").ok());
  Json extra = CountsJson(counts);
  extra["more"] = 1;
  EXPECT_FALSE(ParseCounts(extra, "t").ok());
}

TEST(PathEncodingTest, KeepsUtf8AndEscapesTheRest) {
  EXPECT_EQ(EncodePath("/home/staff/会員名簿.csv"), "/home/staff/会員名簿.csv");
  EXPECT_EQ(EncodePath("/a%b"), "/a%25b");
  EXPECT_EQ(EncodePath("/a\nb"), "/a%0Ab");
  EXPECT_EQ(EncodePath("/\x7f"), "/%7F");
  EXPECT_EQ(EncodePath("/\xff\xfe"), "/%FF%FE");
  EXPECT_EQ(EncodePath("/\x82\xa0"), "/%82%A0");         // CP932 bytes
  EXPECT_EQ(EncodePath("/\xc2\x9b"), "/%C2%9B");         // C1 control
  EXPECT_EQ(EncodePath("/\xed\xa0\x80"), "/%ED%A0%80");  // a surrogate
  EXPECT_EQ(EncodePath("/\xe3\x81"), "/%E3%81");         // cut short
  EXPECT_EQ(EncodePath("/\xc0\xaf"), "/%C0%AF");         // overlong
  for (std::string_view raw : {"/home/staff/会員名簿.csv", "/a%b", "/a\nb",
                               "/\xff\xfe", "/\xc2\x9b"}) {
    EXPECT_TRUE(IsEncodedPath(EncodePath(raw))) << raw;
  }
  EXPECT_FALSE(IsEncodedPath("/%41"));  // 'A' must be written as A
  EXPECT_FALSE(IsEncodedPath("/%ff"));  // lower-case hex
  EXPECT_FALSE(IsEncodedPath("/%2"));
  EXPECT_FALSE(IsEncodedPath("/a\nb"));
  EXPECT_FALSE(IsEncodedPath("/%00/x"));
  EXPECT_FALSE(IsEncodedPath("/short%00"));  // only a long path is cut
}

TEST(PathEncodingTest, LongPathsAreCutAndMarked) {
  std::string raw = "/" + std::string(kMaxPathBytes + 10, 'a');
  std::string encoded = EncodePath(raw);
  EXPECT_TRUE(encoded.ends_with("%00"));
  EXPECT_EQ(encoded.size(), kMaxPathBytes + 3);
  EXPECT_TRUE(IsEncodedPath(encoded));
  // A cut never splits a character.
  std::string kanji = "/";
  while (kanji.size() < kMaxPathBytes + 10) kanji += "名";
  std::string cut = EncodePath(kanji);
  EXPECT_TRUE(IsEncodedPath(cut));
  EXPECT_EQ(cut.find('%'), cut.size() - 3);
  // Stray continuation bytes: the cut moves back three bytes at most.
  std::string stray = "/" + std::string(kMaxPathBytes + 10, '\x80');
  std::string stray_cut = EncodePath(stray);
  EXPECT_TRUE(IsEncodedPath(stray_cut));
  EXPECT_EQ(stray_cut.size(), 1 + (kMaxPathBytes - 4) * 3 + 3);
}

}  // namespace
}  // namespace piiguard::scanreport
