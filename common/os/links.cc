#include "common/os/links.h"

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>

namespace piiguard::os {
namespace {

constexpr size_t kHeader = sizeof(nlmsghdr);    // 16
constexpr size_t kIfinfo = sizeof(ifinfomsg);   // 16
constexpr size_t kAttrHeader = sizeof(rtattr);  // 4
constexpr size_t Align(size_t n) { return (n + 3) & ~size_t{3}; }

template <typename T>
T Load(std::span<const uint8_t> bytes, size_t at) {
  T value;
  std::memcpy(&value, bytes.data() + at, sizeof value);
  return value;
}

Status Bad(std::string_view reason) {
  return InvalidArgumentError("rtnetlink", "message", reason);
}

Result<LinkInfo> ParseLink(std::span<const uint8_t> body, bool removed) {
  if (body.size() < kIfinfo) return Bad("ifinfomsg truncated");
  auto info = Load<ifinfomsg>(body, 0);
  LinkInfo link;
  link.ifindex = info.ifi_index;
  link.up = (info.ifi_flags & IFF_UP) != 0;
  link.loopback = (info.ifi_flags & IFF_LOOPBACK) != 0;
  link.removed = removed;
  size_t at = Align(kIfinfo);
  while (at + kAttrHeader <= body.size()) {
    auto attr = Load<rtattr>(body, at);
    if (attr.rta_len < kAttrHeader || at + attr.rta_len > body.size()) {
      return Bad("attribute length");
    }
    if (attr.rta_type == IFLA_IFNAME) {
      std::span<const uint8_t> value =
          body.subspan(at + kAttrHeader, attr.rta_len - kAttrHeader);
      const auto* chars = reinterpret_cast<const char*>(value.data());
      size_t len = strnlen(chars, value.size());
      if (len == value.size()) return Bad("IFLA_IFNAME not terminated");
      if (len == 0 || len >= IFNAMSIZ) return Bad("IFLA_IFNAME length");
      link.name.assign(chars, len);
    }
    at += Align(attr.rta_len);
  }
  if (link.name.empty()) return Bad("no IFLA_IFNAME");
  return link;
}

void Put(std::vector<uint8_t>& out, const void* data, size_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
  out.insert(out.end(), p, p + size);
  out.resize(Align(out.size()), 0);
}

}  // namespace

Result<LinkMessages> ParseLinkMessages(std::span<const uint8_t> bytes) {
  LinkMessages out;
  size_t at = 0;
  while (at < bytes.size()) {
    if (bytes.size() - at < kHeader) return Bad("header truncated");
    auto header = Load<nlmsghdr>(bytes, at);
    if (header.nlmsg_len < kHeader || header.nlmsg_len > bytes.size() - at) {
      return Bad("nlmsg_len " + std::to_string(header.nlmsg_len));
    }
    std::span<const uint8_t> body =
        bytes.subspan(at + kHeader, header.nlmsg_len - kHeader);
    switch (header.nlmsg_type) {
      case RTM_NEWLINK:
      case RTM_DELLINK: {
        PIIGUARD_ASSIGN_OR_RETURN(
            LinkInfo link, ParseLink(body, header.nlmsg_type == RTM_DELLINK));
        out.links.push_back(std::move(link));
        break;
      }
      case NLMSG_DONE:
        out.done = true;
        break;
      case NLMSG_ERROR:
        if (body.size() < sizeof(int32_t)) return Bad("NLMSG_ERROR truncated");
        if (!out.has_error) {
          out.has_error = true;
          out.error = Load<int32_t>(body, 0);
        }
        break;
      default:
        break;
    }
    at += Align(header.nlmsg_len);
  }
  return out;
}

std::vector<uint8_t> BuildLinkMessage(const LinkInfo& link, uint32_t seq) {
  std::vector<uint8_t> out;
  nlmsghdr header{};
  header.nlmsg_type = link.removed ? RTM_DELLINK : RTM_NEWLINK;
  header.nlmsg_seq = seq;
  Put(out, &header, kHeader);
  ifinfomsg info{};
  info.ifi_family = AF_UNSPEC;
  info.ifi_index = link.ifindex;
  info.ifi_flags = (link.up ? unsigned{IFF_UP} : 0U) |
                   (link.loopback ? unsigned{IFF_LOOPBACK} : 0U);
  Put(out, &info, kIfinfo);
  rtattr attr{};
  attr.rta_type = IFLA_IFNAME;
  attr.rta_len = static_cast<uint16_t>(kAttrHeader + link.name.size() + 1);
  size_t start = out.size();
  Put(out, &attr, kAttrHeader);
  out.resize(start + kAttrHeader);
  out.insert(out.end(), link.name.begin(), link.name.end());
  out.push_back(0);
  out.resize(Align(out.size()), 0);
  auto len = static_cast<uint32_t>(out.size());
  std::memcpy(out.data(), &len, sizeof len);
  return out;
}

}  // namespace piiguard::os
