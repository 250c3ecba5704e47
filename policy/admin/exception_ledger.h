// The IT desk's ledger of the exception responses it gave (issue 17 item 5,
// docs/exceptions.md "The desk's ledger"): `exception respond` appends a
// record before it prints the response (no record, no response), and
// `exception ledger export` writes the records since the last export as one
// file signed with the city key, for the privacy office to import
// (`piiguard-office import-issued`). The formats are
// policy/exception/issued_ledger.h.
//
// The file is created 0600 on first use with a new random id, appended to
// under an exclusive flock(2) (two desk sessions on one file take turns),
// fsynced before the caller goes on; a write that fails is cut back off,
// so the ledger stays parseable.
//
// Thread-safety: functions on files; concurrent callers (also in other
// processes) are serialised by the lock.
#ifndef PIIGUARD_POLICY_ADMIN_EXCEPTION_LEDGER_H_
#define PIIGUARD_POLICY_ADMIN_EXCEPTION_LEDGER_H_

#include <cstdint>
#include <string>

#include "common/crypto.h"
#include "common/result.h"
#include "policy/admin/exception_desk.h"
#include "policy/exception/issued_ledger.h"

namespace piiguard::admin {

// The ledger when `respond` is given no --ledger: beside the master key,
// "MASTER.ledger".
std::string DefaultLedgerPath(const std::string& master_path);

// What the desk answered, as its ledger records it (seq 0: set by
// AppendIssued). `reason` must pass exception::ValidateReason.
exception::IssuedRecord IssuedRecordOf(const RespondRequest& request,
                                       const DeskResponse& response,
                                       std::string reason,
                                       int64_t policy_version, int64_t now_ms);

// Appends `record` to the ledger at `path` as its next seq (creating the
// file, 0600, with a new id if it does not exist) and fsyncs it. Returns
// the record as written. Refuses a ledger that does not parse: the desk
// answers nothing it cannot record.
Result<exception::IssuedRecord> AppendIssued(const std::string& path,
                                             exception::IssuedRecord record,
                                             int64_t now_ms);

struct LedgerExportDone {
  exception::LedgerExport batch;
  std::string sha256;  // of the file written
  // The export mark could not be appended: the next export repeats these
  // records (the office stores each record once, so that is harmless).
  Status mark;
};

// Writes the records after the last export mark of the ledger at `path` to
// `out` (a new file: an existing one is refused), signed with `city_key`,
// then appends the mark. An export with no records is written too: it
// tells the office the ledger holds nothing newer.
Result<LedgerExportDone> ExportLedger(const std::string& path,
                                      const std::string& out,
                                      const Ed25519PrivateKey& city_key,
                                      int64_t now_ms);

// Reads and parses the ledger (for listing and tests).
Result<exception::Ledger> ReadLedger(const std::string& path);

}  // namespace piiguard::admin

#endif  // PIIGUARD_POLICY_ADMIN_EXCEPTION_LEDGER_H_
