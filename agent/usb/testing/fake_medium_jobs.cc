#include "agent/usb/testing/fake_medium_jobs.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "agent/usb/medium_helper.h"

namespace piiguard::agent::usb {
namespace {

constexpr const char* kContext = "medium helper";

}  // namespace

Result<MediumJobs::Id> FakeMediumJobs::Start(const MediumRequest& request) {
  if (fail_start_) return InternalError(kContext, "fake", "cannot start");
  Id id = next_++;
  pending_[id] = SerializeMediumRequest(request);
  started_.push_back(request);
  return id;
}

void FakeMediumJobs::Abandon(Id id) {
  pending_.erase(id);
  std::erase_if(done_, [&](const Done& d) { return d.first == id; });
  started_ids_.erase(id);
  abandoned_.push_back(id);
}

size_t FakeMediumJobs::RunPending() {
  size_t ran = 0;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (started_ids_.insert(it->first).second) {
      done_.emplace_back(it->first, std::nullopt);
      ++ran;
    }
    Result<MediumRequest> request = ParseMediumRequest(it->second);
    if (request.ok() && request->kind == MediumRequest::Kind::kRead &&
        std::find(stalled_.begin(), stalled_.end(), request->disk) !=
            stalled_.end()) {
      ++it;
      continue;
    }
    if (!request.ok()) {
      done_.emplace_back(it->first, request.status());
    } else {
      MediumHelperOptions no_pause;
      no_pause.pause = [] {};
      MediumAnswer answer =
          RunMediumRequest(*request, medium_, mounts_, no_pause);
      SettleMediumRequest(*request, answer, mounts_);
      done_.emplace_back(it->first,
                         ParseMediumAnswer(SerializeMediumAnswer(answer)));
    }
    started_ids_.erase(it->first);
    it = pending_.erase(it);
    ++ran;
  }
  return ran;
}

std::vector<MediumJobs::Done> FakeMediumJobs::Collect() {
  return std::exchange(done_, {});
}

}  // namespace piiguard::agent::usb
