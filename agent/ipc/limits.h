// The local socket's limits (docs/ipc.md "Limits"), as pure bookkeeping on
// a clock the caller passes in, so tests drive them with a fake one:
//
// - ConnectionSlots: how many connections are open, per uid (the uid from
//   SO_PEERCRED). Every uid but root has a cap of its own, all of them
//   together a smaller one; the difference is kept for root, so that the IT
//   desk, `piiguard` run by root and systemd always get in whoever floods.
// - RequestLimiter: a token bucket per uid for the requests that write the
//   journal (ipc::Limit::kJournal in the request table); root is not
//   limited (it can write the journal's file anyway). It also counts what
//   the socket suppressed per uid (requests refused by the bucket,
//   connections refused by the caps, connections closed at their deadline)
//   in windows: the first suppression opens a uid's window and, when it
//   ends, one Suppression sums it up, so a flood is recorded by one journal
//   entry per uid per window instead of by one entry per request.
//
// Thread-safety: not thread-safe (the daemon's event loop owns them).
#ifndef PIIGUARD_AGENT_IPC_LIMITS_H_
#define PIIGUARD_AGENT_IPC_LIMITS_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace piiguard::ipc {

struct SocketLimits {
  // Connections open at once, all uids together; root may use them all.
  size_t max_connections = 64;
  // Of those, kept for root: other uids together get at most
  // max_connections - root_reserve.
  size_t root_reserve = 16;
  // Connections one uid other than root may have open.
  size_t per_uid = 8;
  // From accept to a complete request frame, whatever arrives meanwhile: an
  // idle or slow client is closed then.
  int64_t request_deadline_ms = 3000;
  // Connections accepted per wake of the event loop (the loop then serves
  // its other descriptors: a connect flood never starves radio re-block).
  size_t accepts_per_round = 32;
  // Token bucket per uid for requests that write the journal: `burst`
  // requests at once, then one every `refill_ms`.
  // 20: a working day's burst (an exception is a request and a redeem, a
  // session's end, near misses) fits; a flood is still one a minute.
  int64_t journal_burst = 20;
  int64_t journal_refill_ms = 60'000;
  // How long a uid's suppressions are summed up before they are journaled.
  int64_t suppression_window_ms = 600'000;
};

// What the socket suppressed, in a Suppression's counts.
inline constexpr std::string_view kSuppressedConnection = "connection";
inline constexpr std::string_view kSuppressedDeadline = "deadline";

class ConnectionSlots {
 public:
  enum class Verdict {
    kAdmitted,
    kUidFull,  // this uid has per_uid open
    kFull,     // no slot left for this uid (root's reserve included)
  };

  explicit ConnectionSlots(const SocketLimits& limits) : limits_(limits) {}
  // Takes a slot for `uid` when one is free.
  Verdict Admit(uid_t uid);
  // Gives back a slot Admit() took.
  void Release(uid_t uid);
  size_t open() const { return total_; }
  size_t open_by(uid_t uid) const;

 private:
  SocketLimits limits_;
  std::map<uid_t, size_t> by_uid_;
  size_t total_ = 0;
  size_t not_root_ = 0;
};

// One uid's suppressions over one window.
struct Suppression {
  uid_t uid = 0;
  int64_t window_ms = 0;  // how long the window was
  uint64_t total = 0;
  // By what was suppressed: a request's name (rate limited),
  // kSuppressedConnection or kSuppressedDeadline.
  std::map<std::string, uint64_t, std::less<>> counts;
};

class RequestLimiter {
 public:
  struct Decision {
    bool allowed = true;
    int64_t retry_after_ms = 0;  // when refused: until the next token
  };

  explicit RequestLimiter(const SocketLimits& limits) : limits_(limits) {}
  // Takes a token of `uid`'s bucket at `now_ms` for the request `name`;
  // refused when the bucket is empty (the refusal is counted).
  Decision Take(uid_t uid, std::string_view name, int64_t now_ms);
  // Counts something else the socket suppressed for `uid`.
  void Count(uid_t uid, std::string_view what, int64_t now_ms);
  // The windows that ended by `now_ms` (all of them with `all`, when the
  // daemon stops), removed from the limiter.
  std::vector<Suppression> TakeEnded(int64_t now_ms, bool all = false);
  // When the next window ends, if one is open.
  std::optional<int64_t> NextWindowEnd() const;

 private:
  struct Bucket {
    int64_t tokens = 0;
    int64_t updated_ms = 0;
  };
  struct Window {
    int64_t started_ms = 0;
    Suppression summary;
  };

  SocketLimits limits_;
  std::map<uid_t, Bucket> buckets_;
  std::map<uid_t, Window> windows_;
};

}  // namespace piiguard::ipc

#endif  // PIIGUARD_AGENT_IPC_LIMITS_H_
