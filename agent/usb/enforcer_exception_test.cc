// Exception grants for foreign sticks (issue 17, docs/usb.md "Exception
// sticks"): the enforcer's side of agent/interlock/stick_exceptions.h, with
// a fake exception service.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "agent/usb/enforcer.h"
#include "agent/usb/enforcer_fixture.h"
#include "agent/usb/stick_identity_hash.h"
#include "common/json.h"

namespace piiguard::agent::usb {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

constexpr const char* kMountPoint = "/media/yamada/STICK";
constexpr int64_t kMinute = 60'000'000;

// The grants the exception service runs, by stick identity.
class FakeExceptions : public StickExceptions {
 public:
  std::optional<StickGrant> GrantFor(std::string_view identity) override {
    auto it = grants.find(std::string(identity));
    if (it == grants.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, StickGrant> grants;
};

class EnforcerExceptionTest : public EnforcerTest {
 protected:
  void SetUp() override {
    EnforcerTest::SetUp();
    exceptions_ = &service_;
  }
  // The identity of a fixture stick with `serial` (the kernel's view).
  static std::string Identity(const std::string& serial) {
    return StickIdentityHash({"46f4", "0001", serial, kSectors * 512, "", ""});
  }
  // A grant "42" by yamada for the stick with `serial`, for `minutes`.
  void Grant(const std::string& serial, int64_t minutes = 30) {
    service_.grants[Identity(serial)] =
        StickGrant{"42", "yamada", clock_.MonotonicUs() + minutes * kMinute};
  }
  // A stick with no key file, `serial`, plugged (its disk has a partition).
  std::unique_ptr<UsbEnforcer> PluggedForeignStick(const std::string& serial) {
    AddStick(serial, false);
    SetMedium(std::nullopt, /*fs_offset=*/2048 * 512);
    auto enforcer = Make();
    EXPECT_TRUE(enforcer->Start().ok());
    Plug(*enforcer);
    DiskAppears(*enforcer, /*partition=*/true);
    return enforcer;
  }
  // Another stick with `serial` on `port`, its disk `disk` (8:`minor`),
  // holding `key` (or no key file); found by Start().
  void AddStickAt(const std::string& port, const std::string& disk, int minor,
                  const std::string& serial,
                  const std::optional<policy::StickKey>& key) {
    const std::string device = std::string(kHub) + "/" + port;
    AddUsbDevice(device, serial, Descriptors({0x08}), true, true);
    const std::string path =
        device + "/" + port + ":1.0/host1/target1:0:0/1:0:0:0/block/" + disk;
    sysfs_.AddFile(path + "/size", std::to_string(kSectors));
    sysfs_.AddFile(path + "/dev", "8:" + std::to_string(minor) + "\n");
    sysfs_.AddSymlink("class/block/" + disk, "/" + path);
    blocks_.Add(disk);
    FakeStickMedium::Medium medium;
    medium.info.capacity_bytes = kSectors * 512;
    medium.info.fs = {0, kSectors * 512, "vfat", "1A2B-3C4D"};
    medium.fs_device = disk;
    if (key) medium.key_file = *policy::SignStickKey(*key, signer_);
    medium_.Set(disk, medium);
  }
  // A field of the stick's status entry that may be missing ("").
  std::string Field(UsbEnforcer& enforcer, const char* field,
                    const std::string& device = "sdb") {
    Result<Json> status = enforcer.StatusPart();
    if (!status.ok()) return "(no status)";
    for (const Json& entry : *status) {
      if (entry["device"] != device || !entry.contains(field)) continue;
      return entry[field].is_string() ? entry[field].get<std::string>()
                                      : entry[field].dump();
    }
    return "";
  }
  bool NoticeSays(const std::string& text) const {
    for (const notify::Notice& n : notices_.notices) {
      if (n.body.find(text) != std::string::npos) return true;
    }
    return false;
  }

  FakeExceptions service_;
};

TEST_F(EnforcerExceptionTest, GrantedForeignStickIsWritableLikeAKeyedOne) {
  Grant("S9");
  auto enforcer = PluggedForeignStick("S9");
  EXPECT_EQ(StickField(*enforcer, "state"), "writable");
  EXPECT_FALSE(*blocks_.IsReadOnly("sdb"));
  EXPECT_FALSE(*blocks_.IsReadOnly("sdb1"));
  ASSERT_EQ(gate_.verified.size(), 1u);
  EXPECT_EQ(gate_.verified[0],
            (KeyedStick{"sdb", "exception:42", "exception", "yamada"}));
  EXPECT_EQ(Count("usb.stick.keyed"), 0);
  const journal::Event* granted = Last("usb.stick.exception");
  ASSERT_NE(granted, nullptr);
  EXPECT_EQ(granted->subject, "sdb");
  EXPECT_EQ(granted->details["grant"], "42");
  EXPECT_EQ(granted->details["responsible"], "yamada");
  EXPECT_EQ(granted->details["identity"], Identity("S9"));
  EXPECT_EQ(granted->details["device"], "46f4:0001");
  EXPECT_EQ(granted->details["serial"], "S9");
  EXPECT_EQ(granted->details["reason"], "no key file");
  EXPECT_EQ(Count("usb.stick.writable"), 1);
  // Status shows the exception with its minutes left, on the clock.
  EXPECT_EQ(Field(*enforcer, "exception"), "42");
  EXPECT_EQ(Field(*enforcer, "responsible"), "yamada");
  EXPECT_EQ(Field(*enforcer, "minutes_left"), "30");
  clock_.AdvanceUs(10 * kMinute + 1);
  EXPECT_EQ(Field(*enforcer, "minutes_left"), "20");
  EXPECT_TRUE(NoticeSays("例外"));
  EXPECT_TRUE(
      NoticeSays("writable by exception (exception 42, permitted by "
                 "yamada, 30 minutes left)"));
  EXPECT_TRUE(enforcer->Foreign().empty()) << "writable: not foreign";
}

TEST_F(EnforcerExceptionTest, ExceptionStickWaitsForTheSessionLikeAKeyedOne) {
  gate_.allow = false;
  Grant("S9");
  auto enforcer = PluggedForeignStick("S9");
  EXPECT_EQ(StickField(*enforcer, "state"), "waiting_for_session");
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  ASSERT_TRUE(enforcer->ReleaseWaiting().ok());
  EXPECT_EQ(StickField(*enforcer, "state"), "writable");
  EXPECT_FALSE(*blocks_.IsReadOnly("sdb"));
  ASSERT_TRUE(enforcer->MakeAllReadOnly("session ended").ok());
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(StickField(*enforcer, "state"), "waiting_for_session");
  EXPECT_EQ(Field(*enforcer, "exception"), "42");
}

TEST_F(EnforcerExceptionTest, AGrantThatEndedWhileWaitingIsNotReleased) {
  Grant("S9");
  auto enforcer = PluggedForeignStick("S9");
  ASSERT_EQ(StickField(*enforcer, "state"), "writable");
  // The session ends: the stick waits for the next one, its grant kept.
  ASSERT_TRUE(enforcer->MakeAllReadOnly("session ended").ok());
  ASSERT_EQ(StickField(*enforcer, "state"), "waiting_for_session");
  // The grant ends before the stick is decided again (no GrantsChanged,
  // no timer yet); the next session must not make it writable.
  service_.grants.clear();
  ASSERT_TRUE(enforcer->ReleaseWaiting().ok());
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb1"));
  EXPECT_EQ(Count("usb.stick.writable"), 1);
}

TEST_F(EnforcerExceptionTest, AStickWithAnotherSerialStaysReadOnly) {
  Grant("S9");
  auto enforcer = PluggedForeignStick("S8");
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_TRUE(gate_.verified.empty());
  EXPECT_EQ(Count("usb.stick.exception"), 0);
  EXPECT_EQ(Field(*enforcer, "exception"), "");
}

TEST_F(EnforcerExceptionTest, TheGrantsEndClosesTheStickAndItsMounts) {
  Grant("S9", /*minutes=*/0);
  service_.grants[Identity("S9")].end_mono_us += 45'000'000;  // 45 s
  const int64_t end = service_.grants[Identity("S9")].end_mono_us;
  auto enforcer = PluggedForeignStick("S9");
  ASSERT_EQ(StickField(*enforcer, "state"), "writable");
  EXPECT_EQ(enforcer->next_deadline_us(), end) << "checked at the end";
  mounts_.AddMount("mnt:[1]", 0, kMountPoint, kSdb1);
  ASSERT_TRUE(mounts_.WritesReach(kSdb1));
  AdvanceTo(*enforcer, end - 1);
  EXPECT_EQ(StickField(*enforcer, "state"), "writable");
  // The fake service still answers with the grant: past its end the
  // enforcer does not honour it anyway.
  AdvanceTo(*enforcer, end);
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb1"));
  EXPECT_EQ(StickField(*enforcer, "state"), "closing");
  Pump(*enforcer);
  EXPECT_FALSE(mounts_.WritesReach(kSdb1));
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_EQ(gate_.gone.size(), 1u);
  const journal::Event* ro = Last("usb.stick.readonly");
  ASSERT_NE(ro, nullptr);
  EXPECT_EQ(ro->details["reason"], "exception ended");
  EXPECT_EQ(ro->details["grant"], "42");
  EXPECT_EQ(ro->details["verdict"], "no key file");
  EXPECT_TRUE(NoticeSays("exception 42 has ended"));
  EXPECT_EQ(enforcer->Foreign().size(), 1u) << "foreign again";
}

TEST_F(EnforcerExceptionTest, AGrantEndedEarlyClosesTheStickAtOnce) {
  Grant("S9");
  auto enforcer = PluggedForeignStick("S9");
  ASSERT_EQ(StickField(*enforcer, "state"), "writable");
  service_.grants.clear();
  enforcer->GrantsChanged();
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_EQ(Field(*enforcer, "exception"), "");
  EXPECT_EQ(gate_.gone.size(), 1u);
  const journal::Event* ro = Last("usb.stick.readonly");
  ASSERT_NE(ro, nullptr);
  EXPECT_EQ(ro->details["reason"], "exception ended");
}

TEST_F(EnforcerExceptionTest, AGrantGivenAfterThePlugNeedsNoReplug) {
  auto enforcer = PluggedForeignStick("S9");
  ASSERT_EQ(StickField(*enforcer, "state"), "read_only");
  ASSERT_EQ(enforcer->Foreign().size(), 1u);
  int reads = medium_.reads();
  Grant("S9");
  enforcer->GrantsChanged();
  EXPECT_EQ(StickField(*enforcer, "state"), "writable");
  EXPECT_FALSE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(medium_.reads(), reads) << "decided on what was read";
  EXPECT_EQ(Count("usb.stick.exception"), 1);
  enforcer->GrantsChanged();  // nothing new
  EXPECT_EQ(Count("usb.stick.exception"), 1);
  EXPECT_EQ(gate_.verified.size(), 1u);
}

// Another grant for the same stick while it is writable and mounted: the
// old one's writes are closed first (the session hears it is gone), then
// the medium is read again and the new grant applies.
TEST_F(EnforcerExceptionTest, ANewGrantReplacesTheOldOneThroughAClose) {
  Grant("S9");
  auto enforcer = PluggedForeignStick("S9");
  ASSERT_EQ(StickField(*enforcer, "state"), "writable");
  mounts_.AddMount("mnt:[1]", 0, kMountPoint, kSdb1);
  service_.grants[Identity("S9")].grant = "43";
  enforcer->GrantsChanged();
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(StickField(*enforcer, "state"), "closing");
  Pump(*enforcer);
  EXPECT_FALSE(mounts_.WritesReach(kSdb1));
  ASSERT_EQ(gate_.gone.size(), 1u);
  EXPECT_EQ(gate_.gone[0].stick_id, "exception:42");
  ASSERT_EQ(gate_.verified.size(), 2u);
  EXPECT_EQ(gate_.verified[1].stick_id, "exception:43");
  EXPECT_EQ(StickField(*enforcer, "state"), "writable");
  EXPECT_EQ(Field(*enforcer, "exception"), "43");
  EXPECT_EQ(Count("usb.stick.exception"), 2);
}

// A stick without a serial shares its identity with every stick of its
// model and size: a grant for that identity (a signed file names only the
// identity) is not honoured, as a request for such a stick is refused.
TEST_F(EnforcerExceptionTest, AStickWithoutASerialIsNotGranted) {
  Grant("");
  auto enforcer = PluggedForeignStick("");
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(Count("usb.stick.exception"), 0);
  EXPECT_TRUE(gate_.verified.empty());
  const journal::Event* ro = Last("usb.stick.readonly");
  ASSERT_NE(ro, nullptr);
  EXPECT_EQ(ro->details["exception"], "42");
  EXPECT_EQ(ro->details["exception_refused"], "stick has no serial");
  EXPECT_TRUE(NoticeSays("stick sdb has no serial number"));
  // Nor when the grant comes after the plug.
  service_.grants.clear();
  enforcer->GrantsChanged();
  Grant("");
  enforcer->GrantsChanged();
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_EQ(Count("usb.stick.exception"), 0);
}

// Staff whose stick the city revoked ask for an exception for it: the
// revocation stands.
TEST_F(EnforcerExceptionTest, ARevokedStickStaysReadOnlyWithAGrant) {
  AddStick("S1", true);
  SetMedium(Key("S1"));
  auto enforcer = Make();
  Revoke(*enforcer);
  ASSERT_FALSE(HasFailure());
  Grant("S1");
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_EQ(StickField(*enforcer, "reason"), "revoked");
  enforcer->GrantsChanged();
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(Count("usb.stick.exception"), 0);
  EXPECT_TRUE(gate_.verified.empty());
  EXPECT_TRUE(enforcer->Foreign().empty()) << "not offered for exceptions";
}

// A stick writable by an exception whose key's stick id the city revokes.
TEST_F(EnforcerExceptionTest, RevokingTheKeyOfAnExceptionStickClosesIt) {
  policy::StickKey key = Key("S1");
  key.expires_at = kNow - 1;  // expired: refused, so an exception applies
  key.issued_at = kNow - 86400;
  AddStick("S1", true);
  SetMedium(key);
  Grant("S1");
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  ASSERT_EQ(StickField(*enforcer, "state"), "writable");
  Revoke(*enforcer);
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  const journal::Event* ro = Last("usb.stick.readonly");
  ASSERT_NE(ro, nullptr);
  EXPECT_EQ(ro->details["reason"], "revoked");
  EXPECT_EQ(ro->details["grant"], "42");
}

TEST_F(EnforcerExceptionTest, ForeignListsTheRefusedSticksByDiskName) {
  policy::StickKey keyed = Key("S4");
  keyed.stick_id = "fedcba9876543210fedcba9876543210";
  policy::StickKey expired = Key("S3");
  expired.stick_id = "00112233445566778899aabbccddeeff";
  expired.expires_at = kNow - 1;
  AddStickAt("1-5", "sde", 64, "S4", keyed);         // keyed: writable
  AddStickAt("1-4", "sdd", 48, "S3", expired);       // expired: foreign
  AddStickAt("1-3", "sdc", 32, "S2", std::nullopt);  // no key: foreign
  AddStick("S1", true);
  SetMedium(Key("S1"));  // revoked below: not foreign
  auto enforcer = Make();
  Revoke(*enforcer);
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  ASSERT_EQ(StickField(*enforcer, "state", "sde"), "writable");
  ASSERT_EQ(StickField(*enforcer, "reason", "sdb"), "revoked");
  std::vector<ForeignStick> foreign = enforcer->Foreign();
  ASSERT_EQ(foreign.size(), 2u);
  EXPECT_EQ(foreign[0], (ForeignStick{"sdc", Identity("S2"), "46f4:0001", "S2",
                                      kSectors * 512, "no key file"}));
  EXPECT_EQ(foreign[1], (ForeignStick{"sdd", Identity("S3"), "46f4:0001", "S3",
                                      kSectors * 512, "expired"}));
  // Checked against Python's hashlib (stick_identity_hash_test.cc shows
  // the construction) for serial S2 and 64 MiB.
  EXPECT_EQ(Field(*enforcer, "identity", "sdc"), Identity("S2"));
  EXPECT_EQ(Field(*enforcer, "foreign", "sdc"), "true");
  EXPECT_EQ(Field(*enforcer, "foreign", "sdb"), "");
  EXPECT_EQ(Field(*enforcer, "foreign", "sde"), "");
}

TEST_F(EnforcerExceptionTest, JournalFailureKeepsAnExceptionStickReadOnly) {
  Grant("S9");
  AddStick("S9", false);
  SetMedium(std::nullopt);
  auto enforcer = Make();
  ASSERT_TRUE(StartAndPump(*enforcer).ok());
  Plug(*enforcer);
  journal_error_ = true;
  DiskAppears(*enforcer);
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  EXPECT_EQ(StickField(*enforcer, "reason"), "journal unavailable");
  EXPECT_EQ(Field(*enforcer, "exception"), "");
  EXPECT_TRUE(gate_.verified.empty());
}

TEST_F(EnforcerExceptionTest, WithoutAnExceptionServiceNothingChanges) {
  exceptions_ = nullptr;
  Grant("S9");  // nobody asks
  auto enforcer = PluggedForeignStick("S9");
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_EQ(StickField(*enforcer, "reason"), "no key file");
  EXPECT_TRUE(*blocks_.IsReadOnly("sdb"));
  enforcer->GrantsChanged();
  EXPECT_EQ(StickField(*enforcer, "state"), "read_only");
  EXPECT_EQ(Count("usb.stick.exception"), 0);
  EXPECT_TRUE(gate_.verified.empty());
}

}  // namespace
}  // namespace piiguard::agent::usb
