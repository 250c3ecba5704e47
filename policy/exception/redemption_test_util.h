// The fixture of the redemption tests: a fake clock, a state on it, the
// PC's key and what the IT desk computes.
#ifndef PIIGUARD_POLICY_EXCEPTION_REDEMPTION_TEST_UTIL_H_
#define PIIGUARD_POLICY_EXCEPTION_REDEMPTION_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "common/os/testing/fake_clock.h"
#include "policy/exception/redemption.h"

namespace piiguard::exception::testing {

inline constexpr int64_t kMinuteMs = 60LL * 1000;
inline constexpr int64_t kMinuteUs = kMinuteMs * 1000;

inline ExceptionKey Master() {
  return std::move(ExceptionKey::FromBytes(std::string(32, 'm'))).value();
}

class RedemptionTest : public ::testing::Test {
 protected:
  // What the IT desk computes: the same fields unless a test changes one.
  // The scope detail is not among them: it is not in the MAC.
  struct Desk {
    std::string pc_id = "pc-0001";
    unsigned person = 1;
    std::string responsible = "yamada";
    int64_t day_offset = 0;
  };

  Challenge Show(ScopeKind scope = ScopeKind::kStickWritable,
                 DurationClass duration = DurationClass::k1Hour) {
    Result<Challenge> c = state_.NewChallenge(scope, duration, 3, "stick-1");
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return *c;
  }

  std::string Respond(const Challenge& c, const Desk& desk) {
    const ExceptionKey key =
        std::move(DeriveExceptionKey(Master(), desk.pc_id)).value();
    const ResponseContext context{
        desk.pc_id,          c,
        /*scope_detail=*/"", desk.person,
        desk.responsible,    IssueDay(clock_.WallMs()) + desk.day_offset};
    return EncodeResponse(std::move(ComputeResponse(key, context)).value());
  }
  std::string Respond(const Challenge& c) { return Respond(c, Desk{}); }

  Outcome Redeem(const Challenge& c, const std::string& response) {
    return state_.Redeem(c, response, pc_key_, "pc-0001", people_);
  }

  // Five wrong responses to a fresh challenge; returns the lockout begun.
  int64_t FiveWrong() {
    const Challenge c = Show();
    Outcome last;
    for (int i = 0; i < kTriesPerChallenge; ++i) {
      Desk desk;
      desk.responsible = "wrong-" + std::to_string(i);
      last = Redeem(c, Respond(c, desk));
      EXPECT_EQ(last.refusal, Refusal::kWrongResponse);
    }
    return last.wait_ms;
  }

  os::FakeClock clock_;
  RedemptionState state_{clock_, "boot-1"};
  ExceptionKey pc_key_ =
      std::move(DeriveExceptionKey(Master(), "pc-0001")).value();
  std::vector<std::string> people_ = {"desk", "yamada", "suzuki"};
};

}  // namespace piiguard::exception::testing

#endif  // PIIGUARD_POLICY_EXCEPTION_REDEMPTION_TEST_UTIL_H_
