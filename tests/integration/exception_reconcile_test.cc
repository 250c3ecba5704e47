// The offline exception codes end to end, from the real producers (issue 17
// item 5): the IT desk is the real piiguard-admin program (respond, with
// its ledger and reasons; ledger export, signed with the city key); the PCs
// are simulated agents (simulated_agent.h) whose exception service, the
// agent's own, writes exception.requested and exception.granted into the
// agent's journal; their batches go through the office's ingest
// (office_seeder.h); the export goes through `import-issued`'s code; the
// office reconciles what its store holds.
//
// usage: exception_reconcile_test --admin=PATH_TO_PIIGUARD_ADMIN
#include "office/pages/exception_reconcile.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

#include "agent/roster/detector.h"
#include "common/cli_tool.h"
#include "common/crypto.h"
#include "common/json.h"
#include "office/issued_commands.h"
#include "office/store.h"
#include "tests/integration/desk_runner.h"
#include "tests/integration/office_seeder.h"
#include "tests/integration/simulated_agent.h"

namespace piiguard {
namespace {

std::string g_admin;  // --admin

constexpr int64_t kHour = int64_t{3600} * 1000;

int64_t RealNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class ExceptionFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (g_admin.empty()) GTEST_SKIP() << "no --admin=PATH given";
    work_ = std::filesystem::temp_directory_path() /
            ("piiguard-exception-flow-" + std::to_string(::getpid()));
    std::filesystem::remove_all(work_);
    std::filesystem::create_directories(work_);
    store_ =
        office::OfficeStore::OpenSqlite((work_ / "office.db").string()).value();
    detector_ = roster::Detector::Create().value();
    city_ = std::make_unique<seed::City>(seed::City{
        city_key_, X25519PrivateKey::Generate()->PublicKey(), detector_.get()});
    seeder_ = std::make_unique<seed::Seeder>(*store_, work_);
    desk_ =
        std::make_unique<seed::DeskRunner>(g_admin, (work_ / "desk").string());
  }
  void TearDown() override {
    agents_.clear();
    std::filesystem::remove_all(work_);
  }

  seed::SimulatedAgent& Pc(const std::string& pc, const std::string& consignee,
                           const std::string& policy, int64_t start) {
    auto agent =
        seed::SimulatedAgent::Start(*city_, (work_ / pc).string(), pc, start);
    EXPECT_TRUE(agent.ok()) << agent.status().ToString();
    seed::SimulatedAgent& a = **agent;
    EXPECT_TRUE(seeder_->Enrol(pc, consignee, a, start).ok());
    EXPECT_TRUE(a.InstallPolicy(policy).ok());
    Result<std::string> key = desk_->PcKey(pc);
    EXPECT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_TRUE(a.EnableExceptions(*key).ok());
    agents_.push_back(std::move(agent).value());
    return a;
  }

  int Import(const std::string& file) {
    std::ostringstream out;
    std::ostringstream err;
    const int rc = office::ImportIssuedFile(
        *store_, file, city_key_.PublicKey(), Lang::kEn, RealNow(), out, err);
    EXPECT_EQ(rc, kExitOk) << out.str() << err.str();
    return rc;
  }

  std::filesystem::path work_;
  Ed25519PrivateKey city_key_ = Ed25519PrivateKey::Generate().value();
  std::unique_ptr<office::OfficeStore> store_;
  std::unique_ptr<roster::Detector> detector_;
  std::unique_ptr<seed::City> city_;
  std::unique_ptr<seed::Seeder> seeder_;
  std::unique_ptr<seed::DeskRunner> desk_;
  std::vector<std::unique_ptr<seed::SimulatedAgent>> agents_;
};

const office::ConsigneeReconciliation& Group(const office::Reconciliation& r,
                                             const std::string& id) {
  for (const auto& group : r.consignees) {
    if (group.consignee == id) return group;
  }
  ADD_FAILURE() << "no consignee " << id;
  return r.consignees.front();
}

TEST_F(ExceptionFlowTest, IssuedAndUsedPerConsignee) {
  const int64_t now = RealNow();
  const std::string policy =
      city_->SignedPolicy(1, now, {"kosodate-2026-01"}).value();
  ASSERT_TRUE(desk_->Setup(city_key_, policy).ok());
  seed::SimulatedAgent& h1 =
      Pc("hidamari-pc-01", "npo-hidamari", policy, now - 2 * kHour);
  seed::SimulatedAgent& s1 =
      Pc("sun-pc-01", "sun-kaigo", policy, now - 2 * kHour);

  // A: asked, answered by the desk for 佐藤 一郎 (1, deputy), used.
  const std::string a = h1.AskRadiosException(60).value();
  const std::string ra =
      desk_->Respond("hidamari-pc-01", a, 1, h1.IssueDay(), "講座で無線を使う")
          .value();
  Result<Json> granted = h1.RedeemException(ra);
  ASSERT_TRUE(granted.ok()) << granted.status().ToString();
  ASSERT_TRUE(granted->value("accepted", false)) << granted->dump();
  // B: answered for a day two days back, never used.
  const std::string b = s1.AskRadiosException(30).value();
  ASSERT_TRUE(
      desk_->Respond("sun-pc-01", b, 2, s1.IssueDay() - 2, "前々日の依頼")
          .ok());
  // C: answered with a ledger the office never sees, used.
  const std::string c = s1.AskRadiosException(15).value();
  const std::string rc = desk_
                             ->Respond("sun-pc-01", c, 2, s1.IssueDay(),
                                       "台帳の外", desk_->Path("other.ledger"))
                             .value();
  ASSERT_TRUE(s1.RedeemException(rc)->value("accepted", false));

  ASSERT_TRUE(desk_->Export(desk_->Path("1.export")).ok());
  ASSERT_EQ(Import(desk_->Path("1.export")), kExitOk);
  ASSERT_TRUE(seeder_->Sync("hidamari-pc-01").ok());
  ASSERT_TRUE(seeder_->Sync("sun-pc-01").ok());
  // D: later than the export (by the PC's clock), in the desk's ledger.
  h1.AdvanceMs(3 * kHour);
  const std::string d = h1.AskRadiosException(15).value();
  const std::string rd =
      desk_->Respond("hidamari-pc-01", d, 0, h1.IssueDay(), "夕方の講座")
          .value();
  ASSERT_TRUE(h1.RedeemException(rd)->value("accepted", false));
  ASSERT_TRUE(seeder_->Sync("hidamari-pc-01").ok());

  Result<office::Reconciliation> r =
      office::LoadReconciliation(*store_, now + 4 * kHour);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->issued, 2U);  // A and B (D is not exported yet, C never)
  EXPECT_EQ(r->redeemed, 1U);
  EXPECT_EQ(r->alarms, 2U);
  const auto& hidamari = Group(*r, "npo-hidamari");
  ASSERT_EQ(hidamari.issued.size(), 1U);
  const office::IssuedLine& used = hidamari.issued[0];
  EXPECT_EQ(used.state, office::IssuedState::kRedeemed);
  EXPECT_EQ(used.issued.reason, "講座で無線を使う");
  EXPECT_EQ(used.issued.person_name, "佐藤 一郎");
  EXPECT_TRUE(used.issued.deputy);
  ASSERT_TRUE(used.use.has_value());
  // What the agent journaled, as the office read it.
  EXPECT_EQ(used.use->challenge, a);
  EXPECT_EQ(used.use->scope, "radios");
  EXPECT_EQ(used.use->minutes, 60);
  EXPECT_EQ(used.use->person, 1);
  EXPECT_EQ(used.use->responsible, "佐藤 一郎");
  EXPECT_EQ(used.use->user, "sato");
  EXPECT_EQ(used.use->nonce, used.issued.nonce);
  ASSERT_EQ(hidamari.unissued.size(), 1U);
  EXPECT_EQ(hidamari.unissued[0].use.challenge, d);
  EXPECT_EQ(hidamari.unissued[0].alarm,
            office::UseAlarm::kLedgerNotImportedYet);
  const auto& sun = Group(*r, "sun-kaigo");
  ASSERT_EQ(sun.issued.size(), 1U);
  EXPECT_EQ(sun.issued[0].issued.challenge, b);
  EXPECT_EQ(sun.issued[0].state, office::IssuedState::kExpiredUnused);
  ASSERT_EQ(sun.unissued.size(), 1U);
  EXPECT_EQ(sun.unissued[0].use.challenge, c);
  EXPECT_EQ(sun.unissued[0].alarm, office::UseAlarm::kOutsideLedger);

  // The desk's next export brings D's record: used, no longer an alarm.
  ASSERT_TRUE(desk_->Export(desk_->Path("2.export")).ok());
  ASSERT_EQ(Import(desk_->Path("2.export")), kExitOk);
  ASSERT_EQ(Import(desk_->Path("1.export")), kExitOk);  // again: no change
  r = office::LoadReconciliation(*store_, now + 4 * kHour);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->issued, 3U);
  EXPECT_EQ(r->redeemed, 2U);
  EXPECT_EQ(r->alarms, 1U);  // C stays
  EXPECT_TRUE(Group(*r, "npo-hidamari").unissued.empty());
}

}  // namespace
}  // namespace piiguard

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.starts_with("--admin=")) piiguard::g_admin = arg.substr(8);
  }
  return RUN_ALL_TESTS();
}
