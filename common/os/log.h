// The log seam: every line a piiguard process logs for the operator goes
// through Log(). In production the sink is the process's stderr; when that
// is the systemd journal (a service's stderr, recognised by
// $JOURNAL_STREAM as systemd.exec(5) says) each line carries its priority
// as an sd-daemon(3) prefix ("<3>"), so `journalctl -p err` finds errors.
// Tests install their own sink (SetLogSink) and read what was logged.
// Libraries never write to std::cerr themselves.
//
// Thread-safety: Log() may be called from any thread (the roster guard's
// worker, the radio guard); each line is written with one write(2).
// SetLogSink must not race with Log() (set it before threads start).
#ifndef PIIGUARD_COMMON_OS_LOG_H_
#define PIIGUARD_COMMON_OS_LOG_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace piiguard::os {

// syslog(3) priorities.
enum class LogLevel { kError = 3, kWarning = 4, kNotice = 5, kInfo = 6 };

class LogSink {
 public:
  virtual ~LogSink() = default;
  // One line, without its newline.
  virtual void Write(LogLevel level, std::string_view line) = 0;
};

// The line as the stderr sink writes it: "<N>" when `journal`, then
// "PROGRAM: LINE\n".
std::string FormatLogLine(LogLevel level, std::string_view program,
                          std::string_view line, bool journal);

// Whether the file on `fd` is the one $JOURNAL_STREAM ("DEV:INODE") names.
bool IsJournalStream(int fd, const char* journal_stream);

// Replaces the process's sink (nullptr: stderr again). The sink must
// outlive its use.
void SetLogSink(LogSink* sink);

void Log(LogLevel level, std::string_view line);
// "CONTEXT: MESSAGE" at `level` when `status` is an error; nothing if ok.
void LogIfError(std::string_view context, const Status& status,
                LogLevel level = LogLevel::kError);

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_LOG_H_
