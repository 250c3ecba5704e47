// Small helpers shared by the SessionManager's source files
// (session_manager.cc, session_links.cc, session_interlock.cc).
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_SESSION_SESSION_INTERNAL_H_
#define PIIGUARD_AGENT_SESSION_SESSION_INTERNAL_H_

#include <cstdint>
#include <vector>

#include "common/json.h"
#include "common/os/rfkill.h"

namespace piiguard::agent::session {

inline constexpr uint8_t kAll = static_cast<uint8_t>(os::RadioType::kAll);

// Whether the blocked type `blocked` (kAll: every type) covers `type`.
inline bool Matches(uint8_t blocked, uint8_t type) {
  return blocked == kAll || blocked == type;
}

inline Json TypeNames(const std::vector<uint8_t>& types) {
  Json names = Json::array();
  for (uint8_t t : types) names.push_back(os::RadioTypeName(t));
  return names;
}

}  // namespace piiguard::agent::session

#endif  // PIIGUARD_AGENT_SESSION_SESSION_INTERNAL_H_
