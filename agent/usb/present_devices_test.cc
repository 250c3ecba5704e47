// The record of devices present at installation: the strict parser, what
// `--record-present-devices` reads from sysfs, and the enforcer authorizing
// such a device (and only such a device) where the rules refuse it.
#include "agent/usb/present_devices.h"

#include <gtest/gtest.h>

#include "agent/journal/testing/recording_appender.h"
#include "agent/usb/enforcer.h"
#include "agent/usb/testing/fake_medium_jobs.h"
#include "agent/usb/testing/fake_stick_medium.h"
#include "common/os/testing/fake_block_devices.h"
#include "common/os/testing/fake_block_write_gate.h"
#include "common/os/testing/fake_clock.h"
#include "common/os/testing/fake_device_write_watch.h"
#include "common/os/testing/fake_mount_control.h"
#include "common/os/testing/fake_sysfs.h"
#include "policy/test_policy.h"

namespace piiguard::agent::usb {
namespace {

constexpr const char* kHub = "devices/pci0000:00/0000:00:14.0/usb1";
constexpr const char* kDevice = "devices/pci0000:00/0000:00:14.0/usb1/1-2";
constexpr const char* kDisk =
    "devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/host0/target0:0:0/"
    "0:0:0:0/block/sdb";

// A device descriptor (VID 046d, PID c52b) and one interface per class.
std::string Descriptors(std::vector<uint8_t> classes) {
  std::string d = {18, 1,  0,    2,    0,    0,
                   0,  64, 0x6d, 0x04, 0x2b, static_cast<char>(0xc5),
                   0,  0,  1,    2,    3,    1};
  d += std::string{9, 2, 32, 0, 1, 1, 0, static_cast<char>(0x80), 50};
  uint8_t number = 0;
  for (uint8_t cls : classes) {
    d += std::string{9, 4, static_cast<char>(number++),
                     0, 1, static_cast<char>(cls),
                     1, 2, 0};
  }
  return d;
}

PresentDevice Keyboard() {
  return PresentDevice{"046d", "c52b", "K1", {"03/01/02", "ff/01/02"}, "1-2"};
}

TEST(PresentDevicesFile, RoundTrips) {
  PresentDevices present{1790000000000, {Keyboard(), Keyboard()}};
  present.devices[1].serial = "";
  present.devices[1].port = "3-1.4.2";
  present.devices[1].interfaces.clear();
  std::string bytes = SerializePresentDevices(present);
  Result<PresentDevices> parsed = ParsePresentDevices(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(*parsed, present);
  EXPECT_EQ(SerializePresentDevices(*parsed), bytes);
}

TEST(PresentDevicesFile, RefusesAnythingNotExactlyTheFormat) {
  const std::string good =
      R"({"format":"piiguard-present-devices/1","recorded_ms":1,"devices":[)"
      R"({"vid":"046d","pid":"c52b","serial":"K1","interfaces":["03/01/02"],)"
      R"("port":"1-2"}]})";
  ASSERT_TRUE(ParsePresentDevices(good).ok());
  auto with = [&](std::string_view from, std::string_view to) {
    std::string bad = good;
    size_t at = bad.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return bad.replace(at, from.size(), to);
  };
  for (const std::string& bad : {
           with("present-devices/1", "present-devices/2"),
           with(R"("recorded_ms":1)", R"("recorded_ms":-1)"),
           with(R"("recorded_ms":1)", R"("recorded_ms":1.5)"),
           with("046d", "046D"),
           with("046d", "46d"),
           with("c52b", "c52g"),
           with("03/01/02", "3/1/2"),
           with("03/01/02", "03/01/02/"),
           with(R"("port":"1-2")", R"("port":"usb1")"),
           with(R"("port":"1-2")", R"("port":"1-2..3")"),
           with(R"("port":"1-2")", R"("port":"1-1.1.1.1.1.1.1.1")"),
           with(R"("port":"1-2")", R"("port":"1-2:1.0")"),
           with(R"("serial":"K1",)", ""),
           with(R"("serial":"K1")", R"("serial":"K1","extra":1)"),
           with(R"("serial":"K1")", R"("serial":"K1","serial":"K2")"),
           with(R"("serial":"K1")", R"("serial":7)"),
           with(R"(,"recorded_ms":1)", ""),
           std::string("[]"),
           std::string(""),
           good + "x",
       }) {
    EXPECT_FALSE(ParsePresentDevices(bad).ok()) << bad;
  }
  EXPECT_FALSE(
      ParsePresentDevices(std::string(kMaxPresentDevicesBytes + 1, ' ')).ok());
}

TEST(PresentDevicesFile, MatchesOnlyEveryFieldEqual) {
  PresentDevices present{1, {Keyboard()}};
  EXPECT_TRUE(IsPresentAtInstallation(present, Keyboard()));
  PresentDevice other = Keyboard();
  other.serial = "K2";
  EXPECT_FALSE(IsPresentAtInstallation(present, other));
  other = Keyboard();
  other.port = "1-3";  // the same keyboard on another port
  EXPECT_FALSE(IsPresentAtInstallation(present, other));
  other = Keyboard();
  other.interfaces.push_back("08/06/50");  // one more interface
  EXPECT_FALSE(IsPresentAtInstallation(present, other));
  other = Keyboard();
  other.pid = "c52c";
  EXPECT_FALSE(IsPresentAtInstallation(present, other));
}

TEST(PresentDevicesFile, RecordsAuthorizedDevicesButNotRootHubs) {
  os::FakeSysfs sysfs;
  sysfs.AddSymlink("bus/usb/devices/usb1", std::string("/") + kHub);
  sysfs.AddFile(std::string(kHub) + "/authorized", "1\n");
  sysfs.AddSymlink("bus/usb/devices/1-2", std::string("/") + kDevice);
  sysfs.AddFile(std::string(kDevice) + "/authorized", "1\n");
  sysfs.AddFile(std::string(kDevice) + "/serial", "K1\n");
  sysfs.AddFile(std::string(kDevice) + "/descriptors",
                Descriptors({0x03, 0xff}));
  // Refused (by the kernel's default or by piiguardd): not recorded.
  const std::string refused = std::string(kHub) + "/1-3";
  sysfs.AddSymlink("bus/usb/devices/1-3", "/" + refused);
  sysfs.AddFile(refused + "/authorized", "0\n");
  sysfs.AddFile(refused + "/descriptors", Descriptors({0xe0}));
  sysfs.AddSymlink("bus/usb/devices/1-2:1.0", std::string("/") + kDevice);
  Result<std::vector<PresentDevice>> plugged = ReadPluggedDevices(sysfs);
  ASSERT_TRUE(plugged.ok()) << plugged.status().message();
  ASSERT_EQ(plugged->size(), 1u);
  EXPECT_EQ((*plugged)[0], Keyboard());
}

class RecordingGate : public WriteGate {
 public:
  bool KeyedStickVerified(const KeyedStick&) override { return true; }
  void KeyedStickGone(const KeyedStick&) override {}
  void SticksChanged() override {}
};

// The enforcer with the rules of the test policy (a vendor interface is
// refused) and one device recorded at installation.
class PresentDeviceEnforcerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    policy_ = policy::ParsePolicy(
                  policy::testing::Dump(policy::testing::ValidPolicyJson()))
                  .value();
    sysfs_.AddSymlink("bus/usb/devices/usb1", std::string("/") + kHub);
    sysfs_.AddFile(std::string(kHub) + "/authorized_default", "1\n");
    sysfs_.AddDirectory("class/block");
    sysfs_.AddDirectory("bus/usb/drivers/usb");
  }
  void AddDevice(const std::string& serial, std::vector<uint8_t> classes) {
    std::string d = kDevice;
    sysfs_.AddFile(d + "/authorized", "0\n");
    sysfs_.AddFile(d + "/serial", serial + "\n");
    // Each enumeration gets another device number.
    sysfs_.AddFile(d + "/devnum", std::to_string(++devnum_) + "\n");
    sysfs_.AddFile(d + "/descriptors", Descriptors(std::move(classes)));
    sysfs_.AddSymlink("bus/usb/devices/1-2", "/" + d);
    sysfs_.AddSymlink(d + "/driver", "/bus/usb/drivers/usb");
  }
  std::unique_ptr<UsbEnforcer> Make() {
    EnforcerConfig config;
    config.policy = [this] { return &policy_; };
    config.pc_id = [] { return std::string("pc-1"); };
    config.clock = &clock_;
    config.journal = &journal_;
    config.present = PresentDevices{1, {Keyboard()}};
    return std::make_unique<UsbEnforcer>(
        EnforcerDeps{sysfs_, blocks_, mounts_, jobs_, writes_, device_gate_},
        std::move(config), gate_);
  }
  void Plug(UsbEnforcer& enforcer) {
    os::UeventSource::Batch batch;
    for (const char* action : {"add", "bind"}) {
      os::Uevent e;
      e.action = action;
      e.devpath = std::string("/") + kDevice;
      e.subsystem = "usb";
      e.devtype = "usb_device";
      batch.events.push_back(e);
    }
    enforcer.OnUevents(batch, 1000);
  }
  std::string Authorized() {
    return sysfs_.ReadAttribute(std::string(kDevice) + "/authorized").value();
  }
  const journal::Event* Last(std::string_view type) const {
    for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
      if (it->type == type) return &*it;
    }
    return nullptr;
  }

  os::FakeClock clock_{policy::testing::kNow * 1000, 1000};
  os::FakeSysfs sysfs_;
  os::FakeBlockDevices blocks_;
  os::FakeMountControl mounts_;
  FakeStickMedium medium_;
  FakeMediumJobs jobs_{medium_, mounts_};
  os::FakeDeviceWriteWatch writes_;
  os::FakeBlockWriteGate device_gate_;
  RecordingGate gate_;
  policy::Policy policy_;
  std::vector<journal::Event> events_;
  journal::testing::RecordingAppender journal_{events_};
  int devnum_ = 1;
};

TEST_F(PresentDeviceEnforcerTest, RecordedKeyboardWithVendorInterfaceWorks) {
  AddDevice("K1", {0x03, 0xff});
  auto enforcer = Make();
  ASSERT_TRUE(enforcer->Start().ok());
  EXPECT_EQ(Authorized(), "1");
  const journal::Event* allowed = Last("usb.device.authorized");
  ASSERT_NE(allowed, nullptr);
  EXPECT_EQ(allowed->details["reason"],
            "as present at installation (rules: interface class ff/01/02 not "
            "allowed)");
  EXPECT_EQ(allowed->details["present_at_installation"], true);
  EXPECT_EQ(Last("usb.device.refused"), nullptr);
}

// The attacker's device: the recorded one's VID:PID and port, but another
// serial (or one more interface): the rules decide, and refuse it.
TEST_F(PresentDeviceEnforcerTest, ALookAlikeIsDecidedByTheRules) {
  AddDevice("K2", {0x03, 0xff});
  auto enforcer = Make();
  ASSERT_TRUE(enforcer->Start().ok());
  Plug(*enforcer);
  EXPECT_EQ(Authorized(), "0");
  ASSERT_NE(Last("usb.device.refused"), nullptr);
  EXPECT_EQ(Last("usb.device.authorized"), nullptr);

  events_.clear();
  AddDevice("K1", {0x03, 0xff, 0x08});  // the keyboard, now with storage
  Plug(*enforcer);
  EXPECT_EQ(Authorized(), "0");
  ASSERT_NE(Last("usb.device.refused"), nullptr);
  EXPECT_EQ(Last("usb.device.authorized"), nullptr);
}

// A recorded device with storage is configured, but its disk is read-only
// like any unkeyed stick's: the record decides devices, not disks.
TEST_F(PresentDeviceEnforcerTest, RecordedStorageStaysReadOnly) {
  AddDevice("K1", {0x03, 0xff});
  auto enforcer = Make();
  ASSERT_TRUE(enforcer->Start().ok());
  ASSERT_EQ(Authorized(), "1");
  sysfs_.AddFile(std::string(kDisk) + "/size", "131072");
  sysfs_.AddSymlink("class/block/sdb", std::string("/") + kDisk);
  blocks_.Add("sdb");
  os::Uevent disk;
  disk.action = "add";
  disk.devpath = std::string("/") + kDisk;
  disk.subsystem = "block";
  disk.devtype = "disk";
  disk.devname = "sdb";
  os::UeventSource::Batch batch;
  batch.events.push_back(disk);
  enforcer->OnUevents(batch, 1000);
  EXPECT_TRUE(blocks_.IsReadOnly("sdb").value());
  ASSERT_NE(Last("usb.block.readonly"), nullptr);
}

}  // namespace
}  // namespace piiguard::agent::usb
