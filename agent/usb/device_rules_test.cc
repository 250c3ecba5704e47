#include "agent/usb/device_rules.h"

#include <gtest/gtest.h>

namespace piiguard::agent::usb {
namespace {

os::UsbDescriptors Device(std::vector<uint8_t> classes,
                          uint8_t device_class = 0) {
  os::UsbDescriptors d;
  d.vid = 0x046d;
  d.pid = 0xc31c;
  d.device_class = device_class;
  uint8_t n = 0;
  for (uint8_t cls : classes) d.interfaces.push_back({n++, 0, cls, 1, 1});
  return d;
}

TEST(DeviceRulesTest, DecidesByInterfaceSet) {
  policy::UsbRules rules;
  EXPECT_TRUE(DecideDevice(Device({0x08}), rules).allow);
  EXPECT_TRUE(DecideDevice(Device({0x08}), rules).storage);
  EXPECT_TRUE(DecideDevice(Device({0x03}), rules).allow);
  EXPECT_TRUE(DecideDevice(Device({}, 0x09), rules).allow);
  EXPECT_TRUE(DecideDevice(Device({0x01, 0x01}), rules).allow);
  EXPECT_FALSE(DecideDevice(Device({0x08, 0x03}), rules).allow);
  EXPECT_FALSE(DecideDevice(Device({0xe0}), rules).allow);
  EXPECT_FALSE(DecideDevice(Device({0x02, 0x0a}), rules).allow);
  EXPECT_FALSE(DecideDevice(Device({0xff}), rules).allow);
  EXPECT_FALSE(DecideDevice(Device({}), rules).allow);
  rules.allow_composite_storage_hid = true;
  EXPECT_TRUE(DecideDevice(Device({0x08, 0x03}), rules).allow);
}

TEST(DeviceRulesTest, HidFollowsThePolicy) {
  policy::UsbRules rules;
  rules.hid_allowed = false;
  EXPECT_FALSE(DecideDevice(Device({0x03}), rules).allow);
  rules.hid_allowed = true;
  rules.hid_allowed_devices = {{"046d", "c31c"}};
  EXPECT_TRUE(DecideDevice(Device({0x03}), rules).allow);
  rules.hid_allowed_devices = {{"046d", "0000"}};
  DeviceDecision d = DecideDevice(Device({0x03}), rules);
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.reason, "HID device not in the policy's list");
  EXPECT_EQ(VidPid(Device({0x03})), "046d:c31c");
}

}  // namespace
}  // namespace piiguard::agent::usb
