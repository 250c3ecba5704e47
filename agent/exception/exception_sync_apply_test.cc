// Signed exception files delivered with the sync (docs/exceptions.md
// "Online delivery"): ApplyFromSync grants through the same path as
// `piiguard exception apply`, records the origin, and journals a refusal
// (a file applied before too, so the office stops serving it) once per file.
#include <gtest/gtest.h>

#include "agent/exception/exception_service.h"
#include "agent/exception/exception_service_fixture.h"
#include "common/crypto.h"
#include "common/json.h"
#include "policy/admin/exception_issue.h"
#include "policy/exception/persons.h"

namespace piiguard::agent {
namespace {

namespace types = journal::types;

class SyncApplyTest : public ExceptionServiceTest {
 protected:
  SyncApplyTest() : city_(std::move(Ed25519PrivateKey::Generate()).value()) {
    pinned_.push_back(city_.PublicKey());
    service_ = Make(boot_);
    EXPECT_TRUE(service_->Init().ok());
  }

  std::string Issue(std::string pc = kPc, uint32_t days = 7) {
    admin::IssueRequest r;
    r.pc_id = std::move(pc);
    r.scope = "stick";
    r.identity = std::string(64, 'b');
    r.minutes = 60;
    r.person = 1;
    r.reason = "研修資料の書き出し";
    r.days = days;
    Result<admin::IssuedFile> issued = admin::IssueExceptionFile(
        r, std::move(exception::ResponsiblePersons(policy_)).value(), city_,
        clock_);
    EXPECT_TRUE(issued.ok()) << issued.status().ToString();
    return issued.ok() ? issued->bytes : "";
  }

  Ed25519PrivateKey city_;
};

TEST_F(SyncApplyTest, GrantsAsApplyDoesWithItsOrigin) {
  const std::string file = Issue();
  Json answer = service_->ApplyFromSync(file);
  ASSERT_EQ(answer["accepted"], true) << answer.dump();
  EXPECT_EQ(answer["journaled"], true);
  const journal::Event& granted = Last(types::kExceptionGranted);
  EXPECT_EQ(granted.details["via"], "file");
  EXPECT_EQ(granted.details["origin"], "sync");
  EXPECT_EQ(granted.details["file_sha256"], Sha256Hex(file));
  EXPECT_EQ(granted.details["uid"], 0);
  EXPECT_EQ(granted.details["id"], answer["id"]);
  EXPECT_TRUE(service_->GrantFor(std::string(64, 'b')).has_value());
  EXPECT_EQ(sticks_.changed, 1);
}

TEST_F(SyncApplyTest, AFileAppliedBeforeIsJournaledOnceThenSkipped) {
  const std::string file = Issue();
  // Applied by hand first (its grant may have reached the office before
  // the file was published): the office may still serve it.
  ASSERT_EQ(service_->Apply(1000, file).value()["accepted"], true);
  EXPECT_EQ(Last(types::kExceptionGranted).details.count("origin"), 0U);
  for (int round = 0; round < 5; ++round) {
    Json answer = service_->ApplyFromSync(file);
    EXPECT_EQ(answer["accepted"], false);
    EXPECT_EQ(answer["refusal"], "already-applied");
    EXPECT_EQ(answer["journaled"], round == 0);
  }
  ASSERT_EQ(Count(types::kExceptionRefused), 1);
  EXPECT_EQ(Last(types::kExceptionRefused).details["origin"], "sync");
  EXPECT_TRUE(service_->GrantFor(std::string(64, 'b')).has_value());
  // By hand it is still refused and journaled, as before.
  Json by_hand = service_->Apply(1000, file).value();
  EXPECT_EQ(by_hand["refusal"], "already-applied");
  EXPECT_EQ(Count(types::kExceptionRefused), 2);
}

// A refusal the journal could not take is tried again at the next round:
// the office settles a file only on what reached it.
TEST_F(SyncApplyTest, ARefusalNotJournaledIsTriedAgain) {
  const std::string other = Issue("pc-0002");
  journal_fails_ = true;
  EXPECT_EQ(service_->ApplyFromSync(other)["refusal"], "other-pc");
  journal_fails_ = false;
  const size_t tried = events_.size();
  EXPECT_EQ(service_->ApplyFromSync(other)["journaled"], true);
  EXPECT_EQ(events_.size(), tried + 1);
  EXPECT_EQ(service_->ApplyFromSync(other)["journaled"], false);
}

TEST_F(SyncApplyTest, ARefusedFileIsJournaledOnce) {
  const std::string other = Issue("pc-0002");
  std::string altered = Issue();
  altered[altered.find("研修")] ^= 1;
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(service_->ApplyFromSync(other)["refusal"], "other-pc");
    EXPECT_EQ(service_->ApplyFromSync(altered)["refusal"], "bad-signature");
  }
  ASSERT_EQ(Count(types::kExceptionRefused), 2);
  // Each names the file by its hash, so the office stops serving it; the
  // unverified one carries no id.
  const journal::Event& last = Last(types::kExceptionRefused);
  EXPECT_EQ(last.details["file_sha256"], Sha256Hex(altered));
  EXPECT_EQ(last.details["origin"], "sync");
  EXPECT_EQ(last.details.count("id"), 0U);
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'b')).has_value());
  // Expired: once too.
  const std::string late = Issue(kPc, 1);
  clock_.AdvanceMs(2LL * 24 * 3600 * 1000);
  EXPECT_EQ(service_->ApplyFromSync(late)["refusal"], "expired");
  EXPECT_EQ(service_->ApplyFromSync(late)["journaled"], false);
  EXPECT_EQ(Count(types::kExceptionRefused), 3);
}

TEST_F(SyncApplyTest, TheRefusalMemoryIsBounded) {
  const std::string first = Issue("pc-0002");
  EXPECT_EQ(service_->ApplyFromSync(first)["journaled"], true);
  for (size_t i = 0; i < kMaxSyncRefusalsKept; ++i) {
    EXPECT_EQ(service_->ApplyFromSync("junk " + std::to_string(i))["journaled"],
              true);
  }
  // The first was forgotten: journaled again, once.
  EXPECT_EQ(service_->ApplyFromSync(first)["journaled"], true);
  EXPECT_EQ(service_->ApplyFromSync(first)["journaled"], false);
}

}  // namespace
}  // namespace piiguard::agent
