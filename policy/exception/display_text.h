// Text that a person typed and other people read (an exception's reason,
// shown to staff, kept in the IT desk's ledger, shown on the office's
// pages): valid UTF-8 with no character that could forge a line or hide or
// reorder what is shown (C0, DEL, C1, the line and paragraph separators,
// the bidi controls, the zero-width and other format characters).
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_POLICY_EXCEPTION_DISPLAY_TEXT_H_
#define PIIGUARD_POLICY_EXCEPTION_DISPLAY_TEXT_H_

#include <optional>
#include <string_view>

namespace piiguard::exception {

// What is wrong with `text` ("not valid UTF-8", "control characters are not
// allowed"), or nullopt when it may be shown.
std::optional<std::string_view> DisplayTextProblem(std::string_view text);

}  // namespace piiguard::exception

#endif  // PIIGUARD_POLICY_EXCEPTION_DISPLAY_TEXT_H_
