// The persisted state of a personal-data session (DIR/session.json), so a
// daemon restart mid-session resumes it: still blocked, with the radios'
// and links' earlier state kept for the restore. Format: docs/session.md.
//
// ParseSessionState takes bytes (fuzzed by
// tests/fuzz/session_state_fuzzer.cc); anything unexpected is an error, and
// the manager fails closed on it.
//
// Thread-safety: value types and pure functions.
#ifndef PIIGUARD_AGENT_SESSION_SESSION_STATE_H_
#define PIIGUARD_AGENT_SESSION_SESSION_STATE_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace piiguard::agent::session {

inline constexpr std::string_view kSessionFormat = "piiguard-session/1";
inline constexpr size_t kMaxSessionFileBytes = size_t{256} * 1024;

enum class Origin {
  kCommand,     // piiguard session start
  kStick,       // a keyed stick was inserted
  kStandalone,  // the policy says standalone: always on
  kRecovered,   // the session file was corrupt: on, fail closed
};
std::string_view OriginName(Origin origin);
std::optional<Origin> ParseOrigin(std::string_view name);

struct PriorRadio {
  uint32_t idx = 0;
  uint8_t type = 0;
  std::string name;
  bool soft = false;  // soft-blocked before the session

  bool operator==(const PriorRadio&) const = default;
};

struct PriorLink {
  int32_t ifindex = 0;
  std::string name;
  bool was_up = false;

  bool operator==(const PriorLink&) const = default;
};

struct SessionState {
  Origin origin = Origin::kCommand;
  int64_t uid = -1;  // who started it (-1: the stick or the policy)
  std::string user;
  std::string job;
  int64_t started_ms = 0;
  std::vector<uint8_t> block_types;  // rfkill type values
  bool prior_known = true;  // false after a corrupt file: nothing restored
  std::vector<PriorRadio> prior_radios;
  std::vector<PriorLink> prior_links;
  bool firewall = false;            // table inet piiguard loaded
  std::vector<std::string> sticks;  // stick ids of the keyed sticks in it

  bool operator==(const SessionState&) const = default;
};

// The file holds either {"format":..., "active":false} or an active
// session. nullopt: no session.
Result<std::optional<SessionState>> ParseSessionState(std::string_view bytes);
std::string SerializeSessionState(const std::optional<SessionState>& state);

}  // namespace piiguard::agent::session

#endif  // PIIGUARD_AGENT_SESSION_SESSION_STATE_H_
