#include "policy/exception/maintenance_password.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include "common/encoding.h"

namespace piiguard::exception {
namespace {

ExceptionKey PcKey(std::string_view pc_id) {
  std::string raw;
  for (int i = 0; i < 32; ++i) raw.push_back(static_cast<char>(i));
  ExceptionKey master = std::move(ExceptionKey::FromBytes(raw)).value();
  return std::move(DeriveExceptionKey(master, pc_id)).value();
}

// The documented input: label, NUL, u32be length, pc id, u64be nonce.
TEST(MaintenancePasswordTest, InputIsTheDocumentedBytes) {
  Result<std::string> input = MaintenancePasswordInput("pc-0001", 1);
  ASSERT_TRUE(input.ok());
  EXPECT_EQ(HexEncode(*input),
            HexEncode(std::string("piiguard-maint-pw-v1") +
                      std::string(1, '\0') + std::string("\0\0\0\x07", 4) +
                      "pc-0001" + std::string("\0\0\0\0\0\0\0\x01", 8)));
}

TEST(MaintenancePasswordTest, MatchesAnIndependentHmac) {
  // Computed with Python's hmac and hashlib (K_pc of "pc-0001" from the
  // master 00..1f, as code_mac_test.cc):
  //   mac = hmac.new(kpc, b"piiguard-maint-pw-v1\0" + struct.pack(">I", 7)
  //                  + b"pc-0001" + struct.pack(">Q", nonce),
  //                  hashlib.sha256).digest()[:10]
  //   n = int.from_bytes(mac, "big"); 16 digits of 5 bits, most significant
  //   first, from "0123456789ABCDEFGHJKMNPQRSTVWXYZ", grouped by 4.
  const ExceptionKey key = PcKey("pc-0001");
  EXPECT_EQ(MaintenancePassword(key, "pc-0001", 123456789012).value(),
            "J7MM-T55Q-5F13-3MFD");
  EXPECT_EQ(MaintenancePassword(key, "pc-0001", 123456789013).value(),
            "VS6J-6HGG-SGJ2-JNN0");
  EXPECT_EQ(MaintenancePassword(key, "pc-0001", 0).value(),
            "YBCR-0TFP-MM5Z-79DC");
}

TEST(MaintenancePasswordTest, DependsOnThePcItsKeyAndTheNonce) {
  const ExceptionKey key = PcKey("pc-0001");
  std::set<std::string> seen;
  seen.insert(MaintenancePassword(key, "pc-0001", 42).value());
  seen.insert(MaintenancePassword(key, "pc-0002", 42).value());
  seen.insert(MaintenancePassword(PcKey("pc-0002"), "pc-0001", 42).value());
  seen.insert(MaintenancePassword(key, "pc-0001", 43).value());
  EXPECT_EQ(seen.size(), 4u);
  for (const std::string& password : seen) {
    ASSERT_EQ(password.size(), 19u);
    for (size_t i = 0; i < password.size(); ++i) {
      if (i % 5 == 4) {
        EXPECT_EQ(password[i], '-');
      } else {
        EXPECT_NE(kCrockfordDigits.find(password[i]), std::string::npos)
            << password;
      }
    }
  }
}

TEST(MaintenancePasswordTest, RefusesAPcIdTheMacCannotTake) {
  const ExceptionKey key = PcKey("pc-0001");
  EXPECT_FALSE(MaintenancePassword(key, "", 1).ok());
  EXPECT_FALSE(MaintenancePassword(key, std::string(65, 'p'), 1).ok());
  EXPECT_TRUE(MaintenancePassword(key, std::string(64, 'p'), 1).ok());
}

}  // namespace
}  // namespace piiguard::exception
