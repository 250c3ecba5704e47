// What staff read about a redemption, and the refusals' names for the
// journal.
#include <string>

#include "common/messages.h"
#include "policy/exception/redemption.h"

namespace piiguard::exception {
namespace {

// Whole minutes, rounded up, at least 1.
std::string Minutes(int64_t ms) {
  const int64_t minutes = (ms + 59999) / 60000;
  return std::to_string(minutes < 1 ? 1 : minutes);
}

}  // namespace

MsgId ScopeMessage(ScopeKind kind) {
  switch (kind) {
    case ScopeKind::kStickWritable:
      return MsgId::kExceptionScopeStick;
    case ScopeKind::kRadios:
      return MsgId::kExceptionScopeRadios;
    case ScopeKind::kRosterFolderPause:
      return MsgId::kExceptionScopeRosterFolder;
    case ScopeKind::kMaintenance:
      return MsgId::kExceptionScopeMaintenance;
  }
  return MsgId::kExceptionScopeStick;
}

std::string_view RefusalName(Refusal refusal) {
  switch (refusal) {
    case Refusal::kNone:
      return "accepted";
    case Refusal::kMalformed:
      return "malformed";
    case Refusal::kMisheard:
      return "misheard";
    case Refusal::kLockedOut:
      return "locked-out";
    case Refusal::kAlreadyUsed:
      return "already-used";
    case Refusal::kUnknownChallenge:
      return "unknown-challenge";
    case Refusal::kChallengeExpired:
      return "challenge-expired";
    case Refusal::kDayChanged:
      return "day-changed";
    case Refusal::kTooManyTries:
      return "too-many-tries";
    case Refusal::kUnknownPerson:
      return "unknown-person";
    case Refusal::kTooManyGrants:
      return "too-many-grants";
    case Refusal::kWrongResponse:
      return "wrong-response";
    case Refusal::kInternal:
      return "internal";
  }
  return "unknown";
}

std::string DescribeOutcome(const Outcome& outcome, Lang lang) {
  switch (outcome.refusal) {
    case Refusal::kNone: {
      if (!outcome.grant) return Message(lang, MsgId::kExceptionInternal);
      const Grant& g = *outcome.grant;
      return Message(lang, MsgId::kExceptionGranted,
                     {Message(lang, ScopeMessage(g.challenge.scope)),
                      std::to_string(DurationMinutes(g.challenge.duration))});
    }
    case Refusal::kMalformed:
      return Message(lang, MsgId::kExceptionMalformed);
    case Refusal::kMisheard:
      return Message(lang, MsgId::kExceptionMisheard,
                     {std::to_string(outcome.group)});
    case Refusal::kLockedOut:
      return Message(lang, MsgId::kExceptionLockedOut,
                     {Minutes(outcome.wait_ms)});
    case Refusal::kAlreadyUsed:
      return Message(lang, MsgId::kExceptionAlreadyUsed);
    case Refusal::kUnknownChallenge:
      return Message(lang, MsgId::kExceptionUnknownChallenge);
    case Refusal::kChallengeExpired:
      return Message(lang, MsgId::kExceptionChallengeExpired);
    case Refusal::kDayChanged:
      return Message(lang, MsgId::kExceptionDayChanged);
    case Refusal::kTooManyTries:
      return Message(lang, MsgId::kExceptionTooManyTries);
    case Refusal::kUnknownPerson:
      return Message(lang, MsgId::kExceptionUnknownPerson);
    case Refusal::kTooManyGrants:
      return Message(lang, MsgId::kExceptionTooManyGrants);
    case Refusal::kWrongResponse:
      if (outcome.wait_ms > 0) {
        return Message(lang, MsgId::kExceptionWrongLocked,
                       {Minutes(outcome.wait_ms)});
      }
      return Message(lang, MsgId::kExceptionWrongResponse,
                     {std::to_string(outcome.tries_left)});
    case Refusal::kInternal:
      return Message(lang, MsgId::kExceptionInternal);
  }
  return Message(lang, MsgId::kExceptionInternal);
}

}  // namespace piiguard::exception
