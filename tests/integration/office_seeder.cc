#include "tests/integration/office_seeder.h"

#include <utility>
#include <vector>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/journal/batch.h"
#include "common/journal/event_types.h"

namespace piiguard::seed {
namespace {

constexpr int64_t kMinute = int64_t{60} * 1000;

}  // namespace

Status Seeder::Enrol(const std::string& pc, const std::string& consignee,
                     SimulatedAgent& agent, int64_t enrolled_ms) {
  office::PcRecord record;
  record.pc = pc;
  record.consignee = consignee;
  record.device_key_pem = agent.device_key().PublicKey().ToPem();
  record.chain = agent.journal().chain();
  PIIGUARD_ASSIGN_OR_RETURN(std::string serial, RandomBytes(8));
  record.cert_serial = HexEncode(serial);
  record.enrolled_ms = enrolled_ms;
  PIIGUARD_ASSIGN_OR_RETURN(std::string nonce, RandomBytes(16));
  PIIGUARD_RETURN_IF_ERROR(store_.Enrol(record, HexEncode(nonce), enrolled_ms));
  serials_.emplace(pc, record.cert_serial);
  agents_.emplace(pc, &agent);
  return Status::Ok();
}

Status Seeder::Sync(const std::string& pc, std::optional<std::string> report) {
  SimulatedAgent& agent = *agents_.at(pc);
  PIIGUARD_ASSIGN_OR_RETURN(sync::PendingBatch pending,
                            agent.monitor().GetBatch());
  if (!pending.batch) return Status::Ok();
  if (report) pending.batch->status_report = *report;
  clock_.SetWallMs(agent.now_ms() + kMinute);
  const office::ApiAnswer answer = ingestor_.Ingest(
      {pc, serials_.at(pc)}, journal::SerializeBatch(*pending.batch));
  if (answer.http_status != 200) {
    return FailedPreconditionError(
        "office_seed", pc,
        "batch refused: " + answer.error + ": " + answer.reason);
  }
  const auto acked_seq = answer.body.at("acked_seq").get<uint64_t>();
  PIIGUARD_ASSIGN_OR_RETURN(
      journal::Hash acked_head,
      journal::HashFromHex(answer.body.at("acked_head").get<std::string>()));
  return agent.monitor().Acked(acked_seq, acked_head);
}

Status Seeder::Rewrite(const std::string& pc, int64_t now_ms) {
  SimulatedAgent& agent = *agents_.at(pc);
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<journal::Entry> entries,
                            journal::ReadEntries(agent.journal_path(), {}));
  if (entries.size() < 3) {
    return FailedPreconditionError("office_seed", pc, "journal too short");
  }
  entries[2].type = journal::types::kAgentStopped;
  entries[2].details = R"({"pid":78})";
  journal::Entry extra = entries[1];
  extra.seq = entries.back().seq + 1;
  extra.time_ms = entries.back().time_ms + kMinute;
  entries.push_back(extra);
  for (size_t i = 2; i < entries.size(); ++i) {
    entries[i].prev = entries[i - 1].hash;
    entries[i].hash = journal::EntryHash(entries[i]);
  }
  journal::Batch batch;
  batch.pc = pc;
  batch.chain = agent.journal().chain();
  batch.entries = entries;
  const journal::Entry& last = entries.back();
  PIIGUARD_ASSIGN_OR_RETURN(
      std::string checkpoint,
      journal::SignCheckpoint(
          {agent.journal().chain(), last.seq, last.hash, last.time_ms},
          agent.device_key()));
  batch.checkpoints.push_back(checkpoint);
  clock_.SetWallMs(now_ms);
  const office::ApiAnswer answer =
      ingestor_.Ingest({pc, serials_.at(pc)}, journal::SerializeBatch(batch));
  if (answer.http_status == 200 || !answer.incident) {
    return FailedPreconditionError(
        "office_seed", pc,
        "a rewritten history was not raised as an incident (HTTP " +
            std::to_string(answer.http_status) + ", " + answer.error + ")");
  }
  reason_ = answer.reason;
  return Status::Ok();
}

Status Seeder::AnswerStatusRequest(const std::string& pc) {
  SimulatedAgent& agent = *agents_.at(pc);
  PIIGUARD_ASSIGN_OR_RETURN(
      office::StatusRequest request,
      store_.RequestStatusReport(pc, "tanaka", agent.now_ms()));
  agent.Advance();
  PIIGUARD_ASSIGN_OR_RETURN(std::string report,
                            agent.monitor().GetStatusReport(request.id));
  return Sync(pc, report);
}

}  // namespace piiguard::seed
