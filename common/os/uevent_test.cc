#include "common/os/uevent.h"

#include <gtest/gtest.h>

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
