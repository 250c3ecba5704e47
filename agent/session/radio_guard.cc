#include "agent/session/radio_guard.h"

#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

namespace piiguard::agent::session {
namespace {

constexpr uint8_t kAll = static_cast<uint8_t>(os::RadioType::kAll);
constexpr uint32_t kEveryType = 0xffffffffu;
constexpr int kMaxPumpRounds = 16;
// More re-blocks than this within one second: a radio that does not stay
// blocked (a driver that refuses, a program in a loop). The thread ends
// rather than spin at real-time priority; the loop's own path takes over
// and fails closed if the radio stays unblocked.
constexpr uint64_t kMaxReblocksPerSecond = 200;

bool Guarded(uint32_t mask, uint8_t type) {
  if (mask == kEveryType) return true;
  return type < 32 && (mask & (1u << type)) != 0;
}

// SCHED_FIFO 1 if the rlimit allows it, else nice -20 for this thread.
std::string RaisePriority() {
  sched_param param{};
  param.sched_priority = 1;
  int rc = ::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &param);
  if (rc == 0) return "fifo 1";
  std::string fifo_error = std::strerror(rc);
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), -20) == 0) {
    return "nice -20 (fifo: " + fifo_error + ")";
  }
  errno = 0;
  int nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  return "nice " + std::to_string(nice) + " (fifo: " + fifo_error + ")";
}

}  // namespace

uint32_t GuardMask(const std::vector<uint8_t>& types) {
  uint32_t mask = 0;
  for (uint8_t t : types) {
    if (t == kAll) return kEveryType;
    if (t < 32) mask |= 1u << t;
  }
  return mask;
}

void RadioGuard::SetGuarded(uint32_t mask) {
  std::lock_guard<std::mutex> lock(mu_);
  mask_ = mask;
}

uint32_t RadioGuard::guarded() const {
  std::lock_guard<std::mutex> lock(mu_);
  return mask_;
}

RadioGuard::Stats RadioGuard::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

Status RadioGuard::Pump() {
  for (int round = 0; round < kMaxPumpRounds; ++round) {
    Result<std::vector<os::RfkillEvent>> events = rfkill_.ReadEvents();
    int64_t read_us = clock_.MonotonicUs();
    std::lock_guard<std::mutex> lock(mu_);
    if (!events.ok()) {
      stats_.last_error = events.status().message();
      return events.status();
    }
    if (events->empty()) return Status::Ok();
    // The radios first (CHANGE touches one device: the shortest window),
    // then each type, which also restores the type's default in case the
    // unblock was a CHANGE_ALL.
    std::vector<uint8_t> types;
    Status failed;
    uint64_t undone = 0;
    for (const os::RfkillEvent& e : *events) {
      bool up = e.op == os::RfkillOp::kAdd || e.op == os::RfkillOp::kChange;
      if (!up || e.soft || !Guarded(mask_, e.type)) continue;
      Status s = rfkill_.Change(e.idx, true);
      if (!s.ok() && failed.ok()) failed = s;
      if (std::find(types.begin(), types.end(), e.type) == types.end()) {
        types.push_back(e.type);
      }
      ++undone;
    }
    for (uint8_t t : types) {
      Status s = rfkill_.ChangeAll(t, true);
      if (!s.ok() && failed.ok()) failed = s;
    }
    if (undone == 0) continue;
    int64_t took = clock_.MonotonicUs() - read_us;
    stats_.reblocks += undone;
    stats_.last_micros = took;
    if (took > stats_.worst_micros) stats_.worst_micros = took;
    if (!failed.ok()) {
      stats_.last_error = failed.message();
      return failed;
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<RadioGuardThread>> RadioGuardThread::Start(
    RadioGuard& guard) {
  if (guard.fd() < 0) {
    return FailedPreconditionError("radio guard", "rfkill",
                                   "no descriptor to wait on");
  }
  UniqueFd stop(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!stop.valid()) return ErrnoStatus("radio guard", "eventfd", errno);
  std::unique_ptr<RadioGuardThread> t(
      new RadioGuardThread(guard, std::move(stop)));
  // The thread inherits a mask with every signal blocked: SIGTERM, SIGHUP
  // and SIGCHLD stay the event loop's (its signalfd).
  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  t->running_ = true;
  t->thread_ = std::thread([raw = t.get()] { raw->Run(); });
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return t;
}

void RadioGuardThread::Stop() {
  if (!thread_.joinable()) return;
  uint64_t one = 1;
  if (::write(stop_.get(), &one, sizeof one) < 0) {
    // An eventfd write fails only on overflow; the thread still sees it
    // readable.
  }
  thread_.join();
}

std::string RadioGuardThread::priority() const {
  std::lock_guard<std::mutex> lock(mu_);
  return priority_;
}

void RadioGuardThread::Run() {
  {
    std::string p = RaisePriority();
    std::lock_guard<std::mutex> lock(mu_);
    priority_ = std::move(p);
  }
  std::string why = Loop();
  std::lock_guard<std::mutex> lock(mu_);
  stopped_why_ = std::move(why);
  running_ = false;
}

std::string RadioGuardThread::Loop() {
  pollfd fds[2] = {{guard_.fd(), POLLIN, 0}, {stop_.get(), POLLIN, 0}};
  int64_t window_us = guard_.now_us();
  uint64_t window_base = guard_.stats().reblocks;
  for (;;) {
    int n = ::poll(fds, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::string("poll: ") + std::strerror(errno);
    }
    if (fds[1].revents != 0) return "stopped";
    if ((fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) {
      return "rfkill descriptor failed";
    }
    if ((fds[0].revents & POLLIN) == 0) continue;
    // A failing read or write ends the thread rather than spinning at
    // real-time priority; the event loop then re-blocks on its own path.
    if (Status s = guard_.Pump(); !s.ok()) return s.message();
    uint64_t reblocks = guard_.stats().reblocks;
    int64_t now = guard_.now_us();
    if (now - window_us >= 1'000'000) {
      window_us = now;
      window_base = reblocks;
    } else if (reblocks - window_base > kMaxReblocksPerSecond) {
      return "re-block storm: more than " +
             std::to_string(kMaxReblocksPerSecond) +
             " re-blocks in a second (a radio does not stay blocked)";
    }
  }
}

bool RadioGuardThread::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_;
}

std::string RadioGuardThread::stopped_why() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stopped_why_;
}

}  // namespace piiguard::agent::session
