// CaptureLog: while it lives, every line logged through common/os/log.h is
// kept here instead of going to stderr, for tests that check what the code
// under test reported to the operator.
//
// Thread-safety: thread-safe (the code under test may log from its
// threads); install it before those threads start.
#ifndef PIIGUARD_COMMON_OS_TESTING_CAPTURE_LOG_H_
#define PIIGUARD_COMMON_OS_TESTING_CAPTURE_LOG_H_

#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/os/log.h"

namespace piiguard::os {

class CaptureLog final : public LogSink {
 public:
  CaptureLog() { SetLogSink(this); }
  ~CaptureLog() override { SetLogSink(nullptr); }
  CaptureLog(const CaptureLog&) = delete;
  CaptureLog& operator=(const CaptureLog&) = delete;

  void Write(LogLevel level, std::string_view line) override {
    std::lock_guard<std::mutex> lock(mu_);
    lines_.emplace_back(level, std::string(line));
  }
  std::vector<std::pair<LogLevel, std::string>> lines() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<LogLevel, std::string>> lines_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_TESTING_CAPTURE_LOG_H_
