#include "agent/session/session_state.h"

#include <gtest/gtest.h>

namespace piiguard::agent::session {
namespace {

SessionState Sample() {
  SessionState s;
  s.origin = Origin::kStick;
  s.uid = -1;
  s.user = "佐藤";
  s.job = "juminhyo";
  s.started_ms = 1780282800000;
  s.block_types = {1, 2, 5};
  s.prior_radios = {{0, 1, "phy0", false}, {7, 2, "hci0", true}};
  s.prior_links = {{2, "eth0", true}};
  s.firewall = true;
  s.sticks = {"0123456789abcdef0123456789abcdef"};
  return s;
}

TEST(SessionStateTest, RoundTrips) {
  std::string bytes = SerializeSessionState(Sample());
  Result<std::optional<SessionState>> back = ParseSessionState(bytes);
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ(**back, Sample());
}

TEST(SessionStateTest, Inactive) {
  Result<std::optional<SessionState>> back =
      ParseSessionState(SerializeSessionState(std::nullopt));
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->has_value());
}

TEST(SessionStateTest, RefusesDamage) {
  std::string bytes = SerializeSessionState(Sample());
  for (size_t cut = 0; cut + 2 < bytes.size(); cut += 7) {
    EXPECT_FALSE(ParseSessionState(bytes.substr(0, cut)).ok()) << cut;
  }
  EXPECT_FALSE(ParseSessionState("{\"format\":\"x\",\"active\":false}").ok());
  EXPECT_FALSE(
      ParseSessionState("{\"format\":\"piiguard-session/1\",\"active\":false,"
                        "\"extra\":1}")
          .ok());
  std::string bad_origin = bytes;
  bad_origin.replace(bad_origin.find("\"stick\""), 7, "\"other\"");
  EXPECT_FALSE(ParseSessionState(bad_origin).ok());
  std::string bad_type = bytes;
  bad_type.replace(bad_type.find("[1,2,5]"), 7, "[1,2,500]");
  EXPECT_EQ(ParseSessionState(bad_type).status().code(),
            StatusCode::kCorruption);
}

}  // namespace
}  // namespace piiguard::agent::session
