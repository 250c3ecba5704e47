#include "policy/exception/code_mac.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "common/encoding.h"

namespace piiguard::exception {
namespace {

ExceptionKey Master() {
  std::string raw;
  for (int i = 0; i < 32; ++i) raw.push_back(static_cast<char>(i));
  return std::move(ExceptionKey::FromBytes(raw)).value();
}

ExceptionKey PcKey(std::string_view pc_id) {
  return std::move(DeriveExceptionKey(Master(), pc_id)).value();
}

ResponseContext Context() {
  return {"pc-0001",
          {ScopeKind::kStickWritable, DurationClass::k1Hour, 5, 123456789012},
          "stick-hash",
          2,
          "yamada",
          20544};
}

TEST(ExceptionKeyTest, DerivationMatchesAnIndependentHkdf) {
  // HKDF-SHA256(ikm = 00..1f, salt = none, info = label || "pc-0001"),
  // computed with Python's hmac module (docs/exceptions.md).
  EXPECT_EQ(HexEncode(PcKey("pc-0001").bytes()),
            "ffa60e3bcc5f18d1cbd5962c5d50e0563db4ca2701d47c6a19d9e52a00df16a9");
  EXPECT_NE(PcKey("pc-0001").bytes(), PcKey("pc-0002").bytes());
}

TEST(ExceptionKeyTest, RefusesBadSizesAndIds) {
  EXPECT_FALSE(ExceptionKey::FromBytes(std::string(31, 'k')).ok());
  EXPECT_FALSE(ExceptionKey::FromBytes(std::string(33, 'k')).ok());
  EXPECT_FALSE(DeriveExceptionKey(Master(), "").ok());
  EXPECT_FALSE(DeriveExceptionKey(Master(), std::string(65, 'p')).ok());
  EXPECT_TRUE(DeriveExceptionKey(Master(), std::string(64, 'p')).ok());
}

TEST(ExceptionKeyTest, MovingWipesTheSource) {
  ExceptionKey a = Master();
  ExceptionKey b = std::move(a);
  EXPECT_EQ(b.bytes()[31], '\x1f');
  // The wipe is what is tested.
  // NOLINTNEXTLINE(bugprone-use-after-move,clang-analyzer-cplusplus.Move)
  EXPECT_EQ(a.bytes(), std::string(32, '\0'));
  ExceptionKey c = PcKey("pc-0002");
  c = std::move(b);
  EXPECT_EQ(c.bytes()[31], '\x1f');
  // NOLINTNEXTLINE(bugprone-use-after-move,clang-analyzer-cplusplus.Move)
  EXPECT_EQ(b.bytes(), std::string(32, '\0'));
}

TEST(IssueDayTest, IsTheDateInJapan) {
  // 2026-04-01 00:00 UTC is 09:00 in Japan: day 20544.
  EXPECT_EQ(IssueDay(1775001600000), 20544);
  // 14:59:59 UTC is 23:59:59 in Japan, still the same day; 15:00 is not.
  EXPECT_EQ(IssueDay(1775001600000 + (15LL * 3600 - 1) * 1000), 20544);
  EXPECT_EQ(IssueDay(1775001600000 + 15LL * 3600 * 1000), 20545);
  // 2026-03-31 15:00 UTC is midnight in Japan.
  EXPECT_EQ(IssueDay(1775001600000 - 9LL * 3600 * 1000), 20544);
  EXPECT_EQ(IssueDay(1775001600000 - 9LL * 3600 * 1000 - 1), 20543);
  EXPECT_EQ(IssueDay(-1), 0);  // 1970-01-01 08:59:59.999 in Japan
}

TEST(ResponseMacTest, MatchesAnIndependentHmac) {
  // HMAC-SHA256 over the documented input, computed with Python.
  Result<Response> r = ComputeResponse(PcKey("pc-0001"), Context());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->person_index, 2U);
  EXPECT_EQ(r->mac, 9522771387U);
  EXPECT_TRUE(ResponseMatches(PcKey("pc-0001"), Context(), *r));
}

TEST(ResponseMacTest, EveryFieldIsBound) {
  const ExceptionKey key = PcKey("pc-0001");
  const Response good = std::move(ComputeResponse(key, Context())).value();
  std::vector<std::pair<std::string, ResponseContext>> changed;
  auto add = [&](std::string name, auto change) {
    ResponseContext c = Context();
    change(c);
    changed.emplace_back(std::move(name), c);
  };
  add("scope",
      [](ResponseContext& c) { c.challenge.scope = ScopeKind::kRadios; });
  add("duration", [](ResponseContext& c) {
    c.challenge.duration = DurationClass::k2Hours;
  });
  add("index", [](ResponseContext& c) { c.challenge.index = 6; });
  add("nonce", [](ResponseContext& c) { c.challenge.nonce += 1; });
  add("pc", [](ResponseContext& c) { c.pc_id = "pc-0002"; });
  add("stick", [](ResponseContext& c) { c.scope_detail = "other-stick"; });
  add("person index", [](ResponseContext& c) { c.person_index = 3; });
  add("responsible", [](ResponseContext& c) { c.responsible_id = "suzuki"; });
  add("day", [](ResponseContext& c) { c.issue_day += 1; });
  for (const auto& [name, context] : changed) {
    EXPECT_FALSE(ResponseMatches(key, context, good)) << name;
  }
  // Another PC's key, with everything else the same.
  EXPECT_FALSE(ResponseMatches(PcKey("pc-0002"), Context(), good));
  // Field boundaries are unambiguous: moving a byte between two
  // length-prefixed fields changes the input.
  ResponseContext a = Context();
  a.scope_detail = "ab";
  a.responsible_id = "c";
  ResponseContext b = Context();
  b.scope_detail = "a";
  b.responsible_id = "bc";
  EXPECT_NE(*MacInput(a), *MacInput(b));
}

TEST(ResponseMacTest, RefusesOutOfRangeInput) {
  const ExceptionKey key = PcKey("pc-0001");
  const Response good = std::move(ComputeResponse(key, Context())).value();
  EXPECT_FALSE(ResponseMatches(key, Context(), {2, good.mac + kMacLimit}));
  EXPECT_FALSE(ResponseMatches(key, Context(), {102, good.mac}));
  ResponseContext c = Context();
  c.scope_detail = std::string(kMaxDetailBytes + 1, 'd');
  EXPECT_FALSE(MacInput(c).ok());
  c = Context();
  c.challenge.duration = DurationClass::k8Hours;
  c.challenge.scope = ScopeKind::kMaintenance;  // over the 4 h cap
  EXPECT_FALSE(ComputeResponse(key, c).ok());
  c = Context();
  c.pc_id = "";
  EXPECT_FALSE(MacInput(c).ok());
}

TEST(ResponseMacTest, InputLayout) {
  Result<std::string> input = MacInput(Context());
  ASSERT_TRUE(input.ok());
  EXPECT_EQ(HexEncode(*input), HexEncode(std::string("piiguard-otp-v1\0", 16)) +
                                   "00000007" + HexEncode("pc-0001") +
                                   "010305" + "0000001cbe991a14" + "0000000a" +
                                   HexEncode("stick-hash") + "02" + "00000006" +
                                   HexEncode("yamada") + "0000000000005040");
}

}  // namespace
}  // namespace piiguard::exception
