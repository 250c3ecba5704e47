#include "agent/usb/device_rules.h"

#include <gtest/gtest.h>

namespace piiguard::agent::usb {
namespace {

constexpr uint8_t kScsi = 0x06;

// Interfaces of the given classes; mass storage gets the SCSI-transparent
// subclass (as every USB stick reports) unless `storage_subclass` says
// otherwise.
os::UsbDescriptors Device(std::vector<uint8_t> classes,
                          uint8_t device_class = 0,
                          uint8_t storage_subclass = kScsi) {
  os::UsbDescriptors d;
  d.vid = 0x046d;
  d.pid = 0xc31c;
  d.device_class = device_class;
  uint8_t n = 0;
  for (uint8_t cls : classes) {
    uint8_t subclass = cls == 0x08 ? storage_subclass : 1;
    d.interfaces.push_back({n++, 0, cls, subclass, 1});
  }
  return d;
}

TEST(DeviceRulesTest, DecidesByInterfaceSet) {
  policy::UsbRules rules;
  EXPECT_TRUE(DecideDevice(Device({0x08}), rules).allow);
  EXPECT_TRUE(DecideDevice(Device({0x08}), rules).storage);
  EXPECT_TRUE(DecideDevice(Device({0x03}), rules).allow);
  EXPECT_TRUE(DecideDevice(Device({0x09}, 0x09), rules).allow);
  EXPECT_TRUE(DecideDevice(Device({0x09}, 0x09), rules).hub);
  EXPECT_TRUE(DecideDevice(Device({0x01, 0x01}), rules).allow);
  EXPECT_FALSE(DecideDevice(Device({0x08, 0x03}), rules).allow);
  EXPECT_FALSE(DecideDevice(Device({0xe0}), rules).allow);
  EXPECT_FALSE(DecideDevice(Device({0x02, 0x0a}), rules).allow);
  EXPECT_FALSE(DecideDevice(Device({0xff}), rules).allow);
  EXPECT_FALSE(DecideDevice(Device({}), rules).allow);
  EXPECT_FALSE(DecideDevice(Device({}, 0x09), rules).allow)
      << "a hub has a hub interface";
  rules.allow_composite_storage_hid = true;
  EXPECT_TRUE(DecideDevice(Device({0x08, 0x03}), rules).allow);
}

// Security review F3: a programmable gadget that calls itself a hub
// (bDeviceClass 9) was allowed whatever its interfaces were.
TEST(DeviceRulesTest, HubClassGadgetIsDecidedByItsInterfaces) {
  policy::UsbRules rules;
  DeviceDecision badusb = DecideDevice(Device({0x03, 0x08}, 0x09), rules);
  EXPECT_FALSE(badusb.allow);
  EXPECT_FALSE(badusb.hub);
  EXPECT_EQ(badusb.reason, "composite storage+HID device");
  DeviceDecision network = DecideDevice(Device({0x02, 0x0a}, 0x09), rules);
  EXPECT_FALSE(network.allow);
  EXPECT_EQ(network.reason, "interface class 02/01/01 not allowed");
  EXPECT_FALSE(DecideDevice(Device({0xe0}, 0x09), rules).allow);
  EXPECT_FALSE(DecideDevice(Device({0xff}, 0x09), rules).allow);
  // A hub interface next to a keyboard: no real hub looks like that.
  DeviceDecision mixed = DecideDevice(Device({0x09, 0x03}, 0x09), rules);
  EXPECT_FALSE(mixed.allow);
  EXPECT_EQ(mixed.reason, "hub interface in a composite device");
  // A "hub" with one storage interface is a stick (read-only until keyed),
  // not a hub.
  DeviceDecision stick = DecideDevice(Device({0x08}, 0x09), rules);
  EXPECT_TRUE(stick.allow);
  EXPECT_FALSE(stick.hub);
  EXPECT_TRUE(stick.storage);
  // A device of another class with only hub interfaces is no hub.
  EXPECT_FALSE(IsPlainHub(Device({0x09}, 0xff)));
  EXPECT_FALSE(DecideDevice(Device({0x09}, 0xff), rules).allow);
  EXPECT_TRUE(IsPlainHub(Device({0x09, 0x09}, 0x00)));
}

// Security review F6: an optical burner or a floppy is mass storage with
// another subclass; only the subclasses the policy lists are accepted.
TEST(DeviceRulesTest, StorageSubclassesFollowThePolicy) {
  policy::UsbRules rules;
  DeviceDecision atapi = DecideDevice(Device({0x08}, 0, 0x02), rules);
  EXPECT_FALSE(atapi.allow);
  EXPECT_EQ(atapi.reason, "mass storage subclass 02 not allowed by policy");
  EXPECT_FALSE(DecideDevice(Device({0x08}, 0, 0x04), rules).allow);  // UFI
  EXPECT_FALSE(DecideDevice(Device({0x08}, 0, 0xff), rules).allow);
  rules.storage_subclasses = {0x06, 0x02};
  EXPECT_TRUE(DecideDevice(Device({0x08}, 0, 0x02), rules).allow);
  rules.storage_subclasses = {};
  EXPECT_FALSE(DecideDevice(Device({0x08}), rules).allow);
}

// Security review F18: a keyboard and a stick behind one hub, arriving
// together, are one BadUSB gadget; judged one by one each was allowed.
TEST(DeviceRulesTest, DevicesArrivingTogetherAreJudgedAsOne) {
  policy::UsbRules rules;
  std::vector<os::UsbDescriptors> stick = {Device({0x08})};
  std::vector<os::UsbDescriptors> keyboard = {Device({0x03})};
  DeviceDecision k = DecideDevice(Device({0x03}), rules, {stick});
  EXPECT_FALSE(k.allow);
  EXPECT_EQ(k.reason, "storage+HID arrived together behind one new hub");
  EXPECT_FALSE(DecideDevice(Device({0x08}), rules, {keyboard}).allow);
  // Alone, each is allowed; a keyboard with a mouse, or two sticks, too.
  EXPECT_TRUE(DecideDevice(Device({0x03}), rules).allow);
  EXPECT_TRUE(DecideDevice(Device({0x08}), rules).allow);
  EXPECT_TRUE(DecideDevice(Device({0x03}), rules, {keyboard}).allow);
  EXPECT_TRUE(DecideDevice(Device({0x08}), rules, {stick}).allow);
  // A hub in the group carries no storage or HID of its own.
  std::vector<os::UsbDescriptors> hub = {Device({0x09}, 0x09)};
  EXPECT_TRUE(DecideDevice(Device({0x03}), rules, {hub}).allow);
  std::vector<os::UsbDescriptors> both = {Device({0x03}), Device({0x08})};
  EXPECT_TRUE(DecideDevice(Device({0x09}, 0x09), rules, {both}).allow)
      << "a hub is never refused for what is behind it";
  // The policy's switch for composite devices also covers groups.
  rules.allow_composite_storage_hid = true;
  EXPECT_TRUE(DecideDevice(Device({0x03}), rules, {stick}).allow);
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
