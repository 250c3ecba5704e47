// The attacks of issue 14 (security review F2, F3, F4, F6, F7, F11, F16,
// F18) against the enforcer, on the fakes: each test is the attack.

#include <gtest/gtest.h>

#include <cerrno>

#include "agent/usb/enforcer.h"
#include "agent/usb/enforcer_fixture.h"

namespace piiguard::agent::usb {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

constexpr const char* kMountPoint = "/media/yamada/STICK";

class EnforcerAttackTest : public EnforcerTest {
 protected:
  // A keyed stick, writable, mounted read-write by the user (and, when
  // `private_ns`, also in another process's mount namespace).
  std::unique_ptr<UsbEnforcer> WritableMountedStick(bool private_ns = false) {
    AddStick("S1", true);
    AddDisk(5);
    SetMedium(Key("S1"));
    auto enforcer = Make();
    EXPECT_TRUE(StartAndPump(*enforcer).ok());
    EXPECT_EQ(StickField(*enforcer, "state"), "writable");
    mounts_.AddMount("mnt:[1]", 0, kMountPoint, kSdb);
    if (private_ns) mounts_.AddMount("mnt:[2]", 4242, "/run/private", kSdb);
    return enforcer;
  }
  bool Writable(const UsbEnforcer& enforcer) {
    std::vector<KeyedStickState> keyed = enforcer.KeyedSticks();
    return !keyed.empty() && keyed[0].writable;
  }
};

// F2: BLKROSET alone left a keyed stick that was mounted read-write
// writable after its revocation. Now its superblock is made read-only, in
// every namespace, and only then is it reported read-only.
TEST_F(EnforcerAttackTest, RevokedStickMountedReadWriteStopsTakingWrites) {
  auto enforcer = WritableMountedStick(/*private_ns=*/true);
  ASSERT_TRUE(mounts_.WritesReach(kSdb));
  Revoke(*enforcer);
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb")) << "the flag first, at once";
  EXPECT_EQ(StickField(*enforcer, "state"), "closing");
  EXPECT_TRUE(Writable(*enforcer)) << "not read-only while a mount is rw";
  EXPECT_TRUE(gate_.gone.empty());
  ASSERT_EQ(jobs_.started().back().kind, MediumRequest::Kind::kClose);
  EXPECT_EQ(jobs_.started().back().mounts.size(), 2u);
  Pump(*enforcer);
  EXPECT_FALSE(mounts_.WritesReach(kSdb));
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_EQ(StickField(*enforcer, "reason"), "revoked");
  EXPECT_FALSE(Writable(*enforcer));
  EXPECT_EQ(gate_.gone.size(), 1u);
  const journal::Event* ro = Last("usb.stick.readonly");
  ASSERT_NE(ro, nullptr);
  EXPECT_EQ(ro->details["reason"], "revoked");
  EXPECT_EQ(ro->details["closed"][0]["action"], "read_only");
  EXPECT_EQ(Count("usb.stick.closing"), 1);
  EXPECT_EQ(Authorized(), "1") << "no need to take the device away";
}

// A program keeps a file open for writing: the superblock cannot be made
// read-only (EBUSY) and a detach leaves the open file writing. The device
// is taken away.
TEST_F(EnforcerAttackTest, AWriterHoldingAFileOpenGetsTheDeviceCutOff) {
  auto enforcer = WritableMountedStick();
  mounts_.SetBusy(kSdb, true);
  Revoke(*enforcer);
  Pump(*enforcer);
  EXPECT_EQ(StickField(*enforcer, "state"), "cut_off");
  EXPECT_EQ(Authorized(), "0");
  EXPECT_FALSE(Writable(*enforcer));
  const journal::Event* cut = Last("usb.stick.cut_off");
  ASSERT_NE(cut, nullptr);
  EXPECT_EQ(cut->details["closed"][0]["action"], "detached");
  EXPECT_EQ(cut->severity, journal::Severity::kViolation);
}

// A program that saves files now and then keeps the mount busy only for
// moments: the mount is made read-only after a few tries, the stick stays.
TEST_F(EnforcerAttackTest, AWriterSavingNowAndThenIsStoppedWithoutACutOff) {
  auto enforcer = WritableMountedStick();
  mounts_.SetBusy(kSdb, true, 3);
  Revoke(*enforcer);
  Pump(*enforcer);
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_FALSE(mounts_.WritesReach(kSdb));
  EXPECT_EQ(Authorized(), "1");
}

// The helper that closes the mounts hangs (a stick that stalls its
// writeback): at the deadline the device is taken away.
TEST_F(EnforcerAttackTest, ClosingThatDoesNotAnswerCutsTheDeviceOff) {
  auto enforcer = WritableMountedStick();
  Revoke(*enforcer);
  ASSERT_EQ(StickField(*enforcer, "state"), "closing");
  int64_t due = enforcer->next_deadline_us();
  ASSERT_NE(due, 0);
  AdvanceTo(*enforcer, due - 1);
  EXPECT_EQ(StickField(*enforcer, "state"), "closing");
  AdvanceTo(*enforcer, due);
  EXPECT_EQ(StickField(*enforcer, "state"), "cut_off");
  EXPECT_EQ(Authorized(), "0");
  EXPECT_EQ(jobs_.abandoned().size(), 1u);
}

TEST_F(EnforcerAttackTest, SessionEndAndFailClosedCloseTheMountsToo) {
  auto enforcer = WritableMountedStick();
  ASSERT_TRUE(enforcer->MakeAllReadOnly("radio could not be blocked").ok());
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_TRUE(Writable(*enforcer));
  Pump(*enforcer);
  EXPECT_FALSE(mounts_.WritesReach(kSdb));
  EXPECT_EQ(StickField(*enforcer, "state"), "waiting_for_session");
  EXPECT_FALSE(Writable(*enforcer));
  EXPECT_TRUE(gate_.gone.empty()) << "still keyed: waits for the radios";
}

// udevd's message is late: the keyed stick sdb (DISKSEQ 5) was pulled and
// a foreign stick took the name sdb (DISKSEQ 6) before the kernel's
// "remove" was handled. Undoing udev's read-only flag for "sdb" must not
// open the foreign stick, whether the message carries DISKSEQ or not.
TEST_F(EnforcerAttackTest, ALateUdevMessageForAReusedNameOpensNothing) {
  auto enforcer = WritableMountedStick();
  sysfs_.AddFile(std::string(kDisk) + "/diskseq", "6\n");
  ASSERT_TRUE(blocks_.SetReadOnly("sdb", true).ok());  // udev's rule
  for (const char* with_diskseq : {"6", ""}) {
    os::UeventSource::Batch udev;
    udev.events.push_back(Event("add", kDisk, "block", "disk", "sdb"));
    if (*with_diskseq != '\0') {
      udev.events.back().vars["DISKSEQ"] = with_diskseq;
    }
    enforcer->OnUdevEvents(udev);
    EXPECT_TRUE(*blocks_.IsReadOnly("sdb")) << "DISKSEQ " << with_diskseq;
  }
  // The stick's own message still undoes udev's flag.
  sysfs_.AddFile(std::string(kDisk) + "/diskseq", "5\n");
  os::UeventSource::Batch own;
  own.events.push_back(Event("add", kDisk, "block", "disk", "sdb"));
  own.events.back().vars["DISKSEQ"] = "5";
  enforcer->OnUdevEvents(own);
  EXPECT_FALSE(*blocks_.IsReadOnly("sdb"));
}

// Mounts that cannot be seen may be writable: a revoked stick whose mount
// table (or its partition's device number) cannot be read is taken away,
// not reported read-only.
TEST_F(EnforcerAttackTest, MountsThatCannotBeSeenGetTheDeviceCutOff) {
  auto enforcer = WritableMountedStick();
  mounts_.FailList(EACCES);
  Revoke(*enforcer);
  Pump(*enforcer);
  EXPECT_EQ(StickField(*enforcer, "state"), "cut_off");
  EXPECT_EQ(Authorized(), "0");
  EXPECT_FALSE(Writable(*enforcer));
}

TEST_F(EnforcerAttackTest, AnUnreadableDeviceNumberGetsTheDeviceCutOff) {
  auto enforcer = WritableMountedStick();
  sysfs_.FailReads(std::string(kDisk) + "/dev", EIO);
  Revoke(*enforcer);
  Pump(*enforcer);
  EXPECT_EQ(StickField(*enforcer, "state"), "cut_off");
  EXPECT_EQ(Authorized(), "0");
  EXPECT_TRUE(mounts_.WritesReach(kSdb)) << "the mount was never found";
}

// A key that expires while the stick is in and mounted.
TEST_F(EnforcerAttackTest, ExpiryWhilePluggedInClosesTheStick) {
  auto enforcer = WritableMountedStick();
  clock_.SetWallMs((Key("S1").expires_at + 1) * 1000);
  int64_t due = enforcer->next_deadline_us();
  ASSERT_NE(due, 0) << "a keyed stick is checked again";
  AdvanceTo(*enforcer, due);
  Pump(*enforcer);
  EXPECT_EQ(StickField(*enforcer, "reason"), "expired");
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_FALSE(mounts_.WritesReach(kSdb));
}

// The daemon restarts after the policy revoked a stick that stayed mounted
// read-write meanwhile.
TEST_F(EnforcerAttackTest, AtStartAMountedRefusedStickIsClosed) {
  AddStick("S1", true);
  SetMedium(std::nullopt);  // no key at all
  mounts_.AddMount("mnt:[1]", 0, kMountPoint, kSdb);
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_FALSE(mounts_.WritesReach(kSdb));
}

// F4: a stick whose reads never return (or a FIFO key file) must not stop
// the daemon: the read is abandoned at its deadline, the stick refused.
TEST_F(EnforcerAttackTest, AStickThatNeverAnswersIsRefusedAtItsDeadline) {
  jobs_.Stall("sdb");
  AddStick("S1", false);
  SetMedium(Key("S1"));
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  Plug(*enforcer);
  DiskAppears(*enforcer);
  EXPECT_EQ(StickField(*enforcer, "state"), "checking");
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  ASSERT_FALSE(scheduled_.empty());
  int64_t due = enforcer->next_deadline_us();
  EXPECT_EQ(due, clock_.MonotonicUs() + 10'000'000);
  // Meanwhile everything else goes on: another device is decided.
  AddUsbDevice(std::string(kHub) + "/1-2", "S2", Descriptors({0x08}), false,
               true);
  Plug(*enforcer, std::string(kHub) + "/1-2");
  EXPECT_EQ(Authorized(std::string(kHub) + "/1-2"), "1");
  AdvanceTo(*enforcer, due);
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_EQ(StickField(*enforcer, "reason"), "medium does not answer");
  EXPECT_EQ(jobs_.abandoned().size(), 1u);
  EXPECT_TRUE(gate_.verified.empty());
  EXPECT_EQ(enforcer->next_deadline_us(), 0);
}

// R3 with a radio exception (issue 17): a stick whose key is still being
// read may be keyed, so the gate hears of it at once and while it is
// checked the enforcer says so; its decision and its removal are heard too.
TEST_F(EnforcerAttackTest, TheGateHearsOfAStickWhileItsKeyIsRead) {
  jobs_.Stall("sdb");
  AddStick("S1", false);
  SetMedium(Key("S1"));
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  EXPECT_FALSE(enforcer->AnyUnsettled());
  const int before = gate_.sticks_changed;
  Plug(*enforcer);
  DiskAppears(*enforcer);
  EXPECT_EQ(StickField(*enforcer, "state"), "checking");
  EXPECT_TRUE(enforcer->AnyUnsettled());
  EXPECT_GT(gate_.sticks_changed, before);
  EXPECT_TRUE(enforcer->KeyedSticks().empty());  // not known to be keyed yet
  // It never answers: refused read-only at its deadline, and settled.
  const int decided = gate_.sticks_changed;
  AdvanceTo(*enforcer, enforcer->next_deadline_us());
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_FALSE(enforcer->AnyUnsettled());
  EXPECT_GT(gate_.sticks_changed, decided);
}

// F7: a card swapped in a reader (media change, same disk name) inherited
// the keyed card's writable state.
TEST_F(EnforcerAttackTest, ACardSwappedInAReaderStartsReadOnly) {
  AddStick("S1", false);
  SetMedium(Key("S1"), 2048 * 512);
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  Plug(*enforcer);
  AddDisk(5);
  AddPartition();
  os::Uevent disk = Event("add", kDisk, "block", "disk", "sdb");
  disk.vars["DISKSEQ"] = "5";
  os::Uevent part =
      Event("add", std::string(kDisk) + "/sdb1", "block", "partition", "sdb1");
  part.vars["DISKSEQ"] = "5";
  Send(*enforcer, {disk, part});
  ASSERT_EQ(StickField(*enforcer, "state"), "writable");
  ASSERT_FALSE(*blocks_.IsReadOnly("sdb1"));
  // Another card goes in: same reader, same serial, no key file.
  SetMedium(std::nullopt, 2048 * 512);
  sysfs_.AddFile(std::string(kDisk) + "/diskseq", "6\n");
  os::Uevent change = Event("change", kDisk, "block", "disk", "sdb");
  change.vars["DISK_MEDIA_CHANGE"] = "1";
  change.vars["DISKSEQ"] = "6";
  os::UeventSource::Batch batch;
  batch.events = {change};
  enforcer->OnUevents(batch, clock_.MonotonicUs());
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb")) << "read-only before the new check";
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb1"));
  EXPECT_EQ(StickField(*enforcer, "state"), "checking");
  EXPECT_EQ(gate_.gone.size(), 1u);
  // The kernel re-reads the partition table: same name, new medium.
  os::Uevent again = part;
  again.vars["DISKSEQ"] = "6";
  Send(*enforcer, {Event("remove", std::string(kDisk) + "/sdb1", "block",
                         "partition", "sdb1"),
                   again});
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb1"));
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_EQ(StickField(*enforcer, "reason"), "no key file");
  EXPECT_EQ(StickField(*enforcer, "diskseq"), "6");
  EXPECT_EQ(Count("usb.stick.media_changed"), 1);
  EXPECT_TRUE(enforcer->ReleaseWaiting().ok());
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
}

// The swap with the old card mounted read-write: the stale mount would
// write the old filesystem's blocks onto the new card.
TEST_F(EnforcerAttackTest, ASwapClosesTheOldCardsMountBeforeReading) {
  auto enforcer = WritableMountedStick();
  SetMedium(Key("S1"));
  os::Uevent change = Event("change", kDisk, "block", "disk", "sdb");
  change.vars["DISK_MEDIA_CHANGE"] = "1";
  change.vars["DISKSEQ"] = "7";
  os::UeventSource::Batch batch;
  batch.events = {change};
  enforcer->OnUevents(batch, clock_.MonotonicUs());
  EXPECT_EQ(StickField(*enforcer, "state"), "closing");
  Pump(*enforcer);
  EXPECT_FALSE(mounts_.WritesReach(kSdb));
  // Then the new medium is read (here the keyed card again): a new
  // decision, made writable again.
  EXPECT_EQ(StickField(*enforcer, "state"), "writable");
  EXPECT_EQ(gate_.verified.size(), 2u);
}

// F7: a lost "remove" and another stick that gets the name sdb: the old
// decision must not carry over.
TEST_F(EnforcerAttackTest, ANameReusedByAnotherDiskIsDecidedAfresh) {
  gate_.allow = false;
  AddStick("S1", true);
  AddDisk(5);
  SetMedium(Key("S1"));
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  ASSERT_EQ(StickField(*enforcer, "state"), "waiting_for_session");
  SetMedium(std::nullopt);
  AddDisk(9);
  os::Uevent add = Event("add", kDisk, "block", "disk", "sdb");
  add.vars["DISKSEQ"] = "9";
  Send(*enforcer, {add});
  EXPECT_EQ(gate_.gone.size(), 1u);
  EXPECT_EQ(StickField(*enforcer, "reason"), "no key file");
  ASSERT_TRUE(enforcer->ReleaseWaiting().ok());
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb")) << "the old stick's wait is over";
}

TEST_F(EnforcerAttackTest, ARescanComparesTheDiskseq) {
  AddStick("S1", true);
  AddDisk(5);
  SetMedium(Key("S1"));
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  ASSERT_EQ(StickField(*enforcer, "state"), "writable");
  SetMedium(std::nullopt);
  AddDisk(12);
  os::UeventSource::Batch lost;
  lost.overflow = true;
  enforcer->OnUevents(lost, clock_.MonotonicUs());
  Pump(*enforcer);
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(StickField(*enforcer, "reason"), "no key file");
}

// F3: a gadget with hub class and keyboard + storage interfaces.
TEST_F(EnforcerAttackTest, AHubClassGadgetWithKeyboardAndStorageIsRefused) {
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  AddUsbDevice(kStick, "G1", Descriptors({0x03, 0x08}, 0x09), false, false);
  Plug(*enforcer);
  EXPECT_EQ(Authorized(), "0");
  ASSERT_NE(Last("usb.device.refused"), nullptr);
  EXPECT_EQ(Last("usb.device.refused")->details["reason"],
            "composite storage+HID device");
}

// F18: a hub with a keyboard and a stick behind it, arriving together.
TEST_F(EnforcerAttackTest, KeyboardAndStickBehindOneNewHubAreRefusedTogether) {
  policy_.usb.hid_allowed_devices.clear();  // any keyboard
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  std::string hub = kStick;
  std::string keyboard = hub + "/1-1.1";
  std::string stick = hub + "/1-1.2";
  AddUsbDevice(hub, "H1", Descriptors({0x09}, 0x09), false, true);
  Plug(*enforcer, hub);
  EXPECT_EQ(Authorized(hub), "1");
  clock_.AdvanceUs(300'000);
  AddUsbDevice(keyboard, "K1", Descriptors({0x03}), false, true);
  Plug(*enforcer, keyboard);
  EXPECT_EQ(Authorized(keyboard), "0") << "held until the hub settles";
  clock_.AdvanceUs(300'000);
  AddUsbDevice(stick, "S1", Descriptors({0x08}), false, true);
  Plug(*enforcer, stick);
  EXPECT_EQ(Authorized(stick), "0");
  int64_t due = enforcer->next_deadline_us();
  EXPECT_EQ(due, clock_.MonotonicUs() + 2'000'000);
  AdvanceTo(*enforcer, due);
  EXPECT_EQ(Authorized(keyboard), "0");
  EXPECT_EQ(Authorized(stick), "0");
  EXPECT_EQ(Authorized(hub), "1") << "the hub itself carries nothing";
  ASSERT_EQ(Count("usb.device.refused"), 2);
  EXPECT_EQ(Last("usb.device.refused")->details["reason"],
            "storage+HID arrived together behind one new hub");
  EXPECT_EQ(Last("usb.device.refused")->details["arrived_with"].size(), 2u);
  EXPECT_EQ(notices_.notices.size(), 1u) << "one notice for the group";
  // Their next uevents and a rescan keep them refused.
  Send(*enforcer, {Event("bind", keyboard, "usb", "usb_device")});
  os::UeventSource::Batch lost;
  lost.overflow = true;
  enforcer->OnUevents(lost, clock_.MonotonicUs());
  EXPECT_EQ(Authorized(keyboard), "0");
  EXPECT_EQ(Authorized(stick), "0");
  EXPECT_EQ(Count("usb.device.refused"), 2);
}

// At boot the PC's own hub comes up with the keyboard recorded at
// installation and a stick plugged next to it: the recorded keyboard is no
// part of a gadget, so the stick is judged without it. The same keyboard on
// another port is not the recorded one: the pair is refused as above.
TEST_F(EnforcerAttackTest, ARecordedKeyboardDoesNotTakeAStickWithIt) {
  policy_.usb.hid_allowed_devices.clear();  // any keyboard
  Result<os::UsbDescriptors> keyboard_descriptors =
      os::ParseUsbDescriptors(Descriptors({0x03}));
  ASSERT_TRUE(keyboard_descriptors.ok());
  present_.devices.push_back(
      DescribeDevice(*keyboard_descriptors, "K1", "1-1.1"));
  for (const char* keyboard_port : {"1-1.1", "1-1.3"}) {
    SCOPED_TRACE(keyboard_port);
    events_.clear();
    auto enforcer = Make();
    ASSERT_TRUE(StartAndPump(*enforcer).ok());
    std::string hub = kStick;
    std::string keyboard = hub + "/" + keyboard_port;
    std::string stick = hub + "/1-1.2";
    AddUsbDevice(hub, "H1", Descriptors({0x09}, 0x09), false, true);
    Plug(*enforcer, hub);
    AddUsbDevice(keyboard, "K1", Descriptors({0x03}), false, true);
    Plug(*enforcer, keyboard);
    AddUsbDevice(stick, "S1", Descriptors({0x08}), false, true);
    Plug(*enforcer, stick);
    AdvanceTo(*enforcer, enforcer->next_deadline_us());
    bool recorded = std::string(keyboard_port) == "1-1.1";
    EXPECT_EQ(Authorized(keyboard), recorded ? "1" : "0");
    EXPECT_EQ(Authorized(stick), recorded ? "1" : "0");
    EXPECT_EQ(Count("usb.device.refused"), recorded ? 0 : 2);
    clock_.AdvanceUs(20'000'000);
  }
}

TEST_F(EnforcerAttackTest, AKeyboardAloneBehindANewHubIsAllowedOnceSettled) {
  policy_.usb.hid_allowed_devices.clear();  // any keyboard
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  std::string hub = kStick;
  std::string keyboard = hub + "/1-1.1";
  AddUsbDevice(hub, "H1", Descriptors({0x09}, 0x09), false, true);
  Plug(*enforcer, hub);
  AddUsbDevice(keyboard, "K1", Descriptors({0x03}), false, true);
  Plug(*enforcer, keyboard);
  EXPECT_EQ(Authorized(keyboard), "0");
  AdvanceTo(*enforcer, enforcer->next_deadline_us());
  EXPECT_EQ(Authorized(keyboard), "1");
  // A stick plugged into the settled hub later is judged alone.
  std::string stick = hub + "/1-1.2";
  AddUsbDevice(stick, "S1", Descriptors({0x08}), false, true);
  Plug(*enforcer, stick);
  EXPECT_EQ(Authorized(stick), "1");
}

// A gadget that nests a second hub to split keyboard and stick.
TEST_F(EnforcerAttackTest, ANestedHubDoesNotSplitTheGroup) {
  policy_.usb.hid_allowed_devices.clear();  // any keyboard
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  std::string hub = kStick;
  std::string inner = hub + "/1-1.4";
  AddUsbDevice(hub, "H1", Descriptors({0x09}, 0x09), false, true);
  Plug(*enforcer, hub);
  AddUsbDevice(hub + "/1-1.1", "K1", Descriptors({0x03}), false, true);
  Plug(*enforcer, hub + "/1-1.1");
  AddUsbDevice(inner, "H2", Descriptors({0x09}, 0x09), false, true);
  Plug(*enforcer, inner);
  EXPECT_EQ(Authorized(inner), "1") << "hubs come up so the rest can arrive";
  AddUsbDevice(inner + "/1-1.4.1", "S1", Descriptors({0x08}), false, true);
  Plug(*enforcer, inner + "/1-1.4.1");
  AdvanceTo(*enforcer, enforcer->next_deadline_us());
  EXPECT_EQ(Authorized(hub + "/1-1.1"), "0");
  EXPECT_EQ(Authorized(inner + "/1-1.4.1"), "0");
}

// F16: a root hub that appears at runtime (a dock's own controller) kept
// the kernel's authorized_default=1.
TEST_F(EnforcerAttackTest, ARootHubAddedAtRuntimeAuthorizesNothing) {
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  std::string dock = "devices/pci0000:00/0000:00:0d.0/0000:3a:00.0/usb5";
  sysfs_.AddFile(dock + "/authorized_default", "1\n");
  Send(*enforcer, {Event("add", dock, "usb", "usb_device")});
  EXPECT_EQ(sysfs_.WrittenValues(dock + "/authorized_default"),
            std::vector<std::string>{"0"});
  EXPECT_EQ(Count("usb.hub.closed"), 1);
}

// F6: a Thunderbolt device (a PCIe tunnel: NVMe, network) waits for
// authorization; the policy decides.
TEST_F(EnforcerAttackTest, ThunderboltDevicesFollowThePolicy) {
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  std::string tb = "devices/pci0000:00/0000:00:0d.2/domain0/0-0/0-1";
  sysfs_.AddFile(tb + "/authorized", "0\n");
  sysfs_.AddFile(tb + "/vendor_name", "ACME\n");
  sysfs_.AddFile(tb + "/device_name", "NVMe box\n");
  Send(*enforcer, {Event("add", tb, "thunderbolt", "thunderbolt_device")});
  EXPECT_EQ(Authorized(tb), "0");
  ASSERT_NE(Last("usb.device.refused"), nullptr);
  EXPECT_EQ(Last("usb.device.refused")->details["bus"], "thunderbolt");
  policy_.usb.thunderbolt = policy::ThunderboltMode::kAllow;
  Send(*enforcer, {Event("add", tb, "thunderbolt", "thunderbolt_device")});
  EXPECT_EQ(Authorized(tb), "1");
  // The host router itself is the PC's own.
  std::string host = "devices/pci0000:00/0000:00:0d.2/domain0/0-0";
  sysfs_.AddFile(host + "/authorized", "1\n");
  policy_.usb.thunderbolt = policy::ThunderboltMode::kBlock;
  Send(*enforcer, {Event("add", host, "thunderbolt", "thunderbolt_device")});
  EXPECT_EQ(Authorized(host), "1");
}

// F6: an SD card in a PCI reader was not controlled at all.
TEST_F(EnforcerAttackTest, AnSdCardInAPciReaderIsReadOnlyAndItsMountClosed) {
  std::string card =
      "devices/pci0000:00/0000:00:1c.0/0000:02:00.0/mmc_host/mmc0/mmc0:aaaa";
  sysfs_.AddFile(card + "/type", "SD\n");
  std::string disk = card + "/block/mmcblk0";
  sysfs_.AddFile(disk + "/dev", "179:0\n");
  sysfs_.AddFile(disk + "/mmcblk0p1/partition", "1");
  sysfs_.AddFile(disk + "/mmcblk0p1/dev", "179:1\n");
  sysfs_.AddSymlink("class/block/mmcblk0", "/" + disk);
  sysfs_.AddSymlink("class/block/mmcblk0p1", "/" + disk + "/mmcblk0p1");
  blocks_.Add("mmcblk0");
  blocks_.Add("mmcblk0p1");
  mounts_.AddMount("mnt:[1]", 0, "/media/card", {179, 1});
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  EXPECT_TRUE(*blocks_.IsReadOnly("mmcblk0"));
  EXPECT_TRUE(*blocks_.IsReadOnly("mmcblk0p1"));
  EXPECT_EQ(StickField(*enforcer, "state", "mmcblk0"), "read_only");
  EXPECT_EQ(StickField(*enforcer, "bus", "mmcblk0"), "sd_card");
  EXPECT_EQ(StickField(*enforcer, "reason", "mmcblk0"), "not a USB stick");
  EXPECT_FALSE(mounts_.WritesReach({179, 1}));
  EXPECT_TRUE(jobs_.started().size() == 1 &&
              jobs_.started()[0].kind == MediumRequest::Kind::kClose)
      << "an SD card's medium is never read for a key";
}

// F11: a dd clone of a stick without a serial matches every bound field.
TEST_F(EnforcerAttackTest, AKeyBindingNoSerialIsRefused) {
  AddStick("", true);
  SetMedium(Key(""));
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  EXPECT_EQ(StickField(*enforcer, "reason"), "no serial");
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_TRUE(gate_.verified.empty());
}

}  // namespace
}  // namespace piiguard::agent::usb
