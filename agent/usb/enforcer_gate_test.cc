// The write gate (issue 14, "the moonshot") driven by the enforcer, on the
// fakes: devices that are not controlled are allowed before the gate is
// activated, a foreign stick is refused by the kernel from its first
// moment, a keyed stick is allowed only while writable. Each attack is a
// test.

#include <gtest/gtest.h>

#include <cerrno>

#include "agent/usb/enforcer.h"
#include "agent/usb/enforcer_fixture.h"
#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::agent::usb {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

constexpr const char* kInternal =
    "devices/pci0000:00/0000:00:1f.2/ata1/host1/target1:0:0/1:0:0:0/block/sda";
constexpr os::DeviceNumber kSda{8, 0};
constexpr os::DeviceNumber kSda1{8, 1};
constexpr os::DeviceNumber kLoop0{7, 0};

class EnforcerGateTest : public EnforcerTest {
 protected:
  // The PC's own disk (SATA, a partition) and a loop device.
  void AddInternal() {
    sysfs_.AddFile(std::string(kInternal) + "/dev", "8:0\n");
    sysfs_.AddFile(std::string(kInternal) + "/removable", "0\n");
    sysfs_.AddSymlink("class/block/sda", std::string("/") + kInternal);
    sysfs_.AddFile(std::string(kInternal) + "/sda1/dev", "8:1\n");
    sysfs_.AddFile(std::string(kInternal) + "/sda1/partition", "1");
    sysfs_.AddSymlink("class/block/sda1",
                      std::string("/") + kInternal + "/sda1");
    sysfs_.AddFile("devices/virtual/block/loop0/dev", "7:0\n");
    sysfs_.AddSymlink("class/block/loop0", "/devices/virtual/block/loop0");
  }
  static os::Uevent WithNumber(os::Uevent event, os::DeviceNumber number) {
    event.vars["MAJOR"] = std::to_string(number.major);
    event.vars["MINOR"] = std::to_string(number.minor);
    return event;
  }
};

TEST_F(EnforcerGateTest, AllowsThePcsOwnDevicesThenActivates) {
  AddInternal();
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  ASSERT_TRUE(device_gate_.active());
  // Every device that is not controlled was allowed before the gate held.
  std::vector<std::string> log = device_gate_.log();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back(), "activate");
  EXPECT_TRUE(device_gate_.WouldAllow(kSda));
  EXPECT_TRUE(device_gate_.WouldAllow(kSda1));
  EXPECT_TRUE(device_gate_.WouldAllow(kLoop0));
  const journal::Event* layer = Last(journal::types::kUsbWriteLayer);
  ASSERT_NE(layer, nullptr);
  EXPECT_EQ(layer->details["layer"], "bpf-lsm");
  EXPECT_EQ(enforcer->WriteLayerPart()["layer"], "bpf-lsm");
}

TEST_F(EnforcerGateTest, AStickWrittenBeforeItsUeventIsHandledIsRefused) {
  // The attack: root opens /dev/sdb for writing the moment the kernel makes
  // it, before the daemon has read the disk's uevent (BLKROSET not set
  // yet). The gate refuses every device it was not told to allow.
  AddInternal();
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  AddStick("FOREIGN", false);
  Plug(*enforcer);
  AddDisk();
  AddPartition();
  EXPECT_FALSE(*blocks_.IsReadOnly("sdb"));  // the race BLKROSET loses
  EXPECT_FALSE(device_gate_.WouldAllow(kSdb));
  EXPECT_FALSE(device_gate_.WouldAllow(kSdb1));
  // Its uevents handled: still refused (no key), and read-only as well.
  Send(*enforcer, {WithNumber(DiskEvents("add", false).events[0], kSdb)});
  EXPECT_FALSE(device_gate_.WouldAllow(kSdb));
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
}

TEST_F(EnforcerGateTest, KeyedStickAllowedWhileWritableRevokedAtOnce) {
  auto enforcer = WritableKeyedStick();
  EXPECT_TRUE(device_gate_.WouldAllow(kSdb));
  EXPECT_TRUE(device_gate_.WouldAllow(kSdb1));
  // Mounted read-write and kept busy: the mounts take time to close, the
  // device node's writes must stop at once.
  mounts_.AddMount("mnt:[1]", 0, "/media/yamada/STICK", kSdb1);
  mounts_.SetBusy(kSdb1, true);
  Revoke(*enforcer);
  ASSERT_FALSE(HasFailure());
  EXPECT_FALSE(device_gate_.WouldAllow(kSdb));
  EXPECT_FALSE(device_gate_.WouldAllow(kSdb1));
}

TEST_F(EnforcerGateTest, SessionEndRevokes) {
  auto enforcer = WritableKeyedStick();
  ASSERT_TRUE(enforcer->MakeAllReadOnly("session ended").ok());
  EXPECT_FALSE(device_gate_.WouldAllow(kSdb));
  EXPECT_FALSE(device_gate_.WouldAllow(kSdb1));
}

TEST_F(EnforcerGateTest, ANameReusedAfterALostRemoveStartsRefused) {
  // A keyed stick is pulled; its "remove" is lost; a foreign stick gets
  // the same name and numbers (another DISKSEQ). Nothing carries over.
  AddStick("S1", false);
  SetMedium(Key("S1"));
  auto enforcer = Make();
  ASSERT_TRUE(enforcer->Start().ok());
  Plug(*enforcer);
  AddDisk(7);
  Send(*enforcer, DiskEvents("add", false).events);
  ASSERT_EQ(StickField(*enforcer, "state"), "writable");
  ASSERT_TRUE(device_gate_.WouldAllow(kSdb));
  SetMedium(std::nullopt);
  AddDisk(8);
  os::Uevent add = DiskEvents("add", false).events[0];
  add.vars["DISKSEQ"] = "8";
  Send(*enforcer, {add});
  EXPECT_FALSE(device_gate_.WouldAllow(kSdb));
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
}

TEST_F(EnforcerGateTest, DevicesNotControlledFollowTheirUevents) {
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  sysfs_.AddFile("devices/virtual/block/dm-0/dev", "253:0\n");
  sysfs_.AddSymlink("class/block/dm-0", "/devices/virtual/block/dm-0");
  os::Uevent add =
      Event("add", "devices/virtual/block/dm-0", "block", "disk", "dm-0");
  Send(*enforcer, {WithNumber(add, {253, 0})});
  EXPECT_TRUE(device_gate_.WouldAllow({253, 0}));
  os::Uevent remove =
      Event("remove", "devices/virtual/block/dm-0", "block", "disk", "dm-0");
  Send(*enforcer, {WithNumber(remove, {253, 0})});
  EXPECT_FALSE(device_gate_.WouldAllow({253, 0}));
}

TEST_F(EnforcerGateTest, ARescanRevokesDevicesThatWentUnheard) {
  // An internal disk is pulled while uevents overflow; a USB stick then
  // gets its number. The rescan must not leave the number allowed.
  AddInternal();
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  ASSERT_TRUE(device_gate_.WouldAllow(kSda));
  sysfs_.Remove("class/block/sda1");
  sysfs_.Remove("class/block/sda");
  os::UeventSource::Batch overflow;
  overflow.overflow = true;
  enforcer->OnUevents(overflow, clock_.MonotonicUs());
  EXPECT_FALSE(device_gate_.WouldAllow(kSda));
  EXPECT_FALSE(device_gate_.WouldAllow(kSda1));
  EXPECT_TRUE(device_gate_.WouldAllow(kLoop0));
}

TEST_F(EnforcerGateTest, NotActivatedWhenAnInternalDeviceCannotBeAllowed) {
  // A gate that refused the PC's own disk would stop the PC: BLKROSET
  // holds alone instead, and status says so.
  AddInternal();
  sysfs_.FailReads(std::string(kInternal) + "/dev", EIO);
  auto enforcer = Make();
  (void)StartAndPump(*enforcer);
  EXPECT_FALSE(device_gate_.active());
  Json part = enforcer->WriteLayerPart();
  EXPECT_EQ(part["layer"], "blkroset");
  EXPECT_NE(part["gate_error"].get<std::string>().find("could not be allowed"),
            std::string::npos);
}

TEST_F(EnforcerGateTest, WithoutTheLsmBlkrosetHoldsAndStatusSaysWhy) {
  device_gate_.set_unavailable(true);
  AddStick("FOREIGN", true);
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  EXPECT_EQ(enforcer->WriteLayerPart()["layer"], "blkroset");
  EXPECT_FALSE(enforcer->WriteLayerPart()["gate_error"].empty());
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  const journal::Event* layer = Last(journal::types::kUsbWriteLayer);
  ASSERT_NE(layer, nullptr);
  EXPECT_EQ(layer->details["layer"], "blkroset");
  EXPECT_EQ(layer->severity, journal::Severity::kWarning);
}

TEST_F(EnforcerGateTest, AGateThatCannotAllowKeepsTheStickReadOnly) {
  AddStick("S1", true);
  SetMedium(Key("S1"));
  auto enforcer = Make();
  device_gate_.FailUpdates(ENOMEM);
  (void)StartAndPump(*enforcer);
  EXPECT_NE(StickField(*enforcer, "state"), "writable");
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_FALSE(device_gate_.WouldAllow(kSdb));
}

TEST_F(EnforcerGateTest, RefusalsAreJournaledAsWriteAttempts) {
  AddStick("FOREIGN", true);
  sysfs_.AddSymlink("dev/block/8:16", std::string("/") + kDisk);
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  // The program's reports: one for the first refusal, then one a second
  // later for the 4 000 refusals of a tight loop since.
  device_gate_.Deny({kSdb, false, "open", 4242, "dd", 1});
  device_gate_.Deny({kSdb, false, "open", 4242, "dd", 4000});
  enforcer->OnGateDenials();
  const journal::Event* attempt = Last(journal::types::kUsbWriteAttempt);
  ASSERT_NE(attempt, nullptr);
  EXPECT_EQ(attempt->subject, "sdb");
  EXPECT_EQ(attempt->details["count"], 4001);  // one entry, with the count
  EXPECT_EQ(attempt->details["blocked_by"], "bpf-lsm");
  EXPECT_EQ(attempt->details["operation"], "open");
  EXPECT_EQ(attempt->details["process"], "dd");
}

}  // namespace
}  // namespace piiguard::agent::usb
