#include "policy/exception/redemption.h"

#include <algorithm>
#include <string>
#include <utility>

#include "common/crypto.h"
#include "common/status.h"

namespace piiguard::exception {
namespace {

constexpr int64_t kUsPerMs = 1000;
constexpr int64_t kUsPerMinute = 60LL * 1000 * kUsPerMs;
// Past this many lockouts the lock stays at kMaxLockoutMs.
constexpr int kMaxLockoutLevel = 64;

int64_t LockoutMs(int level) {
  int64_t ms = kFirstLockoutMs;
  for (int i = 0; i < level && ms < kMaxLockoutMs; ++i) ms *= 2;
  return std::min(ms, kMaxLockoutMs);
}

// A uniform nonce below kNonceLimit from 40 random bits (rejection
// sampling: 2^40 > 10^12).
Result<uint64_t> RandomNonce() {
  for (int attempt = 0; attempt < 64; ++attempt) {
    PIIGUARD_ASSIGN_OR_RETURN(std::string bytes, RandomBytes(5));
    uint64_t value = 0;
    for (char c : bytes) value = (value << 8) | static_cast<uint8_t>(c);
    if (value < kNonceLimit) return value;
  }
  return InternalError("exception code", "nonce", "no random value in range");
}

Outcome Refuse(Refusal refusal, int group = 0, int64_t wait_ms = 0) {
  Outcome outcome;
  outcome.refusal = refusal;
  outcome.group = group;
  outcome.wait_ms = wait_ms;
  return outcome;
}

}  // namespace

int64_t Grant::MinutesLeft(int64_t now_mono_us) const {
  if (now_mono_us >= end_mono_us) return 0;
  return (end_mono_us - now_mono_us + kUsPerMinute - 1) / kUsPerMinute;
}

RedemptionState::RedemptionState(const os::Clock& clock, std::string boot_id)
    : clock_(&clock), boot_id_(std::move(boot_id)) {}

int64_t RedemptionState::Today() const { return IssueDay(clock_->WallMs()); }

bool RedemptionState::IsUsed(uint64_t nonce) const {
  return std::any_of(used_.begin(), used_.end(),
                     [&](const UsedNonce& u) { return u.nonce == nonce; });
}

void RedemptionState::MarkUsed(uint64_t nonce, int64_t issue_day) {
  // Nonces of days before yesterday can no longer be redeemed anyway (a
  // challenge lives 30 minutes on its own day): forget them first.
  const int64_t today = Today();
  std::erase_if(used_,
                [&](const UsedNonce& u) { return u.issue_day < today - 1; });
  if (used_.size() >= kMaxUsedNonces) used_.erase(used_.begin());
  used_.push_back({nonce, issue_day});
}

void RedemptionState::PruneGrants() {
  const int64_t now = NowUs();
  std::erase_if(grants_, [&](const Grant& g) { return g.end_mono_us <= now; });
}

Result<Challenge> RedemptionState::NewChallenge(ScopeKind scope,
                                                DurationClass duration,
                                                unsigned index,
                                                std::string_view scope_detail) {
  for (int attempt = 0; attempt < 16; ++attempt) {
    PIIGUARD_ASSIGN_OR_RETURN(const uint64_t nonce, RandomNonce());
    if (IsUsed(nonce)) continue;
    return NewChallengeWithNonce(scope, duration, index, scope_detail, nonce);
  }
  return InternalError("exception code", "nonce", "no unused nonce found");
}

Result<Challenge> RedemptionState::NewChallengeWithNonce(
    ScopeKind scope, DurationClass duration, unsigned index,
    std::string_view scope_detail, uint64_t nonce) {
  const Challenge challenge{scope, duration, index, nonce};
  if (Status status = ValidateChallenge(challenge); !status.ok()) {
    return status;
  }
  if (scope_detail.size() > kMaxDetailBytes) {
    return InvalidArgumentError("challenge", "scope detail",
                                "longer than 1024 bytes");
  }
  if (IsUsed(nonce)) {
    return InvalidArgumentError("challenge", "nonce", "already used");
  }
  pending_ = PendingChallenge{challenge, std::string(scope_detail), NowUs(),
                              Today(), 0};
  return challenge;
}

int64_t RedemptionState::LockedForMs() const {
  const int64_t now = NowUs();
  if (locked_until_us_ <= now) return 0;
  return (locked_until_us_ - now + kUsPerMs - 1) / kUsPerMs;
}

Outcome RedemptionState::Wrong() {
  Outcome outcome = Refuse(Refusal::kWrongResponse);
  ++pending_->wrong_tries;
  outcome.tries_left = kTriesPerChallenge - pending_->wrong_tries;
  if (++wrong_streak_ >= kWrongBeforeLockout) {
    wrong_streak_ = 0;
    outcome.wait_ms = LockoutMs(lockouts_);
    locked_until_us_ = NowUs() + outcome.wait_ms * kUsPerMs;
    lockouts_ = std::min(lockouts_ + 1, kMaxLockoutLevel);
  }
  return outcome;
}

Outcome RedemptionState::Redeem(const Challenge& challenge,
                                std::string_view response_text,
                                const ExceptionKey& pc_key,
                                std::string_view pc_id,
                                std::span<const std::string> responsible_ids) {
  if (const int64_t wait = LockedForMs(); wait > 0) {
    return Refuse(Refusal::kLockedOut, 0, wait);
  }
  CodeProblem problem;
  Result<Response> response = ParseResponse(response_text, &problem);
  if (!response.ok()) {
    if (problem.fault == CodeFault::kCheckDigit) {
      return Refuse(Refusal::kMisheard, problem.group);
    }
    return Refuse(Refusal::kMalformed, problem.group);
  }
  if (IsUsed(challenge.nonce)) return Refuse(Refusal::kAlreadyUsed);
  if (!pending_ || pending_->challenge != challenge) {
    return Refuse(Refusal::kUnknownChallenge);
  }
  if (NowUs() - pending_->shown_mono_us > kRedeemWindowMs * kUsPerMs) {
    pending_.reset();
    return Refuse(Refusal::kChallengeExpired);
  }
  if (Today() != pending_->issue_day) {
    pending_.reset();
    return Refuse(Refusal::kDayChanged);
  }
  if (pending_->wrong_tries >= kTriesPerChallenge) {
    return Refuse(Refusal::kTooManyTries);
  }
  if (response->person_index >= responsible_ids.size()) {
    return Refuse(Refusal::kUnknownPerson);
  }
  PruneGrants();
  if (grants_.size() >= kMaxGrants) return Refuse(Refusal::kTooManyGrants);

  const std::string& responsible = responsible_ids[response->person_index];
  // The scope detail is not in the MAC (v1: a zero-length field): the desk
  // cannot know a foreign stick's identity or a folder's path. The pending
  // record binds it to this challenge's nonce, and the response to the nonce.
  const ResponseContext context{pc_id,
                                pending_->challenge,
                                /*scope_detail=*/"",
                                response->person_index,
                                responsible,
                                pending_->issue_day};
  if (!MacInput(context).ok()) return Refuse(Refusal::kInternal);
  if (!ResponseMatches(pc_key, context, *response)) return Wrong();

  const int64_t now = NowUs();
  Grant grant{pending_->challenge,
              pending_->scope_detail,
              response->person_index,
              responsible,
              now,
              now + DurationMinutes(challenge.duration) * kUsPerMinute};
  MarkUsed(challenge.nonce, pending_->issue_day);
  pending_.reset();
  wrong_streak_ = 0;
  lockouts_ = 0;
  grants_.push_back(grant);
  Outcome outcome;
  outcome.grant = std::move(grant);
  return outcome;
}

bool RedemptionState::IsApplied(uint64_t file_id) const {
  return std::any_of(applied_.begin(), applied_.end(),
                     [&](const AppliedFile& a) { return a.id == file_id; });
}

Result<std::optional<Grant>> RedemptionState::GrantFromFile(
    ScopeKind scope, DurationClass duration, std::string_view scope_detail,
    unsigned person_index, std::string_view responsible_id, uint64_t file_id,
    int64_t redeem_by, FileGrantRefusal* refusal) {
  *refusal = FileGrantRefusal::kNone;
  if (IsApplied(file_id)) {
    *refusal = FileGrantRefusal::kAlreadyApplied;
    return std::optional<Grant>();
  }
  PruneGrants();
  if (grants_.size() >= kMaxGrants) {
    *refusal = FileGrantRefusal::kTooManyGrants;
    return std::optional<Grant>();
  }
  // A file past its redeem_by is refused whatever its id: forget those,
  // but only when the list is full (a wall clock set back must not make a
  // forgotten file usable again while there is room to remember it).
  if (applied_.size() >= kMaxAppliedFiles) {
    const int64_t now_s = clock_->WallMs() / 1000;
    std::erase_if(applied_,
                  [&](const AppliedFile& a) { return a.redeem_by < now_s; });
  }
  if (applied_.size() >= kMaxAppliedFiles) {
    *refusal = FileGrantRefusal::kListFull;
    return std::optional<Grant>();
  }
  uint64_t nonce = 0;
  for (int attempt = 0; attempt < 16 && nonce == 0; ++attempt) {
    PIIGUARD_ASSIGN_OR_RETURN(const uint64_t drawn, RandomNonce());
    const bool running =
        std::any_of(grants_.begin(), grants_.end(),
                    [&](const Grant& g) { return g.challenge.nonce == drawn; });
    if (drawn != 0 && !IsUsed(drawn) && !running &&
        (!pending_ || pending_->challenge.nonce != drawn)) {
      nonce = drawn;
    }
  }
  if (nonce == 0) {
    return InternalError("exception file", "grant", "no unused nonce found");
  }
  const Challenge challenge{scope, duration, 0, nonce};
  PIIGUARD_RETURN_IF_ERROR(ValidateChallenge(challenge));
  if (scope_detail.size() > kMaxDetailBytes ||
      responsible_id.size() > kMaxResponsibleIdBytes ||
      person_index > kMaxIndex) {
    return InvalidArgumentError("exception file", "grant", "out of range");
  }
  const int64_t now = NowUs();
  Grant grant{challenge,    std::string(scope_detail),
              person_index, std::string(responsible_id),
              now,          now + DurationMinutes(duration) * kUsPerMinute};
  MarkUsed(nonce, Today());
  applied_.push_back({file_id, redeem_by});
  grants_.push_back(grant);
  return std::optional<Grant>(std::move(grant));
}

std::vector<Grant> RedemptionState::ActiveGrants() {
  PruneGrants();
  return grants_;
}

bool RedemptionState::EndGrant(uint64_t nonce) {
  PruneGrants();
  return std::erase_if(grants_, [&](const Grant& g) {
           return g.challenge.nonce == nonce;
         }) > 0;
}

bool RedemptionState::SameContent(const RedemptionState& other) const {
  return boot_id_ == other.boot_id_ && pending_ == other.pending_ &&
         used_ == other.used_ && grants_ == other.grants_ &&
         wrong_streak_ == other.wrong_streak_ && lockouts_ == other.lockouts_ &&
         locked_until_us_ == other.locked_until_us_ &&
         applied_ == other.applied_;
}

}  // namespace piiguard::exception
