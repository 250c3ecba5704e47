#include "common/os/links.h"

#include <gtest/gtest.h>
#include <linux/netlink.h>

#include <cerrno>
#include <cstring>

#include "common/os/firewall.h"
#include "common/os/testing/fake_links.h"

namespace piiguard::os {
namespace {

TEST(LinkMessagesTest, RoundTripsSeveralMessages) {
  LinkInfo lo{1, "lo", true, true, false};
  LinkInfo eth{2, "eth0", false, false, false};
  LinkInfo gone{3, "wlan0", false, false, true};
  std::vector<uint8_t> bytes = BuildLinkMessage(lo, 1);
  for (const LinkInfo& link : {eth, gone}) {
    std::vector<uint8_t> more = BuildLinkMessage(link, 2);
    bytes.insert(bytes.end(), more.begin(), more.end());
  }
  Result<LinkMessages> parsed = ParseLinkMessages(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  ASSERT_EQ(parsed->links.size(), 3U);
  EXPECT_EQ(parsed->links[0], lo);
  EXPECT_EQ(parsed->links[1], eth);
  EXPECT_EQ(parsed->links[2], gone);
  EXPECT_FALSE(parsed->done);
}

TEST(LinkMessagesTest, DoneAndError) {
  nlmsghdr done{};
  done.nlmsg_len = sizeof done + 4;
  done.nlmsg_type = NLMSG_DONE;
  std::vector<uint8_t> bytes(done.nlmsg_len, 0);
  std::memcpy(bytes.data(), &done, sizeof done);
  nlmsghdr err{};
  err.nlmsg_len = sizeof err + sizeof(nlmsgerr);
  err.nlmsg_type = NLMSG_ERROR;
  std::vector<uint8_t> eb(err.nlmsg_len, 0);
  std::memcpy(eb.data(), &err, sizeof err);
  int32_t code = -EPERM;
  std::memcpy(eb.data() + sizeof err, &code, sizeof code);
  bytes.insert(bytes.end(), eb.begin(), eb.end());
  Result<LinkMessages> parsed = ParseLinkMessages(bytes);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->done);
  EXPECT_TRUE(parsed->has_error);
  EXPECT_EQ(parsed->error, -EPERM);
}

TEST(LinkMessagesTest, RefusesTruncation) {
  std::vector<uint8_t> bytes = BuildLinkMessage({2, "eth0", true}, 1);
  for (size_t cut = 1; cut < bytes.size(); ++cut) {
    std::vector<uint8_t> part(bytes.begin(),
                              bytes.begin() + static_cast<long>(cut));
    EXPECT_FALSE(ParseLinkMessages(part).ok()) << cut;
  }
}

TEST(FakeLinksTest, SetUpQueuesChanges) {
  FakeLinks links;
  links.AddLink({2, "eth0", true});
  ASSERT_TRUE(links.SetUp(2, false).ok());
  EXPECT_FALSE(links.links().at(2).up);
  Result<std::vector<LinkInfo>> changes = links.ReadChanges();
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 1U);
  EXPECT_FALSE(links.SetUp(9, false).ok());
  links.FailSetUp(EPERM);
  EXPECT_FALSE(links.SetUp(2, true).ok());
}

TEST(FirewallTest, MissingNftIsNotFound) {
  NftFirewall nft("/nonexistent/nft");
  Status s = nft.Apply("table inet piiguard {}\n");
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.message();
}

}  // namespace
}  // namespace piiguard::os
