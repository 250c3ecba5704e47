// `piiguard status`: the exceptions part (docs/exceptions.md), in the
// staff's language: each running exception, its scope and minutes left,
// and a request code waiting for its response; the maintenance window; and
// the text helpers the exception commands share with it.
//
// Thread-safety: not applicable (one CLI call).
#ifndef PIIGUARD_AGENT_CLI_STATUS_EXCEPTIONS_H_
#define PIIGUARD_AGENT_CLI_STATUS_EXCEPTIONS_H_

#include <cstdint>
#include <string>

#include "agent/cli/tool.h"
#include "common/json_fwd.h"

namespace piiguard::cli {

// What a device or the daemon said, for staff's terminal: control
// characters (but newlines) replaced by '?', so that an escape sequence in
// a stick's serial cannot redraw what staff read.
std::string Printable(std::string text);
// The field `key` of `json` as text, Printable; "-" if missing.
std::string ShownText(const Json& json, const char* key);

// `part`: the daemon's "exceptions" status part (an object).
void ShowExceptions(const Tool& tool, const Json& part);
// `part`: the daemon's "maintenance" status part: the window open (its
// account, minutes left), waiting for a session's end, or closing.
void ShowMaintenance(const Tool& tool, const Json& part);
// "HH:MM" of a wall-clock time in ms, in this computer's time zone.
std::string ClockTime(int64_t wall_ms);

}  // namespace piiguard::cli

#endif  // PIIGUARD_AGENT_CLI_STATUS_EXCEPTIONS_H_
