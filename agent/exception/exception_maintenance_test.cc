// The maintenance scope as the service offers, binds and ends it (issue 17
// item 3): only with the maintenance module wired and its account on this
// PC, never while a session runs, bound to the account, and the vendor's
// password computed from this PC's key as the desk computes it from the
// master. What the window does is tested in agent/maint.

#include <gtest/gtest.h>

#include "agent/exception/exception_service.h"
#include "agent/exception/exception_service_fixture.h"
#include "common/json.h"
#include "policy/exception/maintenance_password.h"

namespace piiguard::agent {
namespace {

namespace types = journal::types;
using exception::ScopeKind;

class FakeMaintenance : public MaintenanceExceptions {
 public:
  void GrantsChanged() override { ++changed; }
  Result<std::string> MaintenanceAccount() override {
    if (!account_exists) {
      return FailedPreconditionError("maintenance", "request",
                                     "no account piiguard-maint");
    }
    return std::string("piiguard-maint");
  }
  Status CheckMaintenance() override {
    return session_running ? FailedPreconditionError("maintenance", "request",
                                                     "end the session first")
                           : Status::Ok();
  }
  bool account_exists = true;
  bool session_running = false;
  int changed = 0;
};

class ExceptionMaintenanceTest : public ExceptionServiceTest {
 protected:
  ExceptionMaintenanceTest() { service_->SetMaintenance(&maintenance_); }
  FakeMaintenance maintenance_;
};

TEST_F(ExceptionMaintenanceTest, OfferedWithTheAccountForFourHoursAtMost) {
  Result<Json> choices = service_->Request(1000, ExceptionAsk());
  ASSERT_TRUE(choices.ok());
  EXPECT_EQ((*choices)["scopes"], Json::array({"stick", "maintenance"}));
  EXPECT_EQ((*choices)["minutes"]["maintenance"].back(), 240);
  EXPECT_FALSE(choices->contains("not_offered"));
  EXPECT_FALSE(service_->Request(1000, AskOf("maintenance", 480)).ok());
}

TEST_F(ExceptionMaintenanceTest, BoundToTheAccountAndThePasswordIsTheDesks) {
  Result<Json> asked = service_->Request(1000, AskOf("maintenance", 120));
  ASSERT_TRUE(asked.ok()) << asked.status().ToString();
  EXPECT_EQ(Last(types::kExceptionRequested).details["account"],
            "piiguard-maint");
  const std::string say = (*asked)["say_en"];
  EXPECT_NE(say.find("the maintenance account piiguard-maint"),
            std::string::npos)
      << say;
  EXPECT_NE(say.find("you type only the response code"), std::string::npos);
  const std::string challenge = (*asked)["challenge"];
  ASSERT_EQ(Redeem(Respond(challenge))["accepted"], true);
  std::vector<ScopeGrant> running = service_->Running(ScopeKind::kMaintenance);
  ASSERT_EQ(running.size(), 1u);
  EXPECT_EQ(running[0].detail, "piiguard-maint");
  EXPECT_EQ(maintenance_.changed, 1);
  // The PC's password for the grant is the one the desk computes.
  const exception::Challenge c =
      std::move(exception::ParseChallenge(challenge)).value();
  const exception::ExceptionKey pc_key =
      std::move(exception::DeriveExceptionKey(Master(), kPc)).value();
  EXPECT_EQ(service_->MaintenancePassword(running[0].grant).value(),
            exception::MaintenancePassword(pc_key, kPc, c.nonce).value());
  EXPECT_FALSE(service_->MaintenancePassword("42").ok());
  // Ended early: the window is told.
  ASSERT_TRUE(service_->End(1000, running[0].grant).ok());
  EXPECT_EQ(maintenance_.changed, 2);
  EXPECT_FALSE(service_->MaintenancePassword(running[0].grant).ok());
}

TEST_F(ExceptionMaintenanceTest, NotOfferedWithoutTheAccountAndSaysWhy) {
  maintenance_.account_exists = false;
  Result<Json> choices = service_->Request(1000, ExceptionAsk());
  ASSERT_TRUE(choices.ok());
  EXPECT_EQ((*choices)["scopes"], Json::array({"stick"}));
  EXPECT_NE((*choices)["not_offered"]["maintenance"].get<std::string>().find(
                "no account piiguard-maint"),
            std::string::npos);
  Result<Json> refused = service_->Request(1000, AskOf("maintenance", 60));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("no account piiguard-maint"),
            std::string::npos);
  EXPECT_EQ(Count(types::kExceptionRequested), 0);
}

TEST_F(ExceptionMaintenanceTest, RefusedWhileASessionRuns) {
  maintenance_.session_running = true;
  Result<Json> refused = service_->Request(1000, AskOf("maintenance", 60));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("end the session first"),
            std::string::npos);
  EXPECT_EQ(Count(types::kExceptionRequested), 0);
  EXPECT_FALSE(service_->StatusPart()->contains("challenge_waiting"));
}

TEST_F(ExceptionMaintenanceTest, NoKeyNoPassword) {
  service_ = Make(boot_, /*with_key=*/false);
  service_->SetMaintenance(&maintenance_);
  EXPECT_FALSE(service_->MaintenancePassword("1").ok());
}

}  // namespace
}  // namespace piiguard::agent
