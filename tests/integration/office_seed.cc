// office_seed: fills a privacy office database for the review pages'
// browser test (office_pages_test.sh) with what real agents send. Each PC is
// a SimulatedAgent (simulated_agent.h): its events are made by the agent's
// own producers on their in-memory fakes (the daemon's owners, the USB
// enforcer, the session manager, the roster guard) and written by the agent's
// Journal; the PC is enrolled in the office's store, and its batches go through
// the office's ingest, which verifies them. One PC then sends a rewritten
// history (re-signed with its own device key, as root on that PC could),
// which the office refuses and raises as an incident. Two PCs ask for
// exceptions, which the IT desk (the real piiguard-admin) answers
// (exception_seed.h).
//
// usage: office_seed --db FILE --work DIR --expect FILE.json
//                    --admin PIIGUARD_ADMIN --city-key CITY.KEY
// Writes to --expect the texts the pages must show (read by
// tests/browser/review_pages.mjs), taken from what the producers wrote.
// Exit 0 when everything went as expected; 1 when a producer wrote a type
// the pages have no label for (common/journal/event_types.h).
//
// Thread-safety: a single-threaded program.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agent/journal/journal.h"
#include "common/crypto.h"
#include "common/file_util.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/messages.h"
#include "common/os/testing/fake_clock.h"
#include "common/quarantine_key.h"
#include "common/version.h"
#include "office/ingest.h"
#include "office/pages/render.h"
#include "office/store.h"
#include "tests/integration/desk_runner.h"
#include "tests/integration/exception_seed.h"
#include "tests/integration/office_seeder.h"
#include "tests/integration/simulated_agent.h"

namespace piiguard {
namespace {

using seed::Seeder;
using seed::SimulatedAgent;

constexpr int64_t kMinute = int64_t{60} * 1000;

int64_t RealNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status Fail(std::string_view what, const Status& status) {
  return status.Annotate(std::string("office_seed: ") + std::string(what));
}

// A roster as staff save one (clearly fictitious people).
std::string RosterCsv() {
  std::string csv = "氏名,フリガナ,住所,電話番号\n";
  const char* names[] = {"山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 次郎",
                         "田中 三郎", "伊藤 四郎", "渡辺 五郎"};
  int i = 0;
  for (const char* name : names) {
    ++i;
    csv += std::string(name) + ",ヤマダ タロウ,東京都東村山市本町1-2-" +
           std::to_string(i) + ",090-1234-56" + std::to_string(10 + i) + "\n";
  }
  return csv;
}

// The details of the last entry of `type` in `agent`'s journal.
Result<Json> LastDetails(const SimulatedAgent& agent, std::string_view type) {
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<journal::Entry> entries,
                            agent.Entries());
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (it->type == type) return ParseJsonStrict(it->details, "details");
  }
  return NotFoundError("office_seed", type, "not written by the agent");
}

// Every type the simulated agents wrote must have a label on the pages.
Status EveryTypeLabelled(
    const std::vector<std::unique_ptr<SimulatedAgent>>& agents,
    std::set<std::string>* types) {
  for (const auto& agent : agents) {
    PIIGUARD_ASSIGN_OR_RETURN(std::vector<journal::Entry> entries,
                              agent->Entries());
    for (const journal::Entry& e : entries) types->insert(e.type);
  }
  for (const std::string& type : *types) {
    if (!journal::EventTypeLabel(type)) {
      return FailedPreconditionError("office_seed", type,
                                     "written by the agent, no label on the "
                                     "pages (common/journal/event_types.h)");
    }
  }
  return Status::Ok();
}

Status Run(const std::string& db, const std::string& work,
           const std::string& expect_path, const std::string& admin,
           const std::string& city_key_path) {
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<office::OfficeStore> store,
                            office::OfficeStore::OpenSqlite(db));
  std::error_code error;
  std::filesystem::create_directories(work, error);
  if (error) return IoError("office_seed", work, error.message());
  PIIGUARD_ASSIGN_OR_RETURN(std::string city_pem,
                            ReadFileBytes(city_key_path, 65536));
  PIIGUARD_ASSIGN_OR_RETURN(Ed25519PrivateKey city_key,
                            Ed25519PrivateKey::FromPem(city_pem));
  PIIGUARD_ASSIGN_OR_RETURN(X25519PrivateKey office_key,
                            X25519PrivateKey::Generate());
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<roster::Detector> detector,
                            roster::Detector::Create());
  seed::City city{city_key, office_key.PublicKey(), detector.get()};
  Seeder seeder(*store, work);
  const int64_t now = RealNow();
  const int64_t start = now - int64_t{3} * 60 * kMinute;  // three hours ago
  const std::vector<std::string> jobs = {"kosodate-2026-01", "kaigo-2026-03"};
  PIIGUARD_ASSIGN_OR_RETURN(std::string policy_v1,
                            city.SignedPolicy(1, now, jobs));
  PIIGUARD_ASSIGN_OR_RETURN(std::string policy_v2,
                            city.SignedPolicy(2, now, jobs));
  const std::string kNearMiss1 =
      "名簿のファイルをデスクトップに保存しかけたが、気づいて鍵付きUSBメモリに"
      "保存し直した";
  const std::string kNearMiss2 =
      "参加者名簿を印刷したまま、会議室の机に置き忘れそうになった";
  const std::string kHostile = "<script>alert(1)</script>";
  const std::string kFormula =
      R"x(=HYPERLINK("http://evil.example/","click"))x";

  const std::vector<std::pair<std::string, std::string>> pcs = {
      {"hidamari-pc-01", "npo-hidamari"},
      {"hidamari-pc-02", "npo-hidamari"},
      {"sun-pc-01", "sun-kaigo"},
      {"sun-pc-02", "sun-kaigo"}};
  std::vector<std::unique_ptr<SimulatedAgent>> agents;
  int64_t offset = 0;
  for (const auto& [pc, consignee] : pcs) {
    PIIGUARD_ASSIGN_OR_RETURN(
        std::unique_ptr<SimulatedAgent> agent,
        SimulatedAgent::Start(city, (std::filesystem::path(work) / pc).string(),
                              pc, start + offset));
    PIIGUARD_RETURN_IF_ERROR(seeder.Enrol(pc, consignee, *agent, start));
    agents.push_back(std::move(agent));
    offset += 10 * kMinute;
  }
  SimulatedAgent& h1 = *agents[0];
  SimulatedAgent& h2 = *agents[1];
  SimulatedAgent& s1 = *agents[2];
  SimulatedAgent& s2 = *agents[3];
  // hidamari-pc-01: the policy; a keyed stick for the course's roster (a
  // session turns the radios off, the stick becomes writable); a roster
  // saved on the desktop's disk, moved to the quarantine; two near misses.
  PIIGUARD_RETURN_IF_ERROR(h1.InstallPolicy(policy_v1));
  PIIGUARD_RETURN_IF_ERROR(
      h1.PlugKeyedStick("4C530001230101117125", jobs[0], "山田 花子"));
  PIIGUARD_RETURN_IF_ERROR(h1.SaveRoster("参加者名簿.csv", RosterCsv()));
  PIIGUARD_RETURN_IF_ERROR(h1.NearMiss(kNearMiss1));
  PIIGUARD_RETURN_IF_ERROR(h1.NearMiss(kNearMiss2));
  // hidamari-pc-02: a wireless controller plugged in, refused; near misses
  // with hostile text.
  PIIGUARD_RETURN_IF_ERROR(h2.InstallPolicy(policy_v1));
  PIIGUARD_RETURN_IF_ERROR(h2.PlugDevice({0xe0}));
  PIIGUARD_RETURN_IF_ERROR(h2.NearMiss(kHostile));
  PIIGUARD_RETURN_IF_ERROR(h2.NearMiss(kFormula));
  // sun-pc-01: a session for the care course; another program turns the
  // wlan on during it (undone); an older policy refused.
  PIIGUARD_RETURN_IF_ERROR(s1.InstallPolicy(policy_v2));
  PIIGUARD_RETURN_IF_ERROR(s1.StartSession(jobs[1]));
  PIIGUARD_RETURN_IF_ERROR(s1.RadioTurnedOnByAnotherProgram());
  PIIGUARD_RETURN_IF_ERROR(s1.InstallPolicy(policy_v1));
  // sun-pc-02: a stick without a key stays read-only.
  PIIGUARD_RETURN_IF_ERROR(s2.InstallPolicy(policy_v1));
  PIIGUARD_RETURN_IF_ERROR(s2.PlugForeignStick("AA0001"));
  // Exception codes: the IT desk answers hidamari-pc-01 and sun-pc-01.
  seed::DeskRunner desk(admin, (std::filesystem::path(work) / "desk").string());
  PIIGUARD_RETURN_IF_ERROR(desk.Setup(city_key, policy_v1));
  PIIGUARD_ASSIGN_OR_RETURN(
      Json exceptions,
      seed::SeedExceptions(desk, h1, "hidamari-pc-01", s1, "sun-pc-01"));
  for (const auto& [pc, consignee] : pcs) {
    if (Status s = seeder.Sync(pc); !s.ok()) return Fail(pc, s);
  }
  if (Status s = seeder.Rewrite("sun-pc-02", now - 10 * kMinute); !s.ok()) {
    return Fail("sun-pc-02", s);
  }
  if (Status s = seeder.AnswerStatusRequest("hidamari-pc-01"); !s.ok()) {
    return Fail("hidamari-pc-01", s);
  }
  std::set<std::string> types;
  PIIGUARD_RETURN_IF_ERROR(EveryTypeLabelled(agents, &types));

  // What the pages must show, from what the producers wrote.
  PIIGUARD_ASSIGN_OR_RETURN(Json refused,
                            LastDetails(h2, journal::types::kUsbDeviceRefused));
  PIIGUARD_ASSIGN_OR_RETURN(Json moved,
                            LastDetails(h1, journal::types::kRosterMoved));
  PIIGUARD_ASSIGN_OR_RETURN(Json keyed,
                            LastDetails(h1, journal::types::kUsbStickKeyed));
  PIIGUARD_ASSIGN_OR_RETURN(Json started,
                            LastDetails(h1, journal::types::kAgentStarted));
  if (keyed.value("job", "") != jobs[0] ||
      moved.value("to", "") != "quarantine" ||
      started.value("version", "") != kVersion) {
    return FailedPreconditionError("office_seed", "hidamari-pc-01",
                                   "the stick, the roster or the start went "
                                   "wrong: " +
                                       keyed.dump() + " " + moved.dump() + " " +
                                       started.dump());
  }
  auto label = [](const char* type) {
    return Message(Lang::kJa, *journal::EventTypeLabel(type));
  };
  Json expect = {
      {"tampered_pc", "sun-pc-02"},
      {"incident_reason", seeder.incident_reason()},
      {"violation_text", refused.value("reason", "")},
      {"violation_labels",
       {label(journal::types::kUsbDeviceRefused),
        label(journal::types::kRosterMoved),
        label(journal::types::kRadioUnblockAttempt)}},
      {"near_miss_label", label(journal::types::kNearMiss)},
      {"info_only_type", journal::types::kAgentStarted},
      {"other_pc", "sun-pc-01"},
      {"near_miss_texts", {kNearMiss1, kNearMiss2, kHostile}},
      {"near_miss_count", 4},
      {"pcs", {"hidamari-pc-01", "hidamari-pc-02", "sun-pc-01", "sun-pc-02"}},
      {"consignee_names", {"NPO法人ひだまり子育てネット", "サン介護サービス"}},
      {"fiscal_year_label", std::to_string(office::FiscalYearOf(now)) + "年度"},
      {"job_names", {"子育て講座 参加者名簿の管理", "介護予防教室 名簿"}},
      {"report_pc", "hidamari-pc-02"},
      {"received_report", "ポリシー第1版"},
      {"near_miss_csv",
       {R"x("'=HYPERLINK(""http://evil.example/"",""click"")")x", kNearMiss1}},
      {"types_written", types},
  };
  expect.update(exceptions);
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
  if (argc != 11 || !args.contains("--db") || !args.contains("--work") ||
      !args.contains("--expect") || !args.contains("--admin") ||
      !args.contains("--city-key")) {
    (void)std::fprintf(stderr,
                       "usage: office_seed --db FILE --work DIR --expect FILE "
                       "--admin PIIGUARD_ADMIN --city-key CITY.KEY\n");
    return 2;
  }
  piiguard::Status status =
      piiguard::Run(args["--db"], args["--work"], args["--expect"],
                    args["--admin"], args["--city-key"]);
  if (!status.ok()) {
    (void)std::fprintf(stderr, "%s\n", status.message().c_str());
    return 1;
  }
  (void)std::printf(
      "office_seed: 4 PCs seeded by the agent's producers, 1 rewritten "
      "history refused, 1 status report received\n");
  return 0;
}
