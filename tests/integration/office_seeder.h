// Seeder: puts simulated PCs (simulated_agent.h) into a privacy office's
// store the way the real paths do: enrolment as `piiguard enrol` leaves it,
// batches from the agent's own SyncMonitor through the office's Ingestor,
// acknowledgements back to the agent. Shared by office_seed (the review
// pages' browser test) and exception_reconcile_test.
//
// Thread-safety: not thread-safe (single-threaded seeding).
#ifndef PIIGUARD_TESTS_INTEGRATION_OFFICE_SEEDER_H_
#define PIIGUARD_TESTS_INTEGRATION_OFFICE_SEEDER_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "common/os/testing/fake_clock.h"
#include "office/ingest.h"
#include "office/store.h"
#include "tests/integration/simulated_agent.h"

namespace piiguard::seed {

class Seeder {
 public:
  Seeder(office::OfficeStore& store, std::filesystem::path work)
      : store_(store), ingestor_(store, clock_), work_(std::move(work)) {}

  // Enrols the PC in the office's store, as `piiguard enrol` would.
  Status Enrol(const std::string& pc, const std::string& consignee,
               SimulatedAgent& agent, int64_t enrolled_ms);
  // Sends everything pending, as the agent's sync would, with a status
  // report when one is given, and records the acknowledgement.
  Status Sync(const std::string& pc, std::optional<std::string> report = {});
  // What root on the PC could forge: the journal read back from its file,
  // entry 3 on rewritten (as an agent stop) and one more entry, the chain
  // and a checkpoint re-made and re-signed with the PC's own device key.
  // The office must refuse it as an incident.
  Status Rewrite(const std::string& pc, int64_t now_ms);
  // The office asks the PC for a status report (R8); the PC's monitor
  // journals and signs it, and its next batch carries it (docs/sync.md).
  Status AnswerStatusRequest(const std::string& pc);

  const std::string& incident_reason() const { return reason_; }

 private:
  office::OfficeStore& store_;
  os::FakeClock clock_{0};  // the office's time of the batch being ingested
  office::Ingestor ingestor_;
  std::filesystem::path work_;
  std::map<std::string, std::string> serials_;
  std::map<std::string, SimulatedAgent*> agents_;
  std::string reason_;
};

}  // namespace piiguard::seed

#endif  // PIIGUARD_TESTS_INTEGRATION_OFFICE_SEEDER_H_
