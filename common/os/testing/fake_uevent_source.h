// FakeUeventSource: a UeventSource (common/os/uevent.h) fed by tests: the
// events pushed, a lost-events overflow and a failing drain on demand. Its
// fd() is -1: tests drain it themselves.
//
// Thread-safety: not thread-safe.
#ifndef PIIGUARD_COMMON_OS_TESTING_FAKE_UEVENT_SOURCE_H_
#define PIIGUARD_COMMON_OS_TESTING_FAKE_UEVENT_SOURCE_H_

#include <deque>
#include <utility>

#include "common/os/uevent.h"

namespace piiguard::os {

class FakeUeventSource : public UeventSource {
 public:
  void Push(Uevent event) { queue_.push_back(std::move(event)); }
  void Overflow() { overflow_ = true; }
  void FailNextDrain(Status status) { failure_ = std::move(status); }
  int fd() const override { return -1; }
  Result<Batch> Drain() override;

 private:
  std::deque<Uevent> queue_;
  bool overflow_ = false;
  Status failure_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_TESTING_FAKE_UEVENT_SOURCE_H_
