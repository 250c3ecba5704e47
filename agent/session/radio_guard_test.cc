#include "agent/session/radio_guard.h"

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>

#include "agent/journal/testing/recording_appender.h"
#include "agent/session/session_manager.h"
#include "common/os/testing/fake_clock.h"
#include "common/os/testing/fake_firewall.h"
#include "common/os/testing/fake_links.h"
#include "common/os/testing/fake_rfkill.h"

namespace piiguard::agent::session {
namespace {

using os::FakeRfkill;
using os::RadioType;
using os::RfkillEvent;
using os::RfkillOp;

constexpr uint8_t kWlan = 1;
constexpr uint8_t kBluetooth = 2;

TEST(GuardMaskTest, TypesAndAll) {
  EXPECT_EQ(GuardMask({}), 0U);
  EXPECT_EQ(GuardMask({kWlan, kBluetooth}), (1U << kWlan) | (1U << kBluetooth));
  EXPECT_EQ(GuardMask({kWlan, 0}), 0xffffffffU);
  EXPECT_EQ(GuardMask({200}), 0U);  // an unknown type past the mask
}

class RadioGuardTest : public ::testing::Test {
 protected:
  RadioGuardTest() : reader_(rfkill_.NewReader()), guard_(*reader_, clock_) {
    clock_.SetReadStepUs(3);
  }

  bool Soft(uint32_t idx) const { return rfkill_.radios().at(idx).soft; }

  FakeRfkill rfkill_;
  std::unique_ptr<os::Rfkill> reader_;
  os::FakeClock clock_{os::FakeClock::kDefaultWallMs, 0};
  RadioGuard guard_;
};

// The attack: another program unblocks wlan during a session while the
// event loop is busy (it never runs here): the guard alone blocks it again.
TEST_F(RadioGuardTest, UndoesAnUnblockWithoutTheEventLoop) {
  uint32_t w = rfkill_.AddRadio(RadioType::kWlan, "phy0", true);
  uint32_t bt = rfkill_.AddRadio(RadioType::kBluetooth, "hci0", false);
  guard_.SetGuarded(GuardMask({kWlan}));
  ASSERT_TRUE(guard_.Pump().ok());  // the add events: nothing to undo for wlan
  size_t writes = rfkill_.writes().size();
  rfkill_.SetSoftByOther(w, false);
  ASSERT_TRUE(guard_.Pump().ok());
  EXPECT_TRUE(Soft(w));
  ASSERT_EQ(rfkill_.writes().size(), writes + 2);
  EXPECT_EQ(rfkill_.writes()[writes].op, RfkillOp::kChange);
  EXPECT_EQ(rfkill_.writes()[writes].idx, w);
  EXPECT_EQ(rfkill_.writes()[writes + 1].op, RfkillOp::kChangeAll);
  EXPECT_EQ(rfkill_.writes()[writes + 1].type, kWlan);
  EXPECT_TRUE(rfkill_.type_default(kWlan));
  EXPECT_FALSE(Soft(bt));  // not guarded: left alone
  RadioGuard::Stats st = guard_.stats();
  EXPECT_EQ(st.reblocks, 1U);
  EXPECT_GT(st.last_micros, 0);
  // Its own block event comes back: nothing more is written.
  ASSERT_TRUE(guard_.Pump().ok());
  EXPECT_EQ(rfkill_.writes().size(), writes + 2);
}

TEST_F(RadioGuardTest, ARadioThatAppearsUnblockedIsBlocked) {
  guard_.SetGuarded(GuardMask({0}));  // every type
  uint32_t dongle = rfkill_.AddRadio(RadioType::kWwan, "wwan0", false);
  ASSERT_TRUE(guard_.Pump().ok());
  EXPECT_TRUE(Soft(dongle));
  EXPECT_EQ(guard_.stats().reblocks, 1U);
}

TEST_F(RadioGuardTest, NothingGuardedNothingWritten) {
  uint32_t w = rfkill_.AddRadio(RadioType::kWlan, "phy0", true);
  ASSERT_TRUE(guard_.Pump().ok());
  rfkill_.SetSoftByOther(w, false);
  ASSERT_TRUE(guard_.Pump().ok());
  EXPECT_FALSE(Soft(w));
  EXPECT_TRUE(rfkill_.writes().empty());
}

TEST_F(RadioGuardTest, AFailedWriteIsReturnedAndKept) {
  uint32_t w = rfkill_.AddRadio(RadioType::kWlan, "phy0", true);
  guard_.SetGuarded(GuardMask({kWlan}));
  ASSERT_TRUE(guard_.Pump().ok());
  rfkill_.SetSoftByOther(w, false);
  rfkill_.FailWrites(EIO);
  Status s = guard_.Pump();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(guard_.stats().last_error.find("fake"), std::string::npos);
}

TEST_F(RadioGuardTest, AThreadNeedsADescriptor) {
  EXPECT_FALSE(RadioGuardThread::Start(guard_).ok());
}

// The manager keeps the guard's set: set before a start blocks the radios,
// cleared before an end restores them, so the guard never undoes a restore.
class GuardedSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/radio_guard_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    w_ = rfkill_.AddRadio(RadioType::kWlan, "phy0", false);
    SessionConfig config;
    config.state_file = dir_ + "/session.json";
    clock_.SetReadStepUs(7);
    guard_clock_.SetReadStepUs(3);
    config.clock = &clock_;
    config.journal = &journal_;
    config.guard_types = [this](uint32_t mask) {
      guard_.SetGuarded(mask);
      published_.emplace_back(mask, rfkill_.writes().size());
    };
    config.guard_micros = [this] { return guard_.stats().last_micros; };
    SessionRules rules;
    rules.block_types = {kWlan};
    manager_ = std::make_unique<SessionManager>(config, rfkill_, &links_,
                                                &firewall_, rules);
    ASSERT_TRUE(manager_->Init().ok());
    ASSERT_TRUE(guard_.Pump().ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  size_t Count(std::string_view type) const {
    size_t n = 0;
    for (const journal::Event& e : events_) n += e.type == type ? 1 : 0;
    return n;
  }

  std::string dir_;
  FakeRfkill rfkill_;
  std::unique_ptr<os::Rfkill> reader_ = rfkill_.NewReader();
  os::FakeClock clock_{1780282800000, 0};        // the manager's
  os::FakeClock guard_clock_{1780282800000, 0};  // the guard's thread's
  RadioGuard guard_{*reader_, guard_clock_};
  os::FakeLinks links_;
  os::FakeFirewall firewall_;
  std::unique_ptr<SessionManager> manager_;
  std::vector<journal::Event> events_;
  journal::testing::RecordingAppender journal_{events_};
  std::vector<std::pair<uint32_t, size_t>> published_;  // mask, writes then
  uint32_t w_ = 0;
  ipc::Peer staff_{100, 1000, 1000};
};

TEST_F(GuardedSessionTest, SetBeforeTheBlockClearedBeforeTheRestore) {
  size_t before = rfkill_.writes().size();
  ASSERT_TRUE(manager_->Start(staff_, "").ok());
  ASSERT_FALSE(published_.empty());
  EXPECT_EQ(published_.front().first, 1U << kWlan);
  EXPECT_EQ(published_.front().second, before);  // before any block write
  EXPECT_EQ(guard_.guarded(), 1U << kWlan);
  ASSERT_TRUE(guard_.Pump().ok());
  ASSERT_TRUE(manager_->OnRfkillReadable().ok());
  published_.clear();
  size_t at_end = rfkill_.writes().size();
  ASSERT_TRUE(manager_->End(staff_).ok());
  ASSERT_FALSE(published_.empty());
  EXPECT_EQ(published_.front().first, 0U);
  EXPECT_EQ(published_.front().second, at_end);  // before the restore
  EXPECT_FALSE(rfkill_.radios().at(w_).soft);    // restored as it was
  // The restore's own unblock event reaches the guard after the clear.
  ASSERT_TRUE(guard_.Pump().ok());
  EXPECT_FALSE(rfkill_.radios().at(w_).soft);
  EXPECT_EQ(guard_.stats().reblocks, 0U);
}

// The loop handles the events later (after the guard): the guard has
// already undone the unblock; the attempt is still journaled, with the
// guard's time, and the session stays confirmed (no fail-closed on the
// passing unblock).
TEST_F(GuardedSessionTest, TheLoopJournalsWhatTheGuardUndid) {
  ASSERT_TRUE(manager_->Start(staff_, "").ok());
  ASSERT_TRUE(guard_.Pump().ok());
  ASSERT_TRUE(manager_->OnRfkillReadable().ok());
  ASSERT_TRUE(manager_->radios_confirmed());
  rfkill_.SetSoftByOther(w_, false);
  ASSERT_TRUE(guard_.Pump().ok());  // the guard's thread, first
  EXPECT_TRUE(rfkill_.radios().at(w_).soft);
  EXPECT_EQ(Count("radio.unblock_attempt"), 0U);  // the loop has not run
  ASSERT_TRUE(manager_->OnRfkillReadable().ok());
  EXPECT_EQ(Count("radio.unblock_attempt"), 1U);
  ASSERT_EQ(Count("radio.reblocked"), 1U);
  for (const journal::Event& e : events_) {
    if (e.type != "radio.reblocked") continue;
    EXPECT_EQ(e.details["guard_micros"].get<int64_t>(),
              guard_.stats().last_micros);
  }
  EXPECT_EQ(Count("session.fail_closed"), 0U);
  EXPECT_TRUE(manager_->radios_confirmed());
}

// A pollable Rfkill for the thread: events queued by the test, an eventfd
// readable while any is pending, writes signalled to the waiting test.
class PollableRfkill : public os::Rfkill {
 public:
  PollableRfkill() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
  int fd() const override { return fd_.get(); }
  Result<std::vector<RfkillEvent>> ReadEvents() override {
    std::lock_guard<std::mutex> lock(mu_);
    uint64_t n = 0;
    if (::read(fd_.get(), &n, sizeof n) < 0 && errno != EAGAIN) {
      return ErrnoStatus("rfkill", "eventfd", errno);
    }
    std::vector<RfkillEvent> out(queue_.begin(), queue_.end());
    queue_.clear();
    return out;
  }
  Status ChangeAll(uint8_t type, bool soft) override {
    return Record(RfkillEvent{0, type, RfkillOp::kChangeAll, soft, false});
  }
  Status Change(uint32_t idx, bool soft) override {
    Status s = Record(RfkillEvent{idx, 0, RfkillOp::kChange, soft, false});
    // A driver that refuses the block: the radio comes back unblocked.
    if (refuses_) Queue(RfkillEvent{idx, 1, RfkillOp::kChange, false, false});
    return s;
  }
  void set_refuses(bool refuses) { refuses_ = refuses; }
  Result<std::string> Name(uint32_t /*idx*/) const override {
    return std::string("x");
  }

  void Queue(const RfkillEvent& e) {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(e);
    uint64_t one = 1;
    ASSERT_EQ(::write(fd_.get(), &one, sizeof one), 8);
  }
  // Waits (on a condition, not a clock) until `n` writes were made.
  bool WaitForWrites(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30),
                        [&] { return writes_.size() >= n; });
  }
  std::vector<RfkillEvent> writes() {
    std::lock_guard<std::mutex> lock(mu_);
    return writes_;
  }

 private:
  Status Record(const RfkillEvent& e) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      writes_.push_back(e);
    }
    cv_.notify_all();
    return Status::Ok();
  }
  UniqueFd fd_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<RfkillEvent> queue_;
  std::vector<RfkillEvent> writes_;
  bool refuses_ = false;
};

TEST(RadioGuardThreadTest, ReblocksOnItsOwnThreadAndStops) {
  PollableRfkill rfkill;
  os::FakeClock clock(os::FakeClock::kDefaultWallMs, 5);
  RadioGuard guard(rfkill, clock);
  guard.SetGuarded(GuardMask({kWlan}));
  Result<std::unique_ptr<RadioGuardThread>> t = RadioGuardThread::Start(guard);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_TRUE((*t)->running());
  rfkill.Queue(RfkillEvent{4, kWlan, RfkillOp::kChange, false, false});
  ASSERT_TRUE(rfkill.WaitForWrites(2));
  std::vector<RfkillEvent> writes = rfkill.writes();
  EXPECT_EQ(writes[0], (RfkillEvent{4, 0, RfkillOp::kChange, true, false}));
  EXPECT_EQ(writes[1].op, RfkillOp::kChangeAll);
  (*t)->Stop();
  EXPECT_FALSE((*t)->running());
  EXPECT_EQ((*t)->stopped_why(), "stopped");
  EXPECT_FALSE((*t)->priority().empty());
}

// A radio that never stays blocked must not keep a real-time thread busy:
// past the storm limit the thread ends (the loop's path takes over).
TEST(RadioGuardThreadTest, EndsOnAReblockStorm) {
  PollableRfkill rfkill;
  rfkill.set_refuses(true);
  os::FakeClock clock(os::FakeClock::kDefaultWallMs, 5);  // all in one second
  RadioGuard guard(rfkill, clock);
  guard.SetGuarded(GuardMask({kWlan}));
  Result<std::unique_ptr<RadioGuardThread>> t = RadioGuardThread::Start(guard);
  ASSERT_TRUE(t.ok()) << t.status().message();
  rfkill.Queue(RfkillEvent{4, kWlan, RfkillOp::kChange, false, false});
  // 201 re-blocks, each a CHANGE and a CHANGE_ALL, then the thread ends.
  ASSERT_TRUE(rfkill.WaitForWrites(402));
  (*t)->Stop();  // joins: returns once the thread has ended either way
  EXPECT_FALSE((*t)->running());
  EXPECT_NE((*t)->stopped_why().find("re-block storm"), std::string::npos)
      << (*t)->stopped_why();
  EXPECT_LE(guard.stats().reblocks, 201U + 16U);
}

}  // namespace
}  // namespace piiguard::agent::session
