#include "policy/exception/exception_file.h"

#include <gtest/gtest.h>

#include <limits>

#include "common/json.h"
#include "common/signed_envelope.h"
#include "policy/test_policy.h"

namespace piiguard::exception {
namespace {

constexpr int64_t kIssued = 1780282800;  // 2026-06-01T12:00:00+09:00

ExceptionFile StickFile() {
  ExceptionFile f;
  f.id = 12345678901234567890ULL;
  f.pc_id = "pc-0001";
  f.scope = ScopeKind::kStickWritable;
  f.identity = std::string(64, 'b');
  f.duration = DurationClass::k1Hour;
  f.person = "山田花子";
  f.reason = "研修資料を受託者の USB メモリに書き出すため";
  f.issued_at = kIssued;
  f.redeem_by = kIssued + 2 * 24 * 3600;
  return f;
}

Json PayloadJson(const ExceptionFile& f) {
  return std::move(ParseJsonStrict(ExceptionFilePayload(f).value(), "test"))
      .value();
}

// The canonical bytes of `json`, whatever it holds.
std::string Canonical(const Json& json) {
  return std::move(CanonicalJson(json, "test")).value();
}

std::string Error(const Json& json) {
  Result<ExceptionFile> parsed = ParseExceptionFilePayload(Canonical(json));
  return parsed.ok() ? "accepted" : parsed.status().message();
}

TEST(ExceptionFileTest, PayloadRoundTripsCanonically) {
  const ExceptionFile f = StickFile();
  Result<std::string> payload = ExceptionFilePayload(f);
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();
  EXPECT_NE(payload->find("\"id\":\"12345678901234567890\""),
            std::string::npos);
  EXPECT_NE(payload->find("\"issued_at\":\"2026-06-01T12:00:00+09:00\""),
            std::string::npos);
  Result<ExceptionFile> back = ParseExceptionFilePayload(*payload);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, f);

  ExceptionFile radios = f;
  radios.scope = ScopeKind::kRadios;
  radios.identity.clear();
  radios.duration = DurationClass::k8Hours;
  Result<std::string> radio_payload = ExceptionFilePayload(radios);
  ASSERT_TRUE(radio_payload.ok()) << radio_payload.status().ToString();
  EXPECT_EQ(radio_payload->find("identity"), std::string::npos);
  EXPECT_EQ(ParseExceptionFilePayload(*radio_payload).value(), radios);
}

TEST(ExceptionFileTest, ReasonMustBeValidUtf8) {
  for (const std::string bad :
       {"\xff", "cut \xe7\xa0", "overlong \xc0\xaf", "surrogate \xed\xa0\x80",
        "\xf4\x90\x80\x80", "lone \x80"}) {
    ExceptionFile f = StickFile();
    f.reason = bad;
    Result<std::string> payload = ExceptionFilePayload(f);
    EXPECT_FALSE(payload.ok()) << bad;
    // Nor does the parser take such bytes from a file.
    std::string raw = ExceptionFilePayload(StickFile()).value();
    raw.replace(raw.find("研修"), 6, bad);
    EXPECT_FALSE(ParseExceptionFilePayload(raw).ok()) << bad;
  }
}

TEST(ExceptionFileTest, StrictFieldsAndLimits) {
  const Json good = PayloadJson(StickFile());
  EXPECT_EQ(Error(good), "accepted");
  struct Case {
    const char* key;
    Json value;  // null: the field is removed
    const char* error;
  };
  const Case cases[] = {
      {"extra", "x", "$.extra: unknown field"},
      {"reason", nullptr, "$.reason: missing"},
      {"format", "piiguard-exception-file/2", "$.format: expected"},
      {"id", "0", "$.id: expected a decimal"},
      {"id", "012", "$.id: expected a decimal"},
      {"id", "18446744073709551616", "$.id: expected a decimal"},
      {"id", 7, "$.id"},
      {"pc", "", "$.pc"},
      {"pc", "../etc", "$.pc"},
      {"scope", "roster-folder", "$.scope: expected one of stick, radios"},
      {"scope", "maintenance", "$.scope: expected one of stick, radios"},
      {"identity", std::string(64, 'B'), "$.identity: expected 64"},
      {"identity", std::string(63, 'b'), "$.identity: expected 64"},
      {"identity", nullptr, "$.identity: missing"},
      {"minutes", 960, "$.minutes: must be 15, 30, 60, 120, 240 or 480"},
      {"minutes", 45, "$.minutes: must be 15"},
      {"minutes", 0, "$.minutes: must be 15"},
      {"minutes", -15, "$.minutes"},
      {"minutes", "60", "$.minutes"},
      {"person", "", "$.person"},
      {"person", std::string(65, 'p'), "$.person: longer than 64 bytes"},
      {"reason", "", "$.reason: must be 1 to 200 bytes"},
      {"reason", std::string(201, 'r'), "$.reason: must be 1 to 200 bytes"},
      {"reason", "line\nforged", "$.reason: control characters"},
      {"reason", "tab\there", "$.reason: control characters"},
      {"reason", "del\x7f", "$.reason: control characters"},
      {"reason", "c1\xc2\x85", "$.reason: control characters"},
      // Line and paragraph separators, bidi controls, zero-width and other
      // format characters: they forge lines or hide or reorder text.
      {"reason", "ls\u2028x", "$.reason: control characters"},
      {"reason", "ps\u2029x", "$.reason: control characters"},
      // NOLINTBEGIN(misc-misleading-bidirectional): on purpose
      {"reason", "lre\u202ax", "$.reason: control characters"},
      {"reason", "rlo\u202ex", "$.reason: control characters"},
      {"reason", "lri\u2066x", "$.reason: control characters"},
      // NOLINTEND(misc-misleading-bidirectional)
      {"reason", "pdi\u2069x", "$.reason: control characters"},
      {"reason", "zwsp\u200bx", "$.reason: control characters"},
      {"reason", "rlm\u200fx", "$.reason: control characters"},
      {"reason", "bom\ufeffx", "$.reason: control characters"},
      {"issued_at", "2026-06-01T03:00:00Z", "$.issued_at: must be written as"},
      {"issued_at", "yesterday", "$.issued_at: expected an RFC 3339"},
      {"redeem_by", "2026-06-01T12:00:00+09:00",
       "$.redeem_by: must be later than issued_at"},
      {"redeem_by", "2026-06-08T12:00:01+09:00",
       "$.redeem_by: at most 7 days after issued_at"},
  };
  for (const Case& c : cases) {
    Json json = good;
    if (c.value.is_null()) {
      json.erase(c.key);
    } else {
      json[c.key] = c.value;
    }
    const std::string error = Error(json);
    EXPECT_NE(error.find(c.error), std::string::npos)
        << c.key << " = " << c.value.dump() << ": " << error;
    EXPECT_EQ(error.rfind("exception file: ", 0), 0u) << error;
  }
  // The limits themselves are accepted.
  Json edge = good;
  edge["reason"] = std::string(200, 'r');
  edge["id"] = "18446744073709551615";
  edge["redeem_by"] = "2026-06-08T12:00:00+09:00";
  edge["minutes"] = 480;
  EXPECT_EQ(Error(edge), "accepted");
  // Their neighbours and other scripts are not controls.
  edge["reason"] = "\u2027\u2030\ufefe\u200a \U0001F600 研修";
  EXPECT_EQ(Error(edge), "accepted");
  // The radios name nothing.
  Json radios = good;
  radios["scope"] = "radios";
  EXPECT_NE(Error(radios).find("$.identity: unknown field"), std::string::npos);
  // Not canonical (whitespace) is refused before any field is read.
  EXPECT_FALSE(ParseExceptionFilePayload(" " + Canonical(good)).ok());
}

class VerifyTest : public ::testing::Test {
 protected:
  VerifyTest() : key_(policy::testing::NewKey()) {
    trusted_.push_back(key_.PublicKey());
  }
  std::string Signed(const ExceptionFile& f) {
    return std::move(SignExceptionFile(f, key_)).value();
  }
  FileVerdict Verify(std::string_view bytes, int64_t now = kIssued + 60) {
    return VerifyExceptionFile(bytes, trusted_, "pc-0001", now);
  }
  Ed25519PrivateKey key_;
  std::vector<Ed25519PublicKey> trusted_;
};

TEST_F(VerifyTest, AcceptsOnlyThisPcWithinItsWindow) {
  const std::string bytes = Signed(StickFile());
  FileVerdict v = Verify(bytes);
  ASSERT_TRUE(v.accepted()) << v.detail;
  EXPECT_EQ(*v.file, StickFile());
  EXPECT_TRUE(Verify(bytes, kIssued).accepted());
  EXPECT_TRUE(Verify(bytes, kIssued + 2 * 24 * 3600).accepted());
  EXPECT_EQ(Verify(bytes, kIssued - 1).refusal, FileRefusal::kNotYetValid);
  EXPECT_EQ(Verify(bytes, kIssued + 2 * 24 * 3600 + 1).refusal,
            FileRefusal::kExpired);
  EXPECT_EQ(VerifyExceptionFile(bytes, trusted_, "pc-0002", kIssued).refusal,
            FileRefusal::kOtherPc);
  EXPECT_EQ(VerifyExceptionFile(bytes, trusted_, "", kIssued).refusal,
            FileRefusal::kOtherPc);
}

TEST_F(VerifyTest, RefusesForgedAlteredCutAndOversizedFiles) {
  const std::string bytes = Signed(StickFile());
  // Signed by a key the PC does not trust.
  const Ed25519PrivateKey other = policy::testing::NewKey();
  EXPECT_EQ(
      Verify(std::move(SignExceptionFile(StickFile(), other)).value()).refusal,
      FileRefusal::kUnknownSigner);
  // The same payload re-signed as another type (a stick key's signature
  // cannot pass as an exception's).
  SignedEnvelope env = std::move(ParseSignedEnvelope(bytes)).value();
  SignedEnvelope as_policy =
      std::move(SignEnvelope("policy", env.payload, key_)).value();
  EXPECT_EQ(Verify(SerializeSignedEnvelope(as_policy)).refusal,
            FileRefusal::kMalformed);
  // Another PC written into a signed file.
  std::string altered = bytes;
  altered.replace(altered.find("pc-0001"), 7, "pc-0002");
  EXPECT_EQ(Verify(altered).refusal, FileRefusal::kBadSignature);
  // Every single-byte change is refused, whatever the byte.
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x01);
    ASSERT_FALSE(Verify(flipped).accepted()) << "byte " << i;
  }
  // Cut short, anywhere.
  for (size_t n = 0; n < bytes.size(); ++n) {
    ASSERT_EQ(Verify(bytes.substr(0, n)).refusal, FileRefusal::kMalformed) << n;
  }
  // The size limit comes first.
  FileVerdict big = Verify(std::string(kMaxExceptionFileBytes + 1, 'x'));
  EXPECT_EQ(big.refusal, FileRefusal::kMalformed);
  EXPECT_EQ(big.detail, "exception file: file: 16385 bytes, at most 16384");
}

TEST_F(VerifyTest, RefusesScopesNotIssuedAsFiles) {
  ExceptionFile f = StickFile();
  f.scope = ScopeKind::kRosterFolderPause;
  EXPECT_FALSE(SignExceptionFile(f, key_).ok());
  f.scope = ScopeKind::kMaintenance;
  EXPECT_FALSE(SignExceptionFile(f, key_).ok());
  f = StickFile();
  f.duration = DurationClass::k8Hours;
  EXPECT_TRUE(SignExceptionFile(f, key_).ok());  // the stick's cap is 8 h
}

}  // namespace
}  // namespace piiguard::exception
