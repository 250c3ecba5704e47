#include "common/os/rfkill.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "common/os/testing/fake_rfkill.h"

namespace piiguard::os {
namespace {

std::vector<uint8_t> Bytes(std::initializer_list<uint8_t> b) { return b; }

TEST(RfkillEventTest, ParsesV1Event) {
  Result<RfkillEvent> event =
      ParseRfkillEvent(Bytes({0x02, 0x01, 0, 0, 1, 2, 1, 0}));
  ASSERT_TRUE(event.ok()) << event.status().message();
  EXPECT_EQ(event->idx, 0x102U);
  EXPECT_EQ(event->type, 1);
  EXPECT_EQ(event->op, RfkillOp::kChange);
  EXPECT_TRUE(event->soft);
  EXPECT_FALSE(event->hard);
}

TEST(RfkillEventTest, ToleratesExtendedRecords) {
  // rfkill_event_ext: one more byte (hard_block_reasons), and later sizes.
  std::vector<uint8_t> ext = Bytes({3, 0, 0, 0, 2, 0, 0, 1, 0x01});
  Result<RfkillEvent> event = ParseRfkillEvent(ext);
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->idx, 3U);
  EXPECT_EQ(event->type, 2);
  EXPECT_TRUE(event->hard);
  ext.resize(32, 0xFF);
  EXPECT_TRUE(ParseRfkillEvent(ext).ok());
}

TEST(RfkillEventTest, RefusesShortAndInvalid) {
  EXPECT_FALSE(ParseRfkillEvent(Bytes({0, 0, 0, 0, 1, 2, 1})).ok());
  EXPECT_FALSE(ParseRfkillEvent({}).ok());
  EXPECT_FALSE(ParseRfkillEvent(Bytes({0, 0, 0, 0, 1, 4, 1, 0})).ok());
  EXPECT_FALSE(ParseRfkillEvent(Bytes({0, 0, 0, 0, 1, 2, 2, 0})).ok());
  EXPECT_FALSE(ParseRfkillEvent(Bytes({0, 0, 0, 0, 1, 2, 0, 7})).ok());
}

TEST(RfkillEventTest, RoundTrips) {
  RfkillEvent event{0xDEADBEEF, 5, RfkillOp::kChangeAll, true, true};
  Result<RfkillEvent> back = ParseRfkillEvent(SerializeRfkillEvent(event));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, event);
}

TEST(RfkillEventTest, TypeNames) {
  EXPECT_EQ(RadioTypeName(1), "wlan");
  EXPECT_EQ(RadioTypeName(8), "nfc");
  EXPECT_EQ(RadioTypeName(9), "unknown");
  EXPECT_EQ(ParseRadioType("bluetooth"), RadioType::kBluetooth);
  EXPECT_EQ(ParseRadioType("all"), RadioType::kAll);
  EXPECT_FALSE(ParseRadioType("wifi").has_value());
}

TEST(FakeRfkillTest, ChangeAllBlocksTypeAndSetsDefault) {
  FakeRfkill rfkill;
  uint32_t w0 = rfkill.AddRadio(RadioType::kWlan, "phy0");
  uint32_t bt = rfkill.AddRadio(RadioType::kBluetooth, "hci0");
  Result<std::vector<RfkillEvent>> adds = rfkill.ReadEvents();
  ASSERT_TRUE(adds.ok());
  EXPECT_EQ(adds->size(), 2U);
  ASSERT_TRUE(rfkill.ChangeAll(1, true).ok());
  EXPECT_TRUE(rfkill.radios().at(w0).soft);
  EXPECT_FALSE(rfkill.radios().at(bt).soft);
  Result<std::vector<RfkillEvent>> changes = rfkill.ReadEvents();
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 1U);
  EXPECT_EQ((*changes)[0].op, RfkillOp::kChange);
  // A dongle plugged in later takes the type's default.
  uint32_t w1 = rfkill.AddRadio(RadioType::kWlan, "phy1");
  EXPECT_TRUE(rfkill.radios().at(w1).soft);
}

TEST(FakeRfkillTest, InjectedErrors) {
  FakeRfkill rfkill;
  rfkill.FailWrites(EIO);
  EXPECT_FALSE(rfkill.ChangeAll(1, true).ok());
  EXPECT_EQ(rfkill.writes().size(), 1U);
  rfkill.FailReads(EIO);
  EXPECT_FALSE(rfkill.ReadEvents().ok());
}

}  // namespace
}  // namespace piiguard::os
