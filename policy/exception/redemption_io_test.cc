// The state file: round trips, reboots, and corrupt input refused whole.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "policy/exception/redemption.h"
#include "policy/exception/redemption_test_util.h"

namespace piiguard::exception {
namespace {

using testing::kMinuteMs;
using testing::kMinuteUs;
using testing::RedemptionTest;

class RedemptionIoTest : public RedemptionTest {
 protected:
  // A state with a used nonce, a running grant, a pending challenge, and a
  // wrong response against it.
  void Fill() {
    const Challenge c = Show(ScopeKind::kRosterFolderPause);
    ASSERT_TRUE(Redeem(c, Respond(c)).accepted());
    const Challenge pending = Show(ScopeKind::kMaintenance);
    Desk desk;
    desk.responsible = "wrong";
    ASSERT_EQ(Redeem(pending, Respond(pending, desk)).refusal,
              Refusal::kWrongResponse);
  }

  Result<RedemptionState> Load(std::string_view bytes,
                               std::string boot = "boot-1") {
    return RedemptionState::Parse(bytes, clock_, std::move(boot));
  }
};

TEST_F(RedemptionIoTest, EmptyStateRoundTrips) {
  const std::string bytes = state_.Serialize();
  EXPECT_EQ(bytes,
            "piiguard-exception-state-v1\nboot x626f6f742d31\nsaved 1000000\n"
            "lock 0 0 0\n");
  Result<RedemptionState> back = Load(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->SameContent(state_));
  EXPECT_EQ(back->Serialize(), bytes);
}

TEST_F(RedemptionIoTest, FullStateRoundTripsOnTheSameBoot) {
  Fill();
  const std::string bytes = state_.Serialize();
  Result<RedemptionState> back = Load(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->SameContent(state_));
  EXPECT_EQ(back->Serialize(), bytes);
  EXPECT_EQ(back->ActiveGrants().size(), 1U);
  ASSERT_TRUE(back->pending().has_value());
  EXPECT_EQ(back->pending()->wrong_tries, 1);
  EXPECT_EQ(back->wrong_streak(), 1);
  // The loaded state goes on: its pending challenge can be redeemed.
  const Challenge c = back->pending()->challenge;
  EXPECT_TRUE(
      back->Redeem(c, Respond(c), pc_key_, "pc-0001", people_).accepted());
}

TEST_F(RedemptionIoTest, RebootEndsGrantsAndPendingButNotTheRest) {
  Fill();
  for (int i = 0; i < kWrongBeforeLockout - 1; ++i) {
    const Challenge c = Show();
    Desk desk;
    desk.person = 0;
    desk.responsible = "yamada";
    Redeem(c, Respond(c, desk));
  }
  ASSERT_EQ(state_.LockedForMs(), kMinuteMs);
  clock_.AdvanceMs(20000);  // 40 s of the lock left at saving
  const std::string bytes = state_.Serialize();
  // A reboot: the monotonic clock starts again near zero.
  clock_.SetMonotonicUs(5000000);
  Result<RedemptionState> back = Load(bytes, "boot-2");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_FALSE(back->pending().has_value());
  EXPECT_TRUE(back->ActiveGrants().empty());
  EXPECT_EQ(back->used().size(), 1U);
  EXPECT_EQ(back->lockouts(), 1);
  EXPECT_EQ(back->LockedForMs(), 40 * 1000);
  // The used nonce stays used.
  const uint64_t used = back->used()[0].nonce;
  EXPECT_FALSE(back->NewChallengeWithNonce(ScopeKind::kRadios,
                                           DurationClass::k1Hour, 0, "", used)
                   .ok());
}

TEST_F(RedemptionIoTest, ParsesTheDocumentedExample) {
  // docs/exceptions.md, "State file" (also a fuzzing seed).
  const std::string example =
      "piiguard-exception-state-v1\n"
      "boot x626f6f742d31\n"
      "saved 5000000000\n"
      "lock 1 2 0\n"
      "pending 13059-12348-56782-90126 4940000000 20544 1 x737469636b2d31\n"
      "used 42 20544\n"
      "used 77 20543\n"
      "applied 12345678901234567890 1781146800\n"
      "grant 24100-00002-00003-00425 1 4000000000 11200000000 x726164696f "
      "x79616d616461\n";
  clock_.SetMonotonicUs(5000000000);
  Result<RedemptionState> state = Load(example);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->Serialize(), example);
  ASSERT_TRUE(state->pending().has_value());
  EXPECT_EQ(state->pending()->challenge.nonce, 123456789012U);
  EXPECT_EQ(state->pending()->scope_detail, "stick-1");
  EXPECT_EQ(state->wrong_streak(), 1);
  EXPECT_EQ(state->lockouts(), 2);
  ASSERT_EQ(state->ActiveGrants().size(), 1U);
  EXPECT_EQ(state->ActiveGrants()[0].responsible_id, "yamada");
  EXPECT_EQ(state->ActiveGrants()[0].MinutesLeft(5000000000), 104);
  ASSERT_EQ(state->applied().size(), 1U);
  EXPECT_EQ(state->applied()[0].id, 12345678901234567890ULL);
  EXPECT_EQ(state->applied()[0].redeem_by, 1781146800);
}

TEST_F(RedemptionIoTest, RefusesCorruptInput) {
  Fill();
  const std::string good = state_.Serialize();
  const std::string header =
      "piiguard-exception-state-v1\nboot x626f6f742d31\nsaved 1000000\n";
  // A valid challenge (stick, 15 minutes, index 5, nonce 0), and the same
  // digits grouped otherwise.
  const std::string ch =
      EncodeChallenge({ScopeKind::kStickWritable, DurationClass::k15Min, 5, 0});
  std::string odd = ch;
  odd.erase(5, 1);
  odd.insert(4, "-");
  std::string misheard = ch;
  misheard.back() = misheard.back() == '9' ? '0' : '9';
  const std::string bad[] = {
      "",
      "piiguard-exception-state-v1",
      "piiguard-exception-state-v2\nboot x\nsaved 0\nlock 0 0 0\n",
      header,
      header + "lock 0 0 0\nlock 0 0 0\n",
      header + "lock 5 0 0\n",   // a streak of 5 would have locked
      header + "lock 0 65 0\n",  // lockout level out of range
      header + "lock 0 01 0\n",  // not canonical
      header + "lock 0 -0 0\n",
      header + "lock 0 0 0 \n",  // trailing space
      header + "lock 0  0 0\n",
      header + "lock 0 0 0\n\n",                                // empty line
      header + "lock 0 0 0\nused 1 20544\nused 1 20544\n",      // duplicate
      header + "lock 0 0 0\nused 1000000000000 20544\n",        // 13 digits
      header + "lock 0 0 0\napplied 0 1\n",                     // id 0
      header + "lock 0 0 0\napplied 01 1\n",                    // not canonical
      header + "lock 0 0 0\napplied 18446744073709551616 1\n",  // 2^64
      header + "lock 0 0 0\napplied 7 1\napplied 7 2\n",        // duplicate
      header + "lock 0 0 0\napplied 7 -1\n",
      header + "lock 0 0 0\napplied 7\n",
      // Applied, then used: out of order.
      header + "lock 0 0 0\napplied 7 1\nused 1 20544\n",
      header + "lock 0 0 0\ngrant " + ch + " 0 0 1 x x\n",
      header + "lock 0 0 0\npending " + misheard + " 0 0 0 x\n",
      header + "lock 0 0 0\npending " + odd + " 0 0 0 x\n",
      header + "lock 0 0 0\npending " + ch + " 0 0 6 x\n",
      header + "lock 0 0 0\npending " + ch + " 0 0 0 xZZ\n",
      header + "lock 0 0 0\npending " + ch + " 0 0 0 616263\n",
      header + "lock 0 0 0\npending " + ch + " 2000000 0 0 x\n",
      // Used, then pending: out of order.
      header + "lock 0 0 0\nused 1 20544\npending " + ch + " 0 0 0 x\n",
      // Its nonce is used already.
      header + "lock 0 0 0\npending " + ch + " 0 0 0 x\nused 0 20544\n",
      // Saved after now on the same boot.
      std::string("piiguard-exception-state-v1\nboot x626f6f742d31\n") +
          "saved 99000000\nlock 0 0 0\n",
      good.substr(0, good.size() - 1),
      good + "x\n",
  };
  for (const std::string& bytes : bad) {
    Result<RedemptionState> r = Load(bytes);
    EXPECT_FALSE(r.ok()) << bytes;
    if (!r.ok()) {
      EXPECT_EQ(r.status().message().rfind("exception state", 0), 0U)
          << r.status().message();
    }
  }
}

TEST_F(RedemptionIoTest, AFullAppliedListForgetsOnlyExpiredFiles) {
  const int64_t start_s = clock_.WallMs() / 1000;
  constexpr int64_t kWeekS = int64_t{7} * 24 * 3600;
  FileGrantRefusal why = FileGrantRefusal::kNone;
  auto apply = [&](uint64_t id, int64_t redeem_by) {
    Result<std::optional<Grant>> g =
        state_.GrantFromFile(ScopeKind::kRadios, DurationClass::k15Min, "", 1,
                             "sato", id, redeem_by, &why);
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    clock_.AdvanceUs(16 * kMinuteUs);  // its grant ends before the next
    return g.ok() && g->has_value();
  };
  // Ten files valid for an hour, the rest for a week: 256 in 68 hours.
  for (uint64_t id = 1; id <= kMaxAppliedFiles; ++id) {
    ASSERT_TRUE(apply(id, start_s + (id <= 10 ? 3600 : kWeekS))) << id;
  }
  // The expired ones are kept while the list has room.
  ASSERT_EQ(state_.applied().size(), kMaxAppliedFiles);
  EXPECT_TRUE(state_.IsApplied(1));
  // Full: the expired ten are forgotten to make room, no other.
  EXPECT_TRUE(apply(1000, start_s + kWeekS));
  EXPECT_EQ(state_.applied().size(), kMaxAppliedFiles - 9);
  EXPECT_FALSE(state_.IsApplied(10));
  EXPECT_TRUE(state_.IsApplied(11));
  EXPECT_TRUE(state_.IsApplied(1000));
  // Full of files still in their window: refused, nothing granted or spent.
  for (uint64_t id = 1001; id <= 1009; ++id) {
    ASSERT_TRUE(apply(id, start_s + kWeekS)) << id;
  }
  ASSERT_EQ(state_.applied().size(), kMaxAppliedFiles);
  EXPECT_FALSE(apply(2000, start_s + kWeekS));
  EXPECT_EQ(why, FileGrantRefusal::kListFull);
  EXPECT_FALSE(state_.IsApplied(2000));
  EXPECT_TRUE(state_.ActiveGrants().empty());
  EXPECT_EQ(state_.applied().size(), kMaxAppliedFiles);
  // Once their redeem_by has passed, they are forgotten in turn.
  clock_.SetWallMs((start_s + kWeekS + 1) * 1000);
  EXPECT_TRUE(apply(2000, clock_.WallMs() / 1000 + 3600));
  EXPECT_EQ(why, FileGrantRefusal::kNone);
  EXPECT_TRUE(state_.IsApplied(2000));
}

TEST_F(RedemptionIoTest, AppliedFilesRoundTripAndSurviveAReboot) {
  FileGrantRefusal why = FileGrantRefusal::kNone;
  const int64_t by = clock_.WallMs() / 1000 + 3600;
  Result<std::optional<Grant>> g =
      state_.GrantFromFile(ScopeKind::kRadios, DurationClass::k30Min, "", 1,
                           "sato", 18446744073709551615ULL, by, &why);
  ASSERT_TRUE(g.ok() && g->has_value()) << static_cast<int>(why);
  EXPECT_EQ((*g)->end_mono_us - (*g)->start_mono_us, 30 * kMinuteMs * 1000);
  const std::string bytes = state_.Serialize();
  EXPECT_NE(
      bytes.find("\napplied 18446744073709551615 " + std::to_string(by) + "\n"),
      std::string::npos)
      << bytes;
  Result<RedemptionState> back = Load(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->SameContent(state_));
  EXPECT_EQ(back->Serialize(), bytes);
  // Another boot ends the grant, not the single use.
  Result<RedemptionState> rebooted = Load(bytes, "boot-2");
  ASSERT_TRUE(rebooted.ok());
  EXPECT_TRUE(rebooted->ActiveGrants().empty());
  EXPECT_TRUE(rebooted->IsApplied(18446744073709551615ULL));
  Result<std::optional<Grant>> again =
      rebooted->GrantFromFile(ScopeKind::kRadios, DurationClass::k30Min, "", 1,
                              "sato", 18446744073709551615ULL, by, &why);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  EXPECT_EQ(why, FileGrantRefusal::kAlreadyApplied);
  // Every byte change is refused or read back exactly.
  for (size_t i = bytes.find("\napplied"); i < bytes.size(); ++i) {
    for (char c : {'0', '1', '9', ' ', '\n', 'x'}) {
      std::string changed = bytes;
      changed[i] = c;
      Result<RedemptionState> r = Load(changed);
      if (r.ok()) {
        EXPECT_EQ(r->Serialize(), changed) << i;
      }
    }
  }
}

TEST_F(RedemptionIoTest, EveryByteChangeIsRefusedOrCanonical) {
  // Flipping any byte of a valid file either fails or gives a state whose
  // bytes are exactly the changed file (nothing is silently normalised).
  Fill();
  const std::string good = state_.Serialize();
  const size_t boot_end = good.find("\nsaved");
  for (size_t i = 0; i < good.size(); ++i) {
    for (char c : {'0', '1', '9', ' ', '\n', 'x', '-', '\0'}) {
      if (good[i] == c) continue;
      std::string changed = good;
      changed[i] = c;
      Result<RedemptionState> r = Load(changed);
      if (!r.ok()) continue;
      if (changed.substr(0, boot_end) != good.substr(0, boot_end)) {
        // Another boot id: what was of that boot is dropped.
        EXPECT_FALSE(r->pending().has_value()) << i;
        EXPECT_TRUE(r->ActiveGrants().empty()) << i;
      } else {
        EXPECT_EQ(r->Serialize(), changed) << i;
      }
    }
  }
}

}  // namespace
}  // namespace piiguard::exception
