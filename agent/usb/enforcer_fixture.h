// Test fixture for UsbEnforcer (enforcer_test.cc, enforcer_attack_test.cc):
// a fake sysfs with one root hub, a QEMU-like stick on port 1-1 and its
// disk sdb (8:16, partition sdb1 8:17), fake block devices, mounts, medium
// and medium helper, a recording gate, a fake clock.
//
// Thread-safety: tests only.
#ifndef PIIGUARD_AGENT_USB_ENFORCER_FIXTURE_H_
#define PIIGUARD_AGENT_USB_ENFORCER_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/notify/testing/fake_notifier.h"
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

namespace piiguard::agent::usb::testing {

using policy::testing::kNow;

inline constexpr const char* kHub = "devices/pci0000:00/0000:00:04.0/usb1";
inline constexpr const char* kStick =
    "devices/pci0000:00/0000:00:04.0/usb1/1-1";
inline constexpr const char* kDisk =
    "devices/pci0000:00/0000:00:04.0/usb1/1-1/1-1:1.0/host0/target0:0:0/"
    "0:0:0:0/block/sdb";
inline constexpr uint64_t kSectors = 131072;  // 64 MiB
inline constexpr os::DeviceNumber kSdb{8, 16};
inline constexpr os::DeviceNumber kSdb1{8, 17};

// A device descriptor (class `device_class`) and one interface per class;
// storage interfaces are SCSI transparent (06/50) as USB sticks are.
inline std::string Descriptors(std::vector<uint8_t> classes,
                               uint8_t device_class = 0,
                               uint16_t pid = 0x0001) {
  std::string d = {18,
                   1,
                   0,
                   2,
                   static_cast<char>(device_class),
                   0,
                   0,
                   64,
                   static_cast<char>(0xf4),
                   0x46,
                   static_cast<char>(pid & 0xff),
                   static_cast<char>(pid >> 8),
                   0,
                   0,
                   1,
                   2,
                   3,
                   1};
  d += std::string{9, 2, 32, 0, 1, 1, 0, static_cast<char>(0x80), 50};
  uint8_t number = 0;
  for (uint8_t cls : classes) {
    d += std::string{9, 4,    static_cast<char>(number++),
                     0, 2,    static_cast<char>(cls),
                     6, 0x50, 0};
    d += std::string{7, 5, static_cast<char>(0x81), 2, 0, 2, 10};
  }
  return d;
}

class RecordingGate : public WriteGate {
 public:
  bool KeyedStickVerified(const KeyedStick& stick) override {
    verified.push_back(stick);
    return allow;
  }
  void KeyedStickGone(const KeyedStick& stick) override {
    gone.push_back(stick);
  }
  void SticksChanged() override { ++sticks_changed; }
  int sticks_changed = 0;
  bool allow = true;
  std::vector<KeyedStick> verified;
  std::vector<KeyedStick> gone;
};

class EnforcerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Json policy_json = policy::testing::ValidPolicyJson();
    Result<policy::Policy> p =
        policy::ParsePolicy(policy::testing::Dump(policy_json));
    ASSERT_TRUE(p.ok()) << p.status().message();
    policy_ = std::move(p).value();
    sysfs_.AddSymlink("bus/usb/devices/usb1", std::string("/") + kHub);
    sysfs_.AddFile(std::string(kHub) + "/authorized_default", "1\n");
    sysfs_.AddFile(std::string(kHub) + "/idVendor", "1d6b\n");
    sysfs_.AddFile(std::string(kHub) + "/idProduct", "0002\n");
    sysfs_.AddDirectory("class/block");
  }

  // A usb-storage stick with serial `serial` on port 1-1; its disk sdb
  // exists if `with_disk` (the kernel made it: the device was authorized).
  // `bound`: the kernel's generic driver has probed it (the "bind" uevent).
  void AddStick(const std::string& serial, bool with_disk,
                std::vector<uint8_t> classes = {0x08}, bool bound = true) {
    AddUsbDevice(kStick, serial, Descriptors(std::move(classes)), with_disk,
                 bound);
    if (with_disk) AddDisk();
  }
  void AddUsbDevice(const std::string& path, const std::string& serial,
                    const std::string& descriptors, bool authorized,
                    bool bound) {
    sysfs_.AddFile(path + "/idVendor", "46f4\n");
    sysfs_.AddFile(path + "/idProduct", "0001\n");
    sysfs_.AddFile(path + "/serial", serial + "\n");
    sysfs_.AddFile(path + "/authorized", authorized ? "1\n" : "0\n");
    sysfs_.AddFile(path + "/descriptors", descriptors);
    // Each enumeration gets another device number.
    sysfs_.AddFile(path + "/devnum", std::to_string(++devnum_) + "\n");
    sysfs_.AddSymlink("bus/usb/devices/" + BaseName(path), "/" + path);
    if (bound) Bind(path);
  }
  void Bind(const std::string& path = kStick) {
    sysfs_.AddDirectory("bus/usb/drivers/usb");
    sysfs_.AddSymlink(path + "/driver", "/bus/usb/drivers/usb");
  }
  void AddDisk(uint64_t diskseq = 0) {
    sysfs_.AddFile(std::string(kDisk) + "/size", std::to_string(kSectors));
    sysfs_.AddFile(std::string(kDisk) + "/dev", "8:16\n");
    if (diskseq != 0) {
      sysfs_.AddFile(std::string(kDisk) + "/diskseq",
                     std::to_string(diskseq) + "\n");
    }
    sysfs_.AddSymlink("class/block/sdb", std::string("/") + kDisk);
    blocks_.Add("sdb");
  }
  void AddPartition() {
    sysfs_.AddFile(std::string(kDisk) + "/sdb1/partition", "1");
    sysfs_.AddFile(std::string(kDisk) + "/sdb1/start", "2048");
    sysfs_.AddFile(std::string(kDisk) + "/sdb1/dev", "8:17\n");
    sysfs_.AddSymlink("class/block/sdb1", std::string("/") + kDisk + "/sdb1");
    blocks_.Add("sdb1");
  }

  policy::StickKey Key(const std::string& serial) {
    policy::StickKey key;
    key.stick_id = "0123456789abcdef0123456789abcdef";
    key.city_code = policy_.city.code;
    key.identity = {"46f4",         "0001",      serial,
                    kSectors * 512, "1a2b-3c4d", "vfat"};
    key.job_id = "job-a";
    key.holder = "山田 花子";
    key.issued_at = kNow - 86400;
    key.expires_at = kNow + 86400 * 30;
    return key;
  }
  // The medium of sdb holds a key file for `key` (or none).
  void SetMedium(const std::optional<policy::StickKey>& key,
                 uint64_t fs_offset = 0) {
    FakeStickMedium::Medium medium;
    medium.info.capacity_bytes = kSectors * 512;
    medium.info.fs = {fs_offset, kSectors * 512 - fs_offset, "vfat",
                      "1A2B-3C4D"};
    medium.fs_device = fs_offset == 0 ? "sdb" : "sdb1";
    if (key) {
      Result<std::string> bytes = policy::SignStickKey(*key, signer_);
      ASSERT_TRUE(bytes.ok());
      medium.key_file = *bytes;
    }
    medium_.Set("sdb", medium);
  }

  std::unique_ptr<UsbEnforcer> Make() {
    EnforcerConfig config;
    config.policy = [this]() -> const policy::Policy* {
      return have_policy_ ? &policy_ : nullptr;
    };
    config.pinned = {signer_.PublicKey()};
    config.pc_id = [] { return std::string("pc-1"); };
    config.clock = &clock_;
    config.notify = &notices_;
    config.journal = &journal_;
    config.schedule = [this](int64_t at) { scheduled_.push_back(at); };
    config.present = present_;
    config.exceptions = exceptions_;
    return std::make_unique<UsbEnforcer>(
        EnforcerDeps{sysfs_, blocks_, mounts_, jobs_, writes_, device_gate_},
        std::move(config), gate_);
  }

  // Lets the medium helper answer every request that is not stalled, as
  // the daemon's loop would when its descriptor becomes readable.
  void Pump(UsbEnforcer& enforcer) {
    while (jobs_.RunPending() > 0) enforcer.OnMediumReady();
  }
  // Start() and the medium's answers.
  Status StartAndPump(UsbEnforcer& enforcer) {
    Status s = enforcer.Start();
    Pump(enforcer);
    return s;
  }
  // The clock moves to `us` and the enforcer's timer fires if due.
  void AdvanceTo(UsbEnforcer& enforcer, int64_t us) {
    clock_.SetMonotonicUs(us);
    int64_t due = enforcer.next_deadline_us();
    if (due != 0 && due <= us) enforcer.OnTimer();
  }

  os::Uevent Event(std::string action, std::string path, std::string subsystem,
                   std::string devtype, std::string devname = "") {
    os::Uevent e;
    e.action = std::move(action);
    e.devpath = "/" + std::move(path);
    e.subsystem = std::move(subsystem);
    e.devtype = std::move(devtype);
    e.devname = std::move(devname);
    return e;
  }
  void Send(UsbEnforcer& enforcer, std::vector<os::Uevent> events) {
    os::UeventSource::Batch batch;
    batch.events = std::move(events);
    enforcer.OnUevents(batch, clock_.MonotonicUs());
    Pump(enforcer);
  }
  // The kernel's order: "add", its generic driver's probe, "bind".
  void Plug(UsbEnforcer& enforcer, const std::string& path = kStick) {
    Send(enforcer, {Event("add", path, "usb", "usb_device"),
                    Event("bind", path, "usb", "usb_device")});
  }
  // `action` events for sdb and, with `partition`, sdb1.
  os::UeventSource::Batch DiskEvents(const std::string& action,
                                     bool partition) {
    os::UeventSource::Batch batch;
    batch.events.push_back(Event(action, kDisk, "block", "disk", "sdb"));
    if (partition) {
      batch.events.push_back(Event(action, std::string(kDisk) + "/sdb1",
                                   "block", "partition", "sdb1"));
    }
    return batch;
  }
  void DiskAppears(UsbEnforcer& enforcer, bool partition = false) {
    AddDisk();
    if (partition) AddPartition();
    Send(enforcer, DiskEvents("add", partition).events);
  }
  // A keyed stick S1 with a partition, plugged and made writable.
  std::unique_ptr<UsbEnforcer> WritableKeyedStick() {
    AddStick("S1", false);
    SetMedium(Key("S1"), /*fs_offset=*/2048 * 512);
    auto enforcer = Make();
    EXPECT_TRUE(enforcer->Start().ok());
    Plug(*enforcer);
    DiskAppears(*enforcer, /*partition=*/true);
    EXPECT_EQ(StickField(*enforcer, "state"), "writable");
    return enforcer;
  }

  // A newer policy that revokes the stick of Key(), applied.
  void Revoke(UsbEnforcer& enforcer) {
    Json json = policy::testing::ValidPolicyJson();
    json["version"] = json["version"].get<int>() + 1;
    json["revoked_sticks"] =
        Json::array({{{"stick_id", "0123456789abcdef0123456789abcdef"},
                      {"reason", "紛失"},
                      {"revoked_at", "2026-05-01T09:00:00+09:00"}}});
    Result<policy::Policy> revoked =
        policy::ParsePolicy(policy::testing::Dump(json));
    ASSERT_TRUE(revoked.ok()) << revoked.status().message();
    policy_ = *revoked;
    enforcer.OnPolicyChanged();
  }

  int Count(const std::string& type) const {
    int n = 0;
    for (const journal::Event& e : events_) n += e.type == type ? 1 : 0;
    return n;
  }
  const journal::Event* Last(const std::string& type) const {
    for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
      if (it->type == type) return &*it;
    }
    return nullptr;
  }
  std::string Authorized(const std::string& path = kStick) {
    Result<std::string> value = sysfs_.ReadAttribute(path + "/authorized");
    return value.ok() ? *value : "(gone)";
  }
  std::string StickField(UsbEnforcer& enforcer, const char* field,
                         const std::string& device = "sdb") {
    Result<Json> status = enforcer.StatusPart();
    EXPECT_TRUE(status.ok());
    if (!status.ok()) return "";
    for (const Json& entry : *status) {
      if (entry["device"] == device) {
        return entry[field].is_string() ? entry[field].get<std::string>()
                                        : entry[field].dump();
      }
    }
    return "";
  }

  os::FakeSysfs sysfs_;
  os::FakeBlockDevices blocks_;
  os::FakeMountControl mounts_;
  FakeStickMedium medium_;
  FakeMediumJobs jobs_{medium_, mounts_};
  os::FakeDeviceWriteWatch writes_;
  os::FakeBlockWriteGate device_gate_;
  RecordingGate gate_;
  policy::Policy policy_;
  Ed25519PrivateKey signer_ = policy::testing::NewKey();
  bool have_policy_ = true;
  bool journal_error_ = false;
  os::FakeClock clock_{kNow * 1000, 1000};
  int devnum_ = 1;
  std::vector<journal::Event> events_;
  // Keeps entries in events_; refuses them while journal_error_ is set.
  class TestJournal : public journal::Appender {
   public:
    explicit TestJournal(EnforcerTest& test) : test_(test) {}
    Result<uint64_t> Append(const journal::Event& event) override {
      if (test_.journal_error_) return IoError("journal", "db", "EIO");
      test_.events_.push_back(event);
      return test_.events_.size();
    }

   private:
    EnforcerTest& test_;
  };
  TestJournal journal_{*this};
  std::vector<int64_t> scheduled_;
  notify::FakeNotifier notices_;
  PresentDevices present_;  // devices recorded at installation
  // Exception grants (issue 17); null: none.
  StickExceptions* exceptions_ = nullptr;
};

}  // namespace piiguard::agent::usb::testing

#endif  // PIIGUARD_AGENT_USB_ENFORCER_FIXTURE_H_
