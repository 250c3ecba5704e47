// What ran during a maintenance window, from sudo's log file (issue 17 item
// 3, docs/exceptions.md "The maintenance window"). The maintenance account's
// sudoers entry (installer, helper maint-pam) logs every sudo command to
// /var/log/piiguard/maint-sudo.log with `loglinelen=0` (one line each) and
// its terminal input and output under /var/log/piiguard/maint-io; the
// maintenance window journals the part of the log written while it was open
// (maintenance.closed).
//
// A line as sudo 1.9 writes it (lib/eventlog: new_logline, do_logfile_sudo):
//
//   TIME : USER : [REASON ; ][HOST=h ; ]TTY=t ; PWD=p ; USER=u ; [GROUP=g ; ]
//       [TSID=s ; ][ENV=e ; ]COMMAND=c
//
// (one line). TIME is sudo's time format ("Dec  7 13:35:01", or with the
// year); REASON is there when sudo refused the command ("3 incorrect
// password attempts", "command not allowed"), optionally followed by
// " : ERROR"; COMMAND runs to the end of the line (sudo escapes control
// characters as #0nn and quotes arguments that hold spaces). A line that is
// not of this shape is counted, not read.
//
// Bounded: at most kMaxCommands commands are kept (the first ones; the
// count says how many there were), every field at most kMaxFieldBytes bytes
// of valid UTF-8 without control characters (SafeText), lines over
// kMaxLineBytes are counted as not read. The reader gives it at most
// kMaxSudoLogBytes (maintenance_host.h).
//
// Fuzzed by tests/fuzz/maintenance_fuzzer.cc (oracle: a log rewritten by
// FormatSudoLine from what was read reads the same).
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_MAINT_SUDO_LOG_H_
#define PIIGUARD_AGENT_MAINT_SUDO_LOG_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace piiguard::maint {

inline constexpr size_t kMaxCommands = 50;
inline constexpr size_t kMaxFieldBytes = 256;
inline constexpr size_t kMaxLineBytes = size_t{16} * 1024;
inline constexpr size_t kMaxSudoLogBytes = size_t{1} << 20;

// One command sudo ran or refused.
struct SudoCommand {
  std::string time;     // as sudo wrote it
  std::string user;     // who ran sudo
  std::string refused;  // sudo's reason when it refused it; "" when it ran
  std::string tty;      // TTY=
  std::string pwd;      // PWD= (or CWD=)
  std::string run_as;   // USER=
  std::string tsid;     // TSID=: the session's I/O log under the I/O log dir
  std::string command;  // COMMAND=, as sudo escaped it

  bool operator==(const SudoCommand&) const = default;
};

struct SudoLog {
  std::vector<SudoCommand> commands;  // the first kMaxCommands
  size_t total = 0;                   // lines naming a command
  size_t refused = 0;                 // of them, refused by sudo
  size_t unread = 0;  // other lines (not sudo's shape, too long)

  bool operator==(const SudoLog&) const = default;
};

// The commands in `bytes` (the new part of sudo's log). Never fails.
SudoLog ParseSudoLog(std::string_view bytes);

// The line sudo writes for `command` (without its newline): what the tests
// and the fuzzer's oracle feed back to ParseSudoLog.
std::string FormatSudoLine(const SudoCommand& command);

// `text` as at most `max_bytes` bytes of valid UTF-8 without control
// characters: an invalid byte or a control character becomes '?', and a
// longer text is cut on a character boundary. For what a log line or the
// kernel (a process's name) says.
std::string SafeText(std::string_view text, size_t max_bytes);

}  // namespace piiguard::maint

#endif  // PIIGUARD_AGENT_MAINT_SUDO_LOG_H_
