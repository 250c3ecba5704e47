// The office's directory (`piiguard-office --dir`): where the store
// (office.db), the CA and server keys and the quarantine key live unless
// a command is told otherwise. Shared by the office's command groups.
//
// Thread-safety: constants.
#ifndef PIIGUARD_OFFICE_OFFICE_DIR_H_
#define PIIGUARD_OFFICE_OFFICE_DIR_H_

#include <string_view>

namespace piiguard::office {

inline constexpr std::string_view kDefaultOfficeDir =
    "/var/lib/piiguard-office";

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_OFFICE_DIR_H_
