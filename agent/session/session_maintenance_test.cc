// Sessions and the maintenance window (issue 17 item 3,
// agent/interlock/maintenance.h): while a window holds, no session starts
// (by command or by a keyed stick) and no keyed stick is released, even to
// a session that runs; when it has closed, a keyed stick that waited starts
// its session and is released; the end of a session is told to the window.

#include <gtest/gtest.h>

#include <optional>

#include "agent/session/session_manager.h"
#include "agent/session/session_test_fixture.h"
#include "common/json.h"

namespace piiguard::agent::session {
namespace {

class FakeHold : public MaintenanceHold {
 public:
  std::optional<int64_t> HeldUntilUs() const override { return until_us; }
  void SessionEnded() override { ++ended; }
  std::optional<int64_t> until_us;
  int ended = 0;
};

class SessionMaintenanceTest : public SessionTest {
 protected:
  std::unique_ptr<SessionManager> Made() {
    auto m = Make();
    m->SetMaintenance(&hold_);
    EXPECT_TRUE(m->Init().ok());
    return m;
  }
  // Held for `minutes` from now.
  void Hold(int64_t minutes) {
    hold_.until_us = clock_.MonotonicUs() + minutes * 60'000'000;
  }
  FakeHold hold_;
  const KeyedStick stick_{"sdb", "0123", "juminhyo", "Sato"};
};

TEST_F(SessionMaintenanceTest, NoSessionStartsByCommandDuringAWindow) {
  auto m = Made();
  Hold(30);
  Result<Json> answer = m->Start(staff_, "juminhyo");
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ((*answer)["started"], false);
  EXPECT_EQ((*answer)["refused"], "maintenance");
  // Until when, on the wall clock, for staff's message (HH:MM).
  const int64_t until_ms = (*answer)["until_ms"];
  EXPECT_NEAR(until_ms, clock_.WallMs() + 30 * 60'000, 1000);
  EXPECT_FALSE(m->active());
  EXPECT_FALSE(Soft(w0_));  // the radios were not touched
  ASSERT_EQ(EventsOf("session.start_refused").size(), 1u);
  EXPECT_EQ(EventsOf("session.start_refused")[0].details["uid"], 1000);
  EXPECT_EQ(EventsOf("session.start_refused")[0].details["reason"],
            "maintenance");
  EXPECT_TRUE(EventsOf("session.started").empty());
  // Closing counts as held too.
  hold_.until_us = clock_.MonotonicUs() - 1;
  EXPECT_EQ((*m->Start(staff_, ""))["refused"], "maintenance");
  hold_.until_us.reset();
  EXPECT_EQ((*m->Start(staff_, ""))["started"], true);
}

TEST_F(SessionMaintenanceTest, AKeyedStickStaysReadOnlyAndStartsNothing) {
  auto m = Made();
  Hold(60);
  EXPECT_FALSE(m->KeyedStickVerified(stick_));
  EXPECT_FALSE(m->active());
  EXPECT_EQ(sticks_.released, 0);
  ASSERT_EQ(EventsOf("session.start_refused").size(), 1u);
  EXPECT_EQ(EventsOf("session.start_refused")[0].details["stick_id"], "0123");
  // The enforcer keeps it waiting; when the window has closed, it starts
  // its session, the radios go off, and then it is released.
  sticks_.keyed.push_back({stick_, false});
  m->MaintenanceChanged();  // told while still held: nothing
  EXPECT_FALSE(m->active());
  hold_.until_us.reset();
  m->MaintenanceChanged();
  ASSERT_TRUE(m->active());
  EXPECT_EQ(m->state()->origin, Origin::kStick);
  EXPECT_TRUE(Soft(w0_));
  EXPECT_TRUE(m->radios_confirmed());
  EXPECT_EQ(sticks_.released, 1);
}

TEST_F(SessionMaintenanceTest, NoStickIsReleasedEvenToASessionThatRuns) {
  // A standalone policy begins its session whenever it is applied; it only
  // restricts, so it may start during a window, but no stick is written.
  auto m = Made();
  Hold(60);
  SessionRules standalone = rules_;
  standalone.standalone = true;
  ASSERT_TRUE(m->ApplyRules(standalone).ok());
  ASSERT_TRUE(m->active());
  EXPECT_TRUE(m->radios_confirmed());
  EXPECT_EQ(sticks_.released, 0);
  EXPECT_FALSE(m->KeyedStickVerified(stick_));
  EXPECT_EQ(sticks_.released, 0);
  ASSERT_EQ(EventsOf("session.stick_gate").size(), 1u);
  EXPECT_EQ(EventsOf("session.stick_gate")[0].details["writable"], false);
  EXPECT_EQ(EventsOf("session.stick_gate")[0].details["reason"], "maintenance");
  sticks_.keyed.push_back({stick_, false});
  hold_.until_us.reset();
  m->MaintenanceChanged();
  EXPECT_EQ(sticks_.released, 1);
  EXPECT_EQ(m->state()->sticks, std::vector<std::string>{"0123"});
}

TEST_F(SessionMaintenanceTest, TheWindowHearsOfTheSessionsEnd) {
  auto m = Made();
  EXPECT_FALSE(m->SessionActive());
  ASSERT_TRUE(m->Start(staff_, "juminhyo").ok());
  EXPECT_TRUE(m->SessionActive());
  EXPECT_EQ(hold_.ended, 0);
  ASSERT_TRUE(m->End(staff_).ok());
  EXPECT_FALSE(m->SessionActive());
  EXPECT_EQ(hold_.ended, 1);
}

}  // namespace
}  // namespace piiguard::agent::session
