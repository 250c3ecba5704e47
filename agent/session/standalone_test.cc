#include "agent/session/standalone.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace piiguard::agent::session {
namespace {

TEST(StandaloneRulesetTest, AllowsOnlyTheCidrOnTheInterface) {
  Result<std::string> r =
      StandaloneRuleset({{"eth0", "192.0.2.0/24"}, {"eth1", "2001:db8::/32"}});
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(*r, ::testing::HasSubstr("table inet piiguard {}\ndelete table "
                                       "inet piiguard\n"));
  EXPECT_THAT(*r, ::testing::HasSubstr(
                      "iifname \"eth0\" ip saddr 192.0.2.0/24 accept"));
  EXPECT_THAT(*r, ::testing::HasSubstr(
                      "oifname \"eth1\" ip6 daddr 2001:db8::/32 accept"));
  EXPECT_THAT(*r, ::testing::HasSubstr("iifname \"eth0\" drop"));
  EXPECT_THAT(*r,
              ::testing::HasSubstr("hook forward priority -300; policy drop"));
  // Accepts come before the drops of the same interface.
  EXPECT_LT(r->find("iifname \"eth0\" ip saddr"),
            r->find("iifname \"eth0\" drop"));
}

TEST(StandaloneRulesetTest, RefusesSyntax) {
  EXPECT_FALSE(StandaloneRuleset({{"eth0\" accept", "192.0.2.0/24"}}).ok());
  EXPECT_FALSE(StandaloneRuleset({{"eth0", "192.0.2.0/24; flush"}}).ok());
  EXPECT_FALSE(StandaloneRuleset({{"eth0", "192.0.2.0"}}).ok());
}

}  // namespace
}  // namespace piiguard::agent::session
