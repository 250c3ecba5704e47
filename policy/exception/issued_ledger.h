// The IT desk's ledger of the responses it gave, and its signed export to
// the privacy office (docs/exceptions.md "The desk's ledger"). Formats
// only: the desk's file handling is policy/admin/exception_ledger.h, the
// office's import office/issued_store.cc.
//
// The ledger file: UTF-8 text, one canonical JSON object per line, each
// line ending in LF; appended to, never rewritten.
//   line 1:  {"created_ms":N,"format":"piiguard-exception-ledger/1",
//             "ledger":"<32 hex: random id>"}
//   then:    {"kind":"issued", <IssuedRecord fields>}   seq 1, 2, 3, ...
//            {"exported_ms":N,"kind":"exported","sha256":"<64 hex>",
//             "through":S}   an export of every record up to seq S was
//                            written (S: the last record before this line)
// The export: a signed envelope (docs/signing.md) of type
// "exception-ledger" whose payload is
//   {"exported_ms":N,"format":"piiguard-exception-ledger-export/1",
//    "from_seq":F,"ledger":"<32 hex>","records":[<IssuedRecord>...],
//    "through":S}
// with the records F..S in order (none when S = F - 1).
//
// Parsing is exact: a ledger or payload that parses serialises to the same
// bytes.
//
// Thread-safety: pure functions and value types.
#ifndef PIIGUARD_POLICY_EXCEPTION_ISSUED_LEDGER_H_
#define PIIGUARD_POLICY_EXCEPTION_ISSUED_LEDGER_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"
#include "policy/exception/issued_record.h"

namespace piiguard::exception {

inline constexpr std::string_view kLedgerFormat = "piiguard-exception-ledger/1";
inline constexpr std::string_view kLedgerExportFormat =
    "piiguard-exception-ledger-export/1";
inline constexpr std::string_view kLedgerEnvelopeType = "exception-ledger";
// A ledger file is read whole; beyond this it is refused (about 100,000
// records: years of a city's calls).
inline constexpr size_t kMaxLedgerBytes = size_t{64} * 1024 * 1024;
// Records in one export.
inline constexpr size_t kMaxExportRecords = 20000;

// An export was written of every record up to `through`.
struct ExportMark {
  uint64_t through = 0;
  int64_t exported_ms = 0;
  std::string sha256;  // of the export file, 64 lower-case hex
  friend bool operator==(const ExportMark&, const ExportMark&) = default;
};

using LedgerLine = std::variant<IssuedRecord, ExportMark>;

struct Ledger {
  std::string id;  // 32 lower-case hex
  int64_t created_ms = 0;
  std::vector<LedgerLine> lines;  // after the header, in file order

  // The seq of the last record; 0 if none.
  uint64_t LastSeq() const;
  // `through` of the last export mark; 0 if none.
  uint64_t ExportedThrough() const;
  friend bool operator==(const Ledger&, const Ledger&) = default;
};

// The header line and each line, LF included. REQUIRES: valid fields.
Result<std::string> LedgerHeaderLine(std::string_view id, int64_t created_ms);
Result<std::string> LedgerLineText(const LedgerLine& line);
Result<std::string> SerializeLedger(const Ledger& ledger);

// The whole file. Refuses a torn last line (no LF: a write cut short), a
// line that is not canonical JSON, records out of sequence, a mark whose
// `through` is not the last record before it.
Result<Ledger> ParseLedger(std::string_view bytes);

struct LedgerExport {
  std::string ledger;  // the ledger's id
  int64_t exported_ms = 0;
  uint64_t from_seq = 1;
  uint64_t through = 0;  // from_seq - 1 when there are no records
  std::vector<IssuedRecord> records;
  friend bool operator==(const LedgerExport&, const LedgerExport&) = default;
};

// The records after the ledger's last export mark (all of them if none).
LedgerExport RecordsToExport(const Ledger& ledger, int64_t exported_ms);

Result<std::string> EncodeExportPayload(const LedgerExport& batch);
Result<LedgerExport> ParseExportPayload(std::string_view payload);

// The envelope file, signed with the city key.
Result<std::string> SignLedgerExport(const LedgerExport& batch,
                                     const Ed25519PrivateKey& key);
// Checks the envelope (type, signature by one of `trusted`), then parses
// the payload. kUnauthenticated for an unknown signer or a bad signature;
// kInvalidArgument for anything malformed.
Result<LedgerExport> VerifyLedgerExport(
    std::string_view bytes, std::span<const Ed25519PublicKey> trusted);

}  // namespace piiguard::exception

#endif  // PIIGUARD_POLICY_EXCEPTION_ISSUED_LEDGER_H_
