#include "agent/usb/stick_identity_hash.h"

#include <gtest/gtest.h>

namespace piiguard::agent::usb {
namespace {

policy::StickIdentity Sandisk() {
  return {"0781",      "5581",      "4C530001231122115315",
          30752636928, "1a2b-3c4d", "vfat"};
}

// Computed independently:
// python3 -c "import hashlib,struct; f=lambda s: struct.pack('>I',len(s))+s;
//   print(hashlib.sha256(b'piiguard-stick-identity-v1\x00'+f(b'0781')
//   +f(b'5581')+f(b'4C530001231122115315')
//   +struct.pack('>Q',30752636928)).hexdigest())"
TEST(StickIdentityHashTest, FixedVector) {
  EXPECT_EQ(StickIdentityHash(Sandisk()),
            "823638dbdd51c92ea804acb832f62e9a4867b2f17e281d7433a24ffa0bd4d8b5");
}

TEST(StickIdentityHashTest, EveryKernelFieldCounts) {
  const std::string base = StickIdentityHash(Sandisk());
  policy::StickIdentity changed = Sandisk();
  changed.vid = "0782";
  EXPECT_NE(StickIdentityHash(changed), base);
  changed = Sandisk();
  changed.pid = "5582";
  EXPECT_NE(StickIdentityHash(changed), base);
  changed = Sandisk();
  changed.serial = "4C530001231122115316";
  EXPECT_NE(StickIdentityHash(changed), base);
  changed = Sandisk();
  changed.serial.clear();
  EXPECT_NE(StickIdentityHash(changed), base);
  changed = Sandisk();
  changed.capacity_bytes += 512;
  EXPECT_NE(StickIdentityHash(changed), base);
}

TEST(StickIdentityHashTest, TheMediumDoesNotCount) {
  policy::StickIdentity other = Sandisk();
  other.fs_uuid = "ffff-0000";
  other.fs_type = "ext4";
  EXPECT_EQ(StickIdentityHash(other), StickIdentityHash(Sandisk()));
}

// The fields are length-prefixed: moving bytes from one to the next
// changes the hash.
TEST(StickIdentityHashTest, FieldBoundariesAreUnambiguous) {
  policy::StickIdentity a{"ab", "cd", "ef", 1, "", ""};
  policy::StickIdentity b{"abc", "d", "ef", 1, "", ""};
  policy::StickIdentity c{"ab", "cde", "f", 1, "", ""};
  EXPECT_NE(StickIdentityHash(a), StickIdentityHash(b));
  EXPECT_NE(StickIdentityHash(a), StickIdentityHash(c));
  const std::string hash = StickIdentityHash(a);
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace piiguard::agent::usb
