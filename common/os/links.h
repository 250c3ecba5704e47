// Links: a small seam over the kernel's network links (rtnetlink,
// NETLINK_ROUTE), used by the session manager's standalone mode to take
// links down, watch them (RTMGRP_LINK) and bring them back. Production code
// uses LinuxLinks (linux_links.h); tests use FakeLinks (fake_links.h).
//
// Netlink messages are parsed from bytes (ParseLinkMessages, fuzzed by
// tests/fuzz/link_message_fuzzer.cc).
//
// Thread-safety: the functions are pure; each implementation says for its
// class.
#ifndef PIIGUARD_COMMON_OS_LINKS_H_
#define PIIGUARD_COMMON_OS_LINKS_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"

namespace piiguard::os {

struct LinkInfo {
  int32_t ifindex = 0;
  std::string name;  // IFLA_IFNAME, e.g. "eth0"
  bool up = false;   // IFF_UP (administratively up)
  bool loopback = false;
  bool removed = false;  // RTM_DELLINK

  bool operator==(const LinkInfo&) const = default;
};

// What a buffer of netlink messages from NETLINK_ROUTE holds: the link
// messages (RTM_NEWLINK/RTM_DELLINK) in order, whether NLMSG_DONE ended a
// dump, and the first NLMSG_ERROR's code (0: an acknowledgement; negative:
// -errno). Other message types are skipped. Truncated or inconsistent
// messages are an error.
struct LinkMessages {
  std::vector<LinkInfo> links;
  bool done = false;
  bool has_error = false;
  int error = 0;
};
Result<LinkMessages> ParseLinkMessages(std::span<const uint8_t> bytes);
// One RTM_NEWLINK (or RTM_DELLINK when removed) message for `link`, as the
// kernel sends it (tests and the fuzz target's oracle).
std::vector<uint8_t> BuildLinkMessage(const LinkInfo& link, uint32_t seq);

class Links {
 public:
  virtual ~Links() = default;

  // Every link now.
  virtual Result<std::vector<LinkInfo>> List() = 0;
  // Sets IFF_UP on or off.
  virtual Status SetUp(int32_t ifindex, bool up) = 0;
  // A descriptor readable when link changes are pending (epoll).
  virtual int fd() const = 0;
  // The link changes pending now (possibly none), oldest first.
  virtual Result<std::vector<LinkInfo>> ReadChanges() = 0;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_LINKS_H_
