// RadioGuard (issue 14 item 11, docs/session.md "The radio guard"): the
// re-block path that never waits on the journal or any other I/O. It owns a
// second open of /dev/rfkill (the kernel gives every open its own copy of
// each event) and, for every radio of a guarded type that shows up unblocked,
// writes RFKILL_OP_CHANGE for that radio and then CHANGE_ALL for its type,
// nothing else. The session manager decides which types are guarded
// (SetGuarded, from its session state) and still journals every attempt from
// its own descriptor, later, on the event loop.
//
// RadioGuardThread runs Pump() on a thread of its own that waits on the
// descriptor, at SCHED_FIFO priority 1 where RLIMIT_RTPRIO allows it (the
// unit's LimitRTPRIO=1), else at nice -20: it runs the moment the kernel
// queues the unblock, before the program that unblocked the radio runs again.
//
// Thread-safety: RadioGuard is thread-safe (SetGuarded and Stats from the
// event loop, Pump from the guard's thread; one mutex, held only around the
// decision and the rfkill writes, so that after SetGuarded(0) returns no
// stale decision can block a radio the session's end is about to restore).
// RadioGuardThread: construct, Stop and destroy from one thread.
#ifndef PIIGUARD_AGENT_SESSION_RADIO_GUARD_H_
#define PIIGUARD_AGENT_SESSION_RADIO_GUARD_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/os/clock.h"
#include "common/os/rfkill.h"
#include "common/result.h"
#include "common/unique_fd.h"

namespace piiguard::agent::session {

// The guarded set as a bit mask: bit t for rfkill type t; kAll (0) in
// `types` guards every type.
uint32_t GuardMask(const std::vector<uint8_t>& types);

class RadioGuard {
 public:
  struct Stats {
    uint64_t reblocks = 0;     // unblocks undone
    int64_t last_micros = -1;  // read → end of the writes, latest batch
    int64_t worst_micros = -1;
    std::string last_error;  // of the latest failed read or write
  };

  // `rfkill` (the guard's own open of the device) and `clock` (its
  // monotonic clock times the re-blocks) must outlive the guard.
  RadioGuard(os::Rfkill& rfkill, const os::Clock& clock)
      : rfkill_(rfkill), clock_(clock) {}

  void SetGuarded(uint32_t mask);
  uint32_t guarded() const;
  // Reads every pending event and re-blocks the guarded ones. An error of
  // a read or a write is returned and kept in Stats (the session manager's
  // own descriptor sees the same events and fails closed on its own).
  Status Pump();
  Stats stats() const;
  int fd() const { return rfkill_.fd(); }
  int64_t now_us() const { return clock_.MonotonicUs(); }

 private:
  os::Rfkill& rfkill_;
  const os::Clock& clock_;
  mutable std::mutex mu_;
  uint32_t mask_ = 0;
  Stats stats_;
};

class RadioGuardThread {
 public:
  // Starts the thread (all signals blocked in it: the loop's signalfd gets
  // them). Fails if the guard's descriptor cannot be polled.
  static Result<std::unique_ptr<RadioGuardThread>> Start(RadioGuard& guard);
  ~RadioGuardThread() { Stop(); }
  RadioGuardThread(const RadioGuardThread&) = delete;
  RadioGuardThread& operator=(const RadioGuardThread&) = delete;

  void Stop();
  // "fifo 1", "nice -20" or what failed: for `piiguard status`.
  std::string priority() const;
  // False once the thread has ended (Stop, or a failed read or write:
  // then the event loop must re-block at once on its own path).
  bool running() const;
  // Why it ended ("" while running).
  std::string stopped_why() const;

 private:
  RadioGuardThread(RadioGuard& guard, UniqueFd stop)
      : guard_(guard), stop_(std::move(stop)) {}
  void Run();
  std::string Loop();

  RadioGuard& guard_;
  UniqueFd stop_;  // an eventfd: readable once Stop() was called
  std::thread thread_;
  mutable std::mutex mu_;
  std::string priority_;
  bool running_ = false;
  std::string stopped_why_;
};

}  // namespace piiguard::agent::session

#endif  // PIIGUARD_AGENT_SESSION_RADIO_GUARD_H_
