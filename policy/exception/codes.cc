#include "policy/exception/codes.h"

#include <string>

#include "common/status.h"

namespace piiguard::exception {
namespace {

// `value` as exactly `width` decimal digits (zero-padded).
std::string Digits(uint64_t value, size_t width) {
  std::string out(width, '0');
  for (size_t i = width; i > 0; --i) {
    out[i - 1] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out;
}

uint64_t Number(std::string_view digits) {
  uint64_t value = 0;
  for (char c : digits) value = value * 10 + static_cast<uint64_t>(c - '0');
  return value;
}

Status BadField(CodeProblem* problem, std::string_view what,
                std::string_view object, std::string_view reason) {
  if (problem != nullptr) *problem = {CodeFault::kBadField, 1};
  return InvalidArgumentError(what, object, reason);
}

}  // namespace

std::optional<ScopeKind> ScopeKindFromDigit(int digit) {
  if (digit < 1 || digit > 4) return std::nullopt;
  return static_cast<ScopeKind>(digit);
}

std::optional<DurationClass> DurationClassFromDigit(int digit) {
  if (digit < 1 || digit > 6) return std::nullopt;
  return static_cast<DurationClass>(digit);
}

std::string_view ScopeKindName(ScopeKind kind) {
  switch (kind) {
    case ScopeKind::kStickWritable:
      return "stick";
    case ScopeKind::kRadios:
      return "radios";
    case ScopeKind::kRosterFolderPause:
      return "roster-folder";
    case ScopeKind::kMaintenance:
      return "maintenance";
  }
  return "unknown";
}

std::optional<ScopeKind> ScopeKindFromName(std::string_view name) {
  for (int digit = 0; digit <= 9; ++digit) {
    std::optional<ScopeKind> kind = ScopeKindFromDigit(digit);
    if (kind && ScopeKindName(*kind) == name) return kind;
  }
  return std::nullopt;
}

int64_t DurationMinutes(DurationClass duration) {
  switch (duration) {
    case DurationClass::k15Min:
      return 15;
    case DurationClass::k30Min:
      return 30;
    case DurationClass::k1Hour:
      return 60;
    case DurationClass::k2Hours:
      return 120;
    case DurationClass::k4Hours:
      return 240;
    case DurationClass::k8Hours:
      return 480;
  }
  return 0;
}

DurationClass MaxDuration(ScopeKind kind) {
  switch (kind) {
    case ScopeKind::kStickWritable:
    case ScopeKind::kRadios:
      return DurationClass::k8Hours;
    case ScopeKind::kRosterFolderPause:
      return DurationClass::k2Hours;
    case ScopeKind::kMaintenance:
      return DurationClass::k4Hours;
  }
  return DurationClass::k15Min;
}

Status ValidateChallenge(const Challenge& challenge) {
  const auto scope = static_cast<int>(challenge.scope);
  const auto duration = static_cast<int>(challenge.duration);
  if (!ScopeKindFromDigit(scope)) {
    return InvalidArgumentError("challenge", "scope", "unknown scope kind");
  }
  if (!DurationClassFromDigit(duration)) {
    return InvalidArgumentError("challenge", "duration",
                                "unknown duration class");
  }
  if (duration > static_cast<int>(MaxDuration(challenge.scope))) {
    return InvalidArgumentError(
        "challenge", "duration",
        "longer than the " + std::string(ScopeKindName(challenge.scope)) +
            " scope allows");
  }
  if (challenge.index > kMaxIndex) {
    return InvalidArgumentError("challenge", "index", "over 99");
  }
  if (challenge.nonce >= kNonceLimit) {
    return InvalidArgumentError("challenge", "nonce", "over 12 digits");
  }
  return Status::Ok();
}

std::string EncodeChallenge(const Challenge& challenge) {
  std::string payload = Digits(static_cast<uint64_t>(challenge.scope), 1);
  payload += Digits(static_cast<uint64_t>(challenge.duration), 1);
  payload += Digits(challenge.index, 2);
  payload += Digits(challenge.nonce, 12);
  return FormatGroups(payload, kChallengeGroups, kGroupDigits);
}

std::string EncodeResponse(const Response& response) {
  std::string payload = Digits(response.person_index, 2);
  payload += Digits(response.mac, 10);
  return FormatGroups(payload, kResponseGroups, kGroupDigits);
}

Result<Challenge> ParseChallenge(std::string_view text, CodeProblem* problem) {
  PIIGUARD_ASSIGN_OR_RETURN(
      const std::string digits,
      ReadGroups(text, kChallengeGroups, kGroupDigits, "challenge", problem));
  const std::optional<ScopeKind> scope = ScopeKindFromDigit(digits[0] - '0');
  if (!scope) {
    return BadField(problem, "challenge", "scope", "unknown scope kind");
  }
  const std::optional<DurationClass> duration =
      DurationClassFromDigit(digits[1] - '0');
  if (!duration) {
    return BadField(problem, "challenge", "duration", "unknown duration class");
  }
  Challenge challenge{*scope, *duration,
                      static_cast<unsigned>(Number(digits.substr(2, 2))),
                      Number(digits.substr(4, 12))};
  if (Status status = ValidateChallenge(challenge); !status.ok()) {
    if (problem != nullptr) *problem = {CodeFault::kBadField, 1};
    return status;
  }
  return challenge;
}

Result<Response> ParseResponse(std::string_view text, CodeProblem* problem) {
  PIIGUARD_ASSIGN_OR_RETURN(
      const std::string digits,
      ReadGroups(text, kResponseGroups, kGroupDigits, "response", problem));
  return Response{static_cast<unsigned>(Number(digits.substr(0, 2))),
                  Number(digits.substr(2, 10))};
}

}  // namespace piiguard::exception
