// The IT desk's side of signed exception files: what `exception issue`
// makes, checked by the PC's verifier, and what it refuses to make.
#include "policy/admin/exception_issue.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/file_util.h"
#include "common/os/testing/fake_clock.h"
#include "policy/exception/persons.h"
#include "policy/policy.h"
#include "policy/test_policy.h"

namespace piiguard::admin {
namespace {

using exception::FileRefusal;

std::vector<exception::ResponsiblePerson> Persons() {
  Result<policy::Policy> p =
      policy::ParsePolicy(policy::testing::ValidPolicyText());
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return std::move(exception::ResponsiblePersons(*p)).value();
}

IssueRequest StickRequest() {
  IssueRequest r;
  r.pc_id = "pc-0001";
  r.scope = "stick";
  r.identity = std::string(64, 'c');
  r.minutes = 120;
  r.person = 1;
  r.reason = "受託者へ名簿以外の研修資料を渡すため";
  return r;
}

class IssueTest : public ::testing::Test {
 protected:
  IssueTest() : key_(policy::testing::NewKey()) {}
  Result<IssuedFile> Issue(const IssueRequest& r) {
    return IssueExceptionFile(r, Persons(), key_, clock_);
  }
  std::string IssueError(const IssueRequest& r) {
    Result<IssuedFile> issued = Issue(r);
    return issued.ok() ? "issued" : issued.status().message();
  }
  os::FakeClock clock_;
  Ed25519PrivateKey key_;
};

TEST_F(IssueTest, IssuesAFileThePcAccepts) {
  Result<IssuedFile> issued = Issue(StickRequest());
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  const exception::ExceptionFile& f = issued->file;
  EXPECT_NE(f.id, 0u);
  EXPECT_EQ(f.pc_id, "pc-0001");
  EXPECT_EQ(f.scope, exception::ScopeKind::kStickWritable);
  EXPECT_EQ(f.identity, std::string(64, 'c'));
  EXPECT_EQ(f.duration, exception::DurationClass::k2Hours);
  EXPECT_EQ(f.person, Persons()[1].id);  // the deputy, by name
  EXPECT_TRUE(issued->person.deputy);
  EXPECT_EQ(f.issued_at, clock_.WallMs() / 1000);
  EXPECT_EQ(f.redeem_by, f.issued_at + 7 * 24 * 3600);
  EXPECT_EQ(issued->bytes.rfind("piiguard-signed/1\ntype: exception\n", 0), 0u);

  const std::vector<Ed25519PublicKey> trusted = {key_.PublicKey()};
  exception::FileVerdict v = exception::VerifyExceptionFile(
      issued->bytes, trusted, "pc-0001", f.issued_at);
  ASSERT_TRUE(v.accepted()) << v.detail;
  EXPECT_EQ(*v.file, f);

  // Two files have two ids.
  EXPECT_NE(Issue(StickRequest())->file.id, f.id);

  IssueRequest radios = StickRequest();
  radios.scope = "radios";
  radios.identity.clear();
  radios.minutes = 480;
  radios.days = 1;
  Result<IssuedFile> r = Issue(radios);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->file.redeem_by, r->file.issued_at + 24 * 3600);
}

TEST_F(IssueTest, RefusesWhatThePcWouldRefuse) {
  IssueRequest r = StickRequest();
  r.minutes = 960;
  EXPECT_NE(IssueError(r).find("--minutes 960: must be 15"), std::string::npos);
  r = StickRequest();
  r.minutes = 45;
  EXPECT_NE(IssueError(r).find("--minutes 45"), std::string::npos);
  r = StickRequest();
  r.scope = "roster-folder";
  EXPECT_NE(IssueError(r).find("expected stick or radios"), std::string::npos);
  r = StickRequest();
  r.identity.clear();
  EXPECT_NE(IssueError(r).find("--identity: required"), std::string::npos);
  r = StickRequest();
  r.identity = "ABC";
  EXPECT_NE(IssueError(r).find("$.identity"), std::string::npos);
  r = StickRequest();
  r.scope = "radios";
  EXPECT_NE(IssueError(r).find("--identity: only with"), std::string::npos);
  r = StickRequest();
  r.person = 2;
  EXPECT_NE(IssueError(r).find("--person 2: names nobody"), std::string::npos);
  r = StickRequest();
  r.reason = std::string(201, 'r');
  EXPECT_NE(IssueError(r).find("$.reason: must be 1 to 200"),
            std::string::npos);
  r = StickRequest();
  r.reason = "a\x1b[2Jb";
  EXPECT_NE(IssueError(r).find("control characters"), std::string::npos);
  // A right-to-left override would show the desk's text reordered.
  r.reason = "研修\u202e資料";  // NOLINT(misc-misleading-bidirectional)
  EXPECT_NE(IssueError(r).find("$.reason: control characters"),
            std::string::npos);
  r = StickRequest();
  r.days = 8;
  EXPECT_NE(IssueError(r).find("--days: must be 1 to 7"), std::string::npos);
  r = StickRequest();
  r.pc_id = "";
  EXPECT_NE(IssueError(r).find("$.pc"), std::string::npos);
}

// The builder holds the rules; the office's pages sign its payload through
// the signer service, which must give the same file the desk would.
TEST_F(IssueTest, BuildsTheCanonicalPayloadItSignsAndRefusesAlike) {
  Result<BuiltFile> built =
      BuildExceptionFile(StickRequest(), Persons(), clock_);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  EXPECT_EQ(built->person, Persons()[1]);
  EXPECT_EQ(built->file.person, Persons()[1].id);
  EXPECT_EQ(built->file.duration, exception::DurationClass::k2Hours);
  EXPECT_EQ(built->file.issued_at, clock_.WallMs() / 1000);
  EXPECT_EQ(built->payload,
            exception::ExceptionFilePayload(built->file).value());
  Result<exception::ExceptionFile> parsed =
      exception::ParseExceptionFilePayload(built->payload);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, built->file);
  // Signing the built file gives what the desk issues.
  const std::string bytes =
      exception::SignExceptionFile(built->file, key_).value();
  const std::vector<Ed25519PublicKey> trusted = {key_.PublicKey()};
  EXPECT_TRUE(exception::VerifyExceptionFile(bytes, trusted, "pc-0001",
                                             built->file.issued_at)
                  .accepted());

  // Every refusal of the desk is the builder's, with the same words.
  std::vector<IssueRequest> refused(5, StickRequest());
  refused[0].minutes = 45;
  refused[1].scope = "maintenance";
  refused[2].person = -1;
  refused[3].days = 0;
  refused[4].reason.clear();
  for (const IssueRequest& r : refused) {
    Result<BuiltFile> b = BuildExceptionFile(r, Persons(), clock_);
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument)
        << b.status().ToString();
    EXPECT_EQ(b.status().message(), IssueError(r));
  }
  // The radios' cap is the builder's as well: 480 min, not more.
  IssueRequest radios = StickRequest();
  radios.scope = "radios";
  radios.identity.clear();
  radios.minutes = 480;
  EXPECT_TRUE(BuildExceptionFile(radios, Persons(), clock_).ok());
}

TEST_F(IssueTest, WritesTheFileOnceAndNeverOverwrites) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("exception_issue_test." + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "pc-0001.exception").string();
  std::filesystem::remove(path);
  Result<IssuedFile> issued = Issue(StickRequest());
  ASSERT_TRUE(issued.ok());
  ASSERT_TRUE(WriteIssuedFile(path, issued->bytes).ok());
  EXPECT_EQ(ReadFileBytes(path, 1 << 20).value(), issued->bytes);
  EXPECT_FALSE(WriteIssuedFile(path, "other").ok());
  EXPECT_EQ(ReadFileBytes(path, 1 << 20).value(), issued->bytes);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace piiguard::admin

namespace piiguard::admin {
namespace {

TEST(ConsigneeCheckTest, APersonPermitsOnlyTheirOwnConsigneesPcs) {
  policy::Policy policy;
  policy::Consignee npo1;
  npo1.id = "npo-1";
  npo1.pcs = {"pc-1"};
  policy::Consignee npo2;
  npo2.id = "npo-2";
  npo2.pcs = {"pc-2"};
  policy.consignees = {npo1, npo2};
  EXPECT_EQ(ConsigneeOfPc(policy, "pc-1"), "npo-1");
  EXPECT_EQ(ConsigneeOfPc(policy, "pc-2"), "npo-2");
  EXPECT_EQ(ConsigneeOfPc(policy, "pc-3"), "");
  exception::ResponsiblePerson person;
  person.index = 2;
  person.name = "鈴木";
  person.consignee = "npo-2";
  EXPECT_TRUE(CheckPersonForPc(person, "pc-2", "npo-2").ok());
  EXPECT_TRUE(CheckPersonForPc(person, "pc-3", "").ok());  // listed by none
  Status other = CheckPersonForPc(person, "pc-1", "npo-1");
  EXPECT_EQ(other.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(other.ToString(),
            "exception issue: --person 2: 鈴木 is of consignee npo-2, but pc "
            "pc-1 is of consignee npo-1: only its own consignee's persons may "
            "permit it");
}

}  // namespace
}  // namespace piiguard::admin
