#include "agent/exception/exception_service.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "agent/exception/exception_service_fixture.h"
#include "common/json.h"

namespace piiguard::agent {
namespace {

namespace types = journal::types;

TEST_F(ExceptionServiceTest, ListsWhatMayBeAskedFor) {
  Result<Json> choices = service_->Request(1000, ExceptionAsk());
  ASSERT_TRUE(choices.ok());
  ASSERT_EQ((*choices)["sticks"].size(), 2u);
  EXPECT_EQ((*choices)["sticks"][1]["device"], "sdc");
  EXPECT_EQ((*choices)["sticks"][1]["index"], 1);
  EXPECT_EQ((*choices)["minutes"]["stick"].back(), 480);
  EXPECT_EQ((*choices)["scopes"], Json::array({"stick"}));
  EXPECT_EQ((*choices)["available"], true);
  EXPECT_TRUE(events_.empty());  // listing records nothing
}

TEST_F(ExceptionServiceTest, RedeemedCodeGrantsThePickedStickForItsTime) {
  const std::string challenge = Ask(1, 60);
  EXPECT_EQ(Last(types::kExceptionRequested).details["stick"]["identity"],
            std::string(64, 'b'));
  Json answer = Redeem(Respond(challenge));
  ASSERT_EQ(answer["accepted"], true) << answer.dump();
  EXPECT_EQ(answer["responsible"], "山田花子");
  EXPECT_EQ(Count(types::kExceptionGranted), 1);
  EXPECT_EQ(sticks_.changed, 1);
  // Only the stick picked, never the other one.
  std::optional<StickGrant> grant = service_->GrantFor(std::string(64, 'b'));
  ASSERT_TRUE(grant.has_value());
  EXPECT_EQ(grant->responsible, "山田花子");
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'a')).has_value());
  EXPECT_EQ(scheduled_, grant->end_mono_us);
  EXPECT_EQ(grant->end_mono_us, clock_.MonotonicUs() + 60 * kMinuteUs);

  // A minute before the end it still runs; at the end the timer ends it.
  clock_.AdvanceUs(59 * kMinuteUs);
  service_->OnTimer();
  EXPECT_TRUE(service_->GrantFor(std::string(64, 'b')).has_value());
  EXPECT_EQ(Count(types::kExceptionEnded), 0);
  clock_.AdvanceUs(kMinuteUs);
  service_->OnTimer();
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'b')).has_value());
  ASSERT_EQ(Count(types::kExceptionEnded), 1);
  EXPECT_EQ(Last(types::kExceptionEnded).details["reason"], "expired");
  EXPECT_EQ(sticks_.changed, 2);
  EXPECT_EQ(scheduled_, 0);
}

TEST_F(ExceptionServiceTest, AWallClockSetBackDoesNotLengthenAGrant) {
  Json answer = Redeem(Respond(Ask(0, 15)));
  ASSERT_EQ(answer["accepted"], true);
  clock_.SetWallMs(clock_.WallMs() - 24LL * 3600 * 1000);
  clock_.AdvanceUs(15 * kMinuteUs);
  service_->OnTimer();
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'a')).has_value());
}

TEST_F(ExceptionServiceTest, ACodeWorksOnceAndOnlyOnThisPc) {
  const std::string challenge = Ask();
  Json other_pc = Redeem(Respond(challenge, 0, "pc-0002"));
  EXPECT_EQ(other_pc["accepted"], false);
  EXPECT_EQ(other_pc["refusal"], "wrong-response");
  EXPECT_EQ(other_pc["tries_left"], 4);
  const std::string response = Respond(challenge);
  ASSERT_EQ(Redeem(response)["accepted"], true);
  Json again = Redeem(response);
  EXPECT_EQ(again["accepted"], false);
  EXPECT_EQ(again["refusal"], "already-used");
  EXPECT_EQ(Count(types::kExceptionRefused), 2);
  EXPECT_FALSE(again["message_ja"].get<std::string>().empty());
}

TEST_F(ExceptionServiceTest, AskingForAnotherStickVoidsTheFirstCode) {
  const std::string first = Ask(0);
  Ask(1);  // staff changed their mind: a new challenge replaces the first
  // A response names no challenge: it is checked against the one shown
  // now, and the first one's response does not match it.
  Json answer = Redeem(Respond(first));
  EXPECT_EQ(answer["accepted"], false);
  EXPECT_EQ(answer["refusal"], "wrong-response");
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'a')).has_value());
}

TEST_F(ExceptionServiceTest, FiveWrongCodesLockOutAcrossARestart) {
  const std::string challenge = Ask();
  for (int i = 0; i < 5; ++i) {
    Json wrong = Redeem(Respond(challenge, 0, "pc-9999"));
    EXPECT_EQ(wrong["refusal"], "wrong-response");
  }
  // The daemon restarts (same boot): the lockout holds, even for the right
  // response to a fresh challenge.
  service_ = Make(boot_);
  ASSERT_TRUE(service_->Init().ok());
  Result<Json> status = service_->StatusPart();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ((*status)["locked_for_s"], 60);
  Json locked = Redeem(Respond(Ask()));
  EXPECT_EQ(locked["refusal"], "locked-out");
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'a')).has_value());
}

TEST_F(ExceptionServiceTest, GrantsSurviveARestartButNotAReboot) {
  ASSERT_EQ(Redeem(Respond(Ask(0, 120)))["accepted"], true);
  service_ = Make(boot_);
  ASSERT_TRUE(service_->Init().ok());
  EXPECT_TRUE(service_->GrantFor(std::string(64, 'a')).has_value());
  EXPECT_GT(scheduled_, 0);
  ASSERT_EQ(Count(types::kExceptionResumed), 1);
  EXPECT_EQ(Last(types::kExceptionResumed).details["reason"], "restart");
  EXPECT_EQ(Last(types::kExceptionResumed).details["minutes_left"], 120);
  service_ = Make("boot-2");
  ASSERT_TRUE(service_->Init().ok());
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'a')).has_value());
}

TEST_F(ExceptionServiceTest, StaffEndAGrantEarly) {
  Json answer = Redeem(Respond(Ask()));
  ASSERT_EQ(answer["accepted"], true);
  const std::string id = answer["grant"];
  Result<Json> ended = service_->End(1000, id);
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ((*ended)["ended"], true);
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'a')).has_value());
  EXPECT_EQ(Last(types::kExceptionEnded).details["reason"], "ended");
  EXPECT_EQ(sticks_.changed, 2);
  Result<Json> twice = service_->End(1000, id);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ((*twice)["refused"], "no_such_grant");
  EXPECT_EQ((*service_->End(1000, "12x"))["ended"], false);
}

TEST_F(ExceptionServiceTest, NothingIsGrantedThatCannotBeJournaled) {
  const std::string challenge = Ask();
  journal_fails_ = true;
  Result<Json> answer = service_->Redeem(1000, Respond(challenge));
  EXPECT_FALSE(answer.ok());
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'a')).has_value());
  EXPECT_EQ(sticks_.changed, 0);
}

// The grant could not be journaled, and then not saved as ended either (a
// disk filling up): the save is retried, so a restart cannot bring back a
// grant the office never saw.
TEST_F(ExceptionServiceTest, AnUnjournaledGrantThatCannotBeSavedIsRetried) {
  class FillingJournal : public journal::Appender {
   public:
    explicit FillingJournal(std::filesystem::path state)
        : state_(std::move(state)) {}
    Result<uint64_t> Append(const journal::Event& event) override {
      if (event.type != types::kExceptionGranted) return uint64_t{1};
      std::filesystem::remove(state_);
      std::filesystem::create_directories(state_ / "blocker");
      return IoError("journal", "test", "disk full");
    }

   private:
    std::filesystem::path state_;
  };
  const std::filesystem::path state = dir_ / "exceptions.state";
  FillingJournal filling(state);
  ExceptionConfig config;
  config.clock = &clock_;
  config.journal = &filling;
  config.state_file = state.string();
  config.boot_id = boot_;
  config.pc_id = [] { return std::string(kPc); };
  config.policy = [this] { return &policy_; };
  config.schedule = [this](int64_t at) { scheduled_ = at; };
  service_ = std::make_unique<ExceptionService>(
      std::move(config), exception::DeriveExceptionKey(Master(), kPc));
  service_->SetForeignSticks(&sticks_);
  const std::string challenge = Ask();
  scheduled_ = -1;
  EXPECT_FALSE(service_->Redeem(1000, Respond(challenge)).ok());
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'a')).has_value());
  EXPECT_EQ(scheduled_, clock_.MonotonicUs() + kMinuteUs);
  EXPECT_EQ((*service_->StatusPart())["state_saved"], false);
  // The disk has room again: the retry saves the grant as ended.
  std::filesystem::remove_all(state);
  clock_.AdvanceUs(kMinuteUs);
  service_->OnTimer();
  EXPECT_EQ((*service_->StatusPart())["state_saved"], true);
  auto restarted = Make(boot_);
  ASSERT_TRUE(restarted->Init().ok());
  EXPECT_FALSE(restarted->GrantFor(std::string(64, 'a')).has_value());
}

TEST_F(ExceptionServiceTest, AResponseThatCannotBeSavedIsNotChecked) {
  const std::string challenge = Ask();
  // The state file cannot be replaced (a full disk would do the same).
  const std::filesystem::path state = dir_ / "exceptions.state";
  std::filesystem::remove(state);
  std::filesystem::create_directories(state / "blocker");
  for (unsigned person : {0u, 1u}) {
    Result<Json> answer = service_->Redeem(1000, Respond(challenge, person));
    ASSERT_FALSE(answer.ok());  // the same answer, right or wrong: no oracle
    EXPECT_NE(answer.status().message().find("not granted"), std::string::npos);
  }
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'a')).has_value());
  EXPECT_EQ(Count(types::kExceptionRefused), 0);
  EXPECT_EQ(Count(types::kExceptionError), 2);
  // Once it can be saved, the response works: no try was spent unsaved.
  std::filesystem::remove_all(state);
  EXPECT_EQ(Redeem(Respond(challenge))["accepted"], true);
}

TEST_F(ExceptionServiceTest, TheStickStaffSawIsTheOneAskedFor) {
  // Staff listed the sticks; another took item 0's place since.
  Result<Json> moved =
      service_->Request(1000, AskOf("stick", 60, 0, std::string(64, 'b')));
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(Count(types::kExceptionRequested), 0);
  EXPECT_TRUE(
      service_->Request(1000, AskOf("stick", 60, 0, std::string(64, 'a')))
          .ok());
  // Two sticks that look the same cannot be told apart.
  sticks_.sticks[1].identity = sticks_.sticks[0].identity;
  EXPECT_FALSE(service_->Request(1000, AskOf("stick", 60, 0)).ok());
}

TEST_F(ExceptionServiceTest, RefusesWhatItCannotDo) {
  EXPECT_FALSE(service_->Request(1000, AskOf("radios", 60, 0)).ok());
  EXPECT_FALSE(service_->Request(1000, AskOf("maintenance", 60, 0)).ok());
  EXPECT_FALSE(service_->Request(1000, AskOf("roster-folder", 60, 0)).ok());
  EXPECT_FALSE(
      service_->Request(1000, AskOf("stick", 45, 0)).ok());  // no class
  EXPECT_TRUE(service_->Request(1000, AskOf("stick", 480, 0)).ok());  // 8 h cap
  EXPECT_FALSE(
      service_->Request(1000, AskOf("stick", 60, 2)).ok());  // no stick 2
  EXPECT_FALSE(service_->Request(1000, AskOf("printer", 60, 0)).ok());
  sticks_.sticks[1].serial.clear();  // every such stick looks the same
  Result<Json> no_serial = service_->Request(1000, AskOf("stick", 60, 1));
  ASSERT_FALSE(no_serial.ok());
  EXPECT_NE(no_serial.status().message().find("serial"), std::string::npos)
      << no_serial.status().message();
  EXPECT_TRUE(events_.empty() ||
              events_.back().type != types::kExceptionRequested ||
              events_.back().details["index"] != 1);
  policy_.consignees.clear();
  Result<Json> nobody = service_->Request(1000, AskOf("stick", 60, 0));
  ASSERT_FALSE(nobody.ok());
  EXPECT_NE(nobody.status().message().find("責任者"), std::string::npos);
  service_ = Make(boot_, /*with_key=*/false);
  Result<Json> no_key = service_->Request(1000, AskOf("stick", 60, 0));
  ASSERT_FALSE(no_key.ok());
  EXPECT_NE(no_key.status().message().find("exception.key"), std::string::npos);
}

TEST_F(ExceptionServiceTest, ACorruptStateFileIsJournaledAndStartsEmpty) {
  ASSERT_EQ(Redeem(Respond(Ask()))["accepted"], true);
  {
    std::ofstream out(dir_ / "exceptions.state", std::ios::app);
    out << "grant forged\n";
  }
  service_ = Make(boot_);
  EXPECT_FALSE(service_->Init().ok());
  EXPECT_EQ(Count(types::kExceptionError), 1);
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'a')).has_value());
  // The state was rewritten empty: the next start is clean.
  service_ = Make(boot_);
  EXPECT_TRUE(service_->Init().ok());
}

// A crash between the grant's save and its exception.granted: the grant
// runs again after the restart only once exception.resumed is written.
TEST_F(ExceptionServiceTest, AGrantResumedWithoutARecordIsEnded) {
  ASSERT_EQ(Redeem(Respond(Ask()))["accepted"], true);
  journal_fails_ = true;
  service_ = Make(boot_);
  ASSERT_TRUE(service_->Init().ok());
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'a')).has_value());
  journal_fails_ = false;
  service_ = Make(boot_);  // and it stays ended
  ASSERT_TRUE(service_->Init().ok());
  EXPECT_FALSE(service_->GrantFor(std::string(64, 'a')).has_value());
  // Only the attempt that failed: the second start finds no grant.
  EXPECT_EQ(Count(types::kExceptionResumed), 1);
}

// A state file that cannot be read is not known to be corrupt: nothing is
// written over it (the applied files' ids would be lost) and no exception
// is asked for or redeemed until a start reads it.
TEST_F(ExceptionServiceTest, AnUnreadableStateFileIsKeptAndRefusesAll) {
  ASSERT_EQ(Redeem(Respond(Ask()))["accepted"], true);
  const std::filesystem::path state = dir_ / "exceptions.state";
  const std::filesystem::path kept = dir_ / "kept";
  std::filesystem::rename(state, kept);
  ASSERT_EQ(::mkfifo(state.c_str(), 0600), 0);
  service_ = Make(boot_);
  EXPECT_FALSE(service_->Init().ok());
  EXPECT_EQ(Last(types::kExceptionError).details["action"],
            "exceptions refused until the state file can be read");
  Result<Json> asked = service_->Request(1000, AskOf("stick", 60));
  ASSERT_FALSE(asked.ok());
  EXPECT_NE(asked.status().message().find("Contact the IT desk"),
            std::string::npos);
  EXPECT_FALSE(service_->Redeem(1000, "0000-0000-0000").ok());
  EXPECT_TRUE(std::filesystem::is_fifo(state));
  // Once the file is readable again, nothing of it was lost.
  std::filesystem::remove(state);
  std::filesystem::rename(kept, state);
  service_ = Make(boot_);
  ASSERT_TRUE(service_->Init().ok());
  EXPECT_TRUE(service_->GrantFor(std::string(64, 'a')).has_value());
}

}  // namespace
}  // namespace piiguard::agent
