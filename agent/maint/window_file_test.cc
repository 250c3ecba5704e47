#include "agent/maint/window_file.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "common/encoding.h"

namespace piiguard::maint {
namespace {

constexpr char kBootId[] = "277575c6-6ff5-4e96-bee4-d3668ca91b39";
// SHA-256(b"piiguard-maint-pw-v1\0" + b"ABCDEFGHJKMNPQRS"), from python3's
// hashlib, not from this code.
constexpr char kHashOfAbcd[] =
    "64a93346ecca4b97bd14c2adfb22a0e5e18f444210006618b19ea9a703a27b99";
constexpr char kHashOf0123[] =
    "3f7b291745cd7c7e9fb487d446e8da714c24f041f6fabc0e847c462d6166095c";

std::string Hex(const std::array<uint8_t, 32>& bytes) {
  return HexEncode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), 32));
}

WindowFile Sample() {
  WindowFile w;
  w.account = "piiguard-maint";
  w.uid = 998;
  w.grant = "123456789012";
  w.boot_id = kBootId;
  w.end_boottime_us = 1234567890;
  w.password_sha256 = HashMaintenancePassword("ABCDEFGHJKMNPQRS");
  return w;
}

const std::string kSampleText = std::string(
                                    "piiguard-maintenance-window v1\n"
                                    "account piiguard-maint\n"
                                    "uid 998\n"
                                    "grant 123456789012\n"
                                    "boot_id ") +
                                kBootId +
                                "\n"
                                "end_boottime_us 1234567890\n"
                                "password_sha256 " +
                                kHashOfAbcd + "\n";

std::string Replace(std::string text, const std::string& from,
                    const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(WindowFileTest, SerialisesToTheDocumentedTextAndParsesBack) {
  EXPECT_EQ(SerializeWindow(Sample()), kSampleText);
  Result<WindowFile> parsed = ParseWindow(kSampleText);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(*parsed, Sample());
  EXPECT_TRUE(ValidateWindow(Sample()).ok());
}

TEST(WindowFileTest, EdgeValuesRoundTrip) {
  WindowFile w = Sample();
  w.account = "_a";
  w.uid = 4294967294U;
  w.grant = "0";
  w.end_boottime_us = INT64_MAX;
  w.password_sha256.fill(0xff);
  Result<WindowFile> parsed = ParseWindow(SerializeWindow(w));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(*parsed, w);
  w.account = std::string(32, 'a');
  w.grant = "999999999999";
  w.uid = 1;
  w.end_boottime_us = 1;
  EXPECT_TRUE(ValidateWindow(w).ok());
}

struct Malformed {
  std::string name;
  std::string bytes;
  std::string message;  // the whole message
};

std::vector<Malformed> MalformedShapes() {
  const std::string& s = kSampleText;
  const std::string hash_line = std::string("password_sha256 ") + kHashOfAbcd;
  return {
      {"empty", "", "line 1: expected `piiguard-maintenance-window v1` and LF"},
      {"other magic", Replace(s, " v1", " v2"),
       "line 1: expected `piiguard-maintenance-window v1` and LF"},
      {"CRLF", Replace(s, "v1\n", "v1\r\n"),
       "line 1: expected `piiguard-maintenance-window v1` and LF"},
      {"no final LF", s.substr(0, s.size() - 1), "line 7: does not end in LF"},
      {"a line missing", Replace(s, "grant 123456789012\n", ""),
       "line 4: expected `grant VALUE`"},
      {"cut short", s.substr(0, s.find("grant")), "line 4: missing"},
      {"order",
       Replace(Replace(s, "uid 998\n", ""), "grant 123456789012\n",
               "grant 123456789012\nuid 998\n"),
       "line 3: expected `uid VALUE`"},
      {"line after", s + "extra 1\n", "line 8: nothing may follow"},
      {"empty line after", s + "\n", "line 8: nothing may follow"},
      {"key alone", Replace(s, "uid 998", "uid"),
       "line 3: expected `uid VALUE`"},
      {"two spaces", Replace(s, "uid 998", "uid  998"),
       "uid: not a decimal number"},
      {"trailing space", Replace(s, "uid 998", "uid 998 "),
       "uid: not a decimal number"},
      {"tab", Replace(s, "uid 998", "uid\t998"),
       "line 3: expected `uid VALUE`"},
      {"key case", Replace(s, "uid 998", "UID 998"),
       "line 3: expected `uid VALUE`"},
      {"NUL",
       Replace(s, "uid 998",
               std::string("uid 9\0"
                           "98",
                           8)),
       "uid: not a decimal number"},
      {"account empty", Replace(s, "account piiguard-maint", "account "),
       "account: a user name of 1 to 32 characters expected"},
      {"account long",
       Replace(s, "account piiguard-maint", "account " + std::string(33, 'a')),
       "account: a user name of 1 to 32 characters expected"},
      {"account digit", Replace(s, "account piiguard-maint", "account 1maint"),
       "account: must begin with a-z or _"},
      {"account upper",
       Replace(s, "account piiguard-maint", "account piiguard-Maint"),
       "account: only a-z, 0-9, _ and - are allowed"},
      {"account space",
       Replace(s, "account piiguard-maint", "account piiguard maint"),
       "account: only a-z, 0-9, _ and - are allowed"},
      {"uid 0", Replace(s, "uid 998", "uid 0"),
       "uid: 0 is root, never the maintenance account"},
      {"uid -1", Replace(s, "uid 998", "uid 4294967295"), "uid: out of range"},
      {"uid huge", Replace(s, "uid 998", "uid 99999999999999999999999"),
       "uid: out of range"},
      {"uid sign", Replace(s, "uid 998", "uid +998"),
       "uid: not a decimal number"},
      {"uid negative", Replace(s, "uid 998", "uid -998"),
       "uid: not a decimal number"},
      {"uid zero-led", Replace(s, "uid 998", "uid 0998"),
       "uid: a leading zero (one spelling per number)"},
      {"grant long", Replace(s, "123456789012", "1234567890123"),
       "grant: more than 12 digits"},
      {"grant zero-led", Replace(s, "123456789012", "023456789012"),
       "grant: a leading zero (one spelling per number)"},
      {"grant hex", Replace(s, "123456789012", "12345678901a"),
       "grant: not a decimal number"},
      {"boot_id short", Replace(s, "d3668ca91b39", "d3668ca91b3"),
       "boot_id: 36 characters expected"},
      {"boot_id upper", Replace(s, "d3668ca91b39", "D3668CA91B39"),
       "boot_id: lower-case 8-4-4-4-12 hex expected"},
      {"boot_id dashes", Replace(s, "277575c6-6ff5", "277575c66-ff5"),
       "boot_id: lower-case 8-4-4-4-12 hex expected"},
      {"end 0", Replace(s, "end_boottime_us 1234567890", "end_boottime_us 0"),
       "end_boottime_us: must be above 0"},
      {"end negative", Replace(s, "us 1234567890", "us -1234567890"),
       "end_boottime_us: not a decimal number"},
      {"end over int64", Replace(s, "us 1234567890", "us 9223372036854775808"),
       "end_boottime_us: out of range"},
      {"hash short", Replace(s, hash_line, hash_line.substr(0, 79)),
       "password_sha256: 64 lower-case hex digits expected"},
      {"hash long", Replace(s, hash_line, hash_line + "0"),
       "password_sha256: 64 lower-case hex digits expected"},
      {"hash upper", Replace(s, "64a93346", "64A93346"),
       "password_sha256: 64 lower-case hex digits expected"},
      {"hash not hex", Replace(s, "64a93346", "64g93346"),
       "password_sha256: 64 lower-case hex digits expected"},
      {"too big", s + std::string(1024 - s.size() + 1, 'x'),
       "file: 1025 bytes, at most 1024"},
  };
}

TEST(WindowFileTest, RefusesEveryMalformedShapeSayingWhy) {
  for (const Malformed& m : MalformedShapes()) {
    Result<WindowFile> parsed = ParseWindow(m.bytes);
    ASSERT_FALSE(parsed.ok()) << m.name;
    EXPECT_EQ(parsed.status().code(), StatusCode::kCorruption) << m.name;
    EXPECT_EQ(parsed.status().message(), "maintenance window: " + m.message)
        << m.name;
  }
}

// Any one byte changed: refused, or a window that serialises to exactly
// the changed bytes (one spelling per window).
TEST(WindowFileTest, AChangedByteIsRefusedOrCanonical) {
  const std::string bytes[] = {
      "0", "1", "a", "A", "-", " ", "\n", "\r", std::string(1, '\0'), "\xff"};
  int accepted = 0;
  for (size_t i = 0; i < kSampleText.size(); ++i) {
    for (const std::string& b : bytes) {
      std::string changed = kSampleText;
      changed[i] = b[0];
      if (changed == kSampleText) continue;
      Result<WindowFile> parsed = ParseWindow(changed);
      if (!parsed.ok()) continue;
      ++accepted;
      EXPECT_EQ(SerializeWindow(*parsed), changed) << i;
    }
  }
  EXPECT_GT(accepted, 0);  // digits of the values may change
}

TEST(WindowFileTest, ValidateNamesTheField) {
  WindowFile w = Sample();
  w.account = "piiguard maint";
  EXPECT_EQ(ValidateWindow(w).message(),
            "maintenance window: account: only a-z, 0-9, _ and - are allowed");
  w = Sample();
  w.grant = "";
  EXPECT_EQ(ValidateWindow(w).message(), "maintenance window: grant: empty");
  w = Sample();
  w.boot_id += "\nx";
  EXPECT_FALSE(ValidateWindow(w).ok());
  w = Sample();
  w.uid = 0;
  EXPECT_FALSE(ValidateWindow(w).ok());
}

TEST(WindowFileTest, NormalisesWhatPeopleType) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"ABCD-EFGH-JKMN-PQRS", "ABCDEFGHJKMNPQRS"},
      {"abcd-efgh-jkmn-pqrs", "ABCDEFGHJKMNPQRS"},
      {"ABCD EFGH JKMN PQRS", "ABCDEFGHJKMNPQRS"},
      {" abcdefghjkmnpqrs ", "ABCDEFGHJKMNPQRS"},
      {"--ABCD--EFGH--JKMN--PQRS--", "ABCDEFGHJKMNPQRS"},
      {"oOiI-lL01-2345-6789", "0011110123456789"},
      {"VWXY-Z0TT-TTTT-TTTT", "VWXYZ0TTTTTTTTTT"},
  };
  for (const auto& [typed, normal] : cases) {
    Result<std::string> got = NormaliseMaintenancePassword(typed);
    ASSERT_TRUE(got.ok()) << typed << ": " << got.status().message();
    EXPECT_EQ(*got, normal) << typed;
    Result<std::string> again = NormaliseMaintenancePassword(*got);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *got);
  }
}

TEST(WindowFileTest, RefusesOtherPasswordsWithoutEchoingThem) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "length: 0 characters, 16 expected"},
      {"ABCD-EFGH-JKMN-PQR", "length: 15 characters, 16 expected"},
      {"ABCD-EFGH-JKMN-PQRST", "length: more than 16 characters"},
      {"ABCD-EFGH-JKMN-PQRU",
       "character: only 0-9, A-Z without U, '-' and spaces are allowed"},
      {"ABCD_EFGH_JKMN_PQRS",
       "character: only 0-9, A-Z without U, '-' and spaces are allowed"},
      {"ABCD\tEFGH-JKMN-PQRS",
       "character: only 0-9, A-Z without U, '-' and spaces are allowed"},
      {"ABCD-EFGH-JKMN-PQR\xc3\xa9",
       "character: only 0-9, A-Z without U, '-' and spaces are allowed"},
      {std::string("ABCD-EFGH-JKMN-PQRS\0", 20),
       "character: only 0-9, A-Z without U, '-' and spaces are allowed"},
  };
  for (const auto& [typed, message] : cases) {
    Result<std::string> got = NormaliseMaintenancePassword(typed);
    ASSERT_FALSE(got.ok()) << typed;
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(got.status().message(), "maintenance password: " + message);
    EXPECT_EQ(got.status().message().find("ABCD"), std::string::npos);
  }
}

TEST(WindowFileTest, HashesAsAnIndependentSha256Does) {
  EXPECT_EQ(Hex(HashMaintenancePassword("ABCDEFGHJKMNPQRS")), kHashOfAbcd);
  EXPECT_EQ(Hex(HashMaintenancePassword("0123456789ABCDEF")), kHashOf0123);
  Result<std::string> typed =
      NormaliseMaintenancePassword("oi23-4567-89ab-cdef");
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(Hex(HashMaintenancePassword(*typed)), kHashOf0123);
}

}  // namespace
}  // namespace piiguard::maint
