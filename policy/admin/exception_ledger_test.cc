// The desk's ledger: every response recorded before it is shown, exports
// of what is new since the last one, signed with the city key.
#include "policy/admin/exception_ledger.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "common/file_util.h"
#include "common/os/testing/fake_clock.h"
#include "common/timestamp.h"

namespace piiguard::admin {
namespace {

using exception::IssuedRecord;
using exception::Ledger;
using exception::LedgerExport;

constexpr int64_t kNow = 1796601600000;  // 2026-12-07 09:00 in Japan

class ExceptionLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "piiguard-ledger-XXXXXX")
            .string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
    dir_ = pattern;
    ledger_ = dir_ + "/master.ledger";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // What `respond` records for a real response of the desk.
  static IssuedRecord Answered(unsigned person, const std::string& reason) {
    const auto master =
        exception::ExceptionKey::FromBytes(std::string(32, 'm')).value();
    policy::Consignee hidamari;
    hidamari.id = "npo-hidamari";
    hidamari.responsible.name = "山田 花子";
    hidamari.deputies.push_back(policy::Person{"佐藤 一郎", ""});
    policy::Policy policy;
    policy.consignees.push_back(hidamari);
    const auto persons = exception::ResponsiblePersons(policy).value();
    RespondRequest request;
    request.pc_id = "hidamari-pc-01";
    request.challenge = "13059-12348-56782-90126";
    request.person = static_cast<int>(person);
    os::FakeClock clock;
    clock.SetWallMs(kNow);
    const DeskResponse response =
        RespondToChallenge(master, request, persons, clock, nullptr).value();
    return IssuedRecordOf(request, response, reason, 7, kNow);
  }

  std::string dir_;
  std::string ledger_;
};

TEST_F(ExceptionLedgerTest, RecordsWhatTheDeskAnswered) {
  const IssuedRecord r = Answered(1, "講座の名簿を持ち出すため");
  EXPECT_EQ(r.pc, "hidamari-pc-01");
  EXPECT_EQ(r.challenge.nonce, 123456789012U);
  EXPECT_EQ(r.challenge.index, 5U);
  EXPECT_EQ(r.person, 1U);
  EXPECT_EQ(r.person_name, "佐藤 一郎");
  EXPECT_TRUE(r.deputy);
  EXPECT_EQ(r.consignee, "npo-hidamari");
  EXPECT_EQ(r.issue_day, ParseDate("2026-12-07").value());
  EXPECT_EQ(r.policy_version, 7);

  Result<IssuedRecord> first = AppendIssued(ledger_, r, kNow);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->seq, 1U);
  Result<IssuedRecord> second =
      AppendIssued(ledger_, Answered(0, "二件目"), kNow + 1);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->seq, 2U);
  struct stat st {};
  ASSERT_EQ(::stat(ledger_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600U);
  Result<Ledger> read = ReadLedger(ledger_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->lines.size(), 2U);
  EXPECT_EQ(std::get<IssuedRecord>(read->lines[0]), *first);
  EXPECT_EQ(std::get<IssuedRecord>(read->lines[1]), *second);
  EXPECT_EQ(read->id.size(), 32U);
}

TEST_F(ExceptionLedgerTest, ExportsOnlyWhatIsNewAndNeverOverwrites) {
  const Ed25519PrivateKey city = Ed25519PrivateKey::Generate().value();
  const std::vector<Ed25519PublicKey> trusted = {city.PublicKey()};
  ASSERT_TRUE(AppendIssued(ledger_, Answered(1, "一件目"), kNow).ok());
  ASSERT_TRUE(AppendIssued(ledger_, Answered(0, "二件目"), kNow).ok());
  Result<LedgerExportDone> done =
      ExportLedger(ledger_, dir_ + "/1.export", city, kNow + 10);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_TRUE(done->mark.ok());
  EXPECT_EQ(done->batch.from_seq, 1U);
  EXPECT_EQ(done->batch.through, 2U);
  const std::string file = ReadFileBytes(dir_ + "/1.export", 1 << 20).value();
  EXPECT_EQ(Sha256Hex(file), done->sha256);
  Result<LedgerExport> verified = exception::VerifyLedgerExport(file, trusted);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(*verified, done->batch);

  // An existing file is not overwritten, and the ledger is not marked.
  EXPECT_FALSE(ExportLedger(ledger_, dir_ + "/1.export", city, kNow).ok());
  ASSERT_TRUE(AppendIssued(ledger_, Answered(1, "三件目"), kNow + 20).ok());
  done = ExportLedger(ledger_, dir_ + "/2.export", city, kNow + 30);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->batch.from_seq, 3U);
  ASSERT_EQ(done->batch.records.size(), 1U);
  EXPECT_EQ(done->batch.records[0].reason, "三件目");
  // Nothing new: an empty export says so.
  done = ExportLedger(ledger_, dir_ + "/3.export", city, kNow + 40);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_TRUE(done->batch.records.empty());
  EXPECT_EQ(done->batch.through, 3U);
  EXPECT_EQ(ReadLedger(ledger_)->ExportedThrough(), 3U);
  // No ledger yet: nothing to export.
  EXPECT_FALSE(
      ExportLedger(dir_ + "/none.ledger", dir_ + "/4.export", city, kNow).ok());
}

TEST_F(ExceptionLedgerTest, ADamagedLedgerRecordsNothingMore) {
  ASSERT_TRUE(AppendIssued(ledger_, Answered(1, "一件目"), kNow).ok());
  std::string bytes = ReadFileBytes(ledger_, 1 << 20).value();
  bytes += R"({"kind":"issued","seq":2)";  // a write cut short
  ASSERT_TRUE(WriteFileAtomic(ledger_, bytes, 0600).ok());
  Result<IssuedRecord> refused =
      AppendIssued(ledger_, Answered(0, "二件目"), kNow);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("torn"), std::string::npos)
      << refused.status().ToString();
  EXPECT_EQ(ReadFileBytes(ledger_, 1 << 20).value(), bytes);
}

TEST_F(ExceptionLedgerTest, DeskSessionsAtOnceTakeTurns) {
  constexpr int kChildren = 4;
  constexpr int kEach = 10;
  const IssuedRecord r = Answered(1, "同時に");
  std::vector<pid_t> children;
  for (int c = 0; c < kChildren; ++c) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      for (int i = 0; i < kEach; ++i) {
        if (!AppendIssued(ledger_, r, kNow).ok()) ::_exit(1);
      }
      ::_exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  Result<Ledger> read = ReadLedger(ledger_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->LastSeq(), static_cast<uint64_t>(kChildren * kEach));
}

}  // namespace
}  // namespace piiguard::admin
