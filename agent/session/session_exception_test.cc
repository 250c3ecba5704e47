// Radios during a session by an exception (issue 17, docs/exceptions.md
// "Radios during a session"): allowed only while a radio grant runs and no
// keyed stick is in; a keyed stick comes first; the end blocks them again.

#include <gtest/gtest.h>

#include "agent/notify/testing/fake_notifier.h"
#include "agent/session/session_manager.h"
#include "agent/session/session_test_fixture.h"
#include "common/json.h"

namespace piiguard::agent::session {
namespace {

class FakeGrants : public ExceptionGrants {
 public:
  std::vector<ScopeGrant> Running(exception::ScopeKind scope) override {
    ++asked;
    if (scope != exception::ScopeKind::kRadios) return {};
    return radios;
  }
  std::vector<ScopeGrant> radios;
  int asked = 0;
};

class SessionExceptionTest : public SessionTest {
 protected:
  std::unique_ptr<SessionManager> Started() {
    auto m = Make();
    m->SetExceptionGrants(&grants_);
    m->SetNotifier(&notifier_);
    EXPECT_TRUE(m->Init().ok());
    EXPECT_TRUE(m->Start(staff_, "mailing").ok());
    EXPECT_TRUE(m->radios_confirmed());
    return m;
  }
  void Grant() {
    grants_.radios = {ScopeGrant{"42", "山田花子", "", 1'000'000'000}};
  }
  bool AllBlocked() const { return Soft(w0_) && Soft(w1_) && Soft(bt_); }
  Json Allowance(SessionManager& m) const {
    return (*m.StatusPart())["radio_exception"];
  }
  bool Noticed(size_t i, std::string_view words) const {
    return i < notifier_.notices.size() &&
           notifier_.notices[i].body.find(words) != std::string::npos;
  }
  FakeGrants grants_;
  notify::FakeNotifier notifier_;
};

TEST_F(SessionExceptionTest, ARadioGrantPutsTheRadiosBackAsTheyWere) {
  auto m = Started();
  ASSERT_TRUE(AllBlocked());
  Grant();
  m->GrantsChanged();
  EXPECT_TRUE(m->radios_allowed());
  EXPECT_FALSE(m->radios_confirmed());
  // As before the session: phy0 and hci0 on, phy1 (blocked before) not.
  EXPECT_FALSE(Soft(w0_));
  EXPECT_FALSE(Soft(bt_));
  EXPECT_TRUE(Soft(w1_));
  EXPECT_EQ(guard_mask_, 0u);  // the radio guard re-blocks nothing
  ASSERT_EQ(EventsOf("radio.allowed").size(), 1u);
  EXPECT_EQ(EventsOf("radio.allowed")[0].details["grant"], "42");
  EXPECT_EQ(EventsOf("radio.allowed")[0].details["responsible"], "山田花子");
  EXPECT_EQ(Allowance(*m)["allowed"], true);
  EXPECT_EQ(Allowance(*m)["grant"], "42");
  // Staff turn the other one on too: allowed, not an attempt.
  rfkill_.SetSoftByOther(w1_, false);
  ASSERT_TRUE(m->OnRfkillReadable().ok());
  EXPECT_FALSE(Soft(w1_));
  EXPECT_TRUE(EventsOf("radio.unblock_attempt").empty());
  EXPECT_TRUE(sticks_.read_only_reasons.empty());
}

TEST_F(SessionExceptionTest, TheGrantsEndBlocksThemAgainAndConfirms) {
  auto m = Started();
  Grant();
  m->GrantsChanged();
  const int released = sticks_.released;
  grants_.radios.clear();
  m->GrantsChanged();
  EXPECT_FALSE(m->radios_allowed());
  EXPECT_TRUE(AllBlocked());
  EXPECT_TRUE(m->radios_confirmed());
  EXPECT_NE(guard_mask_, 0u);
  EXPECT_EQ(sticks_.released, released + 1);
  ASSERT_EQ(EventsOf("radio.allowance_ended").size(), 1u);
  EXPECT_EQ(EventsOf("radio.allowance_ended")[0].details["grant"], "42");
  EXPECT_TRUE(notifier_.notices.empty());  // the service tells of the end
  // The end first, then the radios confirmed blocked.
  EXPECT_EQ(events_.back().type, "radio.confirmed");
  // After the end an unblock is an attempt again, undone at once.
  rfkill_.SetSoftByOther(w0_, false);
  ASSERT_TRUE(m->OnRfkillReadable().ok());
  EXPECT_TRUE(Soft(w0_));
  EXPECT_EQ(EventsOf("radio.unblock_attempt").size(), 1u);
}

TEST_F(SessionExceptionTest, AKeyedStickComesFirst) {
  auto m = Started();
  Grant();
  m->GrantsChanged();
  ASSERT_FALSE(Soft(w0_));
  // The stick is verified: radios blocked and confirmed before it opens.
  KeyedStick stick{"sdb", "aa", "mailing", "山田花子"};
  sticks_.keyed.push_back({stick, false});
  EXPECT_TRUE(m->KeyedStickVerified(stick));
  EXPECT_TRUE(AllBlocked());
  EXPECT_TRUE(m->radios_confirmed());
  EXPECT_FALSE(m->radios_allowed());
  ASSERT_EQ(EventsOf("radio.allowance_ended").size(), 1u);
  EXPECT_EQ(EventsOf("radio.allowance_ended")[0].details["why"],
            "keyed stick verified");
  EXPECT_EQ(Allowance(*m)["waiting"], true);
  // Staff are told why the radios went, and how to get them back.
  ASSERT_EQ(notifier_.notices.size(), 1u);
  EXPECT_TRUE(Noticed(0, "Take the stick out and it resumes"));
  EXPECT_TRUE(Noticed(0, "USB メモリを抜くと再開します"));
  // While it is in, the grant running changes nothing.
  m->GrantsChanged();
  EXPECT_FALSE(m->radios_allowed());
  rfkill_.SetSoftByOther(bt_, false);
  ASSERT_TRUE(m->OnRfkillReadable().ok());
  EXPECT_TRUE(Soft(bt_));
  // Out again: the grant still runs, the radios are allowed again.
  sticks_.keyed.clear();
  m->KeyedStickGone(stick);
  EXPECT_TRUE(m->active());  // started by the command, not the stick
  EXPECT_TRUE(m->radios_allowed());
  EXPECT_FALSE(Soft(w0_));
  EXPECT_EQ(EventsOf("radio.allowed").size(), 2u);
  ASSERT_EQ(notifier_.notices.size(), 2u);
  EXPECT_TRUE(Noticed(1, "radio exception (42) has resumed"));
}

TEST_F(SessionExceptionTest, AStickThatIsInButNotYetVerifiedKeepsThemBlocked) {
  auto m = Started();
  // Read-only, waiting: the enforcer lists it, the session has not seen it.
  sticks_.keyed.push_back({KeyedStick{"sdb", "aa", "mailing", "x"}, false});
  Grant();
  m->GrantsChanged();
  EXPECT_FALSE(m->radios_allowed());
  EXPECT_TRUE(AllBlocked());
  EXPECT_TRUE(EventsOf("radio.allowed").empty());
}

TEST_F(SessionExceptionTest, AStickBeingCheckedBlocksThemUntilItIsDecided) {
  auto m = Started();
  Grant();
  m->GrantsChanged();
  ASSERT_TRUE(m->radios_allowed());
  // A stick is plugged: its key is being read, it may be keyed.
  sticks_.unsettled = true;
  m->SticksChanged();
  EXPECT_FALSE(m->radios_allowed());
  EXPECT_TRUE(AllBlocked());
  EXPECT_TRUE(m->radios_confirmed());
  EXPECT_EQ(EventsOf("radio.allowance_ended")[0].details["why"],
            "stick changed");
  // It was a foreign stick: read-only, settled; the radios come back.
  sticks_.unsettled = false;
  m->SticksChanged();
  EXPECT_TRUE(m->radios_allowed());
  EXPECT_FALSE(Soft(w0_));
}

TEST_F(SessionExceptionTest, NotJournaledMeansNotAllowed) {
  auto m = Started();
  Grant();
  journal_fails_ = true;
  m->GrantsChanged();
  EXPECT_FALSE(m->radios_allowed());
  EXPECT_TRUE(AllBlocked());
  EXPECT_NE(guard_mask_, 0u);
}

TEST_F(SessionExceptionTest, ASessionStartedDuringAGrantIsAllowedAtOnce) {
  auto m = Make();
  m->SetExceptionGrants(&grants_);
  ASSERT_TRUE(m->Init().ok());
  Grant();
  m->GrantsChanged();  // no session: nothing to allow
  EXPECT_FALSE(m->radios_allowed());
  EXPECT_TRUE(EventsOf("radio.allowed").empty());
  ASSERT_TRUE(m->Start(staff_, "").ok());
  EXPECT_TRUE(m->radios_allowed());
  EXPECT_FALSE(Soft(w0_));
  // It ends as any session: the radios as they were, nothing blocked.
  ASSERT_TRUE(m->End(staff_).ok());
  EXPECT_FALSE(m->radios_allowed());
  EXPECT_EQ(guard_mask_, 0u);
  EXPECT_FALSE(Soft(w0_));
  EXPECT_TRUE(Soft(w1_));
}

TEST_F(SessionExceptionTest, ANewPolicyDuringTheGrantDoesNotBlockThem) {
  auto m = Started();
  Grant();
  m->GrantsChanged();
  ASSERT_TRUE(m->ApplyRules(rules_).ok());
  EXPECT_TRUE(m->radios_allowed());
  EXPECT_FALSE(Soft(w0_));
  grants_.radios.clear();
  m->GrantsChanged();
  EXPECT_TRUE(AllBlocked());
}

TEST_F(SessionExceptionTest, WithoutTheServiceRadiosAreNeverAllowed) {
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  ASSERT_TRUE(m->Start(staff_, "").ok());
  m->GrantsChanged();
  EXPECT_FALSE(m->radios_allowed());
  EXPECT_TRUE(AllBlocked());
}

}  // namespace
}  // namespace piiguard::agent::session
