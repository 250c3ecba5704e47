// The ExceptionService's test fixture (exception_service_test.cc,
// exception_scopes_test.cc): a service with a fake clock, a recording
// journal, fake foreign sticks, a policy with two persons, and the IT
// desk's side (Respond) computing responses from the same master key.
//
// Thread-safety: a gtest fixture; one test's thread.
#ifndef PIIGUARD_AGENT_EXCEPTION_EXCEPTION_SERVICE_FIXTURE_H_
#define PIIGUARD_AGENT_EXCEPTION_EXCEPTION_SERVICE_FIXTURE_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "agent/exception/exception_service.h"
#include "agent/journal/testing/recording_appender.h"
#include "common/journal/event_types.h"
#include "common/os/testing/fake_clock.h"
#include "policy/exception/code_mac.h"

namespace piiguard::agent {

inline constexpr int64_t kMinuteUs = 60LL * 1000 * 1000;
inline constexpr char kPc[] = "pc-0001";

// A fully spelled-out request (gcc warns of partly initialised aggregates).
inline ExceptionAsk AskOf(std::string scope, int64_t minutes, int64_t index = 0,
                          std::string identity = "", std::string folder = "") {
  ExceptionAsk ask;
  ask.scope = std::move(scope);
  ask.minutes = minutes;
  ask.index = index;
  ask.identity = std::move(identity);
  ask.folder = std::move(folder);
  return ask;
}

inline exception::ExceptionKey Master() {
  return std::move(exception::ExceptionKey::FromBytes(std::string(32, 'm')))
      .value();
}

inline ForeignStick Stick(std::string device, std::string identity) {
  return ForeignStick{std::move(device), std::move(identity), "0781:5581",
                      "SERIAL",          16'000'000'000,      "not keyed"};
}

class FakeSticks : public ForeignSticks {
 public:
  std::vector<ForeignStick> Foreign() const override { return sticks; }
  void GrantsChanged() override { ++changed; }
  std::vector<ForeignStick> sticks = {Stick("sdb", std::string(64, 'a')),
                                      Stick("sdc", std::string(64, 'b'))};
  int changed = 0;
};

class ExceptionServiceTest : public ::testing::Test {
 protected:
  ExceptionServiceTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("exception_service_test." + std::to_string(getpid()) + "." +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    policy::Consignee hidamari;
    hidamari.id = "hidamari";
    hidamari.responsible.name = "山田花子";
    hidamari.deputies.push_back(policy::Person{"鈴木一郎", ""});
    policy_.consignees.push_back(hidamari);
    service_ = Make(boot_);
  }
  ~ExceptionServiceTest() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<ExceptionService> Make(const std::string& boot,
                                         bool with_key = true) {
    ExceptionConfig config;
    config.clock = &clock_;
    config.journal = &appender_;
    config.state_file = (dir_ / "exceptions.state").string();
    config.boot_id = boot;
    config.pc_id = [] { return std::string(kPc); };
    config.policy = [this] { return &policy_; };
    config.user_name = [](uid_t) { return std::string("staff"); };
    config.schedule = [this](int64_t at) { scheduled_ = at; };
    config.pinned = pinned_;
    Result<exception::ExceptionKey> key =
        with_key ? exception::DeriveExceptionKey(Master(), kPc)
                 : Result<exception::ExceptionKey>(NotFoundError(
                       "exception key", "/etc/piiguard/exception.key",
                       "no such file"));
    auto service =
        std::make_unique<ExceptionService>(std::move(config), std::move(key));
    service->SetForeignSticks(&sticks_);
    return service;
  }

  // What the IT desk reads back for `challenge_text`.
  std::string Respond(const std::string& challenge_text, unsigned person = 0,
                      const std::string& pc = kPc) {
    exception::Challenge c =
        std::move(exception::ParseChallenge(challenge_text)).value();
    const exception::ExceptionKey key =
        std::move(exception::DeriveExceptionKey(Master(), pc)).value();
    const std::string ids[] = {"山田花子", "鈴木一郎"};
    const exception::ResponseContext context{
        pc,
        c,
        "",
        person,
        ids[person % 2],
        exception::IssueDay(clock_.WallMs())};
    return exception::EncodeResponse(
        std::move(exception::ComputeResponse(key, context)).value());
  }

  std::string Ask(int64_t index = 0, int64_t minutes = 60) {
    Result<Json> answer =
        service_->Request(1000, AskOf("stick", minutes, index));
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    return answer.ok() ? (*answer)["challenge"].get<std::string>() : "";
  }

  Json Redeem(const std::string& response) {
    Result<Json> answer = service_->Redeem(1000, response);
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    return answer.ok() ? *answer : Json::object();
  }

  int Count(std::string_view type) const {
    int n = 0;
    for (const journal::Event& e : events_) n += e.type == type ? 1 : 0;
    return n;
  }
  const journal::Event& Last(std::string_view type) const {
    for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
      if (it->type == type) return *it;
    }
    ADD_FAILURE() << "no " << type;
    return events_.front();
  }

  std::filesystem::path dir_;
  os::FakeClock clock_;
  std::vector<journal::Event> events_;
  bool journal_fails_ = false;
  journal::testing::RecordingAppender appender_{events_, &journal_fails_};
  policy::Policy policy_;
  FakeSticks sticks_;
  std::string boot_ = "boot-1";
  std::vector<Ed25519PublicKey> pinned_;  // the city key, for files
  int64_t scheduled_ = -1;
  std::unique_ptr<ExceptionService> service_;
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_EXCEPTION_EXCEPTION_SERVICE_FIXTURE_H_
