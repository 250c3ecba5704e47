// The office's import of the IT desk's ledger exports (issued_store.cc,
// issued_commands.h), on both engines. The files are made by the desk's
// own code (policy/admin/exception_ledger.h: what `piiguard-admin
// exception respond` and `exception ledger export` run); the command-line
// round trip with the real programs is tests/integration/office_pages.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "common/cli_tool.h"
#include "common/file_util.h"
#include "common/journal/entry.h"
#include "common/os/testing/fake_clock.h"
#include "office/issued_commands.h"
#include "office/store.h"
#include "office/store_testing.h"
#include "policy/admin/exception_ledger.h"
#include "policy/exception/code_mac.h"
#include "policy/exception/persons.h"
#include "policy/policy.h"

namespace piiguard::office {
namespace {

using exception::IssuedRecord;
using exception::LedgerExport;
using testing::Engine;
using testing::TestStore;

constexpr int64_t kNow = 1796601600000;  // 2026-12-07 09:00 in Japan

class IssuedStoreTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    PIIGUARD_SETUP_TEST_STORE(store_, GetParam());
    dir_ = std::filesystem::temp_directory_path() /
           ("piiguard-issued-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const {
    return (dir_ / name).string();
  }

  // What the desk records when it answers "13059-12348-56782-90126"
  // (stick, 1 h, item 5) of `pc` for person 1 of the test consignee.
  void Answer(const std::string& pc, const std::string& reason,
              int64_t at_ms = kNow) {
    const auto master =
        exception::ExceptionKey::FromBytes(std::string(32, 'm')).value();
    policy::Consignee hidamari;
    hidamari.id = "npo-hidamari";
    hidamari.responsible.name = "山田 花子";
    hidamari.deputies.push_back(policy::Person{"佐藤 一郎", ""});
    policy::Policy policy;
    policy.consignees.push_back(hidamari);
    admin::RespondRequest request;
    request.pc_id = pc;
    request.challenge = "13059-12348-56782-90126";
    request.person = 1;
    request.issue_day = exception::IssueDay(at_ms);
    os::FakeClock clock;
    const admin::DeskResponse response =
        admin::RespondToChallenge(master, request,
                                  exception::ResponsiblePersons(policy).value(),
                                  clock, nullptr)
            .value();
    ASSERT_TRUE(admin::AppendIssued(
                    Path("desk.ledger"),
                    admin::IssuedRecordOf(request, response, reason, 4, at_ms),
                    at_ms)
                    .ok());
  }

  std::string Export(const std::string& name, int64_t at_ms = kNow + 1000) {
    Result<admin::LedgerExportDone> done =
        admin::ExportLedger(Path("desk.ledger"), Path(name), city_, at_ms);
    EXPECT_TRUE(done.ok()) << done.status().ToString();
    return Path(name);
  }

  int Import(const std::string& file, std::string* said = nullptr) {
    std::ostringstream out;
    std::ostringstream err;
    const int rc = ImportIssuedFile(*store_.get(), file, city_.PublicKey(),
                                    Lang::kEn, kNow + 5000, out, err);
    if (said != nullptr) *said = out.str() + err.str();
    return rc;
  }

  size_t Stored() { return store_->ListIssuedExceptions().value().size(); }

  TestStore store_;
  std::filesystem::path dir_;
  Ed25519PrivateKey city_ = Ed25519PrivateKey::Generate().value();
};

TEST_P(IssuedStoreTest, StoresEachRecordOnceAndAReimportChangesNothing) {
  Answer("hidamari-pc-01", "講座の名簿を持ち出すため <b>急ぎ</b>");
  Answer("hidamari-pc-02", "二件目");
  const std::string file = Export("1.export");
  std::string said;
  ASSERT_EQ(Import(file, &said), kExitOk) << said;
  EXPECT_NE(said.find("records 1 to 2 of ledger"), std::string::npos) << said;
  EXPECT_NE(said.find("2 stored, 0 already stored"), std::string::npos);
  std::vector<IssuedException> issued = store_->ListIssuedExceptions().value();
  ASSERT_EQ(issued.size(), 2U);
  const IssuedException& first = issued[1];  // newest first: same time, seq
  EXPECT_EQ(first.seq, 1U);
  EXPECT_EQ(first.pc, "hidamari-pc-01");
  EXPECT_EQ(first.nonce, 123456789012U);
  EXPECT_EQ(first.challenge, "13059-12348-56782-90126");
  EXPECT_EQ(first.scope, "stick");
  EXPECT_EQ(first.minutes, 60);
  EXPECT_EQ(first.index, 5U);
  EXPECT_EQ(first.person, 1U);
  EXPECT_EQ(first.person_name, "佐藤 一郎");
  EXPECT_TRUE(first.deputy);
  EXPECT_EQ(first.consignee, "npo-hidamari");
  EXPECT_EQ(first.reason, "講座の名簿を持ち出すため <b>急ぎ</b>");
  EXPECT_EQ(first.issue_day, exception::IssueDay(kNow));
  EXPECT_EQ(first.policy_version, 4);
  EXPECT_EQ(first.imported_ms, kNow + 5000);

  ASSERT_EQ(Import(file, &said), kExitOk) << said;
  EXPECT_NE(said.find("was imported before"), std::string::npos) << said;
  EXPECT_EQ(Stored(), 2U);
  std::vector<IssuedImport> files = store_->ListIssuedImports().value();
  ASSERT_EQ(files.size(), 1U);
  EXPECT_EQ(files[0].records, 2U);
  EXPECT_EQ(files[0].stored, 2U);
  EXPECT_EQ(files[0].through, 2U);

  // The next export holds only the new record; an empty one imports too.
  Answer("hidamari-pc-01", "三件目");
  ASSERT_EQ(Import(Export("2.export", kNow + 2000), &said), kExitOk) << said;
  EXPECT_NE(said.find("records 3 to 3"), std::string::npos) << said;
  ASSERT_EQ(Import(Export("3.export", kNow + 3000), &said), kExitOk) << said;
  EXPECT_NE(said.find("no new record"), std::string::npos) << said;
  EXPECT_EQ(Stored(), 3U);
  EXPECT_EQ(store_->ListIssuedImports()->size(), 3U);
}

TEST_P(IssuedStoreTest, AnExportRepeatedAfterALostMarkStoresNothingTwice) {
  Answer("hidamari-pc-01", "一件目");
  const std::string file = Export("1.export");
  ASSERT_EQ(Import(file), kExitOk);
  // The desk's mark was lost: the same records, exported again.
  Result<exception::Ledger> ledger = admin::ReadLedger(Path("desk.ledger"));
  ASSERT_TRUE(ledger.ok());
  LedgerExport again;
  again.ledger = ledger->id;
  again.exported_ms = kNow + 9000;
  again.records = {std::get<IssuedRecord>(ledger->lines[0])};
  again.through = 1;
  ASSERT_TRUE(WriteFileAtomic(Path("again.export"),
                              exception::SignLedgerExport(again, city_).value(),
                              0600)
                  .ok());
  std::string said;
  ASSERT_EQ(Import(Path("again.export"), &said), kExitOk) << said;
  EXPECT_NE(said.find("0 stored, 1 already stored"), std::string::npos) << said;
  EXPECT_EQ(Stored(), 1U);
}

TEST_P(IssuedStoreTest, AForgedOrAlteredFileIsRefusedAndNothingStored) {
  Answer("hidamari-pc-01", "一件目");
  const std::string file = Export("1.export");
  const std::string bytes = ReadFileBytes(file, 1 << 20).value();
  // Signed by a key that is not the city's.
  const Ed25519PrivateKey other = Ed25519PrivateKey::Generate().value();
  Result<exception::Ledger> ledger = admin::ReadLedger(Path("desk.ledger"));
  ASSERT_TRUE(ledger.ok());
  const LedgerExport batch = exception::RecordsToExport(
      [&] {
        exception::Ledger unmarked = *ledger;
        unmarked.lines.pop_back();  // the export mark
        return unmarked;
      }(),
      kNow);
  ASSERT_EQ(batch.records.size(), 1U);
  ASSERT_TRUE(WriteFileAtomic(Path("forged.export"),
                              exception::SignLedgerExport(batch, other).value(),
                              0600)
                  .ok());
  std::string said;
  EXPECT_EQ(Import(Path("forged.export"), &said), kExitRefused);
  EXPECT_NE(said.find("refused; nothing was stored"), std::string::npos)
      << said;
  EXPECT_NE(said.find("not a trusted key"), std::string::npos) << said;
  // The reason changed after signing.
  std::string altered = bytes;
  const size_t at = altered.find("一件目");
  ASSERT_NE(at, std::string::npos);
  altered.replace(at, std::string("一件目").size(), "二件目");
  ASSERT_TRUE(WriteFileAtomic(Path("altered.export"), altered, 0600).ok());
  EXPECT_EQ(Import(Path("altered.export"), &said), kExitRefused);
  EXPECT_NE(said.find("does not verify"), std::string::npos) << said;
  EXPECT_EQ(Import(Path("missing.export"), &said), kExitError);
  EXPECT_EQ(Stored(), 0U);
  EXPECT_TRUE(store_->ListIssuedImports()->empty());
}

TEST_P(IssuedStoreTest, ARecordThatDiffersFromTheStoredOneRefusesTheFile) {
  Answer("hidamari-pc-01", "一件目");
  ASSERT_EQ(Import(Export("1.export")), kExitOk);
  // A ledger rewritten after its export, signed by the city key: record 1
  // with another reason, and a new record 2.
  Result<exception::Ledger> ledger = admin::ReadLedger(Path("desk.ledger"));
  ASSERT_TRUE(ledger.ok());
  IssuedRecord changed = std::get<IssuedRecord>(ledger->lines[0]);
  changed.reason = "書き換えた理由";
  IssuedRecord next = changed;
  next.seq = 2;
  LedgerExport batch;
  batch.ledger = ledger->id;
  batch.exported_ms = kNow + 9000;
  batch.records = {changed, next};
  batch.through = 2;
  ASSERT_TRUE(WriteFileAtomic(Path("rewritten.export"),
                              exception::SignLedgerExport(batch, city_).value(),
                              0600)
                  .ok());
  std::string said;
  EXPECT_EQ(Import(Path("rewritten.export"), &said), kExitRefused);
  EXPECT_NE(said.find("record 1: differs from the record"), std::string::npos)
      << said;
  std::vector<IssuedException> issued = store_->ListIssuedExceptions().value();
  ASSERT_EQ(issued.size(), 1U);  // record 2 was not stored either
  EXPECT_EQ(issued[0].reason, "一件目");
  EXPECT_EQ(store_->ListIssuedImports()->size(), 1U);
}

TEST_P(IssuedStoreTest, JournalReachIsTheNewestEntryStored) {
  PcRecord pc;
  pc.pc = "pc-1";
  pc.device_key_pem = "key";
  pc.chain = std::string(32, 'a');
  pc.cert_serial = "01";
  ASSERT_EQ(store_->Enrol(pc, "nonce", kNow), Status::Ok());
  EXPECT_TRUE(store_->JournalReach()->empty());
  std::vector<journal::Entry> entries;
  journal::Hash prev{};
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    journal::Entry e;
    e.seq = seq;
    e.time_ms = kNow + static_cast<int64_t>(seq) * 1000;
    e.type = "agent.started";
    e.subject = "agent";
    e.details = "{}";
    e.prev = prev;
    e.hash = journal::EntryHash(e);
    prev = e.hash;
    entries.push_back(e);
  }
  auto tx = store_->BeginIngest();
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE((*tx)->LockPc("pc-1").ok());
  ASSERT_EQ((*tx)->InsertEntries("pc-1", entries), Status::Ok());
  ASSERT_EQ((*tx)->Advance("pc-1", 3, prev, kNow, 0), Status::Ok());
  ASSERT_EQ((*tx)->Commit(), Status::Ok());
  EXPECT_EQ(store_->JournalReach()->at("pc-1"), kNow + 3000);
}

INSTANTIATE_TEST_SUITE_P(Engines, IssuedStoreTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         testing::EngineName);

}  // namespace
}  // namespace piiguard::office
