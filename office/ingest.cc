#include "office/ingest.h"

#include <algorithm>
#include <array>
#include <utility>

#include "common/crypto.h"
#include "common/journal/batch.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/signed_envelope.h"

namespace piiguard::office {
namespace {

constexpr std::string_view kStatusReportType = "status-report";

int HttpStatusFor(journal::BatchError error) {
  return error == journal::BatchError::kMalformed ? 400 : 409;
}

ApiAnswer Refusal(int http_status, std::string_view code, std::string reason,
                  uint64_t acked_seq, const journal::Hash& acked_head) {
  ApiAnswer answer;
  answer.http_status = http_status;
  answer.error = code;
  answer.reason = std::move(reason);
  answer.body = Json{{"error", answer.error},
                     {"reason", answer.reason},
                     {"acked_seq", acked_seq},
                     {"acked_head", journal::HashHex(acked_head)}};
  return answer;
}

ApiAnswer InternalFailure(const Status& status) {
  ApiAnswer answer;
  answer.http_status = 500;
  answer.error = "internal";
  answer.reason = status.ToString();
  answer.body = Json{{"error", "internal"}, {"reason", "office error"}};
  return answer;
}

// The newest policy version the new entries report applying
// (policy.applied, details.version); 0 if none.
int64_t ReportedPolicyVersion(std::span<const journal::Entry> entries) {
  int64_t version = 0;
  for (const journal::Entry& entry : entries) {
    if (entry.type != journal::types::kPolicyApplied) continue;
    Result<Json> details = ParseJsonStrict(entry.details, "details");
    if (!details.ok() || !details->is_object()) continue;
    auto it = details->find("version");
    if (it != details->end() && it->is_number_integer()) {
      version = std::max(version, it->get<int64_t>());
    }
  }
  return version;
}

struct VerifiedReport {
  std::string request;
  std::string payload;
  int64_t policy_version = 0;
};

// Verifies a status report envelope under the device key and reads the
// fields the office needs; the report must name this PC.
Result<VerifiedReport> VerifyStatusReport(std::string_view envelope_text,
                                          const Ed25519PublicKey& device_key,
                                          std::string_view pc) {
  PIIGUARD_ASSIGN_OR_RETURN(SignedEnvelope envelope,
                            ParseSignedEnvelope(envelope_text));
  std::array<Ed25519PublicKey, 1> trusted{device_key};
  PIIGUARD_ASSIGN_OR_RETURN(
      size_t ignored,
      VerifySignedEnvelope(envelope, kStatusReportType, trusted));
  (void)ignored;
  PIIGUARD_ASSIGN_OR_RETURN(
      Json payload, ParseCanonicalJson(envelope.payload, "status report"));
  if (!payload.is_object()) {
    return InvalidArgumentError("status report", "$", "not an object");
  }
  auto request = payload.find("request");
  auto report_pc = payload.find("pc");
  if (request == payload.end() || !request->is_string() ||
      report_pc == payload.end() || !report_pc->is_string()) {
    return InvalidArgumentError("status report", "$.request/$.pc",
                                "missing or not a string");
  }
  if (report_pc->get<std::string>() != pc) {
    return InvalidArgumentError("status report", "$.pc", "names another PC");
  }
  VerifiedReport out;
  out.request = request->get<std::string>();
  out.payload = envelope.payload;
  auto version = payload.find("policy_version");
  if (version != payload.end() && version->is_number_integer()) {
    out.policy_version = version->get<int64_t>();
  }
  return out;
}

}  // namespace

ApiAnswer Ingestor::Ingest(const ClientIdentity& client,
                           std::string_view body) {
  Result<journal::Batch> parsed = journal::ParseBatch(body);
  if (!parsed.ok()) {
    // Tell the PC where it stands, if it is one we know.
    Result<PcRecord> known = store_.GetPc(client.pc);
    return Refusal(400, "malformed", parsed.status().ToString(),
                   known.ok() ? known->acked_seq : 0,
                   known.ok() ? known->acked_head : journal::Hash{});
  }
  const journal::Batch& batch = *parsed;
  if (batch.pc != client.pc) {
    return Refusal(403, "wrong_pc",
                   ErrorMessage("ingest", batch.pc,
                                "the batch names another PC than the "
                                "client certificate (" +
                                    client.pc + ")"),
                   0, journal::Hash{});
  }

  Result<std::unique_ptr<IngestTx>> begun = store_.BeginIngest();
  if (!begun.ok()) return InternalFailure(begun.status());
  IngestTx& tx = **begun;
  Result<std::optional<PcRecord>> locked = tx.LockPc(client.pc);
  if (!locked.ok()) return InternalFailure(locked.status());
  if (!locked->has_value() || (*locked)->cert_serial != client.cert_serial) {
    return Refusal(403, "not_enrolled",
                   ErrorMessage("ingest", client.pc,
                                locked->has_value()
                                    ? "the client certificate was replaced "
                                      "by a newer enrolment"
                                    : "not enrolled"),
                   0, journal::Hash{});
  }
  const PcRecord& pc = **locked;
  Result<Ed25519PublicKey> device_key =
      Ed25519PublicKey::FromPem(pc.device_key_pem);
  if (!device_key.ok()) return InternalFailure(device_key.status());

  journal::Anchor anchor{pc.chain, pc.acked_seq, pc.acked_head};
  uint64_t first_seq = batch.entries.front().seq;
  uint64_t last_seq = batch.entries.back().seq;
  Result<std::map<uint64_t, journal::Hash>> stored =
      tx.StoredHashes(pc.pc, first_seq, std::min(last_seq, pc.acked_seq));
  if (!stored.ok()) return InternalFailure(stored.status());
  const std::map<uint64_t, journal::Hash>& hashes = *stored;
  journal::StoredHashFn stored_hash =
      [&hashes](uint64_t seq) -> std::optional<journal::Hash> {
    auto it = hashes.find(seq);
    if (it == hashes.end()) return std::nullopt;
    return it->second;
  };

  size_t first_new = 0;
  std::optional<journal::BatchRefusal> refusal =
      journal::VerifyBatch(batch, *device_key, anchor, stored_hash, &first_new);
  int64_t now = clock_.WallMs();
  if (refusal.has_value()) {
    ApiAnswer answer = Refusal(HttpStatusFor(refusal->error),
                               journal::BatchErrorCode(refusal->error),
                               refusal->reason, pc.acked_seq, pc.acked_head);
    if (journal::IsIncident(refusal->error)) {
      Status raised =
          tx.RaiseIncident(pc.pc, answer.error, refusal->reason, now);
      if (raised.ok()) raised = tx.Commit();
      if (!raised.ok()) return InternalFailure(raised);
      answer.incident = true;
    }
    return answer;
  }

  std::span<const journal::Entry> fresh(batch.entries);
  fresh = fresh.subspan(first_new);
  int64_t policy_version = ReportedPolicyVersion(fresh);
  Status status = tx.InsertEntries(pc.pc, fresh);
  // A file the PC granted or refused is no longer served.
  if (status.ok()) status = tx.SettleExceptionFiles(pc.pc, fresh, now);
  std::string report_note;
  if (status.ok() && !batch.status_report.empty()) {
    Result<VerifiedReport> report =
        VerifyStatusReport(batch.status_report, *device_key, pc.pc);
    if (!report.ok()) {
      // The entries are verified on their own; a report that does not verify
      // is not stored, and its request stays pending.
      report_note = report.status().ToString();
    } else {
      Result<bool> matched =
          tx.StoreStatusReport(pc.pc, report->request, report->payload, now);
      if (!matched.ok()) {
        status = matched.status();
      } else if (!*matched) {
        report_note = ErrorMessage("status report", report->request,
                                   "no pending request with this id");
      } else {
        policy_version = std::max(policy_version, report->policy_version);
      }
    }
  }
  const journal::Entry& last = batch.entries.back();
  if (status.ok()) {
    status = tx.Advance(pc.pc, last.seq, last.hash, now, policy_version);
  }
  Result<std::string> pending = tx.PendingStatusRequest(pc.pc);
  if (status.ok() && !pending.ok()) status = pending.status();
  Result<int64_t> newest_policy = tx.NewestPolicyVersion();
  if (status.ok() && !newest_policy.ok()) status = newest_policy.status();
  if (status.ok()) status = tx.Commit();
  if (!status.ok()) return InternalFailure(status);

  ApiAnswer answer;
  answer.http_status = 200;
  answer.new_entries = fresh.size();
  answer.reason = report_note;
  answer.body = Json{{"acked_seq", last.seq},
                     {"acked_head", journal::HashHex(last.hash)},
                     {"status_request", *pending},
                     {"policy_version", *newest_policy}};
  return answer;
}

}  // namespace piiguard::office
