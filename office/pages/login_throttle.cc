#include "office/pages/login_throttle.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace piiguard::office {
namespace {

// Doublings beyond this cannot matter (2^20 minutes is two years) and
// would overflow the shift.
constexpr uint32_t kMaxDoublings = 20;
// The wait of an address whose quota is taken by attempts in flight.
constexpr int64_t kBusyMs = 1000;

}  // namespace

std::string ThrottleKey(std::string_view address) {
  std::string text(address);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return text;
  std::array<unsigned char, sizeof(in6_addr)> v6{};
  if (inet_pton(AF_INET6, text.c_str(), v6.data()) != 1) return text;
  std::array<char, INET6_ADDRSTRLEN> out{};
  constexpr std::array<unsigned char, 12> kMapped = {0, 0, 0, 0, 0,    0,
                                                     0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMapped.begin(), kMapped.end(), v6.begin())) {
    std::memcpy(&v4, v6.data() + kMapped.size(), sizeof v4);
    if (inet_ntop(AF_INET, &v4, out.data(), out.size()) == nullptr) {
      return text;
    }
    return out.data();
  }
  std::fill(v6.begin() + 8, v6.end(), 0);
  if (inet_ntop(AF_INET6, v6.data(), out.data(), out.size()) == nullptr) {
    return text;
  }
  return std::string(out.data()) + "/64";
}

LoginThrottle::LoginThrottle(LoginThrottleOptions options)
    : options_(options) {}

LoginThrottle::Entry& LoginThrottle::Touch(const std::string& key) {
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return it->second;
  }
  if (options_.max_addresses > 0 && entries_.size() >= options_.max_addresses) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(key);
  Entry& entry = entries_[key];
  entry.lru = lru_.begin();
  return entry;
}

int64_t LoginThrottle::Admit(std::string_view address, int64_t now_ms) {
  const std::string key = ThrottleKey(address);
  std::lock_guard<std::mutex> lock(mutex_);
  Entry& entry = Touch(key);
  if (entry.refused_until_ms > now_ms) return entry.refused_until_ms - now_ms;
  if (entry.failures > 0 &&
      now_ms - entry.window_start_ms >= options_.window_ms) {
    entry.failures = 0;
  }
  if (entry.failures + entry.pending >= options_.max_failures) {
    // Only with attempts in flight: wait until they are decided.
    return kBusyMs;
  }
  ++entry.pending;
  return 0;
}

int64_t LoginThrottle::Finish(std::string_view address, int64_t now_ms,
                              bool failed) {
  const std::string key = ThrottleKey(address);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(key);
  // Not found: forgotten under a flood of addresses since Admit.
  if (it == entries_.end()) return 0;
  Entry& entry = it->second;
  if (entry.pending > 0) --entry.pending;
  if (!failed) return 0;
  if (entry.last_failure_ms != 0 &&
      now_ms - entry.last_failure_ms >= options_.forget_ms) {
    entry.refusals = 0;
  }
  entry.last_failure_ms = now_ms;
  if (entry.failures == 0 ||
      now_ms - entry.window_start_ms >= options_.window_ms) {
    entry.failures = 0;
    entry.window_start_ms = now_ms;
  }
  ++entry.failures;
  if (entry.failures < options_.max_failures) return 0;
  const uint32_t doublings = std::min(entry.refusals, kMaxDoublings);
  const int64_t refusal =
      std::min(options_.first_refusal_ms << doublings, options_.max_refusal_ms);
  entry.refusals = std::min(entry.refusals + 1, kMaxDoublings);
  entry.failures = 0;
  entry.refused_until_ms = now_ms + refusal;
  return refusal;
}

size_t LoginThrottle::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

}  // namespace piiguard::office
