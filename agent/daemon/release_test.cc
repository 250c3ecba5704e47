// `piiguardd --release` on the fakes: USB authorization, read-only USB
// disks, a session, the nft table; idempotence; failures reported; and no
// way to ask for it through the local socket.
#include "agent/daemon/release.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>

#include "agent/ipc/ipc.h"
#include "agent/journal/testing/recording_appender.h"
#include "common/json.h"
#include "common/os/testing/fake_block_devices.h"
#include "common/os/testing/fake_clock.h"
#include "common/os/testing/fake_firewall.h"
#include "common/os/testing/fake_links.h"
#include "common/os/testing/fake_rfkill.h"
#include "common/os/testing/fake_sysfs.h"

namespace piiguard::agent {
namespace {

constexpr const char* kHub1 = "devices/pci0000:00/0000:00:14.0/usb1";
constexpr const char* kHub2 = "devices/pci0000:00/0000:00:14.0/usb2";
constexpr const char* kStick = "devices/pci0000:00/0000:00:14.0/usb1/1-1";
constexpr const char* kKeyboard = "devices/pci0000:00/0000:00:14.0/usb1/1-2";
constexpr const char* kUsbDisk =
    "devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/host6/target6:0:0/"
    "6:0:0:0/block/sdb";
// An SD card in a PCI reader: controlled like a stick (agent/usb/
// block_class.h), so given back too.
constexpr const char* kSdCard =
    "devices/pci0000:00/0000:00:1c.0/0000:02:00.0/mmc_host/mmc0/mmc0:aaaa";
constexpr const char* kSataDisk =
    "devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda";

class ReleaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/release_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // What a running piiguardd leaves: root hubs closed, a refused device,
    // a read-only stick and its partition; a SATA disk read-only by its
    // owner's choice, which is not ours.
    for (const char* hub : {kHub1, kHub2}) {
      std::string name = std::filesystem::path(hub).filename();
      sysfs_.AddSymlink("bus/usb/devices/" + name, std::string("/") + hub);
      sysfs_.AddFile(std::string(hub) + "/authorized_default", "0\n");
      sysfs_.AddFile(std::string(hub) + "/authorized", "1\n");
    }
    sysfs_.AddSymlink("bus/usb/devices/1-1", std::string("/") + kStick);
    sysfs_.AddFile(std::string(kStick) + "/authorized", "1\n");
    sysfs_.AddSymlink("bus/usb/devices/1-2", std::string("/") + kKeyboard);
    sysfs_.AddFile(std::string(kKeyboard) + "/authorized", "0\n");
    sysfs_.AddSymlink("bus/usb/devices/1-1:1.0",
                      std::string("/") + kStick + "/1-1:1.0");
    sysfs_.AddSymlink("class/block/sdb", std::string("/") + kUsbDisk);
    sysfs_.AddSymlink("class/block/sdb1",
                      std::string("/") + kUsbDisk + "/sdb1");
    sysfs_.AddFile(std::string(kUsbDisk) + "/sdb1/partition", "1");
    sysfs_.AddSymlink("class/block/sda", std::string("/") + kSataDisk);
    sysfs_.AddFile(std::string(kSdCard) + "/type", "SD\n");
    sysfs_.AddSymlink("class/block/mmcblk0",
                      std::string("/") + kSdCard + "/block/mmcblk0");
    sysfs_.AddSymlink("class/block/mmcblk0p1",
                      std::string("/") + kSdCard + "/block/mmcblk0/mmcblk0p1");
    sysfs_.AddFile(std::string(kSdCard) + "/block/mmcblk0/mmcblk0p1/partition",
                   "1");
    blocks_.Add("sdb", true);
    blocks_.Add("sdb1", true);
    blocks_.Add("sda", true);
    blocks_.Add("mmcblk0", true);
    blocks_.Add("mmcblk0p1", true);
    wlan_ = rfkill_.AddRadio(os::RadioType::kWlan, "phy0");
    links_.AddLink({1, "lo", true, true});
    links_.AddLink({2, "eth0", true});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<session::SessionManager> Sessions(
      session::SessionRules rules) {
    session::SessionConfig config;
    config.state_file = dir_ + "/session.json";
    config.clock = &clock_;
    config.journal = &journal_;
    return std::make_unique<session::SessionManager>(
        config, rfkill_, &links_, &firewall_, std::move(rules));
  }
  ReleaseReport Run() {
    // A fresh /dev/rfkill descriptor: an "add" for every radio.
    for (const auto& [idx, radio] : rfkill_.radios()) {
      rfkill_.QueueEvent(
          {idx, radio.type, os::RfkillOp::kAdd, radio.soft, radio.hard});
    }
    std::unique_ptr<session::SessionManager> sessions =
        Sessions(session::SessionRules{});
    return Release(ReleaseDeps{sysfs_, blocks_, sessions.get(), &firewall_});
  }
  const ReleaseStep& Step(const ReleaseReport& report, const char* name) {
    for (const ReleaseStep& s : report.steps) {
      if (s.name == name) return s;
    }
    ADD_FAILURE() << "no step " << name;
    return report.steps.front();
  }
  std::string Attr(const std::string& path) {
    return sysfs_.ReadAttribute(path).value();
  }

  std::string dir_;
  os::FakeSysfs sysfs_;
  os::FakeBlockDevices blocks_;
  os::FakeRfkill rfkill_;
  os::FakeLinks links_;
  os::FakeFirewall firewall_;
  std::vector<journal::Event> events_;
  journal::testing::RecordingAppender journal_{events_};
  os::FakeClock clock_{1780282800000, 1000, 7};
  uint32_t wlan_ = 0;
};

TEST_F(ReleaseTest, GivesBackUsbDisksAndASession) {
  {
    session::SessionRules standalone;
    standalone.block_types = {1};
    standalone.standalone = true;
    auto daemon = Sessions(standalone);
    ASSERT_TRUE(daemon->Init().ok());
    ASSERT_TRUE(rfkill_.radios().at(wlan_).soft);
    ASSERT_FALSE(links_.links().at(2).up);
  }
  ReleaseReport report = Run();
  EXPECT_TRUE(report.ok()) << report.ToJson().dump();
  EXPECT_EQ(Attr(std::string(kHub1) + "/authorized_default"), "1");
  EXPECT_EQ(Attr(std::string(kHub2) + "/authorized_default"), "1");
  EXPECT_EQ(Attr(std::string(kKeyboard) + "/authorized"), "1");
  EXPECT_EQ(Step(report, "devices").done, Json::array({"1-2"}));
  EXPECT_FALSE(blocks_.IsReadOnly("sdb").value());
  EXPECT_FALSE(blocks_.IsReadOnly("sdb1").value());
  EXPECT_FALSE(blocks_.IsReadOnly("mmcblk0").value());
  EXPECT_FALSE(blocks_.IsReadOnly("mmcblk0p1").value());
  EXPECT_TRUE(blocks_.IsReadOnly("sda").value());  // not controlled: not ours
  EXPECT_EQ(Step(report, "read_only").done,
            Json::array({"mmcblk0", "mmcblk0p1", "sdb", "sdb1"}));
  EXPECT_FALSE(rfkill_.radios().at(wlan_).soft);
  EXPECT_TRUE(links_.links().at(2).up);
  EXPECT_EQ(Step(report, "session").done.size(), 1U);
  EXPECT_FALSE(firewall_.deleted().empty());
  Json json = report.ToJson();
  EXPECT_TRUE(json["ok"].get<bool>());
  EXPECT_EQ(json["steps"].size(), 6U);  // maintenance: no window here

  // Idempotent: nothing left to give back, and that is success.
  size_t written = blocks_.log().size();
  ReleaseReport again = Run();
  EXPECT_TRUE(again.ok());
  for (const ReleaseStep& step : again.steps) {
    EXPECT_TRUE(step.done.empty()) << step.name << ": " << step.done.dump();
  }
  EXPECT_EQ(blocks_.log().size(), written);
  EXPECT_EQ(
      sysfs_.WrittenValues(std::string(kHub1) + "/authorized_default").size(),
      1U);
}

TEST_F(ReleaseTest, EachFailureIsReportedAndTheRestIsStillDone) {
  sysfs_.FailWrites(std::string(kHub2) + "/authorized_default", EACCES);
  blocks_.FailSet("sdb1", EROFS);
  ReleaseReport report = Run();
  EXPECT_FALSE(report.ok());
  EXPECT_FALSE(Step(report, "root_hubs").ok);
  EXPECT_NE(Step(report, "root_hubs").error.find("authorized_default"),
            std::string::npos);
  EXPECT_EQ(Attr(std::string(kHub1) + "/authorized_default"), "1");
  EXPECT_TRUE(Step(report, "devices").ok);
  EXPECT_FALSE(Step(report, "read_only").ok);
  EXPECT_FALSE(blocks_.IsReadOnly("sdb").value());
  EXPECT_TRUE(Step(report, "session").ok);
  EXPECT_FALSE(report.ToJson()["ok"].get<bool>());
}

TEST_F(ReleaseTest, WithoutStateOrNftThereIsNothingToFail) {
  firewall_.Fail(NotFoundError("run", "nft", "No such file or directory"));
  ReleaseReport report =
      Release(ReleaseDeps{sysfs_, blocks_, nullptr, &firewall_});
  EXPECT_TRUE(report.ok()) << report.ToJson().dump();
  EXPECT_TRUE(Step(report, "session").done.empty());
}

// The attacker's way in: a local user asking the daemon to release. There
// is no such request, whatever the spelling.
TEST(ReleaseRights, NotAskableThroughTheLocalSocket) {
  for (const ipc::RequestSpec& spec : ipc::kRequestTable) {
    EXPECT_EQ(spec.name.find("release"), std::string_view::npos) << spec.name;
  }
  for (const char* request :
       {R"({"op":"release"})", R"({"op":"agent_release"})",
        R"({"op":"status","release":true})"}) {
    EXPECT_FALSE(ipc::ParseRequest(request).ok()) << request;
  }
}

}  // namespace
}  // namespace piiguard::agent
