#include "agent/rosterguard/worker.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <utility>

#include "common/status.h"

namespace piiguard::agent::rosterguard {

Result<std::unique_ptr<Worker>> Worker::Start() {
  UniqueFd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!fd.valid()) return ErrnoStatus("roster guard", "eventfd", errno);
  return std::unique_ptr<Worker>(new Worker(std::move(fd)));
}

Worker::Worker(UniqueFd event_fd)
    : event_fd_(std::move(event_fd)), thread_([this] { Loop(); }) {}

Worker::~Worker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Worker::Run(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void Worker::Post(std::function<void()> done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_.push_back(std::move(done));
  }
  uint64_t one = 1;
  // EAGAIN means the counter is already non-zero: the loop will wake.
  (void)!::write(event_fd_.get(), &one, sizeof one);
}

void Worker::RunCompletions() {
  uint64_t count = 0;
  (void)!::read(event_fd_.get(), &count, sizeof count);
  std::deque<std::function<void()>> done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    done.swap(done_);
  }
  for (auto& f : done) f();
}

void Worker::Loop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace piiguard::agent::rosterguard
