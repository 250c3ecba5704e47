// The PC's side of the offline exception codes (docs/exceptions.md): the
// challenge it shows, the redemption of the response read back, the grants
// that result, on an injected clock.
//
// Rules:
//  - One challenge is pending at a time; showing a new one replaces it.
//  - A response is tried only within kRedeemWindowMs (monotonic) of the
//    challenge being shown, and on the same issue day (wall clock).
//  - A nonce is redeemed once: a redeemed nonce is refused "already used".
//  - kTriesPerChallenge wrong responses end a challenge. Every
//    kWrongBeforeLockout wrong responses in a row (any challenge) lock
//    redemption for 1 minute, doubling each time up to 24 hours; a
//    successful redemption resets both counters.
//  - A grant runs for its duration from redemption on the MONOTONIC clock:
//    setting the wall clock neither lengthens nor shortens it. Grants and the
//    pending challenge end at reboot (another boot id); the lockout, the
//    failure counters and the used nonces survive it.
//
// Thread-safety: not thread-safe; one owner (the daemon's loop).
#ifndef PIIGUARD_POLICY_EXCEPTION_REDEMPTION_H_
#define PIIGUARD_POLICY_EXCEPTION_REDEMPTION_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/messages.h"
#include "common/os/clock.h"
#include "common/result.h"
#include "policy/exception/code_mac.h"
#include "policy/exception/codes.h"

namespace piiguard::exception {

inline constexpr int64_t kRedeemWindowMs = 30LL * 60 * 1000;
inline constexpr int kTriesPerChallenge = 5;
inline constexpr int kWrongBeforeLockout = 5;
inline constexpr int64_t kFirstLockoutMs = 60LL * 1000;
inline constexpr int64_t kMaxLockoutMs = 24LL * 60 * 60 * 1000;
inline constexpr size_t kMaxUsedNonces = 256;
inline constexpr size_t kMaxGrants = 16;
inline constexpr size_t kMaxBootIdBytes = 64;
// Signed exception files applied, kept until their redeem_by has passed.
inline constexpr size_t kMaxAppliedFiles = 256;

// Why a response was refused (kNone: accepted).
enum class Refusal {
  kNone,
  kMalformed,         // not a response: wrong characters or length
  kMisheard,          // a group's check digit does not match (Outcome::group)
  kLockedOut,         // too many wrong responses; Outcome::wait_ms left
  kAlreadyUsed,       // this challenge's nonce was redeemed before
  kUnknownChallenge,  // not the challenge this PC is showing
  kChallengeExpired,  // more than 30 minutes since it was shown
  kDayChanged,        // the date changed since it was shown
  kTooManyTries,      // this challenge had its wrong responses; ask again
  kUnknownPerson,     // the person index names nobody in the list
  kTooManyGrants,     // kMaxGrants exceptions are already running
  kWrongResponse,     // the MAC does not match (another scope, PC, day...)
  kInternal,          // the MAC could not be computed
};

// A lifted restriction.
struct Grant {
  Challenge challenge;  // its nonce is the grant's id
  std::string scope_detail;
  unsigned person_index = 0;
  std::string responsible_id;
  int64_t start_mono_us = 0;
  int64_t end_mono_us = 0;

  // Whole minutes left at `now_mono_us`, rounded up; 0 once ended.
  int64_t MinutesLeft(int64_t now_mono_us) const;
  friend bool operator==(const Grant&, const Grant&) = default;
};

struct Outcome {
  Refusal refusal = Refusal::kNone;
  int group = 0;        // kMisheard: which group (1-based)
  int64_t wait_ms = 0;  // kLockedOut, or kWrongResponse that began a lockout
  int tries_left = 0;   // kWrongResponse: for this challenge
  std::optional<Grant> grant;  // when accepted

  bool accepted() const { return refusal == Refusal::kNone; }
};

// A short English name of the refusal for the journal ("wrong-response").
std::string_view RefusalName(Refusal refusal);
// The message naming what an exception of `kind` lifts, in plain words.
MsgId ScopeMessage(ScopeKind kind);
// The explanation staff read, in plain Japanese or English.
std::string DescribeOutcome(const Outcome& outcome, Lang lang);

struct PendingChallenge {
  Challenge challenge;
  std::string scope_detail;
  int64_t shown_mono_us = 0;
  int64_t issue_day = 0;
  int wrong_tries = 0;
  friend bool operator==(const PendingChallenge&,
                         const PendingChallenge&) = default;
};

// A signed exception file that was applied (single use): its id, and the
// wall-clock time (Unix seconds) after which it is refused anyway.
struct AppliedFile {
  uint64_t id = 0;
  int64_t redeem_by = 0;
  friend bool operator==(const AppliedFile&, const AppliedFile&) = default;
};

// Why a signed exception file's grant was not given.
enum class FileGrantRefusal {
  kNone,
  kAlreadyApplied,  // its id was applied before
  kTooManyGrants,   // kMaxGrants exceptions are already running
  kListFull,        // kMaxAppliedFiles files still within their redeem_by
};

struct UsedNonce {
  uint64_t nonce = 0;
  int64_t issue_day = 0;
  friend bool operator==(const UsedNonce&, const UsedNonce&) = default;
};

class RedemptionState {
 public:
  // An empty state for this boot (`boot_id`: the kernel's boot id, up to
  // kMaxBootIdBytes bytes). `clock` must outlive the state.
  RedemptionState(const os::Clock& clock, std::string boot_id);

  // Shows a new challenge with a fresh random nonce (never one already
  // used), replacing any pending one. `scope_detail` is kept with it (up to
  // kMaxDetailBytes): the stick's identity hash, the folder... It is the
  // PC's own binding of the detail to the nonce: it is not in the MAC, and
  // a grant carries the pending record's detail.
  Result<Challenge> NewChallenge(ScopeKind scope, DurationClass duration,
                                 unsigned index, std::string_view scope_detail);
  // The same with a given nonce (tests and fuzzers).
  Result<Challenge> NewChallengeWithNonce(ScopeKind scope,
                                          DurationClass duration,
                                          unsigned index,
                                          std::string_view scope_detail,
                                          uint64_t nonce);

  // Redeems `response_text` (as typed) for `challenge` (the one shown).
  // `responsible_ids[i]` is the person the response's index i names:
  // ResponsibleIds(ResponsiblePersons(policy)) (persons.h). The MAC is
  // checked with an empty scope detail.
  Outcome Redeem(const Challenge& challenge, std::string_view response_text,
                 const ExceptionKey& pc_key, std::string_view pc_id,
                 std::span<const std::string> responsible_ids);

  // Grants the exception of a verified signed exception file
  // (exception_file.h) with id `file_id`, valid until `redeem_by` (Unix
  // seconds), unless that id was applied before. Like a redeemed response,
  // the grant runs from now on the monotonic clock; its id is a fresh nonce.
  // `refusal` says why not when nullopt is returned (an internal error: the
  // status).
  Result<std::optional<Grant>> GrantFromFile(
      ScopeKind scope, DurationClass duration, std::string_view scope_detail,
      unsigned person_index, std::string_view responsible_id, uint64_t file_id,
      int64_t redeem_by, FileGrantRefusal* refusal);
  bool IsApplied(uint64_t file_id) const;
  const std::vector<AppliedFile>& applied() const { return applied_; }

  // The grants still running; ended ones are dropped.
  std::vector<Grant> ActiveGrants();
  // Ends a grant early (revoked by the office, or ended by staff); false if
  // there is no such running grant.
  bool EndGrant(uint64_t nonce);
  // Milliseconds until redemption is unlocked (0: not locked).
  int64_t LockedForMs() const;

  const std::optional<PendingChallenge>& pending() const { return pending_; }
  const std::vector<UsedNonce>& used() const { return used_; }
  int wrong_streak() const { return wrong_streak_; }
  int lockouts() const { return lockouts_; }

  // The state as bytes (docs/exceptions.md), for the state directory.
  std::string Serialize() const;
  // Reads Serialize()'s bytes. Anything malformed, out of range or
  // inconsistent is refused whole (fail closed). From another boot, the
  // pending challenge and the grants are dropped and a lockout in force at
  // the time of saving starts again in full.
  static Result<RedemptionState> Parse(std::string_view bytes,
                                       const os::Clock& clock,
                                       std::string boot_id);

  // Same content (the clock and the time of saving aside).
  bool SameContent(const RedemptionState& other) const;

 private:
  int64_t NowUs() const { return clock_->MonotonicUs(); }
  int64_t Today() const;
  bool IsUsed(uint64_t nonce) const;
  void MarkUsed(uint64_t nonce, int64_t issue_day);
  void PruneGrants();
  Outcome Wrong();

  const os::Clock* clock_;
  std::string boot_id_;
  std::optional<PendingChallenge> pending_;
  std::vector<UsedNonce> used_;  // oldest first
  std::vector<Grant> grants_;
  std::vector<AppliedFile> applied_;  // oldest first
  int wrong_streak_ = 0;
  int lockouts_ = 0;
  int64_t locked_until_us_ = 0;  // monotonic; 0: never locked
};

}  // namespace piiguard::exception

#endif  // PIIGUARD_POLICY_EXCEPTION_REDEMPTION_H_
