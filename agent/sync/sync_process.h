// One sync round as the sync process runs it (docs/sync.md "Inside the
// PC"): ask piiguardd for the material (office.json and the TLS files,
// which the process cannot read itself), check this PC's certificate
// against the office CA and the clock, make the transport, run the
// SyncClient, and report the outcome with its kind (failure.h) to
// piiguardd, which logs it and shows it in `piiguard status`. The key is
// overwritten as soon as the transport holds it.
//
// Thread-safety: not thread-safe; the sync process's loop owns it.
#ifndef PIIGUARD_AGENT_SYNC_SYNC_PROCESS_H_
#define PIIGUARD_AGENT_SYNC_SYNC_PROCESS_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "agent/sync/backoff.h"
#include "agent/sync/daemon_link.h"
#include "agent/sync/sync_client.h"
#include "agent/sync/transport.h"
#include "common/os/clock.h"

namespace piiguard::sync {

// Makes the transport for a round from the material (tests: a fake
// office; the process: MakeHttpsTransport).
using TransportFactory =
    std::function<Result<std::unique_ptr<Transport>>(const SyncMaterial&)>;

// The HTTPS transport with the material's certificate and key.
Result<std::unique_ptr<Transport>> MakeHttpsTransport(
    const SyncMaterial& material);

// When the next round runs after `result`: the interval after a round that
// went through or found nothing to send to (not enrolled), at once when the
// round stopped at its bound with more to send, the backoff after a
// failure (reset by a success).
int64_t NextRoundDelayMs(const RoundResult& result, Backoff& backoff,
                         int interval_seconds);

class SyncProcess {
 public:
  // `clock`'s wall clock checks certificates; it outlives the process.
  SyncProcess(DaemonLink& link, TransportFactory factory,
              const os::Clock& clock);

  // One round; its outcome is reported with SyncDone before it returns.
  RoundResult RunRound();

 private:
  RoundResult Attempt();

  DaemonLink& link_;
  TransportFactory factory_;
  const os::Clock& clock_;
  SyncClient client_;
};

}  // namespace piiguard::sync

#endif  // PIIGUARD_AGENT_SYNC_SYNC_PROCESS_H_
