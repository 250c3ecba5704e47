// Throttling of failed logins by client address (docs/review-pages.md), so
// that nobody can lock a reviewer out by typing her name: failures are
// counted per address, never per user name. After max_failures failed
// logins of one address within the window, that address is refused for
// first_refusal_ms; each further refusal of the same address doubles,
// up to max_refusal_ms; an address quiet for forget_ms starts afresh. A
// good login does not clear the count (else an insider could interleave
// logins of his own account with guesses). The same account logs in from
// any other address at once.
//
// The table lives in the process (several server processes each count on
// their own) and holds at most max_addresses entries: when it is full the
// least recently used address is forgotten, so a flood of addresses cannot
// grow it. IPv6 addresses are counted per /64 (a host gets a whole /64),
// IPv4-mapped IPv6 as the IPv4 address.
//
// Thread-safety: thread-safe (one mutex).
#ifndef PIIGUARD_OFFICE_PAGES_LOGIN_THROTTLE_H_
#define PIIGUARD_OFFICE_PAGES_LOGIN_THROTTLE_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace piiguard::office {

struct LoginThrottleOptions {
  uint32_t max_failures = 5;
  int64_t window_ms = int64_t{15} * 60 * 1000;
  int64_t first_refusal_ms = int64_t{60} * 1000;
  int64_t max_refusal_ms = int64_t{60} * 60 * 1000;
  int64_t forget_ms = int64_t{24} * 60 * 60 * 1000;
  size_t max_addresses = 10000;
};

// The key an address is counted under: IPv4 as is, IPv6 as its /64
// ("2001:db8:1:2::/64"), "::ffff:a.b.c.d" as "a.b.c.d"; anything else
// (not an address) as is.
std::string ThrottleKey(std::string_view address);

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginThrottleOptions options);
  LoginThrottle(const LoginThrottle&) = delete;
  LoginThrottle& operator=(const LoginThrottle&) = delete;

  // Before a login is checked: 0 when `address` may try now (the attempt
  // is then counted as pending until Finish), else the milliseconds until
  // it may. Attempts already in flight count against the quota, so
  // parallel requests cannot get past it. `now_ms` is a monotonic time.
  int64_t Admit(std::string_view address, int64_t now_ms);
  // After an admitted attempt. A failure is counted; returns the refusal
  // that it starts (ms), or 0.
  int64_t Finish(std::string_view address, int64_t now_ms, bool failed);

  size_t size() const;

 private:
  struct Entry {
    uint32_t failures = 0;
    uint32_t pending = 0;
    uint32_t refusals = 0;  // refusals so far: the next lasts 2^refusals
    int64_t window_start_ms = 0;
    int64_t last_failure_ms = 0;
    int64_t refused_until_ms = 0;
    std::list<std::string>::iterator lru;
  };
  // The entry of `key`, made (evicting the least recently used) if absent,
  // and marked as most recently used.
  Entry& Touch(const std::string& key);

  const LoginThrottleOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // front: most recently used
};

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_PAGES_LOGIN_THROTTLE_H_
