#include "common/os/testing/fake_uevent_source.h"

#include <utility>

namespace piiguard::os {

Result<UeventSource::Batch> FakeUeventSource::Drain() {
  if (!failure_.ok()) return std::exchange(failure_, Status::Ok());
  Batch batch;
  batch.overflow = std::exchange(overflow_, false);
  batch.events.assign(queue_.begin(), queue_.end());
  queue_.clear();
  return batch;
}

}  // namespace piiguard::os
