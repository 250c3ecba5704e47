// FakeLinks: an in-memory Links for tests: links with up/down state, a
// queue of changes (one per SetUp that changes something, and those made
// by "others"), injectable errors and a log of SetUp calls.
//
// Thread-safety: not thread-safe (tests drive it from one thread).
#ifndef PIIGUARD_COMMON_OS_FAKE_LINKS_H_
#define PIIGUARD_COMMON_OS_FAKE_LINKS_H_

#include <deque>
#include <map>
#include <utility>
#include <vector>

#include "common/os/links.h"

namespace piiguard::os {

class FakeLinks : public Links {
 public:
  void AddLink(LinkInfo link) { links_[link.ifindex] = std::move(link); }
  // Another program sets the link up or down: a change is queued.
  void SetUpByOther(int32_t ifindex, bool up);
  void FailSetUp(int error_number) { set_errno_ = error_number; }
  void FailList(int error_number) { list_errno_ = error_number; }

  const std::map<int32_t, LinkInfo>& links() const { return links_; }
  const std::vector<std::pair<int32_t, bool>>& set_calls() const {
    return set_calls_;
  }

  Result<std::vector<LinkInfo>> List() override;
  Status SetUp(int32_t ifindex, bool up) override;
  int fd() const override { return -1; }
  Result<std::vector<LinkInfo>> ReadChanges() override;

 private:
  void Change(int32_t ifindex, bool up);

  std::map<int32_t, LinkInfo> links_;
  std::deque<LinkInfo> pending_;
  std::vector<std::pair<int32_t, bool>> set_calls_;
  int set_errno_ = 0;
  int list_errno_ = 0;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_FAKE_LINKS_H_
