// `piiguard exception apply`: signed exception files, made by the IT desk's
// own code (policy/admin/exception_issue.h), applied by the service.
#include <gtest/gtest.h>

#include <filesystem>

#include "agent/exception/exception_service.h"
#include "agent/exception/exception_service_fixture.h"
#include "common/json.h"
#include "common/signed_envelope.h"
#include "policy/admin/exception_issue.h"
#include "policy/exception/persons.h"
#include "policy/policy.h"

namespace piiguard::agent {
namespace {

namespace types = journal::types;

class CountingRadios : public GrantListener {
 public:
  void GrantsChanged() override { ++changed; }
  int changed = 0;
};

class ApplyFileTest : public ExceptionServiceTest {
 protected:
  ApplyFileTest() : city_(std::move(Ed25519PrivateKey::Generate()).value()) {
    pinned_.push_back(city_.PublicKey());
    service_ = Make(boot_);
    EXPECT_TRUE(service_->Init().ok());
  }

  admin::IssueRequest StickFor(std::string identity, std::string pc = kPc) {
    admin::IssueRequest r;
    r.pc_id = std::move(pc);
    r.scope = "stick";
    r.identity = std::move(identity);
    r.minutes = 60;
    r.person = 1;
    r.reason = "研修資料の書き出し";
    return r;
  }

  // The file as the desk writes it, from the fixture's policy.
  std::string Issue(const admin::IssueRequest& r,
                    const Ed25519PrivateKey* key = nullptr) {
    Result<admin::IssuedFile> issued = admin::IssueExceptionFile(
        r, std::move(exception::ResponsiblePersons(policy_)).value(),
        key != nullptr ? *key : city_, clock_);
    EXPECT_TRUE(issued.ok()) << issued.status().ToString();
    return issued.ok() ? issued->bytes : "";
  }

  Json Apply(std::string_view bytes) {
    Result<Json> answer = service_->Apply(1000, bytes);
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    return answer.ok() ? *answer : Json::object();
  }

  // Refused, journaled as exception.refused with `refusal`.
  void ExpectRefused(std::string_view bytes, std::string_view refusal) {
    const int before = Count(types::kExceptionRefused);
    const int granted = Count(types::kExceptionGranted);
    Json answer = Apply(bytes);
    EXPECT_EQ(answer["accepted"], false) << answer.dump();
    EXPECT_EQ(answer["refusal"], refusal) << answer.dump();
    EXPECT_FALSE(answer["message_ja"].get<std::string>().empty());
    EXPECT_FALSE(answer["message_en"].get<std::string>().empty());
    ASSERT_EQ(Count(types::kExceptionRefused), before + 1);
    EXPECT_EQ(Last(types::kExceptionRefused).details["refusal"], refusal);
    EXPECT_EQ(Last(types::kExceptionRefused).details["via"], "file");
    EXPECT_EQ(Count(types::kExceptionGranted), granted);
  }

  Ed25519PrivateKey city_;
  CountingRadios radios_;
};

TEST_F(ApplyFileTest, GrantsTheStickItNamesForItsTime) {
  const std::string file = Issue(StickFor(std::string(64, 'b')));
  clock_.AdvanceMs(3'600'000);  // applied an hour after it was issued
  Json answer = Apply(file);
  ASSERT_EQ(answer["accepted"], true) << answer.dump();
  EXPECT_NE(answer["message_en"].get<std::string>().find(
                "exception file applied (writing to one stick, for 60 "
                "minutes, permitted by 鈴木一郎"),
            std::string::npos)
      << answer["message_en"];
  const journal::Event& granted = Last(types::kExceptionGranted);
  EXPECT_EQ(granted.details["via"], "file");
  EXPECT_EQ(granted.details["responsible"], "鈴木一郎");
  EXPECT_EQ(granted.details["person"], 1);
  EXPECT_EQ(granted.details["reason"], "研修資料の書き出し");
  EXPECT_EQ(granted.details["id"], answer["id"]);
  EXPECT_EQ(granted.details["detail"], std::string(64, 'b'));
  EXPECT_EQ(sticks_.changed, 1);
  // Only the stick named: another stick (sdb, 'a') gets nothing.
  std::optional<StickGrant> grant = service_->GrantFor(std::string(64, 'b'));
  ASSERT_TRUE(grant.has_value());
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'a')).has_value());
  // A stick that is not present yet is matched when it appears.
  EXPECT_EQ(grant->end_mono_us, clock_.MonotonicUs() + 60 * kMinuteUs);
  // The validity runs from application on the monotonic clock.
  clock_.SetWallMs(clock_.WallMs() - 24LL * 3600 * 1000);
  clock_.AdvanceUs(60 * kMinuteUs);
  service_->OnTimer();
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'b')).has_value());
  EXPECT_EQ(Count(types::kExceptionEnded), 1);
}

TEST_F(ApplyFileTest, AFileWorksOnceEvenAfterARestart) {
  const std::string file = Issue(StickFor(std::string(64, 'b')));
  ASSERT_EQ(Apply(file)["accepted"], true);
  ExpectRefused(file, "already-applied");
  // The daemon restarts: the id is in the state file.
  service_ = Make(boot_);
  ASSERT_TRUE(service_->Init().ok());
  EXPECT_TRUE(service_->GrantFor(std::string(64, 'b')).has_value());
  ExpectRefused(file, "already-applied");
  // And after a reboot, which ends the grant but not the single use.
  service_ = Make("boot-2");
  ASSERT_TRUE(service_->Init().ok());
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'b')).has_value());
  ExpectRefused(file, "already-applied");
  // Another file from the desk for the same stick is another id.
  EXPECT_EQ(Apply(Issue(StickFor(std::string(64, 'b'))))["accepted"], true);
}

TEST_F(ApplyFileTest, RefusesAForgedOrAlteredSignature) {
  const Ed25519PrivateKey forger =
      std::move(Ed25519PrivateKey::Generate()).value();
  ExpectRefused(Issue(StickFor(std::string(64, 'b')), &forger),
                "unknown-signer");
  std::string altered = Issue(StickFor(std::string(64, 'b')));
  altered.replace(altered.find("\"minutes\":60"), 12, "\"minutes\":30");
  ExpectRefused(altered, "bad-signature");
}

// The pinned city key and the policy's keys with the "exception" role sign
// files; a key the policy trusts for something else does not.
TEST_F(ApplyFileTest, OnlyExceptionKeysSign) {
  const Ed25519PrivateKey sticks =
      std::move(Ed25519PrivateKey::Generate()).value();
  const Ed25519PrivateKey desk =
      std::move(Ed25519PrivateKey::Generate()).value();
  policy_.keys.push_back(policy::TrustedKey{
      "stick-keying", {policy::KeyRole::kStick}, sticks.PublicKey().raw()});
  ExpectRefused(Issue(StickFor(std::string(64, 'b')), &sticks),
                "unknown-signer");
  policy_.keys.push_back(policy::TrustedKey{
      "it-desk", {policy::KeyRole::kException}, desk.PublicKey().raw()});
  const std::string file = Issue(StickFor(std::string(64, 'b')), &desk);
  Json answer = Apply(file);
  ASSERT_EQ(answer["accepted"], true) << answer.dump();
  // A newer policy drops the desk's key: its files are no longer trusted
  // (the signature is checked before the id).
  policy_.keys.pop_back();
  ExpectRefused(file, "unknown-signer");
  ExpectRefused(Issue(StickFor(std::string(64, 'c')), &desk), "unknown-signer");
  // The pinned key still signs.
  EXPECT_EQ(Apply(Issue(StickFor(std::string(64, 'c'))))["accepted"], true);
}

TEST_F(ApplyFileTest, RefusesAnotherPcAndTheWrongTime) {
  ExpectRefused(Issue(StickFor(std::string(64, 'b'), "pc-0002")), "other-pc");
  EXPECT_EQ(Last(types::kExceptionRefused).details["pc"], "pc-0002");

  const std::string file = Issue(StickFor(std::string(64, 'b')));
  const int64_t issued = clock_.WallMs();
  clock_.SetWallMs(issued - 60'000);  // the PC's clock is behind
  ExpectRefused(file, "not-yet-valid");
  clock_.SetWallMs(issued + 7LL * 24 * 3600 * 1000 + 1000);
  ExpectRefused(file, "expired");
  // Refusals spend nothing: in its window it still applies.
  clock_.SetWallMs(issued + 7LL * 24 * 3600 * 1000);
  EXPECT_EQ(Apply(file)["accepted"], true);
}

TEST_F(ApplyFileTest, RefusesAPersonNotInThePolicy) {
  const std::string file = Issue(StickFor(std::string(64, 'b')));
  policy_.consignees[0].deputies[0].name = "佐藤次郎";  // a newer policy
  ExpectRefused(file, "unknown-person");
  EXPECT_NE(Last(types::kExceptionRefused).details["responsible"], "");
}

TEST_F(ApplyFileTest, RefusesOverCapTruncatedAndOversizedFiles) {
  // Over the cap: the desk will not make it, so sign the payload by hand.
  const std::string good = Issue(StickFor(std::string(64, 'b')));
  SignedEnvelope env = std::move(ParseSignedEnvelope(good)).value();
  std::string payload = env.payload;
  payload.replace(payload.find("\"minutes\":60"), 12, "\"minutes\":960");
  SignedEnvelope over =
      std::move(SignEnvelope("exception", payload, city_)).value();
  ExpectRefused(SerializeSignedEnvelope(over), "malformed");
  EXPECT_NE(Last(types::kExceptionRefused)
                .details["error"]
                .get<std::string>()
                .find("$.minutes: must be 15, 30, 60, 120, 240 or 480"),
            std::string::npos);
  ExpectRefused(good.substr(0, good.size() - 1), "malformed");
  ExpectRefused(good.substr(0, good.size() / 2), "malformed");
  ExpectRefused("", "malformed");
  ExpectRefused(
      good + std::string(exception::kMaxExceptionFileBytes + 1 - good.size(),
                         '\n'),
      "malformed");
  EXPECT_EQ(Last(types::kExceptionRefused).details["bytes"], 16385);
  EXPECT_EQ(Apply(good)["accepted"], true);
}

TEST_F(ApplyFileTest, AScopeIsAppliedOnlyWhereItsModuleRuns) {
  admin::IssueRequest radios = StickFor("");
  radios.scope = "radios";
  const std::string file = Issue(radios);
  ExpectRefused(file, "scope-unavailable");
  service_->SetRadios(&radios_);
  Json answer = Apply(file);
  ASSERT_EQ(answer["accepted"], true) << answer.dump();
  EXPECT_EQ(radios_.changed, 1);
  EXPECT_EQ(service_->Running(exception::ScopeKind::kRadios).size(), 1u);
}

TEST_F(ApplyFileTest, NeedsNoCodeKey) {
  service_ = Make(boot_, /*with_key=*/false);
  ASSERT_TRUE(service_->Init().ok());
  EXPECT_EQ(Apply(Issue(StickFor(std::string(64, 'b'))))["accepted"], true);
}

TEST_F(ApplyFileTest, NothingIsGrantedThatCannotBeJournaledOrSaved) {
  const std::string file = Issue(StickFor(std::string(64, 'b')));
  journal_fails_ = true;
  Json answer = Apply(file);
  EXPECT_EQ(answer["accepted"], false);
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'b')).has_value());
  journal_fails_ = false;
  // The id is spent: a file whose grant the office could not see is not
  // given again (the desk issues another).
  ExpectRefused(file, "already-applied");
}

TEST_F(ApplyFileTest, NothingIsGrantedOrSpentThatCannotBeSaved) {
  const std::string file = Issue(StickFor(std::string(64, 'b')));
  // The state file cannot be replaced: a directory, not empty, is there.
  const std::filesystem::path state = dir_ / "exceptions.state";
  std::filesystem::remove_all(state);
  std::filesystem::create_directories(state / "in-the-way");
  const int errors = Count(types::kExceptionError);
  ExpectRefused(file, "not-recorded");
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'b')).has_value());
  EXPECT_EQ(sticks_.changed, 0);
  EXPECT_EQ(Count(types::kExceptionError), errors + 1);
  EXPECT_EQ(Last(types::kExceptionError).details["action"], "file not applied");
  // The id was not spent: once the state can be saved, the file applies.
  std::filesystem::remove_all(state);
  EXPECT_EQ(Apply(file)["accepted"], true);
  EXPECT_TRUE(service_->GrantFor(std::string(64, 'b')).has_value());
}

}  // namespace
}  // namespace piiguard::agent
