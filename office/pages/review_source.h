// ReviewSource: everything the privacy office's review pages read from and
// write to the office's storage. The office stores (sqlite, PostgreSQL)
// implement it; the pages (review_pages.h) only ever see this interface, and
// their unit tests use an in-memory fake (testing/fake_review_source.h).
//
// Conventions for implementers:
// - Times are milliseconds since the Unix epoch (UTC); 0 means "none/never".
// - A lookup of something that does not exist returns kNotFound.
// - Strings are returned as stored (UTF-8); the pages escape them.
// - Several server processes may share one PostgreSQL database, so login
//   sessions and login failures live here, not in a process.
//
// Thread-safety: implementations must be thread-safe; the HTTP server calls
// every method from many threads at once.
#ifndef PIIGUARD_OFFICE_PAGES_REVIEW_SOURCE_H_
#define PIIGUARD_OFFICE_PAGES_REVIEW_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/journal/entry.h"
#include "common/result.h"
#include "common/status.h"

namespace piiguard::office {

// One stored journal entry of one PC (docs/journal.md), as ingested.
struct ReviewEvent {
  std::string pc;
  std::string consignee;  // the PC's consignee at enrolment; "" = the city
  uint64_t seq = 0;
  int64_t time_ms = 0;  // the agent's clock
  std::string type;     // e.g. "near_miss.reported"
  journal::Severity severity = journal::Severity::kInfo;
  std::string subject;
  std::string details;  // canonical JSON object
};

// Which events to list. Empty strings and 0 mean "no restriction".
struct EventFilter {
  std::string pc;           // exact pc id
  std::string consignee;    // exact consignee id of the PC
  std::string type_prefix;  // type starts with this, e.g. "usb."
  // The type is one of these exactly (empty: any type). Near misses are
  // journal::NearMissTypes() (common/journal/event_types.h).
  std::vector<std::string> types;
  journal::Severity min_severity = journal::Severity::kInfo;  // at least
  int64_t from_ms = 0;  // time_ms >= from_ms
  int64_t to_ms = 0;    // time_ms < to_ms
  size_t limit = 100;   // at most this many, newest (time_ms, then seq)
                        // first; 0: only `total` is wanted
  size_t offset = 0;    // skip this many of the matching events first
};

struct EventPage {
  std::vector<ReviewEvent> events;
  uint64_t total = 0;  // how many match the filter, ignoring limit/offset
};

// An enrolled PC.
struct PcSummary {
  std::string pc;
  std::string consignee;  // from the enrolment token; "" = the city
  int64_t enrolled_ms = 0;
  int64_t last_contact_ms = 0;  // last accepted or refused batch; 0 never
  int64_t policy_version = 0;   // last policy the PC reported applying
                                // (policy.applied or a status report);
                                // 0 unknown
  uint64_t acked_seq = 0;       // last acknowledged journal seq
  bool journal_failed = false;  // "journal failed verification": an
                                // uncleared incident exists for this PC
  std::string failure_reason;   // reason of the newest uncleared incident
};

// A refused batch that rewrote or dropped acknowledged history, a replaced
// journal, and the like (docs/sync.md).
struct Incident {
  int64_t id = 0;
  std::string pc;
  int64_t time_ms = 0;  // when the office detected it
  std::string code;     // the refusal code, e.g. "history_rewritten"
  std::string reason;   // e.g. "history rewritten at seq 17"
  bool cleared = false;
};

// The number of events of one type that name one register job (R14):
// events whose details carry a string field "job" with the job's id.
struct JobCount {
  std::string job;
  std::string type;
  uint64_t count = 0;
};

// The register (R14) and consignees (R5) of the newest published policy.
struct RegisterJob {
  std::string id;
  std::string name;     // 事務の名称
  std::string section;  // 担当課
  std::string consignee;
};
struct Consignee {
  std::string id;
  std::string name;
  std::string responsible;  // name of the PC responsible person
  std::string contact;      // the responsible person's contact
};
struct Register {
  int64_t policy_version = 0;  // 0: no policy published yet (lists empty)
  std::vector<RegisterJob> jobs;
  std::vector<Consignee> consignees;
};

// A status report request (R8) and, once received, the report.
struct StatusRequest {
  std::string id;
  std::string pc;
  std::string requested_by;  // the office user who asked
  int64_t requested_ms = 0;
  int64_t received_ms = 0;  // 0 while the report has not arrived
  std::string report;       // the verified report's payload (canonical JSON
                            // as in docs/sync.md); "" while pending
};

// One response the IT desk gave, as imported from an export of its ledger
// (docs/exceptions.md "The desk's ledger"; `piiguard-office
// import-issued`). A record is named by its ledger's id and its seq.
struct IssuedException {
  std::string ledger;  // 32 hex
  uint64_t seq = 0;
  std::string pc;
  uint64_t nonce = 0;     // the challenge's nonce: the PC's grant id
  std::string challenge;  // its canonical text
  std::string scope;      // "stick", "radios", "roster-folder", ...
  int64_t minutes = 0;
  unsigned index = 0;
  unsigned person = 0;  // the response's person index
  std::string person_name;
  bool deputy = false;
  std::string consignee;  // the consignee that person belongs to
  std::string reason;     // what the desk typed
  int64_t issued_ms = 0;  // the desk's clock
  int64_t issue_day = 0;  // days since 1970-01-01 (Japan) it works on
  int64_t policy_version = 0;
  int64_t imported_ms = 0;
};

// One export file imported.
struct IssuedImport {
  std::string sha256;  // of the file
  std::string ledger;
  uint64_t from_seq = 0;
  uint64_t through = 0;
  int64_t exported_ms = 0;  // the desk's clock when it was written
  int64_t imported_ms = 0;
  uint64_t records = 0;  // in the file
  uint64_t stored = 0;   // new when it was imported
};

// A signed exception file queued for its PC (docs/office.md "exception
// publish", docs/exceptions.md "Online delivery"): served by GET
// /api/v1/exceptions while it waits: not settled (the PC's journal said it
// was granted or refused), not withdrawn, and not past redeem_by.
struct QueuedException {
  std::string pc;
  std::string id;      // the file's id, decimal
  std::string sha256;  // of the file's bytes, 64 lower-case hex
  std::string file;    // the signed file's bytes
  int64_t redeem_by_ms = 0;
  int64_t published_ms = 0;
  // The office user who issued it from the pages, or "(command line)" for
  // `exception publish`; "" for a file queued before this was recorded.
  std::string issued_by;
  int64_t settled_ms = 0;  // 0: still to deliver
  // The type of the PC's entry that settled it: "exception.granted" or
  // "exception.refused"; "" while not settled.
  std::string settled_type;
  int64_t withdrawn_ms = 0;  // 0: not withdrawn
  std::string withdrawn_by;  // the office user who withdrew it
};

// A user of the review pages. The password is stored as
// PBKDF2-HMAC-SHA256(password, salt, iterations), 32 bytes; use
// office/pages/password.h to make and check these.
struct OfficeUser {
  std::string name;
  std::string password_hash_hex;  // 64 lower-case hex digits
  std::string salt_hex;           // lower-case hex, 16 bytes or more
  uint32_t iterations = 0;
  // May issue signed exception files from the pages (docs/exceptions.md
  // "Issuing from the office's pages"); `piiguard-office user add
  // --may-issue-exceptions` or `user set`.
  bool may_issue_exceptions = false;
};

// A login session. The store never sees the cookie value, only its hash.
struct LoginSession {
  std::string token_hash_hex;  // SHA-256 of the cookie value, 64 hex
  std::string user;
  std::string csrf_token;  // sent in every POST form
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
};

class ReviewSource {
 public:
  virtual ~ReviewSource() = default;

  // Events.
  virtual Result<EventPage> ListEvents(const EventFilter& filter) = 0;
  virtual Result<ReviewEvent> GetEvent(std::string_view pc, uint64_t seq) = 0;

  // PCs, sorted by pc id.
  virtual Result<std::vector<PcSummary>> ListPcs() = 0;

  // Incidents, newest first; cleared ones only if `include_cleared`.
  virtual Result<std::vector<Incident>> ListIncidents(bool include_cleared) = 0;

  // Counts of events with from_ms <= time_ms < to_ms that name a job in
  // details.job, grouped by (job, type), sorted by job then type. The pages
  // pass the bounds of a fiscal year (April 1 to April 1, JST).
  virtual Result<std::vector<JobCount>> CountEventsByJob(int64_t from_ms,
                                                         int64_t to_ms) = 0;

  virtual Result<Register> GetRegister() = 0;

  // Status reports (R8). `pc` "" lists every PC's; newest first.
  virtual Result<std::vector<StatusRequest>> ListStatusRequests(
      std::string_view pc, size_t limit) = 0;
  // Records a new pending request (kNotFound if the pc is not enrolled); the
  // next sync answer of that PC carries its id.
  virtual Result<StatusRequest> RequestStatusReport(
      std::string_view pc, std::string_view requested_by, int64_t now_ms) = 0;

  // Exception codes the IT desk issued (docs/exceptions.md), newest first,
  // and the export files they came from, newest first.
  virtual Result<std::vector<IssuedException>> ListIssuedExceptions() = 0;
  virtual Result<std::vector<IssuedImport>> ListIssuedImports() = 0;
  // For each PC with stored entries: the time (the PC's clock) of the
  // newest entry the office holds. Its journal up to then has arrived.
  virtual Result<std::map<std::string, int64_t>> JournalReach() = 0;

  // Signed exception files queued for the PCs' sync. `pc` "" lists every
  // PC's; newest first, at most `limit`.
  virtual Result<std::vector<QueuedException>> ListExceptionFiles(
      std::string_view pc, size_t limit) = 0;
  // Stops serving a file that still waits (not settled, not withdrawn, not
  // past redeem_by at `now_ms`) and records who withdrew it and when.
  // kNotFound: no such file; kFailedPrecondition: it no longer waits.
  virtual Status WithdrawExceptionFile(std::string_view pc, std::string_view id,
                                       std::string_view by, int64_t now_ms) = 0;

  // Users and login.
  virtual Result<OfficeUser> GetUser(std::string_view name) = 0;
  virtual Status RecordLoginFailure(std::string_view user, int64_t time_ms) = 0;
  // Failures of `user` recorded at or after `since_ms`.
  virtual Result<uint64_t> CountLoginFailures(std::string_view user,
                                              int64_t since_ms) = 0;

  virtual Status CreateSession(const LoginSession& session) = 0;
  virtual Result<LoginSession> GetSession(std::string_view token_hash_hex) = 0;
  virtual Status DeleteSession(std::string_view token_hash_hex) = 0;
  // Removes every session with expires_ms <= now_ms.
  virtual Status DeleteExpiredSessions(int64_t now_ms) = 0;
};

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_PAGES_REVIEW_SOURCE_H_
