#include "agent/usb/enforcer.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "agent/usb/enforcer_fixture.h"
#include "common/json.h"

namespace piiguard::agent::usb {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

TEST_F(EnforcerTest, StartClosesRootHubsAndMakesPresentSticksReadOnly) {
  AddStick("S1", /*with_disk=*/true);
  SetMedium(std::nullopt);
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  EXPECT_EQ(sysfs_.WrittenValues(std::string(kHub) + "/authorized_default"),
            std::vector<std::string>{"0"});
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(blocks_.log().front(), "sdb=1");
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_EQ(StickField(*enforcer, "reason"), "no key file");
  EXPECT_TRUE(writes_.watched("sdb"));
}

TEST_F(EnforcerTest, ForeignStickIsAuthorizedButStaysReadOnly) {
  AddStick("S9", /*with_disk=*/false);
  SetMedium(std::nullopt);
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  Plug(*enforcer);
  EXPECT_EQ(Authorized(), "1");
  DiskAppears(*enforcer);
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(Count("usb.device.authorized"), 1);
  const journal::Event* ro = Last("usb.stick.readonly");
  ASSERT_NE(ro, nullptr);
  EXPECT_EQ(ro->details["reason"], "no key file");
  EXPECT_TRUE(gate_.verified.empty());
}

// Authorizing at "add", before the kernel's own probe, would make the
// kernel configure the device a second time (its disk torn down and made
// again, seen in the VM benchmark): the decision waits for "bind".
TEST_F(EnforcerTest, DeviceIsDecidedOnlyOnceTheKernelHasProbedIt) {
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  AddStick("S9", /*with_disk=*/false, {0x08}, /*bound=*/false);
  os::UeventSource::Batch add;
  add.events.push_back(Event("add", kStick, "usb", "usb_device"));
  add.overflow = true;  // and a rescan
  enforcer->OnUevents(add, clock_.MonotonicUs());
  EXPECT_EQ(Authorized(), "0");
  EXPECT_TRUE(
      sysfs_.WrittenValues(std::string(kStick) + "/authorized").empty());
  EXPECT_EQ(Count("usb.device.authorized"), 0);
  Bind();
  os::UeventSource::Batch bind;
  bind.events.push_back(Event("bind", kStick, "usb", "usb_device"));
  enforcer->OnUevents(bind, clock_.MonotonicUs());
  EXPECT_EQ(Authorized(), "1");
  EXPECT_EQ(sysfs_.WrittenValues(std::string(kStick) + "/authorized"),
            std::vector<std::string>{"1"});
  EXPECT_EQ(Count("usb.device.authorized"), 1);
}

// A refusal needs no probe: it is made and journaled at "add" (a device
// the kernel would never bind is still recorded), once per enumeration.
TEST_F(EnforcerTest, RefusalIsJournaledAtAddAndOncePerEnumeration) {
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  AddStick("S1", /*with_disk=*/false, {0x08, 0x03}, /*bound=*/false);
  os::UeventSource::Batch add;
  add.events.push_back(Event("add", kStick, "usb", "usb_device"));
  enforcer->OnUevents(add, clock_.MonotonicUs());
  EXPECT_EQ(Authorized(), "0");
  EXPECT_TRUE(
      sysfs_.WrittenValues(std::string(kStick) + "/authorized").empty());
  ASSERT_EQ(Count("usb.device.refused"), 1);
  EXPECT_EQ(Last("usb.device.refused")->details["reason"],
            "composite storage+HID device");
  EXPECT_EQ(notices_.notices.size(), 1u);
  // Its "bind" and a rescan add nothing.
  Bind();
  os::UeventSource::Batch bind;
  bind.events.push_back(Event("bind", kStick, "usb", "usb_device"));
  bind.overflow = true;
  enforcer->OnUevents(bind, clock_.MonotonicUs());
  EXPECT_EQ(Count("usb.device.refused"), 1);
  EXPECT_EQ(notices_.notices.size(), 1u);
  // Unplugged and plugged again on the same port, the removal lost (an
  // overflow): another device number, another refusal.
  AddStick("S1", false, {0x08, 0x03});
  os::UeventSource::Batch lost;
  lost.overflow = true;
  enforcer->OnUevents(lost, clock_.MonotonicUs());
  Pump(*enforcer);
  EXPECT_EQ(Count("usb.device.refused"), 2);
  // With its removal seen, the same enumeration is decided afresh.
  os::UeventSource::Batch removed;
  removed.events.push_back(Event("remove", kStick, "usb", "usb_device"));
  removed.events.push_back(Event("bind", kStick, "usb", "usb_device"));
  enforcer->OnUevents(removed, clock_.MonotonicUs());
  EXPECT_EQ(Count("usb.device.refused"), 3);
  EXPECT_EQ(Authorized(), "0");
}

// A device first seen at its "bind" (its "add" came before the daemon
// listened) is decided there; a refusal that could not be journaled is
// made again, and journaled, at the next uevent.
TEST_F(EnforcerTest, RefusalThatCannotBeJournaledIsRecordedAtTheNextLook) {
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  AddStick("S1", false, {0xe0}, /*bound=*/false);  // a wireless controller
  journal_error_ = true;
  os::UeventSource::Batch add;
  add.events.push_back(Event("add", kStick, "usb", "usb_device"));
  enforcer->OnUevents(add, clock_.MonotonicUs());
  EXPECT_EQ(Authorized(), "0");
  journal_error_ = false;
  Bind();
  os::UeventSource::Batch bind;
  bind.events.push_back(Event("bind", kStick, "usb", "usb_device"));
  enforcer->OnUevents(bind, clock_.MonotonicUs());
  ASSERT_EQ(Count("usb.device.refused"), 1);
  EXPECT_EQ(Last("usb.device.refused")->details["reason"],
            "interface class e0/06/50 not allowed");
  EXPECT_EQ(Authorized(), "0");
}

// A device authorized by the kernel's default (plugged before the daemon
// closed the root hubs) and refused at "add": taken back before the probe,
// which then configures nothing.
TEST_F(EnforcerTest, RefusedDeviceAuthorizedByDefaultIsTakenBackAtAdd) {
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  AddStick("S1", false, {0xe0}, /*bound=*/false);
  sysfs_.AddFile(std::string(kStick) + "/authorized", "1\n");
  os::UeventSource::Batch batch;
  batch.events.push_back(Event("add", kStick, "usb", "usb_device"));
  enforcer->OnUevents(batch, clock_.MonotonicUs());
  Pump(*enforcer);
  EXPECT_EQ(sysfs_.WrittenValues(std::string(kStick) + "/authorized"),
            std::vector<std::string>{"0"});
  EXPECT_EQ(Count("usb.device.refused"), 1);
}

// udev's rule (60-piiguard-usb.rules) sets every USB disk read-only, and
// under load it runs after the keyed stick was made writable: udevd's own
// message afterwards puts the keyed stick back as decided.
TEST_F(EnforcerTest, UdevsLateReadOnlyIsUndoneForAWritableStick) {
  auto enforcer = WritableKeyedStick();
  ASSERT_FALSE(HasFailure());  // writable, as the helper checked
  // udev's RUN program, late.
  ASSERT_TRUE(blocks_.SetReadOnly("sdb", true).ok());
  ASSERT_TRUE(blocks_.SetReadOnly("sdb1", true).ok());
  enforcer->OnUdevEvents(DiskEvents("add", /*partition=*/true));
  EXPECT_FALSE(*blocks_.IsReadOnly("sdb"));
  EXPECT_FALSE(*blocks_.IsReadOnly("sdb1"));
  EXPECT_EQ(StickField(*enforcer, "state"), "writable");
}

// The attacker's side: udevd's messages (or one forged by a process with
// CAP_NET_ADMIN) never make a stick writable that was not decided so.
TEST_F(EnforcerTest, UdevMessagesNeverMakeAForeignStickWritable) {
  AddStick("S1", false);  // no key on the medium: read-only
  auto enforcer = Make();
  ASSERT_TRUE(enforcer->Start().ok());
  Plug(*enforcer);
  DiskAppears(*enforcer, /*partition=*/true);
  ASSERT_EQ(StickField(*enforcer, "state"), "read_only");
  for (const char* action : {"add", "change", "bind"}) {
    enforcer->OnUdevEvents(DiskEvents(action, /*partition=*/true));
  }
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb1"));
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
}

// Making it writable again fails: the stick is read-only, and says so.
TEST_F(EnforcerTest, UndoingUdevsReadOnlyFailsClosed) {
  auto enforcer = WritableKeyedStick();
  ASSERT_FALSE(HasFailure());  // writable, as the helper checked
  ASSERT_TRUE(blocks_.SetReadOnly("sdb", true).ok());
  blocks_.FailSet("sdb", EIO);
  enforcer->OnUdevEvents(DiskEvents("add", /*partition=*/false));
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_NE(StickField(*enforcer, "state"), "writable");
}

TEST_F(EnforcerTest, BlockDeviceIsReadOnlyBeforeAnythingElse) {
  AddStick("S1", false);
  SetMedium(Key("S1"));
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  Plug(*enforcer);
  clock_.SetMonotonicUs(1000);
  DiskAppears(*enforcer, /*partition=*/true);
  // sdb and sdb1 were set read-only before sdb was ever made writable.
  ASSERT_GE(blocks_.log().size(), 4u);
  EXPECT_EQ(blocks_.log()[0], "sdb=1");
  const journal::Event* ro = nullptr;
  for (const journal::Event& e : events_) {
    if (e.type == "usb.block.readonly") {
      ro = &e;
      break;
    }
  }
  ASSERT_NE(ro, nullptr);
  EXPECT_EQ(ro->details["latency_us"], 0);
}

TEST_F(EnforcerTest, KeyedStickBecomesWritableWithItsPartitions) {
  AddStick("S1", false);
  SetMedium(Key("S1"), /*fs_offset=*/2048 * 512);
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  Plug(*enforcer);
  DiskAppears(*enforcer, /*partition=*/true);
  // The disk verified at its own event, before sdb1's event: the filesystem
  // on sdb1 was found through sysfs.
  EXPECT_FALSE(*blocks_.IsReadOnly("sdb"));
  EXPECT_FALSE(*blocks_.IsReadOnly("sdb1"));
  EXPECT_EQ(StickField(*enforcer, "state"), "writable");
  ASSERT_EQ(gate_.verified.size(), 1u);
  EXPECT_EQ(gate_.verified[0].job, "job-a");
  EXPECT_EQ(Count("usb.stick.writable"), 1);
  EXPECT_FALSE(writes_.watched("sdb"));
  std::vector<KeyedStickState> keyed = enforcer->KeyedSticks();
  ASSERT_EQ(keyed.size(), 1u);
  EXPECT_TRUE(keyed[0].writable);
}

TEST_F(EnforcerTest, CopiedKeyFileOnAnotherSerialStaysReadOnly) {
  AddStick("S2", false);
  SetMedium(Key("S1"));
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  Plug(*enforcer);
  DiskAppears(*enforcer);
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(StickField(*enforcer, "reason"), "identity mismatch (serial)");
  EXPECT_NE(StickField(*enforcer, "reason_ja"), "");
  EXPECT_TRUE(gate_.verified.empty());
}

TEST_F(EnforcerTest, ExpiredWrongPcAndNoPolicyStayReadOnly) {
  AddStick("S1", true);
  {
    clock_.SetWallMs((kNow + 86400 * 31) * 1000);
    SetMedium(Key("S1"));
    auto enforcer = Make();
    ASSERT_TRUE(StartAndPump(*enforcer).ok());
    EXPECT_EQ(StickField(*enforcer, "reason"), "expired");
    EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  }
  {
    clock_.SetWallMs((kNow)*1000);
    policy::StickKey key = Key("S1");
    key.allowed_pcs = {"pc-2"};
    SetMedium(key);
    auto enforcer = Make();
    ASSERT_TRUE(StartAndPump(*enforcer).ok());
    EXPECT_EQ(StickField(*enforcer, "reason"), "PC not allowed");
  }
  {
    have_policy_ = false;
    SetMedium(Key("S1"));
    auto enforcer = Make();
    ASSERT_TRUE(StartAndPump(*enforcer).ok());
    EXPECT_EQ(StickField(*enforcer, "reason"), "no policy applied");
    EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  }
}

TEST_F(EnforcerTest, PolicyRevokingAWritableStickMakesItReadOnly) {
  AddStick("S1", true);
  SetMedium(Key("S1"));
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  ASSERT_FALSE(*blocks_.IsReadOnly("sdb"));
  int reads = medium_.reads();
  Revoke(*enforcer);
  ASSERT_FALSE(HasFailure());
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(StickField(*enforcer, "reason"), "revoked");
  EXPECT_EQ(gate_.gone.size(), 1u);
  EXPECT_EQ(medium_.reads(), reads);  // not mounted again
  EXPECT_TRUE(writes_.watched("sdb"));
}

TEST_F(EnforcerTest, WaitsForTheGateThenReleases) {
  gate_.allow = false;
  AddStick("S1", true);
  SetMedium(Key("S1"));
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(StickField(*enforcer, "state"), "waiting_for_session");
  ASSERT_TRUE(enforcer->ReleaseWaiting().ok());
  EXPECT_FALSE(*blocks_.IsReadOnly("sdb"));
  ASSERT_TRUE(enforcer->MakeAllReadOnly("radio could not be blocked").ok());
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(StickField(*enforcer, "state"), "waiting_for_session");
}

TEST_F(EnforcerTest, RemovalWhileWaitingTellsTheGate) {
  gate_.allow = false;
  AddStick("S1", true);
  SetMedium(Key("S1"));
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  os::UeventSource::Batch batch;
  batch.events.push_back(Event("remove", kDisk, "block", "disk", "sdb"));
  enforcer->OnUevents(batch, clock_.MonotonicUs());
  Pump(*enforcer);
  EXPECT_EQ(gate_.gone.size(), 1u);
  EXPECT_TRUE(enforcer->StatusPart()->empty());
  EXPECT_TRUE(enforcer->ReleaseWaiting().ok());
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
}

TEST_F(EnforcerTest, CompositeStorageKeyboardIsRefused) {
  AddStick("S1", false, {0x08, 0x03});
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  Plug(*enforcer);
  EXPECT_EQ(Authorized(), "0");
  const journal::Event* refused = Last("usb.device.refused");
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->details["reason"], "composite storage+HID device");
  EXPECT_EQ(refused->details["interfaces"],
            Json::array({"08/06/50", "03/06/50"}));
}

TEST_F(EnforcerTest, AnAlreadyAuthorizedForbiddenDeviceIsDeauthorized) {
  AddStick("S1", false, {0xe0});  // a wireless controller
  sysfs_.AddFile(std::string(kStick) + "/authorized", "1\n");
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  EXPECT_EQ(Authorized(), "0");
  EXPECT_EQ(Count("usb.device.refused"), 1);
}

TEST_F(EnforcerTest, EaccesOnAuthorizedLeavesTheDeviceUnconfigured) {
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  AddStick("S1", false);
  sysfs_.FailWrites(std::string(kStick) + "/authorized", EACCES);
  Plug(*enforcer);
  EXPECT_EQ(Authorized(), "0");
  EXPECT_EQ(Count("usb.device.error"), 1);
}

TEST_F(EnforcerTest, JournalFailureKeepsEverythingClosed) {
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  AddStick("S1", false);
  SetMedium(Key("S1"));
  journal_error_ = true;
  Plug(*enforcer);
  // Authorized, not recorded, so taken back at once.
  EXPECT_EQ(sysfs_.WrittenValues(std::string(kStick) + "/authorized"),
            (std::vector<std::string>{"1", "0"}));
  EXPECT_EQ(Authorized(), "0");
  journal_error_ = false;
  Plug(*enforcer);
  EXPECT_EQ(Authorized(), "1");
  journal_error_ = true;
  DiskAppears(*enforcer);
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(StickField(*enforcer, "reason"), "journal unavailable");
  EXPECT_TRUE(gate_.verified.empty());
}

TEST_F(EnforcerTest, BlkrosetFailureTakesTheDeviceAway) {
  AddStick("S1", false);
  SetMedium(Key("S1"));
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  Plug(*enforcer);
  blocks_.FailSet("sdb", EIO);
  AddDisk();
  blocks_.FailSet("sdb", EIO);
  os::UeventSource::Batch batch;
  batch.events.push_back(Event("add", kDisk, "block", "disk", "sdb"));
  enforcer->OnUevents(batch, clock_.MonotonicUs());
  Pump(*enforcer);
  EXPECT_EQ(Authorized(), "0");
  EXPECT_EQ(Count("usb.block.error"), 1);
  EXPECT_TRUE(enforcer->StatusPart()->empty());
}

TEST_F(EnforcerTest, UnreadableMediumStaysReadOnly) {
  AddStick("S1", true);
  FakeStickMedium::Medium medium;
  medium.probe_error = EIO;
  medium_.Set("sdb", medium);
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(StickField(*enforcer, "reason"), "unreadable medium");
}

TEST_F(EnforcerTest, MakingWritableFailureRestoresReadOnly) {
  gate_.allow = false;
  AddStick("S1", false);
  SetMedium(Key("S1"), 2048 * 512);
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  Plug(*enforcer);
  DiskAppears(*enforcer, /*partition=*/true);
  ASSERT_EQ(StickField(*enforcer, "state"), "waiting_for_session");
  blocks_.FailSet("sdb", EIO);  // sdb1 is cleared first, then sdb fails
  EXPECT_FALSE(enforcer->ReleaseWaiting().ok());
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb1"));
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_EQ(StickField(*enforcer, "reason"), "could not be made writable");
}

TEST_F(EnforcerTest, OverflowRescanFindsAStickPluggedUnseen) {
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  AddStick("S1", true);
  SetMedium(std::nullopt);
  os::UeventSource::Batch batch;
  batch.overflow = true;
  enforcer->OnUevents(batch, clock_.MonotonicUs());
  Pump(*enforcer);
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(Count("usb.uevent.overflow"), 1);
  EXPECT_EQ(StickField(*enforcer, "reason"), "no key file");
}

TEST_F(EnforcerTest, WriteAttemptsOnReadOnlySticksAreJournaled) {
  AddStick("S1", true);
  SetMedium(std::nullopt);
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  writes_.Open("sdb", 4242, "dd");
  writes_.Open("sdb", 4242, "dd");
  enforcer->OnWriteAttempts();
  EXPECT_EQ(Count("usb.write_attempt"), 1);
  const journal::Event* attempt = Last("usb.write_attempt");
  ASSERT_NE(attempt, nullptr);
  EXPECT_EQ(attempt->details["pid"], 4242);
  EXPECT_EQ(attempt->details["process"], "dd");
  EXPECT_EQ(attempt->details["reason"], "no key file");
  EXPECT_EQ(attempt->details["count"], 2);
  EXPECT_EQ(attempt->severity, journal::Severity::kViolation);
}

TEST_F(EnforcerTest, NonUsbBlockDevicesAreLeftAlone) {
  sysfs_.AddFile(
      "devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/"
      "0:0:0:0/block/sda/size",
      "1000");
  sysfs_.AddSymlink("class/block/sda",
                    "/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/"
                    "0:0:0:0/block/sda");
  blocks_.Add("sda");
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  EXPECT_FALSE(*blocks_.IsReadOnly("sda"));
  EXPECT_TRUE(blocks_.log().empty());
}

TEST_F(EnforcerTest, NoticesTellStaffWhatHappenedInJapaneseFirst) {
  AddStick("S2", false);
  SetMedium(Key("S1"));
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  Plug(*enforcer);
  DiskAppears(*enforcer);
  ASSERT_EQ(notices_.notices.size(), 1u);
  const std::string& body = notices_.notices[0].body;
  EXPECT_EQ(body.find("USBメモリ sdb: 書き込みできません。"), 0u) << body;
  EXPECT_NE(body.find("USB stick sdb: not writable."), std::string::npos);
  writes_.Open("sdb", 0, "");
  enforcer->OnWriteAttempts();
  ASSERT_EQ(notices_.notices.size(), 2u);
  EXPECT_EQ(
      notices_.notices[1].body.find("USBメモリ sdb への書き込みを止めました。"),
      0u);
}

TEST_F(EnforcerTest, KeyedAndRefusedDevicesGetNotices) {
  AddStick("S1", true);
  SetMedium(Key("S1"));
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  ASSERT_EQ(notices_.notices.size(), 1u);
  EXPECT_NE(notices_.notices[0].body.find("書き込みできます"),
            std::string::npos);
  EXPECT_NE(notices_.notices[0].body.find("job-a"), std::string::npos);
}

TEST_F(EnforcerTest, CompositeDeviceGetsANotice) {
  AddStick("S1", false, {0x08, 0x03});
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  ASSERT_EQ(notices_.notices.size(), 1u);
  EXPECT_NE(notices_.notices[0].body.find("46f4:0001"), std::string::npos);
  EXPECT_NE(notices_.notices[0].body.find("composite storage+HID device"),
            std::string::npos);
}

}  // namespace
}  // namespace piiguard::agent::usb
