#include "common/os/testing/fake_service_manager.h"

#include <utility>

namespace piiguard::os {
namespace {

bool HasLine(std::string_view message, std::string_view line) {
  while (!message.empty()) {
    size_t end = message.find('\n');
    if (message.substr(0, end) == line) return true;
    if (end == std::string_view::npos) break;
    message.remove_prefix(end + 1);
  }
  return false;
}

}  // namespace

void FakeServiceManager::SetWatchdogInterval(
    std::optional<std::chrono::microseconds> interval) {
  std::lock_guard lock(mu_);
  watchdog_ = interval;
}

void FakeServiceManager::Fail(Status status) {
  std::lock_guard lock(mu_);
  fail_ = std::move(status);
}

std::vector<FakeServiceManager::Sent> FakeServiceManager::sent() const {
  std::lock_guard lock(mu_);
  return sent_;
}

bool FakeServiceManager::HasLocked(std::string_view assignment) const {
  for (const Sent& s : sent_) {
    if (HasLine(s.state, assignment)) return true;
  }
  return false;
}

bool FakeServiceManager::Has(std::string_view assignment) const {
  std::lock_guard lock(mu_);
  return HasLocked(assignment);
}

bool FakeServiceManager::WaitFor(std::string_view assignment,
                                 std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return HasLocked(assignment); });
}

Status FakeServiceManager::Notify(std::string_view state) {
  {
    std::lock_guard lock(mu_);
    if (!fail_.ok()) return fail_;
    sent_.push_back(Sent{std::string(state), std::this_thread::get_id()});
  }
  cv_.notify_all();
  return Status::Ok();
}

std::optional<std::chrono::microseconds>
FakeServiceManager::WatchdogInterval() {
  std::lock_guard lock(mu_);
  return watchdog_;
}

}  // namespace piiguard::os
