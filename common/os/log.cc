#include "common/os/log.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>

namespace piiguard::os {
namespace {

class StderrSink final : public LogSink {
 public:
  StderrSink()
      : journal_(
            IsJournalStream(STDERR_FILENO, std::getenv("JOURNAL_STREAM"))) {}

  void Write(LogLevel level, std::string_view line) override {
    const std::string text =
        FormatLogLine(level, program_invocation_short_name, line, journal_);
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t n =
          ::write(STDERR_FILENO, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // nowhere left to report it
      done += static_cast<size_t>(n);
    }
  }

 private:
  const bool journal_;
};

StderrSink& Stderr() {
  static StderrSink sink;
  return sink;
}

std::atomic<LogSink*> g_sink{nullptr};

bool ParseU64(std::string_view text, uint64_t* out) {
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::string FormatLogLine(LogLevel level, std::string_view program,
                          std::string_view line, bool journal) {
  std::string text;
  text.reserve(line.size() + program.size() + 8);
  if (journal) {
    text += '<';
    text += static_cast<char>('0' + static_cast<int>(level));
    text += '>';
  }
  text += program;
  text += ": ";
  // One entry per line: a newline inside would start a new one at the
  // wrong priority.
  for (char c : line) text += c == '\n' ? ' ' : c;
  text += '\n';
  return text;
}

bool IsJournalStream(int fd, const char* journal_stream) {
  if (journal_stream == nullptr) return false;
  const std::string_view text(journal_stream);
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  uint64_t dev = 0;
  uint64_t ino = 0;
  if (!ParseU64(text.substr(0, colon), &dev) ||
      !ParseU64(text.substr(colon + 1), &ino)) {
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  return st.st_dev == dev && st.st_ino == ino;
}

void SetLogSink(LogSink* sink) { g_sink.store(sink); }

void Log(LogLevel level, std::string_view line) {
  LogSink* sink = g_sink.load();
  (sink != nullptr ? *sink : static_cast<LogSink&>(Stderr()))
      .Write(level, line);
}

void LogIfError(std::string_view context, const Status& status,
                LogLevel level) {
  if (status.ok()) return;
  std::string line(context);
  if (!line.empty()) line += ": ";
  line += status.message();
  Log(level, line);
}

}  // namespace piiguard::os
