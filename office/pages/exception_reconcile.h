// Reconciling the exception codes the IT desk issued (its imported ledger,
// review_source.h IssuedException) with the exceptions the PCs journaled
// as used (exception.granted, docs/exceptions.md), per consignee (issue 17
// item 5). A use matches an issued record by PC id and the challenge's
// nonce (the PC's grant id), and must name the same person, scope and
// duration.
//
// What each issued record became:
//   redeemed       a matching exception.granted was received;
//   usable         not used, and its day (Japan) is not over;
//   awaiting       its day is over but the office holds the PC's journal
//                  only up to a time before its end: a use may still come;
//   expired        its day is over, the PC's journal has arrived past it,
//                  and it was never used;
//   unknown PC     the PC id names no enrolled PC (misheard or mistyped);
//   superseded     another response to the same challenge was used.
// A use with no matching record is an alarm, with what may explain it: no
// export imported at all, a use later than the newest export imported
// (import the next one), a use the imported exports should cover (answered
// outside the desk's ledger), or a record of the challenge that names
// another person, scope or duration.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_OFFICE_PAGES_EXCEPTION_RECONCILE_H_
#define PIIGUARD_OFFICE_PAGES_EXCEPTION_RECONCILE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "office/pages/review_source.h"

namespace piiguard::office {

// A PC's exception.granted entry, as the agent journals it
// (agent/exception/exception_service.cc).
struct GrantedUse {
  std::string pc;
  std::string pc_consignee;  // the PC's, at enrolment
  uint64_t seq = 0;
  int64_t time_ms = 0;  // the PC's clock
  uint64_t nonce = 0;   // details.grant
  std::string challenge;
  std::string scope;
  int64_t minutes = 0;
  int64_t person = -1;
  std::string responsible;
  std::string user;
};

// Reads an exception.granted event; kInvalidArgument when its details do
// not carry a grant id, scope, minutes and person (a field of another type
// counts as missing); kFailedPrecondition for a grant by a signed file
// (`via` "file"), which no code of the desk's ledger covers.
Result<GrantedUse> GrantedUseOf(const ReviewEvent& event);

enum class IssuedState {
  kRedeemed,
  kUsable,
  kAwaitingJournal,
  kExpiredUnused,
  kUnknownPc,
  kSuperseded,
};

enum class UseAlarm {
  kNoLedgerImported,
  kLedgerNotImportedYet,
  kOutsideLedger,
  kRecordDiffers,
};

struct IssuedLine {
  IssuedException issued;
  IssuedState state = IssuedState::kUsable;
  std::optional<GrantedUse> use;  // when redeemed
};

struct UnissuedLine {
  GrantedUse use;
  UseAlarm alarm = UseAlarm::kOutsideLedger;
  std::optional<IssuedException> recorded;  // kRecordDiffers: the record
};

struct ConsigneeReconciliation {
  std::string consignee;  // "" = the city's own
  size_t redeemed = 0;
  size_t expired = 0;
  size_t open = 0;                 // usable, awaiting, unknown PC or superseded
  std::vector<IssuedLine> issued;  // newest first
  std::vector<UnissuedLine> unissued;  // newest first
};

// A ledger as far as its exports were imported.
struct LedgerCoverage {
  std::string ledger;
  uint64_t stored = 0;       // records stored
  uint64_t highest_seq = 0;  // of those
  int64_t newest_export_ms = 0;
};

struct Reconciliation {
  std::vector<ConsigneeReconciliation> consignees;
  std::vector<LedgerCoverage> ledgers;
  size_t issued = 0;
  size_t redeemed = 0;
  size_t alarms = 0;
  int64_t covered_until_ms = 0;  // the newest export imported; 0 none
};

struct ReconcileInput {
  std::vector<IssuedException> issued;
  std::vector<GrantedUse> uses;
  std::vector<IssuedImport> imports;
  std::map<std::string, int64_t> journal_reach;     // JournalReach()
  std::map<std::string, std::string> pc_consignee;  // every enrolled PC
  std::vector<std::string> consignee_order;         // the register's, first
  int64_t now_ms = 0;
};

Reconciliation Reconcile(const ReconcileInput& input);

// When the day (days since 1970-01-01, Japan) a response works on is over.
int64_t IssueDayEndMs(int64_t issue_day);

// Everything Reconcile needs, read from `source` (every exception.granted
// entry, every issued record), at `now_ms`.
Result<Reconciliation> LoadReconciliation(ReviewSource& source, int64_t now_ms);

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_PAGES_EXCEPTION_RECONCILE_H_
