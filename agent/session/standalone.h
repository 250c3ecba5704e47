// Standalone mode's firewall (R12): the nftables ruleset that keeps an
// allowed interface up for the policy's CIDR only and drops everything else
// on it. Every other non-loopback link is taken down by the session manager.
// The table is "inet piiguard"; the script replaces any earlier copy.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_SESSION_STANDALONE_H_
#define PIIGUARD_AGENT_SESSION_STANDALONE_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "policy/policy.h"

namespace piiguard::agent::session {

inline constexpr std::string_view kNftFamily = "inet";
inline constexpr std::string_view kNftTable = "piiguard";

// An `nft -f` script; refuses names or CIDRs with characters nft could
// read as syntax (the policy parser already checks both).
Result<std::string> StandaloneRuleset(
    const std::vector<policy::StandaloneAllow>& allow);

}  // namespace piiguard::agent::session

#endif  // PIIGUARD_AGENT_SESSION_STANDALONE_H_
