#include "agent/maint/maintenance_record.h"

#include <gtest/gtest.h>

#include <string>

#include "common/json.h"

namespace piiguard::maint {
namespace {

MaintenanceRecord Example() {
  return MaintenanceRecord{"123456789012",
                           "piiguard-maint",
                           998,
                           1780282800000,
                           7'200'000'000,
                           42,
                           1234};
}

TEST(MaintenanceRecordTest, RoundTripsAsCanonicalJson) {
  const std::string bytes = SerializeMaintenanceRecord(Example());
  EXPECT_EQ(bytes,
            "{\"account\":\"piiguard-maint\",\"end_mono_us\":7200000000,"
            "\"grant\":\"123456789012\",\"opened_wall_ms\":1780282800000,"
            "\"sudo_log_inode\":42,\"sudo_log_offset\":1234,\"uid\":998,"
            "\"v\":1}");
  Result<MaintenanceRecord> back = ParseMaintenanceRecord(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, Example());
}

TEST(MaintenanceRecordTest, RefusesWhatIsNotExactlyARecord) {
  const std::string good = SerializeMaintenanceRecord(Example());
  auto with = [&good](std::string_view from, std::string_view to) {
    std::string bytes = good;
    bytes.replace(bytes.find(from), from.size(), to);
    return bytes;
  };
  for (const std::string& bad :
       {std::string(""), good + "\n", with("\"v\":1", "\"v\":2"),
        with("\"uid\":998", "\"uid\":-1"),
        with("\"grant\":\"123456789012\"", "\"grant\":\"12a\""),
        with("\"grant\":\"123456789012\"", "\"grant\":\"1234567890123\""),
        with("\"account\":\"piiguard-maint\"", "\"account\":\"Root\""),
        with("\"account\":\"piiguard-maint\"", "\"account\":\"../x\""),
        with("\"v\":1}", "\"v\":1,\"x\":0}"), with(":998", ": 998"),
        with("\"sudo_log_inode\":42,", "")}) {
    EXPECT_FALSE(ParseMaintenanceRecord(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseMaintenanceRecord(std::string(2000, ' ')).ok());
}

TEST(MaintenanceRecordTest, AccountNames) {
  EXPECT_TRUE(ValidAccountName("piiguard-maint"));
  EXPECT_TRUE(ValidAccountName("_vendor2"));
  EXPECT_FALSE(ValidAccountName(""));
  EXPECT_FALSE(ValidAccountName("-x"));
  EXPECT_FALSE(ValidAccountName("9x"));
  EXPECT_FALSE(ValidAccountName("a b"));
  EXPECT_FALSE(ValidAccountName(std::string(33, 'a')));
}

}  // namespace
}  // namespace piiguard::maint
