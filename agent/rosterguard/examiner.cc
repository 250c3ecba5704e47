#include "agent/rosterguard/examiner.h"

#include <utility>

#include "common/os/roster_files.h"

namespace piiguard::rosterguard {

Examined ExamineNow(const roster::Detector& detector, const ExamineJob& job) {
  Examined out;
  out.ticket = job.ticket;
  Result<os::ReadResult> read = os::ReadSparseFd(job.fd->get(), job.max_bytes);
  if (!read.ok()) {
    out.verdict = read.status();
    return out;
  }
  out.truncated = read->truncated;
  out.verdict = detector.Examine(read->text, job.options);
  return out;
}

ThreadExaminer::ThreadExaminer(const roster::Detector& detector,
                               std::function<void()> wake)
    : detector_(detector), wake_(std::move(wake)), thread_([this] { Run(); }) {}

ThreadExaminer::~ThreadExaminer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  thread_.join();
}

void ThreadExaminer::Submit(ExamineJob job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(job));
    ++busy_;
  }
  cv_.notify_all();
}

std::vector<Examined> ThreadExaminer::TakeDone() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::exchange(done_, {});
}

void ThreadExaminer::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return busy_ == 0; });
}

void ThreadExaminer::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    ExamineJob job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Examined result = ExamineNow(detector_, job);
    job.fd.reset();  // the loop may close the file now
    lock.lock();
    done_.push_back(std::move(result));
    --busy_;
    lock.unlock();
    cv_.notify_all();
    if (wake_) wake_();
    lock.lock();
  }
}

std::vector<Examined> ManualExaminer::TakeDone() {
  return std::exchange(done_, {});
}

size_t ManualExaminer::RunAll() {
  size_t n = 0;
  while (!queue_.empty()) {
    ExamineJob job = std::move(queue_.front());
    queue_.pop_front();
    done_.push_back(ExamineNow(detector_, job));
    ++n;
  }
  return n;
}

}  // namespace piiguard::rosterguard
