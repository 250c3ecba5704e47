// RedemptionState::Serialize and ::Parse: the state as text lines
// (docs/exceptions.md, "State file").
#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "common/encoding.h"
#include "common/status.h"
#include "policy/exception/redemption.h"

namespace piiguard::exception {
namespace {

constexpr std::string_view kHeader = "piiguard-exception-state-v1";
constexpr int64_t kUsPerMinute = 60LL * 1000 * 1000;
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max() / 4;

std::string Bytes(std::string_view raw) { return "x" + HexEncode(raw); }

std::vector<std::string_view> Split(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const size_t space = line.find(' ', start);
    fields.push_back(line.substr(start, space - start));
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
  return fields;
}

Status Corrupt(std::string_view object, std::string_view reason) {
  return {StatusCode::kCorruption,
          ErrorMessage("exception state", object, reason)};
}

// Canonical decimal ("0", or an optional '-' then no leading zero) within
// [min, max].
Result<int64_t> Int(std::string_view text, int64_t min, int64_t max,
                    std::string_view object) {
  const bool negative = !text.empty() && text[0] == '-';
  const std::string_view digits = negative ? text.substr(1) : text;
  if (digits.empty() || digits.size() > 18 ||
      (digits[0] == '0' && (digits.size() > 1 || negative)) ||
      !std::all_of(digits.begin(), digits.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return Corrupt(object, "not a canonical number");
  }
  int64_t value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  if (negative) value = -value;
  if (value < min || value > max) return Corrupt(object, "out of range");
  return value;
}

// A canonical unsigned decimal of 1-20 digits, 1 to 2^64 - 1 (a signed
// exception file's id).
Result<uint64_t> FileId(std::string_view text) {
  uint64_t value = 0;
  const bool digits = !text.empty() && text.size() <= 20 && text[0] != '0' &&
                      std::all_of(text.begin(), text.end(),
                                  [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) return Corrupt("applied", "not a canonical id");
  for (char c : text) {
    const auto digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
      return Corrupt("applied", "id out of range");
    }
    value = value * 10 + digit;
  }
  return value;
}

Result<std::string> Hex(std::string_view text, size_t max,
                        std::string_view object) {
  if (text.empty() || text[0] != 'x') return Corrupt(object, "expected x<hex>");
  Result<std::string> raw = HexDecode(text.substr(1));
  if (!raw.ok()) return Corrupt(object, "bad hex");
  if (raw->size() > max) return Corrupt(object, "too long");
  return raw;
}

Result<Challenge> CanonicalChallenge(std::string_view text) {
  Result<Challenge> challenge = ParseChallenge(text);
  if (!challenge.ok() || EncodeChallenge(*challenge) != text) {
    return Corrupt("challenge", "not a canonical challenge");
  }
  return challenge;
}

}  // namespace

std::string RedemptionState::Serialize() const {
  std::string out(kHeader);
  out += "\nboot " + Bytes(boot_id_);
  out += "\nsaved " + std::to_string(NowUs());
  out += "\nlock " + std::to_string(wrong_streak_) + " " +
         std::to_string(lockouts_) + " " + std::to_string(locked_until_us_);
  if (pending_) {
    out += "\npending " + EncodeChallenge(pending_->challenge) + " " +
           std::to_string(pending_->shown_mono_us) + " " +
           std::to_string(pending_->issue_day) + " " +
           std::to_string(pending_->wrong_tries) + " " +
           Bytes(pending_->scope_detail);
  }
  for (const UsedNonce& u : used_) {
    out +=
        "\nused " + std::to_string(u.nonce) + " " + std::to_string(u.issue_day);
  }
  for (const AppliedFile& a : applied_) {
    out +=
        "\napplied " + std::to_string(a.id) + " " + std::to_string(a.redeem_by);
  }
  for (const Grant& g : grants_) {
    out += "\ngrant " + EncodeChallenge(g.challenge) + " " +
           std::to_string(g.person_index) + " " +
           std::to_string(g.start_mono_us) + " " +
           std::to_string(g.end_mono_us) + " " + Bytes(g.scope_detail) + " " +
           Bytes(g.responsible_id);
  }
  out += "\n";
  return out;
}

Result<RedemptionState> RedemptionState::Parse(std::string_view bytes,
                                               const os::Clock& clock,
                                               std::string boot_id) {
  if (bytes.empty() || bytes.back() != '\n') {
    return Corrupt("", "does not end with a newline");
  }
  std::vector<std::vector<std::string_view>> lines;
  for (std::string_view rest = bytes.substr(0, bytes.size() - 1);;) {
    const size_t nl = rest.find('\n');
    lines.push_back(Split(rest.substr(0, nl)));
    if (nl == std::string_view::npos) break;
    rest = rest.substr(nl + 1);
  }
  const auto is = [&](size_t i, std::string_view tag, size_t fields) {
    return i < lines.size() && lines[i][0] == tag && lines[i].size() == fields;
  };
  if (lines[0].size() != 1 || lines[0][0] != kHeader) {
    return Corrupt("header", "expected " + std::string(kHeader));
  }
  if (!is(1, "boot", 2) || !is(2, "saved", 2) || !is(3, "lock", 4)) {
    return Corrupt("", "expected boot, saved and lock lines");
  }
  PIIGUARD_ASSIGN_OR_RETURN(const std::string stored_boot,
                            Hex(lines[1][1], kMaxBootIdBytes, "boot"));
  PIIGUARD_ASSIGN_OR_RETURN(const int64_t saved,
                            Int(lines[2][1], 0, kMaxTime, "saved"));
  const std::vector<std::string_view>& lock = lines[3];
  RedemptionState state(clock, std::move(boot_id));
  PIIGUARD_ASSIGN_OR_RETURN(
      const int64_t streak,
      Int(lock[1], 0, kWrongBeforeLockout - 1, "lock streak"));
  PIIGUARD_ASSIGN_OR_RETURN(const int64_t lockouts,
                            Int(lock[2], 0, 64, "lockouts"));
  state.wrong_streak_ = static_cast<int>(streak);
  state.lockouts_ = static_cast<int>(lockouts);
  PIIGUARD_ASSIGN_OR_RETURN(state.locked_until_us_,
                            Int(lock[3], 0, kMaxTime, "locked until"));
  size_t i = 4;
  constexpr int64_t kDayMin = -kMaxTime / kUsPerMinute;
  constexpr int64_t kDayMax = kMaxTime / kUsPerMinute;
  if (is(i, "pending", 6)) {
    const std::vector<std::string_view>& f = lines[i++];
    PendingChallenge p;
    PIIGUARD_ASSIGN_OR_RETURN(p.challenge, CanonicalChallenge(f[1]));
    PIIGUARD_ASSIGN_OR_RETURN(p.shown_mono_us, Int(f[2], 0, kMaxTime, "shown"));
    PIIGUARD_ASSIGN_OR_RETURN(p.issue_day, Int(f[3], kDayMin, kDayMax, "day"));
    PIIGUARD_ASSIGN_OR_RETURN(const int64_t tries,
                              Int(f[4], 0, kTriesPerChallenge, "tries"));
    p.wrong_tries = static_cast<int>(tries);
    if (p.shown_mono_us > saved)
      return Corrupt("pending", "shown after saving");
    PIIGUARD_ASSIGN_OR_RETURN(p.scope_detail,
                              Hex(f[5], kMaxDetailBytes, "detail"));
    state.pending_ = std::move(p);
  }
  while (is(i, "used", 3)) {
    const std::vector<std::string_view>& f = lines[i++];
    UsedNonce u;
    PIIGUARD_ASSIGN_OR_RETURN(
        const int64_t nonce,
        Int(f[1], 0, static_cast<int64_t>(kNonceLimit) - 1, "nonce"));
    u.nonce = static_cast<uint64_t>(nonce);
    PIIGUARD_ASSIGN_OR_RETURN(u.issue_day, Int(f[2], kDayMin, kDayMax, "day"));
    if (state.IsUsed(u.nonce)) return Corrupt("used", "duplicate nonce");
    if (state.used_.size() >= kMaxUsedNonces)
      return Corrupt("used", "too many");
    state.used_.push_back(u);
  }
  while (is(i, "applied", 3)) {
    const std::vector<std::string_view>& f = lines[i++];
    AppliedFile a;
    PIIGUARD_ASSIGN_OR_RETURN(a.id, FileId(f[1]));
    PIIGUARD_ASSIGN_OR_RETURN(a.redeem_by,
                              Int(f[2], 0, kMaxTime, "applied redeem_by"));
    if (state.IsApplied(a.id)) return Corrupt("applied", "duplicate id");
    if (state.applied_.size() >= kMaxAppliedFiles) {
      return Corrupt("applied", "too many");
    }
    state.applied_.push_back(a);
  }
  while (is(i, "grant", 7)) {
    const std::vector<std::string_view>& f = lines[i++];
    Grant g;
    PIIGUARD_ASSIGN_OR_RETURN(g.challenge, CanonicalChallenge(f[1]));
    PIIGUARD_ASSIGN_OR_RETURN(const int64_t person,
                              Int(f[2], 0, kMaxIndex, "person"));
    g.person_index = static_cast<unsigned>(person);
    PIIGUARD_ASSIGN_OR_RETURN(g.start_mono_us, Int(f[3], 0, kMaxTime, "start"));
    PIIGUARD_ASSIGN_OR_RETURN(g.end_mono_us, Int(f[4], 0, kMaxTime, "end"));
    PIIGUARD_ASSIGN_OR_RETURN(g.scope_detail,
                              Hex(f[5], kMaxDetailBytes, "detail"));
    PIIGUARD_ASSIGN_OR_RETURN(g.responsible_id,
                              Hex(f[6], kMaxResponsibleIdBytes, "responsible"));
    if (g.start_mono_us > saved) return Corrupt("grant", "after saving");
    if (g.end_mono_us - g.start_mono_us !=
        DurationMinutes(g.challenge.duration) * kUsPerMinute) {
      return Corrupt("grant", "end does not match the duration");
    }
    if (std::any_of(state.grants_.begin(), state.grants_.end(),
                    [&](const Grant& o) {
                      return o.challenge.nonce == g.challenge.nonce;
                    })) {
      return Corrupt("grant", "duplicate nonce");
    }
    if (state.grants_.size() >= kMaxGrants) return Corrupt("grant", "too many");
    state.grants_.push_back(std::move(g));
  }
  if (i != lines.size()) {
    return Corrupt("line " + std::to_string(i + 1), "unexpected");
  }
  if (state.pending_ && state.IsUsed(state.pending_->challenge.nonce)) {
    return Corrupt("pending", "its nonce is already used");
  }
  if (stored_boot == state.boot_id_) {
    // The same boot: the monotonic clock cannot have gone back.
    if (saved > state.NowUs()) return Corrupt("saved", "in the future");
    return state;
  }
  // Another boot: the monotonic times mean nothing now. The pending
  // challenge and the grants end at reboot; a lockout starts again in full.
  state.pending_.reset();
  state.grants_.clear();
  const int64_t left = state.locked_until_us_ - saved;
  state.locked_until_us_ = left > 0 ? state.NowUs() + left : 0;
  return state;
}

}  // namespace piiguard::exception
