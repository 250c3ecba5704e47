// LinuxLinks: the Links seam on rtnetlink: one NETLINK_ROUTE socket for
// requests (dump, set up/down, acknowledged) and one bound to RTMGRP_LINK
// for changes, both non-blocking and close-on-exec.
//
// Thread-safety: not thread-safe; one owner (the daemon's event loop).
#ifndef PIIGUARD_COMMON_OS_LINUX_LINKS_H_
#define PIIGUARD_COMMON_OS_LINUX_LINKS_H_

#include <memory>

#include "common/os/links.h"
#include "common/unique_fd.h"

namespace piiguard::os {

class LinuxLinks : public Links {
 public:
  static Result<std::unique_ptr<LinuxLinks>> Open();

  Result<std::vector<LinkInfo>> List() override;
  Status SetUp(int32_t ifindex, bool up) override;
  int fd() const override { return monitor_.get(); }
  Result<std::vector<LinkInfo>> ReadChanges() override;

 private:
  LinuxLinks(UniqueFd request, UniqueFd monitor)
      : request_(std::move(request)), monitor_(std::move(monitor)) {}
  Status Send(std::span<const uint8_t> message);
  // Reads answers to `seq` until NLMSG_DONE (dump) or an NLMSG_ERROR.
  Result<LinkMessages> Receive(bool dump);

  UniqueFd request_;
  UniqueFd monitor_;
  uint32_t seq_ = 1;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_LINUX_LINKS_H_
