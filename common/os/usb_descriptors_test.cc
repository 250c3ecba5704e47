#include "common/os/usb_descriptors.h"

#include <gtest/gtest.h>

namespace piiguard::os {
namespace {

std::string Device(uint16_t vid, uint16_t pid) {
  std::string d = {18, 1, 0x00, 0x02, 0, 0, 0, 64};
  d += static_cast<char>(vid & 0xff);
  d += static_cast<char>(vid >> 8);
  d += static_cast<char>(pid & 0xff);
  d += static_cast<char>(pid >> 8);
  d += std::string{0, 0, 1, 2, 3, 1};
  return d;
}

std::string Interface(uint8_t number, uint8_t cls, uint8_t sub, uint8_t proto) {
  return std::string{9,
                     4,
                     static_cast<char>(number),
                     0,
                     2,
                     static_cast<char>(cls),
                     static_cast<char>(sub),
                     static_cast<char>(proto),
                     0};
}

const std::string kConfig = {9, 2, 32, 0, 1, 1, 0, static_cast<char>(0x80), 50};
const std::string kEndpoint = {7, 5, static_cast<char>(0x81), 2, 0, 2, 0};

TEST(UsbDescriptorsTest, ReadsTheInterfaceSetOfAStick) {
  std::string bytes = Device(0x46f4, 0x0001) + kConfig +
                      Interface(0, 0x08, 0x06, 0x50) + kEndpoint + kEndpoint;
  Result<UsbDescriptors> d = ParseUsbDescriptors(bytes);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->vid, 0x46f4);
  EXPECT_EQ(d->pid, 0x0001);
  ASSERT_EQ(d->interfaces.size(), 1u);
  EXPECT_EQ(InterfaceText(d->interfaces[0]), "08/06/50");
}

TEST(UsbDescriptorsTest, ReadsEveryInterfaceOfACompositeDevice) {
  std::string bytes = Device(0x1234, 0x5678) + kConfig +
                      Interface(0, 0x08, 0x06, 0x50) + kEndpoint +
                      Interface(1, 0x03, 0x01, 0x01) + kEndpoint;
  Result<UsbDescriptors> d = ParseUsbDescriptors(bytes);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->interfaces.size(), 2u);
  EXPECT_EQ(d->interfaces[1].cls, 0x03);
}

TEST(UsbDescriptorsTest, EndingInANewlineByteIsKept) {
  // An endpoint with bInterval 10 ends in 0x0a: binary, not text.
  std::string endpoint = {7, 5, static_cast<char>(0x81), 3, 8, 0, 10};
  std::string bytes = Device(1, 2) + kConfig + Interface(0, 3, 1, 1) + endpoint;
  EXPECT_TRUE(ParseUsbDescriptors(bytes).ok());
  EXPECT_FALSE(ParseUsbDescriptors(bytes.substr(0, bytes.size() - 1)).ok());
}

TEST(UsbDescriptorsTest, RefusesMalformedBytes) {
  std::string good = Device(1, 2) + kConfig + Interface(0, 8, 6, 80);
  EXPECT_FALSE(ParseUsbDescriptors("").ok());
  EXPECT_FALSE(ParseUsbDescriptors(good.substr(0, 17)).ok());
  std::string zero = good + std::string{0, 4};
  EXPECT_FALSE(ParseUsbDescriptors(zero).ok());
  std::string short_interface = Device(1, 2) + std::string{5, 4, 0, 0, 0};
  EXPECT_FALSE(ParseUsbDescriptors(short_interface).ok());
  EXPECT_FALSE(ParseUsbDescriptors(good + std::string{1}).ok());
  std::string bad_device = good;
  bad_device[1] = 2;
  EXPECT_FALSE(ParseUsbDescriptors(bad_device).ok());
}

}  // namespace
}  // namespace piiguard::os
