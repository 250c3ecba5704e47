#include "common/os/block_write_gate.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>

#include "common/os/testing/fake_block_write_gate.h"

namespace piiguard::os {
namespace {

TEST(KernelDeviceKey, IsTheKernelsMkdev) {
  // include/linux/kdev_t.h: MINORBITS 20.
  EXPECT_EQ(KernelDeviceKey({8, 16}, false), (8ULL << 20) | 16);
  EXPECT_EQ(KernelDeviceKey({259, 3}, false), (259ULL << 20) | 3);
  EXPECT_EQ(KernelDeviceKey({21, 1}, true), (1ULL << 32) | (21ULL << 20) | 1);
  // A block and a char device of the same number are different keys.
  EXPECT_NE(KernelDeviceKey({21, 1}, true), KernelDeviceKey({21, 1}, false));
}

TEST(FakeBlockWriteGate, RefusesWhatIsNotAllowedOnceActive) {
  FakeBlockWriteGate gate;
  EXPECT_EQ(gate.layer(), "blkroset");
  EXPECT_TRUE(gate.WouldAllow({8, 16}));  // no gate: BLKROSET decides
  ASSERT_TRUE(gate.Allow({8, 0}).ok());
  ASSERT_TRUE(gate.Activate().ok());
  EXPECT_EQ(gate.layer(), "bpf-lsm");
  EXPECT_TRUE(gate.WouldAllow({8, 0}));
  EXPECT_FALSE(gate.WouldAllow({8, 16}));
  ASSERT_TRUE(gate.Allow({8, 16}).ok());
  EXPECT_TRUE(gate.WouldAllow({8, 16}));
  ASSERT_TRUE(gate.Revoke({8, 16}).ok());
  ASSERT_TRUE(gate.Revoke({8, 16}).ok());  // not in the list: fine
  EXPECT_FALSE(gate.WouldAllow({8, 16}));
}

TEST(FakeBlockWriteGate, UnavailableStaysBlkroset) {
  FakeBlockWriteGate gate;
  gate.set_unavailable(true);
  EXPECT_FALSE(gate.Activate().ok());
  EXPECT_FALSE(gate.active());
  EXPECT_EQ(gate.layer(), "blkroset");
}

TEST(FakeBlockWriteGate, FailedUpdatesChangeNothing) {
  FakeBlockWriteGate gate;
  ASSERT_TRUE(gate.Activate().ok());
  gate.FailUpdates(ENOMEM);
  EXPECT_FALSE(gate.Allow({8, 16}).ok());
  EXPECT_FALSE(gate.WouldAllow({8, 16}));
}

TEST(FakeBlockWriteGate, ReportsDenialsOnce) {
  FakeBlockWriteGate gate;
  gate.Deny({{8, 16}, false, "open", 42, "dd", 1});
  Result<std::vector<GateDenial>> first = gate.Drain();
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1U);
  EXPECT_EQ((*first)[0].operation, "open");
  EXPECT_TRUE(gate.Drain()->empty());
}

// The real program is loaded (the kernel's verifier accepts it, CO-RE
// relocations resolve against this kernel's BTF) but never attached here:
// attaching would gate the machine the tests run on. The VM tier attaches
// it (tests/vm/scenarios/usb_gate.sh).
TEST(LinuxBlockWriteGate, LoadsWhereAllowed) {
  std::unique_ptr<LinuxBlockWriteGate> gate =
      LinuxBlockWriteGate::Load("/nonexistent");
  ASSERT_NE(gate, nullptr);
  if (gate->load_error().code() == StatusCode::kPermissionDenied) {
    // Not root, or a container without CAP_BPF (this machine).
    GTEST_SKIP() << gate->load_error().message();
  }
  ASSERT_TRUE(gate->load_error().ok()) << gate->load_error().message();
  EXPECT_FALSE(gate->active());
  EXPECT_EQ(gate->fd(), -1);  // not active: nothing to read
  // Allow and Revoke work on the map, loaded or not.
  EXPECT_TRUE(gate->Allow({4095, 1}).ok());
  EXPECT_TRUE(gate->Revoke({4095, 1}).ok());
  EXPECT_TRUE(gate->Revoke({4095, 1}).ok());
}

}  // namespace
}  // namespace piiguard::os
