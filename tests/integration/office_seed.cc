// office_seed: fills a privacy office database with realistic journals for
// the review pages' browser test (office_pages_test.sh), through the real
// paths: each PC writes its events with the agent's Journal, is enrolled in
// the office's store, and its batches go through the office's ingest, which
// verifies them. One PC then sends a rewritten history (re-signed with its
// own device key, as root on that PC could), which the office refuses and
// raises as an incident.
//
// usage: office_seed --db FILE --work DIR --expect FILE.json
// Writes to --expect the texts the pages must show (read by
// tests/browser/review_pages.mjs). Exit 0 when everything went as expected.
//
// Thread-safety: a single-threaded program.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/journal/journal.h"
#include "common/crypto.h"
#include "common/encoding.h"
#include "common/journal/batch.h"
#include "common/json.h"
#include "common/signed_envelope.h"
#include "common/timestamp.h"
#include "office/ingest.h"
#include "office/pages/render.h"
#include "office/store.h"

namespace piiguard {
namespace {

using journal::Event;
using journal::Severity;

constexpr int64_t kMinute = int64_t{60} * 1000;

int64_t RealNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status Fail(std::string_view what, const Status& status) {
  return status.Annotate(std::string("office_seed: ") + std::string(what));
}

struct SeedPc {
  std::string pc;
  std::string consignee;
  std::vector<Event> events;  // appended one minute apart, oldest first
};

class Seeder {
 public:
  Seeder(office::OfficeStore& store, std::filesystem::path work)
      : store_(store),
        ingestor_(store, [this] { return ingest_ms_; }),
        work_(std::move(work)),
        now_(RealNow()) {}

  // Writes the PC's journal, enrols the PC, and ingests its batch.
  Status Seed(const SeedPc& seed, int64_t start_ms) {
    PIIGUARD_ASSIGN_OR_RETURN(Ed25519PrivateKey key,
                              Ed25519PrivateKey::Generate());
    // The journal keeps its clock: it must outlive this call.
    auto clock = std::make_shared<int64_t>(start_ms);
    PIIGUARD_ASSIGN_OR_RETURN(
        std::unique_ptr<journal::Journal> journal,
        journal::Journal::Open((work_ / (seed.pc + ".db")).string(), key,
                               [clock] { return *clock; }));
    for (const Event& event : seed.events) {
      *clock += kMinute;
      PIIGUARD_ASSIGN_OR_RETURN(uint64_t seq, journal->Append(event));
      (void)seq;
    }
    office::PcRecord record;
    record.pc = seed.pc;
    record.consignee = seed.consignee;
    record.device_key_pem = key.PublicKey().ToPem();
    record.chain = journal->chain();
    PIIGUARD_ASSIGN_OR_RETURN(std::string serial, RandomBytes(8));
    record.cert_serial = HexEncode(serial);
    record.enrolled_ms = start_ms;
    PIIGUARD_ASSIGN_OR_RETURN(std::string nonce, RandomBytes(16));
    PIIGUARD_RETURN_IF_ERROR(store_.Enrol(record, HexEncode(nonce), start_ms));
    serials_.emplace(seed.pc, record.cert_serial);
    PIIGUARD_RETURN_IF_ERROR(Sync(seed.pc, *journal, *clock + kMinute));
    clocks_.emplace(seed.pc, clock);
    keys_.emplace(seed.pc, key);
    journals_.emplace(seed.pc, std::move(journal));
    return Status::Ok();
  }

  // Sends everything pending, as the agent's sync would, and records the
  // acknowledgement in the journal.
  Status Sync(const std::string& pc, journal::Journal& journal,
              int64_t now_ms) {
    PIIGUARD_ASSIGN_OR_RETURN(std::optional<journal::Batch> batch,
                              journal.NextBatch(pc, 5000));
    if (!batch) return Status::Ok();
    ingest_ms_ = now_ms;
    const office::ApiAnswer answer = ingestor_.Ingest(
        {pc, serials_.at(pc)}, journal::SerializeBatch(*batch));
    if (answer.http_status != 200) {
      return FailedPreconditionError(
          "office_seed", pc,
          "batch refused: " + answer.error + ": " + answer.reason);
    }
    const auto acked_seq = answer.body.at("acked_seq").get<uint64_t>();
    PIIGUARD_ASSIGN_OR_RETURN(
        journal::Hash acked_head,
        journal::HashFromHex(answer.body.at("acked_head").get<std::string>()));
    return journal.SetAcked(acked_seq, acked_head);
  }

  // What root on the PC could forge: the journal read back from its file,
  // entry 3 on rewritten (the stick insertion becomes an agent stop) and
  // one more entry, the chain and a checkpoint re-made and re-signed with
  // the PC's own device key. The office must refuse it as an incident.
  Status Rewrite(const std::string& pc) {
    const journal::Journal& original = *journals_.at(pc);
    PIIGUARD_ASSIGN_OR_RETURN(
        std::vector<journal::Entry> entries,
        journal::ReadEntries((work_ / (pc + ".db")).string(), {}));
    if (entries.size() < 3) {
      return FailedPreconditionError("office_seed", pc, "journal too short");
    }
    entries[2].type = "agent.stopped";
    entries[2].details = R"({"pid":78,"version":"0.1.0"})";
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
    batch.chain = original.chain();
    batch.entries = entries;
    const journal::Entry& last = entries.back();
    PIIGUARD_ASSIGN_OR_RETURN(
        std::string checkpoint,
        journal::SignCheckpoint(
            {original.chain(), last.seq, last.hash, last.time_ms},
            keys_.at(pc)));
    batch.checkpoints.push_back(checkpoint);
    ingest_ms_ = now_ - 10 * kMinute;
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

  // The office asks the PC for a status report (R8); the PC answers with
  // its next batch, signed with its device key, as docs/sync.md says.
  Status AnswerStatusRequest(const std::string& pc, int64_t now_ms) {
    PIIGUARD_ASSIGN_OR_RETURN(
        office::StatusRequest request,
        store_.RequestStatusReport(pc, "tanaka", now_ms - 30 * kMinute));
    journal::Journal& journal = *journals_.at(pc);
    const Json report = {
        {"request", request.id},
        {"pc", pc},
        {"time", now_ms},
        {"policy_version", 1},
        {"journal_seq", journal.head_seq() + 1},
        {"sticks",
         Json::array({{{"stick_id", "5f0c3a9e2b7d4c1a8e6f0b3d9a2c7e41"},
                       {"job", "kosodate-2026-01"},
                       {"last_seen", now_ms - 60 * kMinute}}})},
        {"sessions", {{"count", 2}, {"last_start", now_ms - 90 * kMinute}}},
        {"last_scan", {{"time", now_ms - 120 * kMinute}, {"result", "clean"}}},
    };
    PIIGUARD_ASSIGN_OR_RETURN(std::string payload,
                              CanonicalJson(report, "status report"));
    const std::string payload_sha256 = Sha256Hex(payload);
    PIIGUARD_ASSIGN_OR_RETURN(
        SignedEnvelope envelope,
        SignEnvelope("status-report", std::move(payload), keys_.at(pc)));
    *clocks_.at(pc) = now_ms;
    PIIGUARD_ASSIGN_OR_RETURN(
        uint64_t seq,
        journal.Append({"status_report.sent", Severity::kInfo, "office",
                        Json{{"report_sha256", payload_sha256},
                             {"request", request.id}}}));
    (void)seq;
    PIIGUARD_ASSIGN_OR_RETURN(std::optional<journal::Batch> batch,
                              journal.NextBatch(pc, 5000));
    if (!batch) return InternalError("office_seed", pc, "nothing to send");
    batch->status_report = SerializeSignedEnvelope(envelope);
    ingest_ms_ = now_ms;
    const office::ApiAnswer answer = ingestor_.Ingest(
        {pc, serials_.at(pc)}, journal::SerializeBatch(*batch));
    if (answer.http_status != 200) {
      return FailedPreconditionError(
          "office_seed", pc,
          "status report refused: " + answer.error + ": " + answer.reason);
    }
    return Status::Ok();
  }

  const std::string& incident_reason() const { return reason_; }
  int64_t now() const { return now_; }

 private:
  office::OfficeStore& store_;
  office::Ingestor ingestor_;
  int64_t ingest_ms_ = 0;
  std::filesystem::path work_;
  int64_t now_;
  std::map<std::string, Ed25519PrivateKey> keys_;
  std::map<std::string, std::string> serials_;
  std::map<std::string, std::shared_ptr<int64_t>> clocks_;
  std::map<std::string, std::unique_ptr<journal::Journal>> journals_;
  std::string reason_;
};

Event Ev(std::string type, Severity severity, std::string subject,
         Json details) {
  return Event{std::move(type), severity, std::move(subject),
               std::move(details)};
}

Event NearMiss(const std::string& text) {
  return Ev("near_miss.reported", Severity::kNotice, "uid:1000",
            Json{{"text", text}, {"user", "sato"}});
}

Status Run(const std::string& db, const std::string& work,
           const std::string& expect_path) {
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<office::OfficeStore> store,
                            office::OfficeStore::OpenSqlite(db));
  std::error_code error;
  std::filesystem::create_directories(work, error);
  if (error) return IoError("office_seed", work, error.message());
  Seeder seeder(*store, work);
  const int64_t start =
      seeder.now() - int64_t{3} * 60 * kMinute;  // three hours ago
  const Json stick_a = {{"job", "kosodate-2026-01"},
                        {"stick_id", "5f0c3a9e2b7d4c1a8e6f0b3d9a2c7e41"}};
  const std::string kNearMiss1 =
      "名簿のファイルをデスクトップに保存しかけたが、気づいて鍵付きUSBメモリに"
      "保存し直した";
  const std::string kNearMiss2 =
      "参加者名簿を印刷したまま、会議室の机に置き忘れそうになった";
  const std::string kHostile = "<script>alert(1)</script>";
  const std::string kFormula =
      R"x(=HYPERLINK("http://evil.example/","click"))x";
  const std::vector<SeedPc> pcs = {
      {"hidamari-pc-01",
       "npo-hidamari",
       {Ev("agent.started", Severity::kInfo, "agent",
           Json{{"pid", 812}, {"version", "0.1.0"}}),
        Ev("policy.applied", Severity::kNotice, "policy:1",
           Json{{"reason", "newer"}, {"version", 1}}),
        Ev("stick.inserted", Severity::kInfo, "stick:0781:5581:4C5300017",
           stick_a),
        NearMiss(kNearMiss1), NearMiss(kNearMiss2)}},
      {"hidamari-pc-02",
       "npo-hidamari",
       {Ev("agent.started", Severity::kInfo, "agent",
           Json{{"pid", 901}, {"version", "0.1.0"}}),
        Ev("stick.refused", Severity::kViolation, "stick:090c:1000:AA0001",
           Json{{"job", "kosodate-2026-01"},
                {"reason", "鍵のないUSBメモリへの書き込み"}}),
        NearMiss(kHostile), NearMiss(kFormula)}},
      {"sun-pc-01",
       "sun-kaigo",
       {Ev("agent.started", Severity::kInfo, "agent",
           Json{{"pid", 77}, {"version", "0.1.0"}}),
        Ev("stick.inserted", Severity::kInfo, "stick:0781:5581:4C5300099",
           Json{{"job", "kaigo-2026-03"},
                {"stick_id", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"}}),
        Ev("policy.refused", Severity::kWarning, "policy:0",
           Json{{"reason", "rollback"}, {"version", 0}})}},
      {"sun-pc-02",
       "sun-kaigo",
       {Ev("agent.started", Severity::kInfo, "agent",
           Json{{"pid", 78}, {"version", "0.1.0"}}),
        Ev("stick.inserted", Severity::kInfo, "stick:0781:5581:4C5300100",
           Json{{"job", "kaigo-2026-03"},
                {"stick_id", "1a1b2c3d4e5f60718293a4b5c6d7e8f9"}})}},
  };
  int64_t offset = 0;
  for (const SeedPc& pc : pcs) {
    Status status = seeder.Seed(pc, start + offset);
    if (!status.ok()) return Fail(pc.pc, status);
    offset += 10 * kMinute;
  }
  if (Status status = seeder.Rewrite("sun-pc-02"); !status.ok()) {
    return Fail("sun-pc-02", status);
  }
  if (Status status =
          seeder.AnswerStatusRequest("hidamari-pc-01", seeder.now() - kMinute);
      !status.ok()) {
    return Fail("hidamari-pc-01", status);
  }

  const Json expect = {
      {"tampered_pc", "sun-pc-02"},
      {"incident_reason", seeder.incident_reason()},
      {"violation_text", "鍵のないUSBメモリへの書き込み"},
      {"info_only_type", "agent.started"},
      {"other_pc", "sun-pc-01"},
      {"near_miss_texts", {kNearMiss1, kNearMiss2, kHostile}},
      {"pcs", {"hidamari-pc-01", "hidamari-pc-02", "sun-pc-01", "sun-pc-02"}},
      {"consignee_names", {"NPO法人ひだまり子育てネット", "サン介護サービス"}},
      {"fiscal_year_label",
       std::to_string(office::FiscalYearOf(seeder.now())) + "年度"},
      {"job_names", {"子育て講座 参加者名簿の管理", "介護予防教室 名簿"}},
      {"report_pc", "hidamari-pc-02"},
      {"received_report", "最終検査: clean"},
      {"near_miss_csv",
       {R"x("'=HYPERLINK(""http://evil.example/"",""click"")")x", kNearMiss1}},
  };
  std::ofstream out(expect_path);
  out << expect.dump(2) << "\n";
  if (!out.good()) {
    return IoError("office_seed", expect_path, "could not write");
  }
  return Status::Ok();
}

}  // namespace
}  // namespace piiguard

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
  if (argc != 7 || !args.contains("--db") || !args.contains("--work") ||
      !args.contains("--expect")) {
    (void)std::fprintf(
        stderr, "usage: office_seed --db FILE --work DIR --expect FILE\n");
    return 2;
  }
  piiguard::Status status =
      piiguard::Run(args["--db"], args["--work"], args["--expect"]);
  if (!status.ok()) {
    (void)std::fprintf(stderr, "%s\n", status.message().c_str());
    return 1;
  }
  (void)std::printf(
      "office_seed: 4 PCs seeded, 1 rewritten history refused, 1 status "
      "report received\n");
  return 0;
}
