#include "common/os/testing/fake_links.h"

#include <cerrno>

namespace piiguard::os {

void FakeLinks::Change(int32_t ifindex, bool up) {
  auto it = links_.find(ifindex);
  if (it == links_.end() || it->second.up == up) return;
  it->second.up = up;
  pending_.push_back(it->second);
}

void FakeLinks::SetUpByOther(int32_t ifindex, bool up) { Change(ifindex, up); }

Result<std::vector<LinkInfo>> FakeLinks::List() {
  if (list_errno_ != 0) return ErrnoStatus("rtnetlink", "fake", list_errno_);
  std::vector<LinkInfo> out;
  out.reserve(links_.size());
  for (const auto& [index, link] : links_) out.push_back(link);
  return out;
}

Status FakeLinks::SetUp(int32_t ifindex, bool up) {
  set_calls_.emplace_back(ifindex, up);
  if (set_errno_ != 0) return ErrnoStatus("rtnetlink", "fake", set_errno_);
  if (!links_.contains(ifindex))
    return ErrnoStatus("rtnetlink", "fake", ENODEV);
  Change(ifindex, up);
  return Status::Ok();
}

Result<std::vector<LinkInfo>> FakeLinks::ReadChanges() {
  std::vector<LinkInfo> out(pending_.begin(), pending_.end());
  pending_.clear();
  return out;
}

}  // namespace piiguard::os
