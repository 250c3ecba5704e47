#include "agent/session/session_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cerrno>
#include <filesystem>

#include "agent/session/session_test_fixture.h"
#include "common/file_util.h"
#include "common/json.h"

namespace piiguard::agent::session {
namespace {

using os::FakeRfkill;
using os::RadioType;

TEST_F(SessionTest, NoSessionAtInit) {
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  EXPECT_FALSE(m->active());
  EXPECT_TRUE(rfkill_.writes().empty());
  Result<Json> part = m->StatusPart();
  ASSERT_TRUE(part.ok());
  EXPECT_FALSE((*part)["active"].get<bool>());
  EXPECT_EQ((*part)["radios"].size(), 3U);
}

TEST_F(SessionTest, StartBlocksConfirmsAndReleasesSticks) {
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  Result<Json> answer = m->Start(staff_, "juminhyo");
  ASSERT_TRUE(answer.ok());
  EXPECT_TRUE((*answer)["started"].get<bool>());
  EXPECT_TRUE((*answer)["radios_confirmed"].get<bool>());
  EXPECT_TRUE(Soft(w0_) && Soft(w1_) && Soft(bt_));
  EXPECT_TRUE(rfkill_.type_default(kWlan));  // CHANGE_ALL: dongles too
  EXPECT_TRUE(m->radios_confirmed());
  EXPECT_EQ(sticks_.released, 1);
  ASSERT_EQ(EventsOf("session.started").size(), 1U);
  EXPECT_EQ(EventsOf("session.started")[0].details["user"], "tanaka");
  EXPECT_EQ(EventsOf("session.started")[0].details["job"], "juminhyo");
  EXPECT_EQ(EventsOf("radio.confirmed").size(), 1U);
  // A second start reports the running session.
  Result<Json> again = m->Start(other_, "");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)["already"].get<bool>());
}

TEST_F(SessionTest, NotConfirmedWhileADriverIgnoresTheBlock) {
  rfkill_.set_apply_writes(false);
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  ASSERT_TRUE(m->Start(staff_, "").ok());
  EXPECT_TRUE(m->active());
  EXPECT_FALSE(m->radios_confirmed());
  EXPECT_EQ(sticks_.released, 0);
  KeyedStick stick{"sdb", "aa", "job", "holder"};
  EXPECT_FALSE(m->KeyedStickVerified(stick));
  // The block events arrive late: confirmed, waiting sticks released.
  rfkill_.set_apply_writes(true);
  rfkill_.SetSoftByOther(w0_, true);
  rfkill_.SetSoftByOther(bt_, true);
  ASSERT_TRUE(m->OnRfkillReadable().ok());
  EXPECT_TRUE(m->radios_confirmed());
  EXPECT_EQ(sticks_.released, 1);
}

TEST_F(SessionTest, BurstOfUnblocksIsReblockedAndJournaled) {
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  ASSERT_TRUE(m->Start(staff_, "").ok());
  size_t writes = rfkill_.writes().size();
  // Three unblocks pending in one wake-up.
  rfkill_.SetSoftByOther(w0_, false);
  rfkill_.SetSoftByOther(w1_, false);
  rfkill_.SetSoftByOther(bt_, false);
  ASSERT_EQ(rfkill_.pending(), 3U);
  ASSERT_TRUE(m->OnRfkillReadable().ok());
  EXPECT_TRUE(Soft(w0_) && Soft(w1_) && Soft(bt_));
  // One CHANGE per radio that came up, then one CHANGE_ALL per type (not
  // per event).
  ASSERT_EQ(rfkill_.writes().size(), writes + 5);
  EXPECT_EQ(rfkill_.writes()[writes].op, os::RfkillOp::kChange);
  EXPECT_EQ(rfkill_.writes()[writes].idx, w0_);
  EXPECT_EQ(rfkill_.writes()[writes + 3].op, os::RfkillOp::kChangeAll);
  EXPECT_EQ(rfkill_.writes()[writes + 4].op, os::RfkillOp::kChangeAll);
  EXPECT_TRUE(rfkill_.type_default(kWlan));
  std::vector<journal::Event> attempts = EventsOf("radio.unblock_attempt");
  ASSERT_EQ(attempts.size(), 3U);
  EXPECT_EQ(attempts[0].details["name"], "phy0");
  EXPECT_EQ(attempts[0].details["type"], "wlan");
  EXPECT_EQ(attempts[0].details["op"], "change");
  EXPECT_FALSE(attempts[0].details["soft"].get<bool>());
  EXPECT_FALSE(attempts[0].details["hard"].get<bool>());
  std::vector<journal::Event> reblocked = EventsOf("radio.reblocked");
  ASSERT_EQ(reblocked.size(), 1U);
  EXPECT_GT(reblocked[0].details["micros"].get<int64_t>(), 0);
  EXPECT_TRUE(m->radios_confirmed());
  EXPECT_TRUE(sticks_.read_only_reasons.empty());
}

TEST_F(SessionTest, ChangeAllUnblockByOtherRestoresTypeDefault) {
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  ASSERT_TRUE(m->Start(staff_, "").ok());
  // Another program's CHANGE_ALL soft=0 also resets the type's default.
  ASSERT_TRUE(rfkill_.ChangeAll(kWlan, false).ok());
  EXPECT_FALSE(rfkill_.type_default(kWlan));
  ASSERT_TRUE(m->OnRfkillReadable().ok());
  EXPECT_TRUE(Soft(w0_) && Soft(w1_));
  EXPECT_TRUE(rfkill_.type_default(kWlan));
  EXPECT_EQ(EventsOf("radio.unblock_attempt").size(), 2U);
}

TEST_F(SessionTest, HardOnlyChangeIsNoAttempt) {
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  ASSERT_TRUE(m->Start(staff_, "").ok());
  rfkill_.SetHard(w0_, true);
  rfkill_.SetHard(w0_, false);
  ASSERT_TRUE(m->OnRfkillReadable().ok());
  EXPECT_TRUE(EventsOf("radio.unblock_attempt").empty());
}

TEST_F(SessionTest, ReblockFailureMakesSticksReadOnly) {
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  ASSERT_TRUE(m->Start(staff_, "").ok());
  rfkill_.FailWrites(EIO);
  rfkill_.SetSoftByOther(w0_, false);
  EXPECT_FALSE(m->OnRfkillReadable().ok());
  EXPECT_FALSE(m->radios_confirmed());
  ASSERT_EQ(sticks_.read_only_reasons.size(), 1U);
  EXPECT_THAT(sticks_.read_only_reasons[0], ::testing::HasSubstr("re-block"));
  EXPECT_EQ(EventsOf("radio.reblock_failed").size(), 1U);
  EXPECT_EQ(EventsOf("session.fail_closed").size(), 1U);
  // The gate stays closed for a stick verified now.
  EXPECT_FALSE(m->KeyedStickVerified({"sdc", "bb", "job", "h"}));
  // Blocked by someone else: still not confirmed (the type default may be
  // off after the failed write).
  rfkill_.FailWrites(0);
  rfkill_.SetSoftByOther(w0_, true);
  ASSERT_TRUE(m->OnRfkillReadable().ok());
  EXPECT_FALSE(m->radios_confirmed());
  // The next unblock is re-blocked by a write that works: confirmed again.
  rfkill_.SetSoftByOther(w0_, false);
  ASSERT_TRUE(m->OnRfkillReadable().ok());
  EXPECT_TRUE(m->radios_confirmed());
  EXPECT_EQ(sticks_.released, 2);
}

TEST_F(SessionTest, NewRadioAppearingUnblockedIsBlocked) {
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  ASSERT_TRUE(m->Start(staff_, "").ok());
  // A dongle whose driver ignores the type default.
  uint32_t dongle = rfkill_.AddRadio(RadioType::kWlan, "phy2", false);
  ASSERT_TRUE(m->OnRfkillReadable().ok());
  EXPECT_TRUE(Soft(dongle));
  std::vector<journal::Event> attempts = EventsOf("radio.unblock_attempt");
  ASSERT_EQ(attempts.size(), 1U);
  EXPECT_TRUE(attempts[0].details["new_radio"].get<bool>());
  EXPECT_EQ(attempts[0].details["op"], "add");
  // One taking the default arrives blocked: no attempt.
  rfkill_.AddRadio(RadioType::kWlan, "phy3");
  ASSERT_TRUE(m->OnRfkillReadable().ok());
  EXPECT_EQ(EventsOf("radio.unblock_attempt").size(), 1U);
}

TEST_F(SessionTest, EndRestoresEarlierState) {
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  ASSERT_TRUE(m->Start(staff_, "").ok());
  Result<Json> ended = m->End(staff_);
  ASSERT_TRUE(ended.ok());
  EXPECT_TRUE((*ended)["ended"].get<bool>());
  EXPECT_FALSE(m->active());
  // phy1 was blocked before: it stays blocked; the others are unblocked.
  EXPECT_FALSE(Soft(w0_));
  EXPECT_TRUE(Soft(w1_));
  EXPECT_FALSE(Soft(bt_));
  EXPECT_FALSE(rfkill_.type_default(kBluetooth));
  EXPECT_EQ(sticks_.read_only_reasons.size(), 1U);  // before the restore
  EXPECT_EQ(EventsOf("session.ended").size(), 1U);
  // After the end, unblocks are nobody's business.
  rfkill_.SetSoftByOther(w1_, false);
  ASSERT_TRUE(m->OnRfkillReadable().ok());
  EXPECT_FALSE(Soft(w1_));
  Result<std::string> file = ReadFileBytes(StateFile(), 4096);
  ASSERT_TRUE(file.ok());
  EXPECT_THAT(*file, ::testing::HasSubstr("\"active\":false"));
}

TEST_F(SessionTest, EndRefusedKeepsSessionWhenSticksCannotBeMadeReadOnly) {
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  ASSERT_TRUE(m->Start(staff_, "").ok());
  sticks_.fail_read_only = IoError("usb", "sdb", "BLKROSET failed");
  EXPECT_FALSE(m->End(staff_).ok());
  EXPECT_TRUE(m->active());
  EXPECT_TRUE(Soft(w0_));
}

TEST_F(SessionTest, RightsToEnd) {
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  ASSERT_TRUE(m->Start(staff_, "").ok());
  Result<Json> refused = m->End(other_);
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE((*refused)["ended"].get<bool>());
  EXPECT_EQ((*refused)["refused"], "not_starter");
  EXPECT_EQ(EventsOf("session.end_refused").size(), 1U);
  EXPECT_TRUE(m->active());
  Result<Json> by_root = m->End(root_);
  ASSERT_TRUE(by_root.ok());
  EXPECT_TRUE((*by_root)["ended"].get<bool>());
  Result<Json> none = m->End(root_);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ((*none)["refused"], "no_session");
}

TEST_F(SessionTest, KeyedStickStartsSessionAndRemovalEndsIt) {
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  KeyedStick stick{"sdb", "0123", "juminhyo", "Sato"};
  EXPECT_TRUE(m->KeyedStickVerified(stick));
  EXPECT_TRUE(m->active());
  EXPECT_EQ(m->state()->origin, Origin::kStick);
  EXPECT_EQ(m->state()->job, "juminhyo");
  EXPECT_TRUE(Soft(w0_));
  // No ReleaseWaiting re-entry while the USB module is calling us.
  EXPECT_EQ(sticks_.released, 0);
  // Staff cannot end it while the stick is in.
  Result<Json> refused = m->End(staff_);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ((*refused)["refused"], "stick_present");
  m->KeyedStickGone(stick);
  EXPECT_FALSE(m->active());
  EXPECT_FALSE(Soft(w0_));
  EXPECT_EQ(EventsOf("session.ended")[0].details["by"], "stick removed");
}

// The attacker's way to radios with a keyed stick in (issue 14 item 4):
// start a session by command, plug the stick, end the session. Refused for
// staff and for root alike while the stick is in; allowed once it is out.
TEST_F(SessionTest, NoSessionEndsWhileAKeyedStickIsIn) {
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  ASSERT_TRUE(m->Start(staff_, "juminhyo").ok());
  KeyedStick stick{"sdb", "0123", "juminhyo", "Sato"};
  EXPECT_TRUE(m->KeyedStickVerified(stick));
  sticks_.keyed.push_back({stick, true});
  for (const ipc::Peer& who : {staff_, ipc::Peer{1, 0, 0}}) {
    Result<Json> refused = m->End(who);
    ASSERT_TRUE(refused.ok());
    EXPECT_EQ((*refused)["refused"], "stick_present") << who.uid;
    EXPECT_TRUE(m->active());
    EXPECT_TRUE(Soft(w0_));
  }
  sticks_.keyed.clear();
  m->KeyedStickGone(stick);
  Result<Json> ended = m->End(staff_);
  ASSERT_TRUE(ended.ok());
  EXPECT_FALSE(m->active());
  EXPECT_FALSE(Soft(w0_));
}

TEST_F(SessionTest, StickRemovalDoesNotEndWhenPolicySaysSo) {
  rules_.ends_on_removal = false;
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  KeyedStick stick{"sdb", "0123", "j", "h"};
  EXPECT_TRUE(m->KeyedStickVerified(stick));
  m->KeyedStickGone(stick);
  EXPECT_TRUE(m->active());
  Result<Json> ended = m->End(staff_);  // no stick left: staff may end it
  ASSERT_TRUE(ended.ok());
  EXPECT_TRUE((*ended)["ended"].get<bool>());
}

TEST_F(SessionTest, StickDuringCommandSessionDoesNotEndIt) {
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  ASSERT_TRUE(m->Start(staff_, "").ok());
  KeyedStick stick{"sdb", "0123", "j", "h"};
  EXPECT_TRUE(m->KeyedStickVerified(stick));
  m->KeyedStickGone(stick);
  EXPECT_TRUE(m->active());
}

TEST_F(SessionTest, RestartMidSessionResumes) {
  {
    auto m = Make();
    ASSERT_TRUE(m->Init().ok());
    ASSERT_TRUE(m->Start(staff_, "job1").ok());
  }
  // The daemon died; meanwhile another program unblocked a radio.
  rfkill_.SetSoftByOther(w0_, false);
  ASSERT_TRUE(rfkill_.ReadEvents().ok());
  // The new daemon opens /dev/rfkill: one ADD per radio.
  for (const auto& [idx, radio] : rfkill_.radios()) {
    rfkill_.QueueEvent(
        {idx, radio.type, os::RfkillOp::kAdd, radio.soft, radio.hard});
  }
  events_.clear();
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  EXPECT_TRUE(m->active());
  EXPECT_TRUE(m->radios_confirmed());
  EXPECT_TRUE(Soft(w0_));
  EXPECT_EQ(m->state()->job, "job1");
  EXPECT_EQ(EventsOf("session.resumed").size(), 1U);
  // The earlier state (phy0 unblocked, phy1 blocked) was kept.
  ASSERT_TRUE(m->End(staff_).ok());
  EXPECT_FALSE(Soft(w0_));
  EXPECT_TRUE(Soft(w1_));
}

TEST_F(SessionTest, CorruptSessionFileFailsClosed) {
  ASSERT_TRUE(
      WriteFileAtomic(StateFile(), "{\"format\":\"piiguard-sess", 0600).ok());
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  EXPECT_TRUE(m->active());
  EXPECT_EQ(m->state()->origin, Origin::kRecovered);
  EXPECT_TRUE(Soft(w0_) && Soft(bt_));
  ASSERT_EQ(EventsOf("session.file_corrupt").size(), 1U);
  EXPECT_TRUE(std::filesystem::exists(StateFile() + ".corrupt"));
  Result<Json> refused = m->End(staff_);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ((*refused)["refused"], "root_only");
  ASSERT_TRUE(m->End(root_).ok());
  // Nothing is restored: the earlier state is unknown.
  EXPECT_TRUE(Soft(w0_));
}

TEST_F(SessionTest, StandaloneTakesLinksDownAndKeepsThemDown) {
  rules_.standalone = true;
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  EXPECT_TRUE(m->active());
  EXPECT_EQ(m->state()->origin, Origin::kStandalone);
  EXPECT_TRUE(links_.links().at(1).up);  // loopback untouched
  EXPECT_FALSE(links_.links().at(2).up);
  EXPECT_FALSE(links_.links().at(3).up);
  EXPECT_EQ(EventsOf("link.down").size(), 2U);
  // Brought back up by someone: down again, journaled.
  ASSERT_TRUE(links_.ReadChanges().ok());
  links_.SetUpByOther(2, true);
  ASSERT_TRUE(m->OnLinksReadable().ok());
  EXPECT_FALSE(links_.links().at(2).up);
  EXPECT_EQ(EventsOf("link.up_attempt").size(), 1U);
  // Staff cannot end a standalone session.
  Result<Json> refused = m->End(root_);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ((*refused)["refused"], "standalone");
  // A policy without standalone ends it and restores the links.
  SessionRules plain = rules_;
  plain.standalone = false;
  ASSERT_TRUE(m->ApplyRules(plain).ok());
  EXPECT_FALSE(m->active());
  EXPECT_TRUE(links_.links().at(2).up);
  EXPECT_TRUE(links_.links().at(3).up);
  EXPECT_FALSE(links_.links().at(4).up);  // was down before
}

TEST_F(SessionTest, StandaloneAllowKeepsInterfaceWithFirewall) {
  rules_.standalone = true;
  rules_.standalone_allow = {{"eth0", "192.0.2.0/24"}};
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  EXPECT_TRUE(links_.links().at(2).up);
  EXPECT_FALSE(links_.links().at(3).up);
  EXPECT_THAT(firewall_.current(),
              ::testing::HasSubstr("iifname \"eth0\" ip saddr 192.0.2.0/24"));
  EXPECT_TRUE(m->state()->firewall);
  SessionRules plain;
  plain.block_types = rules_.block_types;
  ASSERT_TRUE(m->ApplyRules(plain).ok());
  EXPECT_TRUE(firewall_.current().empty());
  EXPECT_EQ(firewall_.deleted().size(), 1U);
}

TEST_F(SessionTest, StandaloneWithoutNftFailsClosed) {
  rules_.standalone = true;
  rules_.standalone_allow = {{"eth0", "192.0.2.0/24"}};
  firewall_.Fail(NotFoundError("run", "nft", "No such file or directory"));
  auto m = Make();
  EXPECT_TRUE(m->Init().ok());
  EXPECT_FALSE(links_.links().at(2).up);  // the allowed one too
  EXPECT_EQ(EventsOf("link.firewall_failed").size(), 1U);
}

TEST_F(SessionTest, LinkThatCannotBeTakenDownFailsClosed) {
  rules_.standalone = true;
  links_.FailSetUp(EPERM);
  auto m = Make();
  EXPECT_FALSE(m->Init().ok());
  EXPECT_FALSE(sticks_.read_only_reasons.empty());
  EXPECT_FALSE(EventsOf("link.down_failed").empty());
}

TEST_F(SessionTest, BlockWriteFailureAtStartIsNotConfirmed) {
  rfkill_.FailWrites(EPERM);
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  Result<Json> answer = m->Start(staff_, "");
  ASSERT_TRUE(answer.ok());
  EXPECT_FALSE((*answer)["radios_confirmed"].get<bool>());
  EXPECT_TRUE(answer->contains("problem"));
  EXPECT_TRUE(EventsOf("radio.confirmed").empty());
  EXPECT_FALSE(m->KeyedStickVerified({"sdb", "aa", "j", "h"}));
  // Ending still works; the failed restore is reported, not hidden.
  Result<Json> ended = m->End(staff_);
  ASSERT_TRUE(ended.ok());
  EXPECT_TRUE((*ended)["ended"].get<bool>());
  EXPECT_TRUE(ended->contains("problem"));
}

TEST_F(SessionTest, ReadErrorFailsClosed) {
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  ASSERT_TRUE(m->Start(staff_, "").ok());
  rfkill_.FailReads(EIO);
  EXPECT_FALSE(m->OnRfkillReadable().ok());
  EXPECT_FALSE(m->radios_confirmed());
  EXPECT_EQ(sticks_.read_only_reasons.size(), 1U);
}

TEST_F(SessionTest, StatusPartNamesSessionRadiosAndLinks) {
  auto m = Make();
  ASSERT_TRUE(m->Init().ok());
  ASSERT_TRUE(m->Start(staff_, "job1").ok());
  Result<Json> part = m->StatusPart();
  ASSERT_TRUE(part.ok());
  EXPECT_TRUE((*part)["active"].get<bool>());
  EXPECT_EQ((*part)["origin"], "command");
  EXPECT_EQ((*part)["user"], "tanaka");
  EXPECT_EQ((*part)["job"], "job1");
  EXPECT_TRUE((*part)["radios_confirmed"].get<bool>());
  for (const Json& r : (*part)["radios"]) EXPECT_TRUE(r["blocked"].get<bool>());
  EXPECT_EQ((*part)["links"].size(), 3U);  // loopback left out
}

}  // namespace
}  // namespace piiguard::agent::session

namespace piiguard::agent::session {
namespace {

// A fresh /dev/rfkill descriptor, as the release process opens: the kernel
// sends an "add" for every radio there is.
void Reopen(FakeRfkill& rfkill) {
  for (const auto& [idx, radio] : rfkill.radios()) {
    rfkill.QueueEvent(
        {idx, radio.type, os::RfkillOp::kAdd, radio.soft, radio.hard});
  }
}

// `piiguardd --release`: a standalone session (which nobody may end) is
// ended by a manager made with no rules, as the release makes it; the
// radios, links and nft table come back as they were before it.
TEST_F(SessionTest, ReleaseEndsEvenAStandaloneSessionAndRestores) {
  rules_.standalone = true;
  rules_.standalone_allow = {{"eth0", "192.0.2.0/24"}};
  {
    auto daemon = Make();
    ASSERT_TRUE(daemon->Init().ok());
    ASSERT_TRUE(daemon->active());
  }  // the daemon stops; the session stays on disk
  ASSERT_TRUE(Soft(w0_) && Soft(bt_));
  ASSERT_FALSE(links_.links().at(3).up);
  rules_ = SessionRules{};
  Reopen(rfkill_);
  auto release = Make();
  release->SetStickControl(nullptr);
  Result<Json> released = release->Release();
  ASSERT_TRUE(released.ok()) << released.status().message();
  EXPECT_TRUE((*released)["session"].get<bool>());
  EXPECT_EQ((*released)["origin"], "standalone");
  EXPECT_FALSE(released->contains("problem")) << released->dump();
  EXPECT_FALSE(Soft(w0_));
  EXPECT_TRUE(Soft(w1_));  // blocked before the session: stays blocked
  EXPECT_FALSE(Soft(bt_));
  EXPECT_TRUE(links_.links().at(3).up);
  EXPECT_FALSE(links_.links().at(4).up);  // was down before
  EXPECT_TRUE(firewall_.current().empty());
  ASSERT_EQ(EventsOf("session.ended").size(), 1U);
  EXPECT_EQ(EventsOf("session.ended")[0].details["by"], "release");
  EXPECT_TRUE(EventsOf("radio.unblock_attempt").empty());
  // Again: nothing left to do.
  Reopen(rfkill_);
  auto again = Make();
  Result<Json> second = again->Release();
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE((*second)["session"].get<bool>());
  EXPECT_EQ(EventsOf("session.ended").size(), 1U);
}

TEST_F(SessionTest, ReleaseWithoutSessionChangesNothing) {
  auto m = Make();
  Result<Json> released = m->Release();
  ASSERT_TRUE(released.ok());
  EXPECT_FALSE((*released)["session"].get<bool>());
  EXPECT_TRUE(rfkill_.writes().empty());
  EXPECT_TRUE(Soft(w1_));
}

// A corrupt session file: what was blocked before is unknown. A PC
// without piiguard blocks no radio: every radio is unblocked, the table
// removed; the links are left as they are, and the answer says so.
TEST_F(SessionTest, ReleaseAfterACorruptFileUnblocksEveryRadio) {
  ASSERT_TRUE(WriteFileAtomic(StateFile(), "{not json", 0600).ok());
  rfkill_.SetSoftByOther(w0_, true);
  auto m = Make();
  Result<Json> released = m->Release();
  ASSERT_TRUE(released.ok());
  EXPECT_TRUE((*released)["corrupt"].get<bool>());
  EXPECT_EQ((*released)["restored"]["links"], "earlier state unknown");
  EXPECT_FALSE(Soft(w0_) || Soft(w1_) || Soft(bt_));
  EXPECT_EQ(firewall_.deleted().size(), 1U);
  EXPECT_FALSE(m->active());
}

// What cannot be restored is in the answer (the release then fails).
TEST_F(SessionTest, ReleaseSaysWhatCouldNotBeRestored) {
  {
    auto daemon = Make();
    ASSERT_TRUE(daemon->Init().ok());
    ASSERT_TRUE(daemon->Start(staff_, "").ok());
  }
  rfkill_.FailWrites(EPERM);
  Reopen(rfkill_);
  auto release = Make();
  release->SetStickControl(nullptr);
  Result<Json> released = release->Release();
  ASSERT_TRUE(released.ok());
  ASSERT_TRUE(released->contains("problem")) << released->dump();
  EXPECT_TRUE(Soft(w0_));
}

}  // namespace
}  // namespace piiguard::agent::session
