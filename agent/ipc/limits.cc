#include "agent/ipc/limits.h"

#include <algorithm>

namespace piiguard::ipc {

ConnectionSlots::Verdict ConnectionSlots::Admit(uid_t uid) {
  if (total_ >= limits_.max_connections) return Verdict::kFull;
  if (uid != 0) {
    if (open_by(uid) >= limits_.per_uid) return Verdict::kUidFull;
    size_t shared = limits_.max_connections -
                    std::min(limits_.root_reserve, limits_.max_connections);
    if (not_root_ >= shared) return Verdict::kFull;
    ++not_root_;
  }
  ++by_uid_[uid];
  ++total_;
  return Verdict::kAdmitted;
}

void ConnectionSlots::Release(uid_t uid) {
  auto it = by_uid_.find(uid);
  if (it == by_uid_.end()) return;  // not admitted: nothing to give back
  if (--it->second == 0) by_uid_.erase(it);
  --total_;
  if (uid != 0) --not_root_;
}

size_t ConnectionSlots::open_by(uid_t uid) const {
  auto it = by_uid_.find(uid);
  return it == by_uid_.end() ? 0 : it->second;
}

RequestLimiter::Decision RequestLimiter::Take(uid_t uid, std::string_view name,
                                              int64_t now_ms) {
  if (uid == 0) return {};
  const int64_t refill = std::max<int64_t>(limits_.journal_refill_ms, 1);
  auto [it, added] = buckets_.try_emplace(uid);
  Bucket& bucket = it->second;
  if (added) {
    bucket.tokens = limits_.journal_burst;
    bucket.updated_ms = now_ms;
  } else if (now_ms > bucket.updated_ms) {
    // Whole tokens earned since the last update; the remainder carries over
    // (updated_ms moves by whole refills only).
    int64_t earned = (now_ms - bucket.updated_ms) / refill;
    if (bucket.tokens + earned >= limits_.journal_burst) {
      bucket.tokens = limits_.journal_burst;
      bucket.updated_ms = now_ms;
    } else {
      bucket.tokens += earned;
      bucket.updated_ms += earned * refill;
    }
  }
  if (bucket.tokens > 0) {
    --bucket.tokens;
    return {};
  }
  Count(uid, name, now_ms);
  int64_t wait = bucket.updated_ms + refill - now_ms;
  return {false, std::max<int64_t>(wait, 1)};
}

void RequestLimiter::Count(uid_t uid, std::string_view what, int64_t now_ms) {
  auto [it, added] = windows_.try_emplace(uid);
  Window& window = it->second;
  if (added) {
    window.started_ms = now_ms;
    window.summary.uid = uid;
    window.summary.window_ms = limits_.suppression_window_ms;
  }
  ++window.summary.total;
  auto count = window.summary.counts.find(what);
  if (count == window.summary.counts.end()) {
    window.summary.counts.emplace(std::string(what), 1);
  } else {
    ++count->second;
  }
}

std::vector<Suppression> RequestLimiter::TakeEnded(int64_t now_ms, bool all) {
  std::vector<Suppression> ended;
  for (auto it = windows_.begin(); it != windows_.end();) {
    const int64_t end = it->second.started_ms + limits_.suppression_window_ms;
    if (all || end <= now_ms) {
      Suppression summary = std::move(it->second.summary);
      // Cut short when the daemon stops: the window is what it lasted.
      summary.window_ms =
          std::min(summary.window_ms,
                   std::max<int64_t>(now_ms - it->second.started_ms, 0));
      ended.push_back(std::move(summary));
      it = windows_.erase(it);
    } else {
      ++it;
    }
  }
  return ended;
}

std::optional<int64_t> RequestLimiter::NextWindowEnd() const {
  std::optional<int64_t> next;
  for (const auto& [uid, window] : windows_) {
    int64_t end = window.started_ms + limits_.suppression_window_ms;
    if (!next || end < *next) next = end;
  }
  return next;
}

}  // namespace piiguard::ipc
