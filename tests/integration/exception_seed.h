// The offline exception codes in office_seed's data (issue 17 item 5): the
// IT desk (the real piiguard-admin, desk_runner.h) answers the challenges
// two simulated PCs show; one response is used, one is for a day that is
// over and never used, one is answered outside the desk's ledger and used;
// then the desk exports its ledger. office_pages_test.sh imports the export
// with `piiguard-office import-issued`, and the browser checks /exceptions.
//
// Thread-safety: not thread-safe (single-threaded seeding).
#ifndef PIIGUARD_TESTS_INTEGRATION_EXCEPTION_SEED_H_
#define PIIGUARD_TESTS_INTEGRATION_EXCEPTION_SEED_H_

#include <string>

#include "common/json_fwd.h"
#include "common/result.h"
#include "tests/integration/desk_runner.h"
#include "tests/integration/simulated_agent.h"

namespace piiguard::seed {

// `hidamari` and `sun` have applied `policy`, which the desk set up with.
// Returns what the pages must show: "exceptions_overview" (the overview's
// line), "exception_texts", "exception_alarm" (the challenge used without a
// record) and "issued_export" (the file to import).
Result<Json> SeedExceptions(DeskRunner& desk, SimulatedAgent& hidamari,
                            const std::string& hidamari_pc, SimulatedAgent& sun,
                            const std::string& sun_pc);

}  // namespace piiguard::seed

#endif  // PIIGUARD_TESTS_INTEGRATION_EXCEPTION_SEED_H_
