#include "common/os/timer.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

namespace piiguard::os {
namespace {

timespec ToTimespec(int64_t us) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(us / 1'000'000);
  ts.tv_nsec = static_cast<decltype(ts.tv_nsec)>((us % 1'000'000) * 1000);
  return ts;
}

}  // namespace

Result<std::unique_ptr<Timer>> Timer::Create(std::string context) {
  UniqueFd fd(::timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!fd.valid()) return ErrnoStatus(context, "timer", errno);
  return std::unique_ptr<Timer>(new Timer(std::move(fd), std::move(context)));
}

Status Timer::Set(int flags, int64_t value_us, int64_t interval_us) {
  itimerspec spec{};
  spec.it_value = ToTimespec(value_us);
  spec.it_interval = ToTimespec(interval_us);
  if (::timerfd_settime(fd_.get(), flags, &spec, nullptr) != 0) {
    return ErrnoStatus(context_, "timer", errno);
  }
  return Status::Ok();
}

Status Timer::After(int64_t delay_us) {
  return Set(0, std::max<int64_t>(delay_us, 1), 0);
}

Status Timer::At(int64_t at_us) {
  if (at_us <= 0) return Disarm();
  return Set(TFD_TIMER_ABSTIME, at_us, 0);
}

Status Timer::Every(int64_t period_us) {
  int64_t period = std::max<int64_t>(period_us, 1);
  return Set(0, period, period);
}

Status Timer::Disarm() { return Set(0, 0, 0); }

Result<uint64_t> Timer::Consume() {
  uint64_t expirations = 0;
  for (;;) {
    ssize_t n = ::read(fd_.get(), &expirations, sizeof expirations);
    if (n == static_cast<ssize_t>(sizeof expirations)) return expirations;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return uint64_t{0};
    return ErrnoStatus(context_, "timer", n < 0 ? errno : EIO);
  }
}

}  // namespace piiguard::os
