// The person list of the offline exception codes (docs/exceptions.md, "The
// person list"): the response's person index PP counts in it. The PC and
// the IT desk both build it with ResponsiblePersons() from the same signed
// policy, so an index names the same person on both sides.
//
// Order: the policy's consignees in the policy's order; for each, its
// responsible person (責任者), then its deputies (副責任者) in order. The id
// the MAC carries (ResponseContext::responsible_id) is the person's name.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_POLICY_EXCEPTION_PERSONS_H_
#define PIIGUARD_POLICY_EXCEPTION_PERSONS_H_

#include <string>
#include <vector>

#include "common/result.h"
#include "policy/policy.h"

namespace piiguard::exception {

// At most this many persons: the index is two digits.
inline constexpr size_t kMaxPersons = 100;

struct ResponsiblePerson {
  unsigned index = 0;     // PP: the position in the list, 0..99
  std::string id;         // what the MAC carries (v1: the name)
  std::string name;       // for people
  std::string consignee;  // the consignee's id in the policy
  bool deputy = false;    // a deputy, not the responsible person
  friend bool operator==(const ResponsiblePerson&,
                         const ResponsiblePerson&) = default;
};

// The person list of `policy`. Refuses more than kMaxPersons persons and a
// name longer than the MAC's responsible id may be (kMaxResponsibleIdBytes).
// An empty list (no consignees) is valid: no response then names anyone.
Result<std::vector<ResponsiblePerson>> ResponsiblePersons(
    const policy::Policy& policy);

// The ids in list order: RedemptionState::Redeem's `responsible_ids`.
std::vector<std::string> ResponsibleIds(
    const std::vector<ResponsiblePerson>& persons);

}  // namespace piiguard::exception

#endif  // PIIGUARD_POLICY_EXCEPTION_PERSONS_H_
