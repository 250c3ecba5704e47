// The IT desk's side of the offline exception codes: key files, the
// response to a challenge read out, and the round trip with the PC's
// RedemptionState.
#include "policy/admin/exception_desk.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "common/file_util.h"
#include "common/os/testing/fake_clock.h"
#include "common/timestamp.h"
#include "policy/exception/redemption.h"

namespace piiguard::admin {
namespace {

using exception::Challenge;
using exception::CodeFault;
using exception::CodeProblem;
using exception::DurationClass;
using exception::ExceptionKey;
using exception::Refusal;
using exception::ScopeKind;

// A challenge with known fields: stick, 1 h, index 5, nonce 123456789012.
constexpr std::string_view kChallenge = "13059-12348-56782-90126";

class ExceptionDeskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "piiguard-desk-XXXXXX")
            .string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
    dir_ = pattern;
    ASSERT_TRUE(WriteNewMasterKey(Path("master")).ok());
    master_ = std::move(ReadExceptionKeyFile(Path("master"))).value();
  }

  void TearDown() override {
    std::error_code error;
    std::filesystem::remove_all(dir_, error);
    EXPECT_FALSE(error) << error.message();
  }

  std::string Path(std::string_view name) const {
    return dir_ + "/" + std::string(name);
  }

  static mode_t Mode(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }

  static RespondRequest Request(std::string challenge) {
    RespondRequest r;
    r.pc_id = "pc-0001";
    r.challenge = std::move(challenge);
    r.person = 1;
    r.responsible = "yamada";
    r.detail = "stick-1";
    return r;
  }

  std::string dir_;
  ExceptionKey master_ =
      std::move(ExceptionKey::FromBytes(std::string(32, 'x'))).value();
  os::FakeClock clock_;
};

TEST_F(ExceptionDeskTest, MasterIs32PrivateBytesAndNeverOverwritten) {
  const std::string path = Path("master");
  Result<std::string> before = ReadFileBytes(path, 4096);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->size(), ExceptionKey::kSize);
  EXPECT_EQ(Mode(path), 0600U);
  EXPECT_NE(*before, std::string(32, '\0'));

  const Status again = WriteNewMasterKey(path);
  EXPECT_FALSE(again.ok());
  EXPECT_EQ(*ReadFileBytes(path, 4096), *before);

  // Two masters are not the same.
  ASSERT_TRUE(WriteNewMasterKey(Path("other")).ok());
  EXPECT_NE(*ReadFileBytes(Path("other"), 4096), *before);
}

TEST_F(ExceptionDeskTest, RefusesShortLongAndMissingKeyFiles) {
  ASSERT_TRUE(WriteFileAtomic(Path("short"), std::string(31, 'k'), 0600).ok());
  Result<ExceptionKey> shorter = ReadExceptionKeyFile(Path("short"));
  ASSERT_FALSE(shorter.ok());
  EXPECT_NE(shorter.status().message().find("exception key: "),
            std::string::npos);
  EXPECT_NE(shorter.status().message().find("31 bytes, want exactly 32"),
            std::string::npos)
      << shorter.status().message();

  ASSERT_TRUE(WriteFileAtomic(Path("long"), std::string(33, 'k'), 0600).ok());
  EXPECT_FALSE(ReadExceptionKeyFile(Path("long")).ok());
  ASSERT_TRUE(WriteFileAtomic(Path("huge"), std::string(9000, 'k'), 0600).ok());
  EXPECT_FALSE(ReadExceptionKeyFile(Path("huge")).ok());
  EXPECT_FALSE(ReadExceptionKeyFile(Path("missing")).ok());
}

TEST_F(ExceptionDeskTest, PcKeyIsTheDerivedKeyPrivateAndNeverOverwritten) {
  const std::string path = Path("pc.key");
  ASSERT_TRUE(WritePcKey(master_, "pc-0001", path).ok());
  EXPECT_EQ(Mode(path), 0600U);
  Result<ExceptionKey> written = ReadExceptionKeyFile(path);
  ASSERT_TRUE(written.ok());
  const ExceptionKey derived =
      std::move(exception::DeriveExceptionKey(master_, "pc-0001")).value();
  EXPECT_EQ(written->bytes(), derived.bytes());
  EXPECT_NE(written->bytes(), master_.bytes());

  EXPECT_FALSE(WritePcKey(master_, "pc-0002", path).ok());
  EXPECT_EQ(std::move(ReadExceptionKeyFile(path)).value().bytes(),
            derived.bytes());
  EXPECT_FALSE(WritePcKey(master_, "", Path("empty.key")).ok());
  EXPECT_FALSE(std::filesystem::exists(Path("empty.key")));
}

TEST_F(ExceptionDeskTest, ReadsWhatPeopleSayAndShowsItInPlainWords) {
  // Full-width digits, ideographic spaces and long-vowel marks.
  const std::string heard = "１３０５９　１２３４８ー５６７８２ 90126";
  CodeProblem problem;
  Result<DeskResponse> r =
      RespondToChallenge(master_, Request(heard), clock_, &problem);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->challenge.scope, ScopeKind::kStickWritable);
  EXPECT_EQ(r->challenge.duration, DurationClass::k1Hour);
  EXPECT_EQ(r->challenge.index, 5U);
  EXPECT_EQ(r->challenge.nonce, 123456789012ULL);
  EXPECT_EQ(r->issue_day, exception::IssueDay(clock_.WallMs()));
  // Grouped as the library encodes a response.
  ASSERT_EQ(r->response.size(), 17U);
  EXPECT_TRUE(exception::ParseResponse(r->response).ok());
  EXPECT_EQ(r->response.substr(0, 2), "01");

  const std::string en = DescribeRequest(r->challenge, "pc-0001", Lang::kEn);
  EXPECT_EQ(en,
            "request from PC pc-0001: writing to one stick, for 60 minutes "
            "(item 05 of the PC's list). Confirm this with the caller.");
  const std::string ja = DescribeRequest(r->challenge, "pc-0001", Lang::kJa);
  EXPECT_NE(ja.find("USBメモリ1本への書き込み、60分間"), std::string::npos)
      << ja;
  const std::string line = DescribeResponse(*r, Request(heard), Lang::kEn);
  EXPECT_NE(line.find(r->response), std::string::npos);
  EXPECT_NE(line.find(FormatDate(r->issue_day)), std::string::npos);
}

TEST_F(ExceptionDeskTest, NamesTheMisheardGroup) {
  // The third group's 5 heard as 6.
  CodeProblem problem;
  Result<DeskResponse> r = RespondToChallenge(
      master_, Request("13059-12348-66782-90126"), clock_, &problem);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(problem.fault, CodeFault::kCheckDigit);
  EXPECT_EQ(problem.group, 3);
  EXPECT_EQ(DescribeChallengeProblem(problem, Lang::kEn),
            "group 3 of the request code seems misheard: ask the caller to "
            "read that group again.");
  EXPECT_NE(DescribeChallengeProblem(problem, Lang::kJa).find("第3組"),
            std::string::npos);

  problem = {};
  EXPECT_FALSE(RespondToChallenge(master_, Request("13059-12348-56782"), clock_,
                                  &problem)
                   .ok());
  EXPECT_EQ(problem.fault, CodeFault::kWrongLength);
  EXPECT_NE(DescribeChallengeProblem(problem, Lang::kEn).find("malformed"),
            std::string::npos);
}

TEST_F(ExceptionDeskTest, RefusesAPersonIndexOutOfRange) {
  for (int person : {-1, 100, 1000}) {
    RespondRequest request = Request(std::string(kChallenge));
    request.person = person;
    CodeProblem problem;
    Result<DeskResponse> r =
        RespondToChallenge(master_, request, clock_, &problem);
    ASSERT_FALSE(r.ok()) << person;
    EXPECT_EQ(problem.fault, CodeFault::kNone);
    EXPECT_NE(r.status().message().find("exception respond: --person"),
              std::string::npos)
        << r.status().message();
  }
  RespondRequest last = Request(std::string(kChallenge));
  last.person = 99;
  EXPECT_TRUE(RespondToChallenge(master_, last, clock_, nullptr).ok());
}

TEST_F(ExceptionDeskTest, TheDayOptionReplacesToday) {
  RespondRequest request = Request(std::string(kChallenge));
  const Result<DeskResponse> today =
      RespondToChallenge(master_, request, clock_, nullptr);
  ASSERT_TRUE(today.ok());
  request.issue_day = today->issue_day;
  EXPECT_EQ(RespondToChallenge(master_, request, clock_, nullptr)->response,
            today->response);
  request.issue_day = today->issue_day + 1;
  const Result<DeskResponse> tomorrow =
      RespondToChallenge(master_, request, clock_, nullptr);
  ASSERT_TRUE(tomorrow.ok());
  EXPECT_EQ(tomorrow->issue_day, today->issue_day + 1);
  EXPECT_NE(tomorrow->response, today->response);
}

// The PC (RedemptionState, K_pc from `pc-key`) and the desk (the master).
class RoundTripTest : public ExceptionDeskTest {
 protected:
  void SetUp() override {
    ExceptionDeskTest::SetUp();
    ASSERT_TRUE(WritePcKey(master_, "pc-0001", Path("pc.key")).ok());
    pc_key_ = std::move(ReadExceptionKeyFile(Path("pc.key"))).value();
    Result<Challenge> c = state_.NewChallenge(
        ScopeKind::kStickWritable, DurationClass::k1Hour, 3, "stick-1");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    challenge_ = *c;
  }

  // What the desk reads back for `request` (the challenge as shown).
  std::string Desk(RespondRequest request) {
    request.challenge = exception::EncodeChallenge(challenge_);
    Result<DeskResponse> r =
        RespondToChallenge(master_, request, clock_, nullptr);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->response : "";
  }

  exception::Outcome Redeem(const std::string& response) {
    return state_.Redeem(challenge_, response, pc_key_, "pc-0001", people_);
  }

  exception::RedemptionState state_{clock_, "boot-1"};
  ExceptionKey pc_key_ =
      std::move(ExceptionKey::FromBytes(std::string(32, 'p'))).value();
  Challenge challenge_;
  std::vector<std::string> people_ = {"desk", "yamada", "suzuki"};
};

TEST_F(RoundTripTest, ThePcRedeemsTheDesksResponse) {
  clock_.AdvanceMs(10LL * 60 * 1000);  // the call takes ten minutes
  const exception::Outcome outcome = Redeem(Desk(Request("")));
  ASSERT_TRUE(outcome.accepted())
      << exception::DescribeOutcome(outcome, Lang::kEn);
  ASSERT_TRUE(outcome.grant.has_value());
  EXPECT_EQ(outcome.grant->person_index, 1U);
  EXPECT_EQ(outcome.grant->responsible_id, "yamada");
  EXPECT_EQ(outcome.grant->scope_detail, "stick-1");
}

TEST_F(RoundTripTest, AnyFieldTheDeskGotWrongIsRefused) {
  std::vector<RespondRequest> wrong(4, Request(""));
  wrong[0].pc_id = "pc-0002";
  // Index 2 names suzuki on the PC; the desk computed it for yamada.
  wrong[1].person = 2;
  wrong[2].detail = "stick-2";
  wrong[3].issue_day = exception::IssueDay(clock_.WallMs()) + 1;
  for (const RespondRequest& request : wrong) {
    const exception::Outcome outcome = Redeem(Desk(request));
    EXPECT_EQ(outcome.refusal, Refusal::kWrongResponse)
        << request.pc_id << " " << request.person << " " << request.detail;
  }
  // Four wrong tries leave one: the right response still works.
  EXPECT_TRUE(Redeem(Desk(Request(""))).accepted());
}

TEST_F(RoundTripTest, ThePersonIndexNamesWhoPermittedIt) {
  RespondRequest request = Request("");
  request.person = 2;
  request.responsible = "suzuki";
  const exception::Outcome outcome = Redeem(Desk(request));
  ASSERT_TRUE(outcome.accepted());
  EXPECT_EQ(outcome.grant->responsible_id, "suzuki");
}

TEST_F(RoundTripTest, AnIndexNotInThePcsListIsRefused) {
  RespondRequest request = Request("");
  request.person = 7;
  EXPECT_EQ(Redeem(Desk(request)).refusal, Refusal::kUnknownPerson);
}

TEST_F(RoundTripTest, AResponseFromAnotherMasterIsRefused) {
  ASSERT_TRUE(WriteNewMasterKey(Path("master-2")).ok());
  master_ = std::move(ReadExceptionKeyFile(Path("master-2"))).value();
  EXPECT_EQ(Redeem(Desk(Request(""))).refusal, Refusal::kWrongResponse);
}

}  // namespace
}  // namespace piiguard::admin
