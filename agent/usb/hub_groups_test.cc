#include "agent/usb/hub_groups.h"

#include <gtest/gtest.h>

namespace piiguard::agent::usb {
namespace {

constexpr const char* kHub = "devices/pci0/usb1/1-2";

HubGroups::Member Member(std::string path) {
  return {std::move(path), "5", {}};
}

TEST(HubGroupsTest, DevicesBelowANewHubJoinItsGroupUntilItSettles) {
  HubGroups groups(2'000'000, 10'000'000);
  EXPECT_EQ(groups.NextDeadline(), 0);
  groups.HubAuthorized(kHub, 1'000'000);
  EXPECT_EQ(groups.GroupOf("devices/pci0/usb1/1-2/1-2.1"), kHub);
  EXPECT_EQ(groups.GroupOf("devices/pci0/usb1/1-3"), "");
  EXPECT_EQ(groups.GroupOf(kHub), "") << "the hub is not its own member";
  groups.Join(kHub, Member("devices/pci0/usb1/1-2/1-2.1"), 1'500'000);
  groups.Join(kHub, Member("devices/pci0/usb1/1-2/1-2.2"), 2'500'000);
  EXPECT_TRUE(groups.Holds("devices/pci0/usb1/1-2/1-2.2"));
  // Each arrival gives the others 2 s more.
  EXPECT_EQ(groups.NextDeadline(), 4'500'000);
  EXPECT_TRUE(groups.Settled(4'499'999).empty());
  std::vector<HubGroups::Group> settled = groups.Settled(4'500'000);
  ASSERT_EQ(settled.size(), 1u);
  EXPECT_EQ(settled[0].members.size(), 2u);
  EXPECT_EQ(groups.GroupOf("devices/pci0/usb1/1-2/1-2.3"), "");
}

// A gadget cannot split a keyboard and a stick over two hubs: a hub inside
// an open group opens none of its own.
TEST(HubGroupsTest, NestedHubsShareTheOutermostGroup) {
  HubGroups groups(2'000'000, 10'000'000);
  groups.HubAuthorized(kHub, 0);
  std::string inner = std::string(kHub) + "/1-2.4";
  groups.Join(kHub, Member(inner), 100);
  groups.HubAuthorized(inner, 100);
  EXPECT_EQ(groups.GroupOf(inner + "/1-2.4.1"), kHub);
}

TEST(HubGroupsTest, AGroupSettlesAtTheLatestAfterItsMaximum) {
  HubGroups groups(2'000'000, 3'000'000);
  groups.HubAuthorized(kHub, 0);
  for (int64_t t = 0; t < 3'000'000; t += 1'000'000) {
    groups.Join(kHub, Member(std::string(kHub) + "/1-2." + std::to_string(t)),
                t);
  }
  EXPECT_EQ(groups.NextDeadline(), 3'000'000);
  groups.Gone(kHub);
  EXPECT_EQ(groups.NextDeadline(), 0);
}

}  // namespace
}  // namespace piiguard::agent::usb
