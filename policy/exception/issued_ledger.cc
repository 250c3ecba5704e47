#include "policy/exception/issued_ledger.h"

#include <string>
#include <utility>

#include "common/json.h"
#include "common/json_reader.h"
#include "common/signed_envelope.h"
#include "policy/ids.h"

namespace piiguard::exception {
namespace {

constexpr std::string_view kLedgerContext = "exception ledger";
constexpr std::string_view kExportContext = "exception ledger export";
constexpr size_t kLedgerIdHex = 32;
constexpr size_t kSha256Hex = 64;

Status LineError(size_t line, std::string_view reason) {
  return InvalidArgumentError(kLedgerContext, "line " + std::to_string(line),
                              reason);
}

Result<std::string> Canonical(const Json& value, std::string_view context) {
  return CanonicalJson(value, context);
}

}  // namespace

uint64_t Ledger::LastSeq() const {
  for (size_t i = lines.size(); i-- > 0;) {
    if (const auto* record = std::get_if<IssuedRecord>(&lines[i])) {
      return record->seq;
    }
  }
  return 0;
}

uint64_t Ledger::ExportedThrough() const {
  for (size_t i = lines.size(); i-- > 0;) {
    if (const auto* mark = std::get_if<ExportMark>(&lines[i])) {
      return mark->through;
    }
  }
  return 0;
}

Result<std::string> LedgerHeaderLine(std::string_view id, int64_t created_ms) {
  if (!policy::IsHex(id, kLedgerIdHex) || created_ms < 1) {
    return InvalidArgumentError(kLedgerContext, "header", "bad id or time");
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string text,
                            Canonical(Json{{"created_ms", created_ms},
                                           {"format", kLedgerFormat},
                                           {"ledger", id}},
                                      kLedgerContext));
  return text + "\n";
}

Result<std::string> LedgerLineText(const LedgerLine& line) {
  Json json;
  if (const auto* record = std::get_if<IssuedRecord>(&line)) {
    PIIGUARD_RETURN_IF_ERROR(ValidateIssuedRecord(*record));
    json = IssuedRecordJson(*record);
    json["kind"] = "issued";
  } else {
    const auto& mark = std::get<ExportMark>(line);
    if (!policy::IsHex(mark.sha256, kSha256Hex) || mark.exported_ms < 1 ||
        mark.through > static_cast<uint64_t>(INT64_MAX)) {
      return InvalidArgumentError(kLedgerContext, "export mark", "bad field");
    }
    json = Json{{"exported_ms", mark.exported_ms},
                {"kind", "exported"},
                {"sha256", mark.sha256},
                {"through", mark.through}};
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string text, Canonical(json, kLedgerContext));
  return text + "\n";
}

Result<std::string> SerializeLedger(const Ledger& ledger) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string out,
                            LedgerHeaderLine(ledger.id, ledger.created_ms));
  for (const LedgerLine& line : ledger.lines) {
    PIIGUARD_ASSIGN_OR_RETURN(std::string text, LedgerLineText(line));
    out += text;
  }
  return out;
}

Result<Ledger> ParseLedger(std::string_view bytes) {
  if (bytes.size() > kMaxLedgerBytes) {
    return InvalidArgumentError(
        kLedgerContext, "file",
        "larger than " + std::to_string(kMaxLedgerBytes) + " bytes");
  }
  if (bytes.empty()) {
    return InvalidArgumentError(kLedgerContext, "file", "empty (no header)");
  }
  Ledger ledger;
  uint64_t last_seq = 0;
  size_t number = 0;
  size_t at = 0;
  while (at < bytes.size()) {
    ++number;
    const size_t end = bytes.find('\n', at);
    if (end == std::string_view::npos) {
      return LineError(number,
                       "torn: no newline at the end (a write cut short?); "
                       "nothing is answered until the partial line is "
                       "removed");
    }
    const std::string_view text = bytes.substr(at, end - at);
    at = end + 1;
    Result<Json> json = ParseCanonicalJson(text, kLedgerContext);
    if (!json.ok()) return LineError(number, json.status().message());
    JsonErrors errors(std::string(kLedgerContext) + ": line " +
                      std::to_string(number));
    JsonReader r(*json, "$", errors);
    if (number == 1) {
      if (r.String("format") != kLedgerFormat && errors.empty()) {
        r.Error("format", "expected " + std::string(kLedgerFormat));
      }
      ledger.id = r.String("ledger");
      ledger.created_ms = r.Int("created_ms", 1, INT64_MAX);
      if (errors.empty() && !policy::IsHex(ledger.id, kLedgerIdHex)) {
        r.Error("ledger", "expected 32 lower-case hex digits");
      }
      r.Finish();
      PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
      continue;
    }
    static constexpr std::string_view kKinds[] = {"issued", "exported"};
    const std::string kind = r.Enum("kind", kKinds);
    if (kind == "issued") {
      IssuedRecord record = ReadIssuedRecord(r);
      r.Finish();
      PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
      if (record.seq != last_seq + 1) {
        return LineError(number, "record " + std::to_string(record.seq) +
                                     " out of sequence (expected " +
                                     std::to_string(last_seq + 1) + ")");
      }
      last_seq = record.seq;
      ledger.lines.emplace_back(std::move(record));
      continue;
    }
    ExportMark mark;
    mark.exported_ms = r.Int("exported_ms", 1, INT64_MAX);
    mark.sha256 = r.String("sha256");
    mark.through = static_cast<uint64_t>(r.Int("through", 0, INT64_MAX));
    if (errors.empty() && !policy::IsHex(mark.sha256, kSha256Hex)) {
      r.Error("sha256", "expected 64 lower-case hex digits");
    }
    r.Finish();
    PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
    if (mark.through != last_seq) {
      return LineError(
          number, "export mark through " + std::to_string(mark.through) +
                      ", but the last record is " + std::to_string(last_seq));
    }
    ledger.lines.emplace_back(std::move(mark));
  }
  return ledger;
}

LedgerExport RecordsToExport(const Ledger& ledger, int64_t exported_ms) {
  LedgerExport out;
  out.ledger = ledger.id;
  out.exported_ms = exported_ms;
  out.from_seq = ledger.ExportedThrough() + 1;
  out.through = ledger.LastSeq();
  for (const LedgerLine& line : ledger.lines) {
    const auto* record = std::get_if<IssuedRecord>(&line);
    if (record != nullptr && record->seq >= out.from_seq) {
      out.records.push_back(*record);
    }
  }
  return out;
}

Result<std::string> EncodeExportPayload(const LedgerExport& batch) {
  if (!policy::IsHex(batch.ledger, kLedgerIdHex) || batch.exported_ms < 1 ||
      batch.from_seq < 1 || batch.from_seq > static_cast<uint64_t>(INT64_MAX) ||
      batch.through + 1 < batch.from_seq ||
      batch.records.size() != batch.through + 1 - batch.from_seq ||
      batch.records.size() > kMaxExportRecords) {
    return InvalidArgumentError(kExportContext, "export", "bad fields");
  }
  Json records = Json::array();
  uint64_t seq = batch.from_seq;
  for (const IssuedRecord& record : batch.records) {
    if (record.seq != seq++) {
      return InvalidArgumentError(kExportContext, "records", "out of sequence");
    }
    PIIGUARD_RETURN_IF_ERROR(ValidateIssuedRecord(record));
    records.push_back(IssuedRecordJson(record));
  }
  return Canonical(Json{{"exported_ms", batch.exported_ms},
                        {"format", kLedgerExportFormat},
                        {"from_seq", batch.from_seq},
                        {"ledger", batch.ledger},
                        {"records", std::move(records)},
                        {"through", batch.through}},
                   kExportContext);
}

Result<LedgerExport> ParseExportPayload(std::string_view payload) {
  PIIGUARD_ASSIGN_OR_RETURN(Json json,
                            ParseCanonicalJson(payload, kExportContext));
  JsonErrors errors{std::string(kExportContext)};
  JsonReader r(json, "$", errors);
  LedgerExport out;
  if (r.String("format") != kLedgerExportFormat && errors.empty()) {
    r.Error("format", "expected " + std::string(kLedgerExportFormat));
  }
  out.ledger = r.String("ledger");
  out.exported_ms = r.Int("exported_ms", 1, INT64_MAX);
  out.from_seq = static_cast<uint64_t>(r.Int("from_seq", 1, INT64_MAX));
  out.through = static_cast<uint64_t>(r.Int("through", 0, INT64_MAX));
  if (errors.empty() && !policy::IsHex(out.ledger, kLedgerIdHex)) {
    r.Error("ledger", "expected 32 lower-case hex digits");
  }
  size_t count = 0;
  r.Array("records", true, [&](const Json& element, const std::string& path) {
    if (++count > kMaxExportRecords) {
      if (count == kMaxExportRecords + 1) {
        errors.Add(path, "more than " + std::to_string(kMaxExportRecords) +
                             " records");
      }
      return;
    }
    JsonReader record_reader(element, path, errors);
    IssuedRecord record = ReadIssuedRecord(record_reader);
    record_reader.Finish();
    out.records.push_back(std::move(record));
  });
  r.Finish();
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  if (out.through + 1 < out.from_seq ||
      out.records.size() != out.through + 1 - out.from_seq) {
    return InvalidArgumentError(kExportContext, "records",
                                std::to_string(out.records.size()) +
                                    " records for seq " +
                                    std::to_string(out.from_seq) + " to " +
                                    std::to_string(out.through));
  }
  uint64_t seq = out.from_seq;
  for (const IssuedRecord& record : out.records) {
    if (record.seq != seq) {
      return InvalidArgumentError(
          kExportContext, "record " + std::to_string(record.seq),
          "out of sequence (expected " + std::to_string(seq) + ")");
    }
    ++seq;
  }
  return out;
}

Result<std::string> SignLedgerExport(const LedgerExport& batch,
                                     const Ed25519PrivateKey& key) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string payload, EncodeExportPayload(batch));
  PIIGUARD_ASSIGN_OR_RETURN(
      SignedEnvelope envelope,
      SignEnvelope(kLedgerEnvelopeType, std::move(payload), key));
  return SerializeSignedEnvelope(envelope);
}

Result<LedgerExport> VerifyLedgerExport(
    std::string_view bytes, std::span<const Ed25519PublicKey> trusted) {
  PIIGUARD_ASSIGN_OR_RETURN(SignedEnvelope envelope,
                            ParseSignedEnvelope(bytes));
  PIIGUARD_ASSIGN_OR_RETURN(
      size_t signer,
      VerifySignedEnvelope(envelope, kLedgerEnvelopeType, trusted));
  (void)signer;
  return ParseExportPayload(envelope.payload);
}

}  // namespace piiguard::exception
