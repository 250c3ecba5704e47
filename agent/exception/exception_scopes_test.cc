// The scopes other than a stick (issue 17): radios during a session and a
// paused roster folder, as the service offers, binds and ends them; what
// the session manager and the roster guard do with them is tested beside
// those modules.

#include <gtest/gtest.h>

#include "agent/exception/exception_service.h"
#include "agent/exception/exception_service_fixture.h"
#include "common/json.h"

namespace piiguard::agent {
namespace {

namespace types = journal::types;
using exception::ScopeKind;

class CountingListener : public GrantListener {
 public:
  void GrantsChanged() override { ++changed; }
  int changed = 0;
};

class FakeFolders : public FolderExceptions {
 public:
  void GrantsChanged() override { ++changed; }
  Result<std::string> CheckFolder(uid_t uid, std::string_view path) override {
    asked_uid = uid;
    if (path == "/home/staff/merge" || path == "/home/staff/./merge/") {
      return std::string("/home/staff/merge");
    }
    return FailedPreconditionError("folder", path, "not staff's own");
  }
  int changed = 0;
  uid_t asked_uid = 0;
};

class ExceptionScopesTest : public ExceptionServiceTest {
 protected:
  ExceptionScopesTest() {
    service_->SetRadios(&radios_);
    service_->SetFolders(&folders_);
  }
  std::string AskFor(const ExceptionAsk& ask) {
    Result<Json> answer = service_->Request(1000, ask);
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    return answer.ok() ? (*answer)["challenge"].get<std::string>() : "";
  }
  CountingListener radios_;
  FakeFolders folders_;
};

TEST_F(ExceptionScopesTest, OffersOnlyTheScopesWhoseModuleIsWired) {
  Result<Json> choices = service_->Request(1000, ExceptionAsk());
  ASSERT_TRUE(choices.ok());
  EXPECT_EQ((*choices)["scopes"],
            Json::array({"stick", "radios", "roster-folder"}));
  EXPECT_EQ((*choices)["minutes"]["radios"].back(), 480);
  EXPECT_EQ((*choices)["minutes"]["roster-folder"].back(), 120);
  // A folder may be paused for two hours at most.
  EXPECT_FALSE(service_
                   ->Request(1000, AskOf("roster-folder", 240, 0, "",
                                         "/home/staff/merge"))
                   .ok());
  // Maintenance's module is not wired here: no code is shown for it.
  EXPECT_FALSE(service_->Request(1000, AskOf("maintenance", 60)).ok());
  EXPECT_EQ(Count(types::kExceptionRequested), 0);
}

TEST_F(ExceptionScopesTest,
       ARadioGrantIsRunningForItsTimeAndEveryModuleIsTold) {
  const std::string challenge = AskFor(AskOf("radios", 30));
  const journal::Event& asked = Last(types::kExceptionRequested);
  EXPECT_EQ(asked.details["scope"], "radios");
  EXPECT_FALSE(asked.details.contains("stick"));
  EXPECT_TRUE(service_->Running(ScopeKind::kRadios).empty());
  ASSERT_EQ(Redeem(Respond(challenge, 1))["accepted"], true);
  std::vector<ScopeGrant> running = service_->Running(ScopeKind::kRadios);
  ASSERT_EQ(running.size(), 1u);
  EXPECT_EQ(running[0].responsible, "鈴木一郎");
  EXPECT_EQ(running[0].detail, "");
  EXPECT_EQ(running[0].end_mono_us, clock_.MonotonicUs() + 30 * kMinuteUs);
  EXPECT_TRUE(service_->Running(ScopeKind::kStickWritable).empty());
  EXPECT_TRUE(service_->Running(ScopeKind::kRosterFolderPause).empty());
  // No stick may be written by a radio grant.
  EXPECT_FALSE(service_->GrantFor("").has_value());
  EXPECT_EQ(radios_.changed, 1);
  EXPECT_EQ(sticks_.changed, 1);
  EXPECT_EQ(folders_.changed, 1);

  clock_.AdvanceUs(30 * kMinuteUs - 1);
  service_->OnTimer();
  EXPECT_EQ(service_->Running(ScopeKind::kRadios).size(), 1u);
  clock_.AdvanceUs(1);
  service_->OnTimer();
  EXPECT_TRUE(service_->Running(ScopeKind::kRadios).empty());
  EXPECT_EQ(radios_.changed, 2);
  EXPECT_EQ(Last(types::kExceptionEnded).details["reason"], "expired");
}

TEST_F(ExceptionScopesTest, ARadioGrantEndedEarlyTellsTheSession) {
  ASSERT_EQ(Redeem(Respond(AskFor(AskOf("radios", 60))))["accepted"], true);
  const std::string id = service_->Running(ScopeKind::kRadios)[0].grant;
  Result<Json> ended = service_->End(1000, id);
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ((*ended)["ended"], true);
  EXPECT_TRUE(service_->Running(ScopeKind::kRadios).empty());
  EXPECT_EQ(radios_.changed, 2);
}

TEST_F(ExceptionScopesTest, AFolderGrantIsBoundToTheFolderTheGuardResolved) {
  const std::string challenge =
      AskFor(AskOf("roster-folder", 120, 0, "", "/home/staff/./merge/"));
  EXPECT_EQ(folders_.asked_uid, 1000u);
  EXPECT_EQ(Last(types::kExceptionRequested).details["folder"],
            "/home/staff/merge");
  ASSERT_EQ(Redeem(Respond(challenge))["accepted"], true);
  std::vector<ScopeGrant> running =
      service_->Running(ScopeKind::kRosterFolderPause);
  ASSERT_EQ(running.size(), 1u);
  EXPECT_EQ(running[0].detail, "/home/staff/merge");
  EXPECT_TRUE(service_->Running(ScopeKind::kRadios).empty());
}

TEST_F(ExceptionScopesTest, AFolderTheGuardRefusesShowsNoCode) {
  Result<Json> refused =
      service_->Request(1000, AskOf("roster-folder", 60, 0, "", "/"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("not staff's own"),
            std::string::npos);
  EXPECT_FALSE(service_->Request(1000, AskOf("roster-folder", 60))
                   .ok());  // no folder named
  EXPECT_EQ(Count(types::kExceptionRequested), 0);
  EXPECT_FALSE(service_->StatusPart()->contains("challenge_waiting"));
}

TEST_F(ExceptionScopesTest, AResponseForTheRadiosDoesNotOpenAStick) {
  // The desk answers the radios scope; staff had asked for a stick since.
  const std::string radios = AskFor(AskOf("radios", 60));
  const std::string stick = Ask(0, 60);
  Json answer = Redeem(Respond(radios));
  EXPECT_EQ(answer["accepted"], false);
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'a')).has_value());
  EXPECT_TRUE(service_->Running(ScopeKind::kRadios).empty());
  (void)stick;
}

}  // namespace
}  // namespace piiguard::agent
