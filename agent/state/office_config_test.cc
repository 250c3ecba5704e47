// office.json's format and the sync material's key handling.

#include "agent/state/office_config.h"

#include <gtest/gtest.h>

namespace piiguard::sync {
namespace {

TEST(OfficeConfigTest, ParsesAndRefuses) {
  OfficeConfig config{"pc-1", "https://127.0.0.1:8443", std::string(64, 'a')};
  Result<OfficeConfig> parsed =
      ParseOfficeConfig(SerializeOfficeConfig(config));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, config);
  EXPECT_EQ(ParseOfficeUrl("https://office.example:9443").value().port, 9443);
  EXPECT_EQ(ParseOfficeUrl("https://office.example").value().port, 443);
  EXPECT_EQ(ParseOfficeUrl("https://office.example/").value().host,
            "office.example");
  EXPECT_FALSE(ParseOfficeUrl("http://office").ok());
  EXPECT_FALSE(ParseOfficeUrl("https://a@b:1").ok());
  EXPECT_FALSE(ParseOfficeUrl("https://b:99999").ok());
  EXPECT_FALSE(ParseOfficeUrl("https://a b").ok());
  EXPECT_FALSE(ParseOfficeUrl("https://").ok());
  OfficeConfig bad = config;
  bad.office_pin = "ABC";
  EXPECT_FALSE(ParseOfficeConfig(SerializeOfficeConfig(bad)).ok());
  bad = config;
  bad.pc = "";
  EXPECT_FALSE(ParseOfficeConfig(SerializeOfficeConfig(bad)).ok());
  EXPECT_FALSE(ParseOfficeConfig(R"({"pc":"a","office_url":"https://o",)"
                                 R"("office_pin":")" +
                                 std::string(64, 'a') + R"(","x":1})")
                   .ok());
  EXPECT_FALSE(
      ParseOfficeConfig(std::string(kMaxOfficeConfigBytes + 1, ' ')).ok());
}

TEST(OfficeConfigTest, PinIsLowerHex) {
  EXPECT_TRUE(IsPin(std::string(64, 'f')));
  EXPECT_FALSE(IsPin(std::string(64, 'F')));
  EXPECT_FALSE(IsPin(std::string(63, 'a')));
  EXPECT_FALSE(IsPin(std::string(64, 'g')));
}

TEST(SyncMaterialTest, MovesLeaveNoKeyBehind) {
  SyncMaterial a;
  a.client_key_pem = std::string(300, 'k');
  SyncMaterial b(std::move(a));
  EXPECT_TRUE(a.client_key_pem.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(b.client_key_pem, std::string(300, 'k'));
  SyncMaterial c;
  c.client_key_pem = std::string(300, 'o');
  c = std::move(b);
  EXPECT_EQ(c.client_key_pem, std::string(300, 'k'));
  // The old key went through the source, which was cleansed.
  EXPECT_TRUE(b.client_key_pem.empty());  // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace piiguard::sync
