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
#include "common/json.h"
#include "common/os/testing/fake_clock.h"
#include "common/timestamp.h"
#include "policy/exception/persons.h"
#include "policy/exception/redemption.h"
#include "policy/policy.h"
#include "policy/test_policy.h"

namespace piiguard::admin {
namespace {

using exception::Challenge;
using exception::CodeFault;
using exception::CodeProblem;
using exception::DurationClass;
using exception::ExceptionKey;
using exception::Refusal;
using exception::ResponsiblePerson;
using exception::ScopeKind;

// A challenge with known fields: stick, 1 h, index 5, nonce 123456789012.
constexpr std::string_view kChallenge = "13059-12348-56782-90126";

// The person list of the test policy with `extra` consignees after its own
// (npo-1: 山田, deputy 佐藤), as both sides build it.
std::vector<ResponsiblePerson> PersonsOf(const Json& extra) {
  Json doc = policy::testing::ValidPolicyJson();
  for (const Json& c : extra) doc["consignees"].push_back(c);
  Result<policy::Policy> p = policy::ParsePolicy(policy::testing::Dump(doc));
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok()) return {};
  Result<std::vector<ResponsiblePerson>> persons =
      exception::ResponsiblePersons(*p);
  EXPECT_TRUE(persons.ok()) << persons.status().ToString();
  return persons.ok() ? *persons : std::vector<ResponsiblePerson>{};
}

Json Hidamari() {
  return Json{
      {"id", "hidamari"},
      {"name", "ひだまり"},
      {"responsible", {{"name", "鈴木一郎"}, {"contact", "042-000-0002"}}},
      {"deputies",
       Json::array({{{"name", "山田花子"}, {"contact", "042-000-0003"}}})}};
}

// 0 山田, 1 佐藤 (deputy), 2 鈴木一郎, 3 山田花子 (deputy of hidamari).
std::vector<ResponsiblePerson> Persons() {
  return PersonsOf(Json::array({Hidamari()}));
}

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
    return r;
  }

  Result<DeskResponse> Respond(const RespondRequest& request,
                               CodeProblem* problem = nullptr) {
    return RespondToChallenge(master_, request, persons_, clock_, problem);
  }

  std::string dir_;
  ExceptionKey master_ =
      std::move(ExceptionKey::FromBytes(std::string(32, 'x'))).value();
  os::FakeClock clock_;
  std::vector<ResponsiblePerson> persons_ = Persons();
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
  Result<DeskResponse> r = Respond(Request(heard), &problem);
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
  EXPECT_EQ(r->person, persons_[1]);
  EXPECT_EQ(DescribeResponse(*r, Lang::kEn),
            "response: " + r->response +
                " (responsible person 1: 佐藤, deputy of consignee npo-1; "
                "works only on " +
                FormatDate(r->issue_day) + ", Japan time)");
  const std::string ja_line = DescribeResponse(*r, Lang::kJa);
  EXPECT_NE(ja_line.find("責任者 1 番: 佐藤、委託先 npo-1 の副責任者"),
            std::string::npos)
      << ja_line;
}

TEST_F(ExceptionDeskTest, ListsThePersonsNumberedAsTheIndex) {
  EXPECT_EQ(DescribePersons(persons_, 3, Lang::kEn),
            "responsible persons and deputies of policy version 3: 4. The "
            "number on the left is the person index of a response "
            "(--person).\n"
            "  0  山田, responsible for consignee npo-1\n"
            "  1  佐藤, deputy of consignee npo-1\n"
            "  2  鈴木一郎, responsible for consignee hidamari\n"
            "  3  山田花子, deputy of consignee hidamari\n");
  EXPECT_NE(DescribePersons(persons_, 3, Lang::kJa)
                .find("  3  山田花子、委託先 hidamari の副責任者\n"),
            std::string::npos);
}

TEST_F(ExceptionDeskTest, NamesTheMisheardGroup) {
  // The third group's 5 heard as 6.
  CodeProblem problem;
  Result<DeskResponse> r =
      Respond(Request("13059-12348-66782-90126"), &problem);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(problem.fault, CodeFault::kCheckDigit);
  EXPECT_EQ(problem.group, 3);
  EXPECT_EQ(DescribeChallengeProblem(problem, Lang::kEn),
            "group 3 of the request code seems misheard: ask the caller to "
            "read that group again.");
  EXPECT_NE(DescribeChallengeProblem(problem, Lang::kJa).find("第3組"),
            std::string::npos);

  problem = {};
  EXPECT_FALSE(Respond(Request("13059-12348-56782"), &problem).ok());
  EXPECT_EQ(problem.fault, CodeFault::kWrongLength);
  EXPECT_NE(DescribeChallengeProblem(problem, Lang::kEn).find("malformed"),
            std::string::npos);
}

TEST_F(ExceptionDeskTest, RefusesAPersonIndexThatNamesNobody) {
  for (int person : {-1, 4, 99, 100, 1000}) {
    RespondRequest request = Request(std::string(kChallenge));
    request.person = person;
    CodeProblem problem;
    Result<DeskResponse> r = Respond(request, &problem);
    ASSERT_FALSE(r.ok()) << person;
    EXPECT_EQ(problem.fault, CodeFault::kNone);
    EXPECT_EQ(r.status().message(),
              "exception respond: --person " + std::to_string(person) +
                  ": names nobody: the policy lists 4 responsible persons, 0 "
                  "to 3 (piiguard-admin exception persons shows them)");
  }
  RespondRequest last = Request(std::string(kChallenge));
  last.person = 3;
  EXPECT_EQ(Respond(last)->person.name, "山田花子");

  persons_.clear();  // a policy without consignees
  Result<DeskResponse> none = Respond(Request(std::string(kChallenge)));
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find(
                "exception respond: --policy: lists no responsible person"),
            std::string::npos)
      << none.status().message();
}

TEST_F(ExceptionDeskTest, TheDayOptionReplacesToday) {
  RespondRequest request = Request(std::string(kChallenge));
  const Result<DeskResponse> today = Respond(request);
  ASSERT_TRUE(today.ok());
  request.issue_day = today->issue_day;
  EXPECT_EQ(Respond(request)->response, today->response);
  request.issue_day = today->issue_day + 1;
  const Result<DeskResponse> tomorrow = Respond(request);
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

  // What the desk reads back for `request` (the challenge as shown), with
  // the desk's person list.
  std::string Desk(RespondRequest request) {
    request.challenge = exception::EncodeChallenge(challenge_);
    Result<DeskResponse> r = Respond(request);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->response : "";
  }

  // The PC, with its own person list built by the same function.
  exception::Outcome Redeem(const std::string& response) {
    return state_.Redeem(challenge_, response, pc_key_, "pc-0001",
                         exception::ResponsibleIds(pc_persons_));
  }

  exception::RedemptionState state_{clock_, "boot-1"};
  ExceptionKey pc_key_ =
      std::move(ExceptionKey::FromBytes(std::string(32, 'p'))).value();
  Challenge challenge_;
  std::vector<ResponsiblePerson> pc_persons_ = Persons();
};

TEST_F(RoundTripTest, ThePcRedeemsTheDesksResponse) {
  clock_.AdvanceMs(10LL * 60 * 1000);  // the call takes ten minutes
  const exception::Outcome outcome = Redeem(Desk(Request("")));
  ASSERT_TRUE(outcome.accepted())
      << exception::DescribeOutcome(outcome, Lang::kEn);
  ASSERT_TRUE(outcome.grant.has_value());
  EXPECT_EQ(outcome.grant->person_index, 1U);
  EXPECT_EQ(outcome.grant->responsible_id, "佐藤");
  // The detail is the PC's own, from when it showed the challenge; the
  // desk never had it.
  EXPECT_EQ(outcome.grant->scope_detail, "stick-1");
}

TEST_F(RoundTripTest, AnyFieldTheDeskGotWrongIsRefused) {
  std::vector<RespondRequest> wrong(2, Request(""));
  wrong[0].pc_id = "pc-0002";
  wrong[1].issue_day = exception::IssueDay(clock_.WallMs()) + 1;
  for (const RespondRequest& request : wrong) {
    const exception::Outcome outcome = Redeem(Desk(request));
    EXPECT_EQ(outcome.refusal, Refusal::kWrongResponse)
        << request.pc_id << " " << request.person;
  }
  // The desk's policy lists the persons in another order (another version
  // of the policy than the PC's): index 1 names someone else on the PC, and
  // the MAC carries the name, so it is refused rather than misattributed.
  persons_ = PersonsOf(Json::array({Hidamari()}));
  std::swap(persons_[1], persons_[2]);
  persons_[1].index = 1;
  EXPECT_EQ(Redeem(Desk(Request(""))).refusal, Refusal::kWrongResponse);
  persons_ = Persons();
  // Three wrong tries leave two: the right response still works.
  EXPECT_TRUE(Redeem(Desk(Request(""))).accepted());
}

TEST_F(RoundTripTest, ThePersonIndexNamesWhoPermittedIt) {
  RespondRequest request = Request("");
  request.person = 3;
  const exception::Outcome outcome = Redeem(Desk(request));
  ASSERT_TRUE(outcome.accepted());
  EXPECT_EQ(outcome.grant->person_index, 3U);
  EXPECT_EQ(outcome.grant->responsible_id, "山田花子");
}

TEST_F(RoundTripTest, AnIndexNotInThePcsListIsRefused) {
  // The desk's policy is newer and lists one more consignee.
  Json more = Hidamari();
  more["id"] = "aoba";
  more["responsible"]["name"] = "高橋";
  more["deputies"] = Json::array();
  persons_ = PersonsOf(Json::array({Hidamari(), more}));
  ASSERT_EQ(persons_.size(), 5U);
  RespondRequest request = Request("");
  request.person = 4;
  EXPECT_EQ(Redeem(Desk(request)).refusal, Refusal::kUnknownPerson);
}

TEST_F(RoundTripTest, AResponseFromAnotherMasterIsRefused) {
  ASSERT_TRUE(WriteNewMasterKey(Path("master-2")).ok());
  master_ = std::move(ReadExceptionKeyFile(Path("master-2"))).value();
  EXPECT_EQ(Redeem(Desk(Request(""))).refusal, Refusal::kWrongResponse);
}

}  // namespace
}  // namespace piiguard::admin
