#include "common/os/uevent.h"

#include <gtest/gtest.h>

#include "common/os/testing/fake_uevent_source.h"

namespace piiguard::os {
namespace {

using std::string_literals::operator""s;

TEST(UeventTest, ParsesABlockAdd) {
  std::string bytes =
      "add@/devices/pci0000:00/usb1/1-1/1-1:1.0/host0/block/sdb\0"
      "ACTION=add\0DEVPATH=/devices/pci0000:00/usb1/1-1/1-1:1.0/host0/block/"
      "sdb\0SUBSYSTEM=block\0DEVNAME=sdb\0DEVTYPE=disk\0SEQNUM=1234\0"s;
  Result<Uevent> event = ParseKernelUevent(bytes);
  ASSERT_TRUE(event.ok()) << event.status().message();
  EXPECT_EQ(event->action, "add");
  EXPECT_EQ(event->subsystem, "block");
  EXPECT_EQ(event->devtype, "disk");
  EXPECT_EQ(event->devname, "sdb");
  EXPECT_EQ(event->seqnum, 1234u);
  Result<Uevent> again = ParseKernelUevent(FormatKernelUevent(*event));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *event);
}

TEST(UeventTest, RefusesMalformedMessages) {
  for (const std::string& bytes :
       {""s, "add\0"s, "@/devices\0"s, "add@devices\0"s, "add@/d\0SUBSYSTEM\0"s,
        "add@/d\0lower=1\0"s, "add@/d\0A=1\0A=2\0"s, "add@/d\0ACTION=remove\0"s,
        "add@/d\0DEVPATH=/e\0"s, "add@/d\0SEQNUM=12x\0"s,
        "add@/d\0SEQNUM=123456789012345678901\0"s, "libudev\0\xfe\xed\xca\xfe"s,
        std::string(9000, 'a')}) {
    EXPECT_FALSE(ParseKernelUevent(bytes).ok()) << bytes;
  }
}

// udevd's message laid out as systemd's device-monitor.c sends it (x86_64:
// the header's words in host order but the magic, which is big-endian).
std::string UdevBytes(std::string_view properties, uint32_t offset = 40) {
  std::string out("libudev\0"s);
  out += "\xfe\xed\xca\xfe"s;
  auto word = [&out](uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  };
  word(40);
  word(offset);
  word(static_cast<uint32_t>(properties.size()));
  for (int i = 0; i < 4; ++i) word(0x12345678);  // filter words: ignored
  out += properties;
  return out;
}

TEST(UeventTest, ParsesUdevsMessageAfterItsRules) {
  std::string properties =
      "ACTION=add\0DEVPATH=/devices/pci0000:00/usb1/1-1/1-1:1.0/host0/"
      "block/sdb\0SUBSYSTEM=block\0DEVNAME=/dev/sdb\0DEVTYPE=disk\0"
      "SEQNUM=77\0USEC_INITIALIZED=123\0ID_BUS=usb\0"s;
  Result<Uevent> event = ParseUdevMessage(UdevBytes(properties));
  ASSERT_TRUE(event.ok()) << event.status().message();
  EXPECT_EQ(event->action, "add");
  EXPECT_EQ(event->devpath,
            "/devices/pci0000:00/usb1/1-1/1-1:1.0/host0/block/sdb");
  EXPECT_EQ(event->subsystem, "block");
  EXPECT_EQ(event->devtype, "disk");
  EXPECT_EQ(event->devname, "sdb");  // as the kernel names it
  EXPECT_EQ(event->vars.at("DEVNAME"), "/dev/sdb");
  EXPECT_EQ(event->seqnum, 77u);
  Result<Uevent> again = ParseUdevMessage(FormatUdevMessage(*event));
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*again, *event);
}

TEST(UeventTest, RefusesWhatIsNotUdevsMessage) {
  std::string good = "ACTION=change\0DEVPATH=/d\0"s;
  ASSERT_TRUE(ParseUdevMessage(UdevBytes(good)).ok());
  std::string bad_magic = UdevBytes(good);
  bad_magic[8] = '\x00';
  std::string past_end = UdevBytes(good, 60);
  std::string inside_header = UdevBytes(good, 20);
  for (const std::string& bytes :
       {""s, "add@/d\0ACTION=add\0"s, "libudev\0"s, bad_magic, past_end,
        inside_header, UdevBytes(""), UdevBytes("DEVPATH=/d\0"s),
        UdevBytes("ACTION=add\0"s), UdevBytes("ACTION=add\0DEVPATH=d\0"s),
        UdevBytes("ACTION=add\0DEVPATH=/d\0ACTION=remove\0"s),
        UdevBytes("ACTION=add\0DEVPATH=/d\0lower=1\0"s),
        UdevBytes(std::string(9000, 'A'))}) {
    EXPECT_FALSE(ParseUdevMessage(bytes).ok()) << bytes;
  }
}

TEST(UeventTest, FakeSourceDrainsInOrderAndReportsOverflow) {
  FakeUeventSource source;
  Uevent a;
  a.action = "add";
  a.devpath = "/a";
  source.Push(a);
  source.Overflow();
  Result<UeventSource::Batch> batch = source.Drain();
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->overflow);
  ASSERT_EQ(batch->events.size(), 1u);
  batch = source.Drain();
  ASSERT_TRUE(batch.ok());
  EXPECT_FALSE(batch->overflow);
  EXPECT_TRUE(batch->events.empty());
  source.FailNextDrain(IoError("uevent", "x", "boom"));
  EXPECT_FALSE(source.Drain().ok());
  EXPECT_TRUE(source.Drain().ok());
}

}  // namespace
}  // namespace piiguard::os
