// One line of piiguard-office's log (stderr, to journald): every line goes
// through SafeText (signer_protocol.h), so text a request carried (a form
// field, a PC id) cannot start a second line or hide in control, C1 or
// line-separator characters or invalid UTF-8 (docs/office.md "Log").
//
// Thread-safety: a pure function.
#ifndef PIIGUARD_OFFICE_SIGNER_LOG_LINE_H_
#define PIIGUARD_OFFICE_SIGNER_LOG_LINE_H_

#include <string>
#include <string_view>

#include "office/signer/signer_protocol.h"

namespace piiguard::office {

// "PROGRAM: " + SafeText(line) + "\n": exactly one line.
inline std::string LogLineText(std::string_view program,
                               std::string_view line) {
  std::string out(program);
  out += ": ";
  out += signer::SafeText(line);
  out += '\n';
  return out;
}

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_SIGNER_LOG_LINE_H_
