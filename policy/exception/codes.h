// The offline exception codes read over the phone (issue 17,
// docs/exceptions.md): the challenge a PC shows and the response the IT desk
// reads back.
//
// Challenge: 16 payload digits in 4 groups of 4, each followed by a Damm
// check digit (code_digits.h): "SDII c NNNN c NNNN c NNNN c" where S is the
// scope kind, D the duration class, II a small index (of the stick or user
// picked from the list the PC showed) and N...N a 12-digit random nonce.
// Response: 12 payload digits in 3 groups of 4 with check digits: "PP" the
// index of the responsible person who permitted it, then the 10-digit MAC
// (code_mac.h).
//
// Thread-safety: pure functions and value types.
#ifndef PIIGUARD_POLICY_EXCEPTION_CODES_H_
#define PIIGUARD_POLICY_EXCEPTION_CODES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "policy/exception/code_digits.h"

namespace piiguard::exception {

// What an exception lifts. The values are the challenge's first digit.
enum class ScopeKind : uint8_t {
  kStickWritable = 1,      // one stick, by its identity, becomes writable
  kRadios = 2,             // radios allowed during a session
  kRosterFolderPause = 3,  // the roster guard paused for one folder
  kMaintenance = 4,        // a maintenance window
};

// Fixed steps; the values are the challenge's second digit.
enum class DurationClass : uint8_t {
  k15Min = 1,
  k30Min = 2,
  k1Hour = 3,
  k2Hours = 4,
  k4Hours = 5,
  k8Hours = 6,
};

inline constexpr uint64_t kNonceLimit = 1000000000000ULL;  // 12 digits
inline constexpr unsigned kMaxIndex = 99;
inline constexpr uint64_t kMacLimit = 10000000000ULL;  // 10 digits

inline constexpr size_t kChallengeGroups = 4;
inline constexpr size_t kResponseGroups = 3;
inline constexpr size_t kGroupDigits = 4;

std::optional<ScopeKind> ScopeKindFromDigit(int digit);
std::optional<DurationClass> DurationClassFromDigit(int digit);
// "stick", "radios", "roster-folder", "maintenance".
std::string_view ScopeKindName(ScopeKind kind);
// The kind ScopeKindName names; nullopt for any other text.
std::optional<ScopeKind> ScopeKindFromName(std::string_view name);
int64_t DurationMinutes(DurationClass duration);
// The longest duration each scope may have: 8 h for a stick or radios, 2 h
// for a roster folder, 4 h for maintenance.
DurationClass MaxDuration(ScopeKind kind);

struct Challenge {
  ScopeKind scope = ScopeKind::kStickWritable;
  DurationClass duration = DurationClass::k15Min;
  unsigned index = 0;  // 0..kMaxIndex
  uint64_t nonce = 0;  // < kNonceLimit

  friend bool operator==(const Challenge&, const Challenge&) = default;
};

struct Response {
  unsigned person_index = 0;  // 0..kMaxIndex
  uint64_t mac = 0;           // < kMacLimit

  friend bool operator==(const Response&, const Response&) = default;
};

// Refuses an out-of-range field or a duration over the scope's cap.
[[nodiscard]] Status ValidateChallenge(const Challenge& challenge);

// The canonical text, e.g. "13057-12345-67890-12349". REQUIRES: valid.
std::string EncodeChallenge(const Challenge& challenge);
std::string EncodeResponse(const Response& response);

// Read what staff typed or the desk heard (see ReadGroups for what is
// tolerated). `problem`, if not null, says which group is wrong.
Result<Challenge> ParseChallenge(std::string_view text,
                                 CodeProblem* problem = nullptr);
Result<Response> ParseResponse(std::string_view text,
                               CodeProblem* problem = nullptr);

}  // namespace piiguard::exception

#endif  // PIIGUARD_POLICY_EXCEPTION_CODES_H_
