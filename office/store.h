// The privacy office's storage: enrolled PCs, their journals as ingested,
// incidents, published policies, status requests and reports, and the
// review pages' users and login sessions.
//
// One store, two engines (sql.h): sqlite (default, one file, WAL) and
// PostgreSQL, which several `piiguard-office serve` processes may share.
// Ingest for one PC is serialised by locking its row (SELECT ... FOR
// UPDATE; on sqlite the whole file is locked by BEGIN IMMEDIATE), and
// everything one batch changes is written in one transaction.
//
// Thread-safety: OfficeStore is thread-safe. An IngestTx belongs to one
// thread; it holds the PC's lock until it is committed or destroyed
// (destroying it uncommitted rolls everything back).
#ifndef PIIGUARD_OFFICE_STORE_H_
#define PIIGUARD_OFFICE_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/journal/entry.h"
#include "common/result.h"
#include "office/pages/review_source.h"
#include "office/sql.h"
#include "policy/exception/issued_ledger.h"

namespace piiguard::office {

// An enrolled PC, as stored.
struct PcRecord {
  std::string pc;
  std::string consignee;       // "" = the city's own PC
  std::string device_key_pem;  // Ed25519 public key (journal checkpoints)
  std::string chain;           // 32 hex: the journal chain at enrolment
  std::string cert_serial;     // lower-case hex of the TLS client cert
  int64_t enrolled_ms = 0;
  int64_t last_contact_ms = 0;
  int64_t policy_version = 0;  // last the PC reported applying; 0 unknown
  uint64_t acked_seq = 0;
  journal::Hash acked_head{};
  bool verification_failed = false;
};

struct PolicyRecord {
  int64_t version = 0;
  std::string envelope;  // the signed policy as published
  int64_t published_ms = 0;
};

class OfficeStore;

// What ImportIssued did with one export file.
struct IssuedImportOutcome {
  uint64_t records = 0;    // in the file
  uint64_t stored = 0;     // new
  uint64_t already = 0;    // stored before, the same
  bool file_seen = false;  // this very file was imported before
};

// What one batch does to the store, in one transaction (office/ingest.cc).
class IngestTx {
 public:
  ~IngestTx();
  IngestTx(const IngestTx&) = delete;
  IngestTx& operator=(const IngestTx&) = delete;

  // Locks and reads the PC's row; nullopt if it is not enrolled.
  Result<std::optional<PcRecord>> LockPc(std::string_view pc);
  // Stored hashes of the PC's entries with from <= seq <= to.
  Result<std::map<uint64_t, journal::Hash>> StoredHashes(std::string_view pc,
                                                         uint64_t from,
                                                         uint64_t to);
  Status InsertEntries(std::string_view pc,
                       std::span<const journal::Entry> entries);
  // Moves the acknowledged position and records the contact; a
  // `policy_version` > 0 is the newest policy the PC reported applying.
  Status Advance(std::string_view pc, uint64_t acked_seq,
                 const journal::Hash& acked_head, int64_t now_ms,
                 int64_t policy_version);
  // Stores an incident and marks the PC "journal failed verification".
  Status RaiseIncident(std::string_view pc, std::string_view code,
                       std::string_view reason, int64_t now_ms);
  // The oldest pending status request of the PC; "" if none.
  Result<std::string> PendingStatusRequest(std::string_view pc);
  // Stores a verified report on its pending request; false if the PC has no
  // pending request with that id (the report is then not stored).
  Result<bool> StoreStatusReport(std::string_view pc,
                                 std::string_view request_id,
                                 std::string_view payload, int64_t now_ms);
  // The newest published policy version; 0 if none.
  Result<int64_t> NewestPolicyVersion();
  // Entries of the PC just stored: an exception.granted or .refused that
  // names a queued file (details.id with via "file", or details.file_sha256)
  // settles it, so it is no longer served (exception_queue.cc).
  Status SettleExceptionFiles(std::string_view pc,
                              std::span<const journal::Entry> entries,
                              int64_t now_ms);
  Status Commit();

 private:
  friend class OfficeStore;
  explicit IngestTx(std::unique_ptr<SqlTxn> txn) : txn_(std::move(txn)) {}
  std::unique_ptr<SqlTxn> txn_;
};

class OfficeStore : public ReviewSource {
 public:
  // Creates the tables if they do not exist.
  static Result<std::unique_ptr<OfficeStore>> Open(std::unique_ptr<SqlDb> db);
  static Result<std::unique_ptr<OfficeStore>> OpenSqlite(
      const std::string& path);
  static Result<std::unique_ptr<OfficeStore>> OpenPostgres(
      const std::string& conninfo, size_t connections);

  SqlDialect dialect() const { return db_->dialect(); }

  // Enrolment: marks the token's nonce used and stores the PC, in one
  // transaction. kFailedPrecondition if the nonce was used or the PC is
  // already enrolled (then nothing is stored).
  Status Enrol(const PcRecord& pc, std::string_view nonce, int64_t now_ms);
  Result<PcRecord> GetPc(std::string_view pc);

  Result<std::unique_ptr<IngestTx>> BeginIngest();

  // Policies. Publish refuses a version not above the newest published.
  Status PublishPolicy(int64_t version, std::string_view envelope,
                       std::string_view payload, int64_t now_ms);
  Result<std::optional<PolicyRecord>> NewestPolicy();

  // Exception files (exception_queue.cc). Queue refuses (kFailedPrecondition)
  // a file whose id is already queued for that PC. Pending: the PC's files
  // not settled, not withdrawn, and with redeem_by_ms >= now_ms, oldest first,
  // at most kMaxDeliveredFiles and kMaxDeliveredBytes
  // (common/exception_delivery.h).
  Status QueueExceptionFile(const QueuedException& file);
  Result<std::vector<QueuedException>> PendingExceptionFiles(
      std::string_view pc, int64_t now_ms);
  // Every queued file of the PC ("" : all PCs), newest first, at most
  // limit; withdrawal (ReviewSource).
  Result<std::vector<QueuedException>> ListExceptionFiles(
      std::string_view pc, size_t limit) override;
  Status WithdrawExceptionFile(std::string_view pc, std::string_view id,
                               std::string_view by, int64_t now_ms) override;

  // Users of the review pages. AddUser refuses an existing name.
  Status AddUser(const OfficeUser& user, int64_t now_ms);
  // Grants or revokes issuing exception files; kNotFound for no such user.
  Status SetUserMayIssueExceptions(std::string_view name, bool may);

  // Exceptions the IT desk issued (issue 17 item 5; issued_store.cc):
  // stores the records of a verified ledger export, each once, in one
  // transaction, and the file by its SHA-256. A record already stored with
  // other content refuses the whole file (kFailedPrecondition) and nothing
  // is stored.
  Result<IssuedImportOutcome> ImportIssued(const exception::LedgerExport& batch,
                                           std::string_view file_sha256,
                                           int64_t now_ms);

  // Clears the PC's incidents and its "journal failed verification" mark;
  // returns how many incidents were cleared. kNotFound for an unknown PC.
  Result<uint64_t> ClearIncidents(std::string_view pc, int64_t now_ms);

  // ReviewSource.
  Result<EventPage> ListEvents(const EventFilter& filter) override;
  Result<ReviewEvent> GetEvent(std::string_view pc, uint64_t seq) override;
  Result<std::vector<PcSummary>> ListPcs() override;
  Result<std::vector<Incident>> ListIncidents(bool include_cleared) override;
  Result<std::vector<JobCount>> CountEventsByJob(int64_t from_ms,
                                                 int64_t to_ms) override;
  Result<Register> GetRegister() override;
  Result<std::vector<StatusRequest>> ListStatusRequests(std::string_view pc,
                                                        size_t limit) override;
  Result<StatusRequest> RequestStatusReport(std::string_view pc,
                                            std::string_view requested_by,
                                            int64_t now_ms) override;
  Result<std::vector<IssuedException>> ListIssuedExceptions() override;
  Result<std::vector<IssuedImport>> ListIssuedImports() override;
  Result<std::map<std::string, int64_t>> JournalReach() override;
  Result<OfficeUser> GetUser(std::string_view name) override;
  Status RecordLoginFailure(std::string_view user, int64_t time_ms) override;
  Result<uint64_t> CountLoginFailures(std::string_view user,
                                      int64_t since_ms) override;
  Status CreateSession(const LoginSession& session) override;
  Result<LoginSession> GetSession(std::string_view token_hash_hex) override;
  Status DeleteSession(std::string_view token_hash_hex) override;
  Status DeleteExpiredSessions(int64_t now_ms) override;

 private:
  explicit OfficeStore(std::unique_ptr<SqlDb> db) : db_(std::move(db)) {}
  Status CreateSchema();
  // Adds the columns of later versions to the tables of an earlier one, in
  // place (ALTER TABLE ... ADD COLUMN where the column is missing).
  static Status UpgradeSchema(SqlTxn& txn, SqlDialect dialect);
  // The tables of issued exceptions (issued_store.cc), made with the rest.
  static std::span<const std::string_view> IssuedSchema();
  // Runs one statement in its own transaction.
  Result<SqlRows> Run(std::string_view sql,
                      const std::vector<std::string>& params, bool write);

  std::unique_ptr<SqlDb> db_;
};

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_STORE_H_
