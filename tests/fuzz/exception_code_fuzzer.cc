// Fuzzes the offline exception codes (policy/exception, docs/exceptions.md):
// the challenge and response parsers and the redemption state parser, each
// on the whole input. Oracles:
//  - a challenge or response that parses encodes to a canonical text that
//    parses to the same value; any one digit of that text changed is
//    refused as misheard in the group it is in;
//  - a refused code always says why (a fault, and a group when one is to
//    blame);
//  - a state that parses serialises to bytes that parse to the same state,
//    and serialising again gives the same bytes;
//  - on a parsed state, the right response to its pending challenge (its
//    MAC over an empty scope detail) is never refused as wrong or malformed,
//    its grant carries the pending record's detail, a fuzzed response is
//    accepted only if it is the right one, and the state stays serialisable.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/os/clock.h"
#include "policy/exception/code_mac.h"
#include "policy/exception/codes.h"
#include "policy/exception/redemption.h"

namespace {

namespace ex = piiguard::exception;

// A clock that stands still (2026-04-01 09:00 in Japan).
class StillClock final : public piiguard::os::Clock {
 public:
  int64_t WallMs() const override { return 1775001600000; }
  int64_t MonotonicUs() const override { return 5000000000; }
};

const StillClock& TheClock() {
  static const StillClock* const clock = new StillClock();
  return *clock;
}

const ex::ExceptionKey& PcKey() {
  static const ex::ExceptionKey* const key = [] {
    auto master = ex::ExceptionKey::FromBytes(std::string(32, 'm'));
    if (!master.ok()) std::abort();
    auto derived = ex::DeriveExceptionKey(*master, "pc-1");
    if (!derived.ok()) std::abort();
    return new ex::ExceptionKey(std::move(derived).value());
  }();
  return *key;
}

const std::vector<std::string> kPeople = {"desk", "yamada"};

// Changing any one digit of a canonical code must be caught in its group.
void CheckMutations(const std::string& text, bool challenge) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '-') continue;
    std::string bad = text;
    bad[i] = bad[i] == '9' ? '0' : static_cast<char>(bad[i] + 1);
    ex::CodeProblem problem;
    const bool ok = challenge ? ex::ParseChallenge(bad, &problem).ok()
                              : ex::ParseResponse(bad, &problem).ok();
    if (ok || problem.fault != ex::CodeFault::kCheckDigit ||
        problem.group != static_cast<int>(i / 6 + 1)) {
      std::abort();
    }
  }
}

void CheckChallenge(std::string_view input) {
  ex::CodeProblem problem;
  auto parsed = ex::ParseChallenge(input, &problem);
  if (!parsed.ok()) {
    if (problem.fault == ex::CodeFault::kNone) std::abort();
    if (problem.fault == ex::CodeFault::kCheckDigit && problem.group < 1) {
      std::abort();
    }
    return;
  }
  if (problem.fault != ex::CodeFault::kNone) std::abort();
  if (!ex::ValidateChallenge(*parsed).ok()) std::abort();
  const std::string text = ex::EncodeChallenge(*parsed);
  auto again = ex::ParseChallenge(text);
  if (!again.ok() || !(*again == *parsed)) std::abort();
  CheckMutations(text, true);
}

void CheckResponse(std::string_view input) {
  ex::CodeProblem problem;
  auto parsed = ex::ParseResponse(input, &problem);
  if (!parsed.ok()) {
    if (problem.fault == ex::CodeFault::kNone) std::abort();
    return;
  }
  const std::string text = ex::EncodeResponse(*parsed);
  auto again = ex::ParseResponse(text);
  if (!again.ok() || !(*again == *parsed)) std::abort();
  CheckMutations(text, false);
}

void CheckState(std::string_view input) {
  auto parsed = ex::RedemptionState::Parse(input, TheClock(), "boot-1");
  if (!parsed.ok()) return;
  const std::string bytes = parsed->Serialize();
  auto again = ex::RedemptionState::Parse(bytes, TheClock(), "boot-1");
  if (!again.ok() || !again->SameContent(*parsed) ||
      again->Serialize() != bytes) {
    std::abort();
  }
  // From another boot it parses too, without what belonged to this one (a
  // boot id longer than a file may hold is surely another).
  auto other = ex::RedemptionState::Parse(
      input, TheClock(), std::string(ex::kMaxBootIdBytes + 1, 'z'));
  if (!other.ok() || other->pending().has_value() ||
      !other->ActiveGrants().empty()) {
    std::abort();
  }
  if (!parsed->pending()) return;
  const ex::PendingChallenge pending = *parsed->pending();
  const ex::Challenge challenge = pending.challenge;
  // A fuzzed response (the input itself) is accepted only if it is right.
  ex::RedemptionState trial = std::move(again).value();
  const ex::Outcome fuzzed =
      trial.Redeem(challenge, input, PcKey(), "pc-1", kPeople);
  // The scope detail is not in the MAC (the pending record binds it).
  const ex::ResponseContext context{"pc-1", challenge,  "",
                                    1,      kPeople[1], pending.issue_day};
  auto right = ex::ComputeResponse(PcKey(), context);
  if (!right.ok()) std::abort();
  if (fuzzed.accepted()) {
    auto typed = ex::ParseResponse(input);
    if (!typed.ok() || typed->person_index >= kPeople.size()) std::abort();
    const ex::ResponseContext typed_context{"pc-1",
                                            challenge,
                                            "",
                                            typed->person_index,
                                            kPeople[typed->person_index],
                                            pending.issue_day};
    if (!ex::ResponseMatches(PcKey(), typed_context, *typed)) std::abort();
  }
  // The right response is refused only for a reason of state or time.
  const ex::Outcome o = parsed->Redeem(challenge, ex::EncodeResponse(*right),
                                       PcKey(), "pc-1", kPeople);
  switch (o.refusal) {
    case ex::Refusal::kMalformed:
    case ex::Refusal::kMisheard:
    case ex::Refusal::kWrongResponse:
    case ex::Refusal::kUnknownChallenge:
    case ex::Refusal::kUnknownPerson:
    case ex::Refusal::kAlreadyUsed:
    case ex::Refusal::kInternal:
      std::abort();
    default:
      break;
  }
  // The grant carries the pending record's detail.
  if (o.accepted() && (!o.grant || o.grant->challenge != challenge ||
                       o.grant->scope_detail != pending.scope_detail)) {
    std::abort();
  }
  auto after =
      ex::RedemptionState::Parse(parsed->Serialize(), TheClock(), "boot-1");
  if (!after.ok()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckChallenge(input);
  CheckResponse(input);
  CheckState(input);
  return 0;
}
