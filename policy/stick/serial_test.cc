#include "policy/stick/serial.h"

#include <gtest/gtest.h>

namespace piiguard::stick {
namespace {

TEST(SerialTest, RealSerialsMayBeBound) {
  for (const char* serial :
       {"4C530001230517118342", "001CC0EC34A2BB31B7A1059F", "AA00000000000485",
        "KEYED001", "0123456789ABCDEG", "20170331000C3", "1234567891"}) {
    EXPECT_EQ(GenericSerialReason(serial), std::nullopt) << serial;
  }
}

// What a dd clone of a keyed stick onto another stick of the same model
// would share with the original.
TEST(SerialTest, EmptyAndGenericSerialsAreRefused) {
  for (const char* serial :
       {"", "   ", "\xd0\x89", "ABC123", "000000000000", "FFFFFFFF",
        "0123456789ABCDEF", "0123456789abcdef", "123456789ABC", "1234567890",
        "01234567", "KEYED 001", "SERIAL\x01XX"}) {
    EXPECT_NE(GenericSerialReason(serial), std::nullopt) << serial;
  }
  EXPECT_EQ(*GenericSerialReason(""), "the stick reports no serial number");
  EXPECT_EQ(*GenericSerialReason("0000000000000000"),
            "the serial number is one character repeated");
}

TEST(SerialTest, TrailingWhitespaceIsNotPartOfTheSerial) {
  EXPECT_EQ(GenericSerialReason("KEYED001  "), std::nullopt);
  EXPECT_NE(GenericSerialReason("0123456789AB \n"), std::nullopt);
}

}  // namespace
}  // namespace piiguard::stick
