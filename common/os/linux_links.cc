#include "common/os/linux_links.h"

#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace piiguard::os {
namespace {

constexpr int kAnswerTimeoutMs = 2000;

Result<UniqueFd> Socket(uint32_t groups) {
  UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
                       NETLINK_ROUTE));
  if (!fd.valid()) return ErrnoStatus("rtnetlink", "socket", errno);
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = groups;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return ErrnoStatus("rtnetlink", "bind", errno);
  }
  return fd;
}

template <typename T>
void Append(std::vector<uint8_t>& out, const T& value) {
  const auto* p = reinterpret_cast<const uint8_t*>(&value);
  out.insert(out.end(), p, p + sizeof value);
}

std::vector<uint8_t> Request(uint16_t type, uint16_t flags, uint32_t seq,
                             const ifinfomsg& info) {
  std::vector<uint8_t> out;
  nlmsghdr header{};
  header.nlmsg_len = sizeof(nlmsghdr) + sizeof(ifinfomsg);
  header.nlmsg_type = type;
  header.nlmsg_flags = flags;
  header.nlmsg_seq = seq;
  Append(out, header);
  Append(out, info);
  return out;
}

}  // namespace

Result<std::unique_ptr<LinuxLinks>> LinuxLinks::Open() {
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd request, Socket(0));
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd monitor, Socket(RTMGRP_LINK));
  return std::unique_ptr<LinuxLinks>(
      new LinuxLinks(std::move(request), std::move(monitor)));
}

Status LinuxLinks::Send(std::span<const uint8_t> message) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  ssize_t n = ::sendto(request_.get(), message.data(), message.size(), 0,
                       reinterpret_cast<sockaddr*>(&kernel), sizeof kernel);
  if (n < 0) return ErrnoStatus("rtnetlink", "send", errno);
  return Status::Ok();
}

Result<LinkMessages> LinuxLinks::Receive(bool dump) {
  LinkMessages all;
  std::vector<uint8_t> buffer(size_t{64} * 1024);
  for (;;) {
    pollfd p{request_.get(), POLLIN, 0};
    int ready = ::poll(&p, 1, kAnswerTimeoutMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return ErrnoStatus("rtnetlink", "poll", errno);
    if (ready == 0) return IoError("rtnetlink", "answer", "timed out");
    ssize_t n = ::recv(request_.get(), buffer.data(), buffer.size(), 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return ErrnoStatus("rtnetlink", "recv", errno);
    PIIGUARD_ASSIGN_OR_RETURN(
        LinkMessages part,
        ParseLinkMessages(std::span(buffer.data(), static_cast<size_t>(n))));
    for (LinkInfo& link : part.links) all.links.push_back(std::move(link));
    if (part.has_error) {
      all.has_error = true;
      all.error = part.error;
      return all;
    }
    if (part.done || !dump) {
      all.done = part.done;
      return all;
    }
  }
}

Result<std::vector<LinkInfo>> LinuxLinks::List() {
  ifinfomsg info{};
  info.ifi_family = AF_UNSPEC;
  PIIGUARD_RETURN_IF_ERROR(
      Send(Request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq_++, info)));
  PIIGUARD_ASSIGN_OR_RETURN(LinkMessages answer, Receive(true));
  if (answer.has_error && answer.error != 0) {
    return ErrnoStatus("rtnetlink", "RTM_GETLINK", -answer.error);
  }
  return answer.links;
}

Status LinuxLinks::SetUp(int32_t ifindex, bool up) {
  ifinfomsg info{};
  info.ifi_family = AF_UNSPEC;
  info.ifi_index = ifindex;
  info.ifi_flags = up ? unsigned{IFF_UP} : 0U;
  info.ifi_change = IFF_UP;
  PIIGUARD_RETURN_IF_ERROR(
      Send(Request(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq_++, info)));
  PIIGUARD_ASSIGN_OR_RETURN(LinkMessages answer, Receive(false));
  std::string object = "link " + std::to_string(ifindex);
  if (!answer.has_error) return IoError("rtnetlink", object, "no ack");
  if (answer.error != 0) return ErrnoStatus("rtnetlink", object, -answer.error);
  return Status::Ok();
}

Result<std::vector<LinkInfo>> LinuxLinks::ReadChanges() {
  std::vector<LinkInfo> changes;
  std::vector<uint8_t> buffer(size_t{64} * 1024);
  for (;;) {
    ssize_t n = ::recv(monitor_.get(), buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    // ENOBUFS: changes were lost; the caller re-lists (reported as error).
    if (n < 0) return ErrnoStatus("rtnetlink", "monitor", errno);
    PIIGUARD_ASSIGN_OR_RETURN(
        LinkMessages part,
        ParseLinkMessages(std::span(buffer.data(), static_cast<size_t>(n))));
    for (LinkInfo& link : part.links) changes.push_back(std::move(link));
  }
  return changes;
}

}  // namespace piiguard::os
