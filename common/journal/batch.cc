#include "common/journal/batch.h"

#include <array>
#include <map>

#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/json_reader.h"

namespace piiguard::journal {
namespace {

constexpr std::array<std::string_view, 5> kSeverityChoices = {
    "info", "notice", "warning", "violation", "incident"};
constexpr size_t kMaxPcBytes = 128;
constexpr size_t kMaxEnvelopeTextBytes = size_t{64} * 1024;

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Hash ReadHash(JsonReader& reader, std::string_view key) {
  std::string hex = reader.String(key);
  if (!reader.Has(key)) return {};
  auto hash = HashFromHex(hex);
  if (!hash.ok()) {
    reader.Error(key, "expected 64 lower-case hex digits");
    return {};
  }
  return *hash;
}

void ReadEntry(const Json& value, const std::string& path, Batch& batch,
               JsonErrors& errors) {
  JsonReader reader(value, path, errors);
  Entry entry;
  entry.seq = static_cast<uint64_t>(reader.Int("seq", 1, INT64_MAX));
  entry.time_ms = reader.Int("time", INT64_MIN, INT64_MAX);
  entry.type = reader.String("type");
  std::string severity = reader.Enum("severity", kSeverityChoices);
  auto parsed_severity = ParseSeverity(severity);
  if (parsed_severity.ok()) entry.severity = *parsed_severity;
  entry.subject = reader.String("subject");
  // Records "missing field" or the wrong type; its fields are free-form.
  reader.Object("details");
  if (reader.Has("details") && value.at("details").is_object()) {
    auto canonical = CanonicalJson(value.at("details"), "details");
    if (canonical.ok()) {
      entry.details = std::move(canonical).value();
    } else {
      // "details: JSON: <reason>": the path already names the field.
      const std::string reason = canonical.status().message();
      reader.Error("details", reason.substr(reason.find(": ") + 2));
    }
  }
  entry.prev = ReadHash(reader, "prev");
  entry.hash = ReadHash(reader, "hash");
  reader.Finish();
  if (errors.empty()) {
    Status fields = ValidateEntryFields(entry);
    if (!fields.ok()) errors.Add(path, fields.message());
  }
  batch.entries.push_back(std::move(entry));
}

}  // namespace

Result<Batch> ParseBatch(std::string_view bytes) {
  if (bytes.size() > kMaxBatchBytes) {
    return InvalidArgumentError("batch", "", "larger than 8 MiB");
  }
  PIIGUARD_ASSIGN_OR_RETURN(Json json, ParseJsonStrict(bytes, "batch"));
  JsonErrors errors("batch");
  JsonReader root(json, "$", errors);
  Batch batch;
  std::string format = root.String("format");
  if (root.Has("format") && format != kBatchFormat) {
    root.Error("format", "expected \"piiguard-batch/1\"");
  }
  batch.pc = root.String("pc");
  if (root.Has("pc") && (batch.pc.empty() || batch.pc.size() > kMaxPcBytes)) {
    root.Error("pc", "must be 1 to 128 bytes");
  }
  batch.chain = root.String("chain");
  if (root.Has("chain") &&
      (batch.chain.size() != kChainIdHexSize || !IsLowerHex(batch.chain))) {
    root.Error("chain", "expected 32 lower-case hex digits");
  }
  size_t count = 0;
  root.Array("entries", true, [&](const Json& value, const std::string& path) {
    if (++count > kMaxBatchEntries) return;
    ReadEntry(value, path, batch, errors);
  });
  if (count > kMaxBatchEntries) {
    root.Error("entries", "more than 5000 entries");
  } else if (root.Has("entries") && json.at("entries").is_array() &&
             count == 0) {
    root.Error("entries", "empty");
  }
  if (errors.empty()) {
    for (size_t i = 1; i < batch.entries.size(); ++i) {
      if (batch.entries[i].seq != batch.entries[i - 1].seq + 1) {
        errors.Add(ElementPath("$.entries", i) + ".seq",
                   "expected " + std::to_string(batch.entries[i - 1].seq + 1) +
                       " (seqs must be consecutive), got " +
                       std::to_string(batch.entries[i].seq));
        break;
      }
    }
  }
  size_t checkpoint_count = 0;
  root.Array(
      "checkpoints", true, [&](const Json& value, const std::string& path) {
        if (++checkpoint_count > kMaxBatchCheckpoints) return;
        if (!value.is_string()) {
          errors.Add(
              path, "expected string, got " + std::string(JsonTypeName(value)));
          return;
        }
        const auto& text = value.get_ref<const std::string&>();
        if (text.size() > kMaxEnvelopeTextBytes) {
          errors.Add(path, "longer than 64 KiB");
          return;
        }
        batch.checkpoints.push_back(text);
      });
  if (checkpoint_count > kMaxBatchCheckpoints) {
    root.Error("checkpoints", "more than 64 checkpoints");
  }
  batch.status_report = root.OptionalString("status_report").value_or("");
  if (batch.status_report.size() > kMaxEnvelopeTextBytes) {
    root.Error("status_report", "longer than 64 KiB");
  }
  root.Finish();
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  return batch;
}

std::string SerializeBatch(const Batch& batch) {
  Json entries = Json::array();
  for (const Entry& entry : batch.entries) {
    Json details = Json::parse(entry.details, nullptr, false);
    if (details.is_discarded()) details = Json::object();
    entries.push_back({{"seq", entry.seq},
                       {"time", entry.time_ms},
                       {"type", entry.type},
                       {"severity", SeverityName(entry.severity)},
                       {"subject", entry.subject},
                       {"details", std::move(details)},
                       {"prev", HashHex(entry.prev)},
                       {"hash", HashHex(entry.hash)}});
  }
  Json json = {{"format", kBatchFormat},
               {"pc", batch.pc},
               {"chain", batch.chain},
               {"entries", std::move(entries)},
               {"checkpoints", batch.checkpoints}};
  if (!batch.status_report.empty()) json["status_report"] = batch.status_report;
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string_view BatchErrorCode(BatchError error) {
  switch (error) {
    case BatchError::kMalformed:
      return "malformed";
    case BatchError::kChainReplaced:
      return "chain_replaced";
    case BatchError::kHistoryRewritten:
      return "history_rewritten";
    case BatchError::kGap:
      return "gap";
    case BatchError::kBadCheckpoint:
      return "bad_checkpoint";
    case BatchError::kBadChain:
      return "bad_chain";
    case BatchError::kAlreadyAcknowledged:
      return "already_acknowledged";
  }
  return "malformed";
}

bool IsIncident(BatchError error) {
  return error == BatchError::kChainReplaced ||
         error == BatchError::kHistoryRewritten;
}

std::optional<BatchRefusal> VerifyBatch(const Batch& batch,
                                        const Ed25519PublicKey& device_key,
                                        const Anchor& anchor,
                                        const StoredHashFn& stored_hash,
                                        size_t* first_new) {
  auto refuse = [](BatchError error, std::string reason) {
    return std::optional<BatchRefusal>(BatchRefusal{error, std::move(reason)});
  };
  if (batch.entries.empty()) {
    return refuse(BatchError::kMalformed, "batch: entries: empty");
  }
  // 3. The chain recorded at enrolment.
  if (batch.chain != anchor.chain) {
    return refuse(BatchError::kChainReplaced,
                  "batch: chain: journal replaced (chain " + batch.chain +
                      ", enrolled with " + anchor.chain + ")");
  }
  // 4. Hashes and links inside the batch.
  for (size_t i = 0; i < batch.entries.size(); ++i) {
    const Entry& entry = batch.entries[i];
    const std::string object = "entry " + std::to_string(entry.seq);
    if (i > 0 && entry.seq != batch.entries[i - 1].seq + 1) {
      return refuse(BatchError::kMalformed,
                    "batch: " + object + ": seqs not consecutive");
    }
    if (EntryHash(entry) != entry.hash) {
      return refuse(BatchError::kBadChain,
                    "batch: " + object + ": hash does not match its content");
    }
    if (i > 0 && entry.prev != batch.entries[i - 1].hash) {
      return refuse(BatchError::kBadChain, "batch: " + object +
                                               ": does not follow entry " +
                                               std::to_string(entry.seq - 1));
    }
    if (entry.seq == 1) {
      if (entry.prev != Hash{}) {
        return refuse(BatchError::kBadChain,
                      "batch: entry 1: prev is not zero");
      }
      Json details = Json::parse(entry.details, nullptr, false);
      if (entry.type != journal::types::kJournalCreated ||
          !details.is_object() || !details.contains("chain") ||
          details["chain"] != batch.chain) {
        return refuse(BatchError::kBadChain,
                      "batch: entry 1: not the journal.created entry of "
                      "chain " +
                          batch.chain);
      }
    }
  }
  // 5. Checkpoints: signature, chain, head; the last entry is covered.
  const uint64_t first_seq = batch.entries.front().seq;
  const uint64_t last_seq = batch.entries.back().seq;
  bool last_covered = false;
  for (size_t i = 0; i < batch.checkpoints.size(); ++i) {
    const std::string object = "checkpoints[" + std::to_string(i) + "]";
    auto checkpoint = VerifyCheckpoint(batch.checkpoints[i], device_key);
    if (!checkpoint.ok()) {
      return refuse(BatchError::kBadCheckpoint,
                    "batch: " + object + ": " + checkpoint.status().message());
    }
    if (checkpoint->chain != batch.chain) {
      return refuse(BatchError::kBadCheckpoint,
                    "batch: " + object + ": names another chain");
    }
    if (checkpoint->seq < first_seq || checkpoint->seq > last_seq) {
      return refuse(BatchError::kBadCheckpoint,
                    "batch: " + object + ": seq " +
                        std::to_string(checkpoint->seq) +
                        " outside the batch's entries");
    }
    if (batch.entries[checkpoint->seq - first_seq].hash != checkpoint->head) {
      return refuse(BatchError::kBadCheckpoint,
                    "batch: " + object + ": head does not match entry " +
                        std::to_string(checkpoint->seq));
    }
    if (checkpoint->seq == last_seq) last_covered = true;
  }
  if (!last_covered) {
    return refuse(BatchError::kBadCheckpoint,
                  "batch: entry " + std::to_string(last_seq) +
                      ": not covered by a signed checkpoint");
  }
  // 6. Continuity with what the office holds.
  const uint64_t acked = anchor.acked_seq;
  if (first_seq > acked + 1) {
    return refuse(BatchError::kGap,
                  "batch: entries " + std::to_string(acked + 1) + ".." +
                      std::to_string(first_seq - 1) + ": missing");
  }
  size_t first_new_index = batch.entries.size();
  for (size_t i = 0; i < batch.entries.size(); ++i) {
    const Entry& entry = batch.entries[i];
    if (entry.seq > acked) {
      first_new_index = i;
      break;
    }
    std::optional<Hash> stored =
        stored_hash ? stored_hash(entry.seq) : std::nullopt;
    if (!stored.has_value() || *stored != entry.hash) {
      return refuse(BatchError::kHistoryRewritten,
                    "batch: entry " + std::to_string(entry.seq) +
                        ": history rewritten at seq " +
                        std::to_string(entry.seq));
    }
  }
  if (first_new_index == batch.entries.size()) {
    return refuse(BatchError::kAlreadyAcknowledged,
                  "batch: entries " + std::to_string(first_seq) + ".." +
                      std::to_string(last_seq) + ": already acknowledged");
  }
  const Entry& first = batch.entries[first_new_index];
  if (first_new_index == 0 && first.prev != anchor.acked_head) {
    return refuse(BatchError::kHistoryRewritten,
                  "batch: entry " + std::to_string(first.seq) +
                      ": history rewritten at seq " + std::to_string(acked) +
                      " (does not follow the acknowledged head)");
  }
  if (first_new != nullptr) *first_new = first_new_index;
  return std::nullopt;
}

}  // namespace piiguard::journal
