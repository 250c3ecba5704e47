// The roster guard's test fixture (guard_test.cc, guard_attack_test.cc): a
// Guard on FakeFileSystem and FakeFileEvents with inline jobs, a journal
// that keeps what it is given, and a stick that is in or not.
#ifndef PIIGUARD_AGENT_ROSTERGUARD_GUARD_TESTING_H_
#define PIIGUARD_AGENT_ROSTERGUARD_GUARD_TESTING_H_

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "agent/rosterguard/guard.h"
#include "common/json_fwd.h"
#include "common/os/testing/fake_clock.h"
#include "common/os/testing/fake_fanotify.h"
#include "common/os/testing/fake_file_system.h"

namespace piiguard::agent::rosterguard {

using os::FakeFileSystem;
using Op = FakeFileSystem::Op;

inline constexpr int kDaemonPid = 100;
inline constexpr int kStaffPid = 4242;
inline constexpr const char* kQuarantine = "/var/lib/piiguard/quarantine";
inline constexpr const char* kStick = "/media/staff/STICK";

inline std::string RosterCsv() {
  std::string out = "氏名,フリガナ,住所,電話番号\n";
  const char* names[] = {"山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 次郎",
                         "田中 三郎", "伊藤 四郎", "渡辺 五郎"};
  int i = 0;
  for (const char* n : names) {
    ++i;
    out += std::string(n) + ",ヤマダ タロウ,東京都東村山市本町1-2-" +
           std::to_string(i) + ",090-1234-56" + std::to_string(10 + i) + "\n";
  }
  return out;
}

inline const char* const kMinutes =
    "令和7年第1回総務委員会記録\n出席委員 山田委員長 佐藤副委員長\n"
    "議案第1号について審査した。\n";

class GuardTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto d = roster::Detector::Create();
    ASSERT_TRUE(d.ok()) << d.status().message();
    detector_ = std::move(*d).release();
  }
  static void TearDownTestSuite() { delete detector_; }

  void SetUp() override {
    files_.AddDirectory("/home");
    files_.AddDirectory("/home/staff");
    files_.AddDirectory("/home/staff/excluded");
    files_.AddDirectory("/var");
    files_.AddDirectory("/var/lib");
    files_.AddDirectory("/var/lib/piiguard", 0700);
    files_.AddDirectory(kQuarantine, 0700);
    files_.AddDirectory("/media");
    files_.AddDirectory("/media/staff");
    files_.AddDirectory(kStick);
    files_.AddMount(kStick, 2);
    ASSERT_TRUE(events_.MarkFilesystem("/").ok());
    auto key = X25519PrivateKey::Generate();
    ASSERT_TRUE(key.ok());
    office_key_.emplace(std::move(*key));
    rules_.quarantine_key = office_key_->PublicKey();
    rules_.exclude_paths = {"/home/staff/excluded"};
  }

  // The journal as the real one checks entries (canonical JSON, UTF-8
  // only); every entry is kept in journal_, and journal_error_ is returned.
  class RecordingJournal : public journal::Appender {
   public:
    explicit RecordingJournal(GuardTest& test) : test_(test) {}
    Result<uint64_t> Append(const journal::Event& e) override {
      Result<std::string> bytes = CanonicalJson(e.details, "details");
      if (!bytes.ok()) return bytes.status();
      test_.journal_.push_back(e);
      if (!test_.journal_error_.ok()) return test_.journal_error_;
      return test_.journal_.size();
    }

   private:
    GuardTest& test_;
  };
  class RecordingNotifier : public notify::Notifier {
   public:
    explicit RecordingNotifier(GuardTest& test) : test_(test) {}
    void Notify(const notify::Notice& n) override {
      test_.notices_.push_back(n);
    }

   private:
    GuardTest& test_;
  };
  // The rule itself is stick_choice_test's: here the stick takes the
  // rosters of one owner while it is in.
  class OneOwnersStick : public StickChooser {
   public:
    explicit OneOwnersStick(GuardTest& test) : test_(test) {}
    std::optional<StickMount> For(uint32_t owner_uid) override {
      if (!test_.stick_in_ || owner_uid != test_.stick_owner_) {
        return std::nullopt;
      }
      return StickMount{kStick,
                        test_.stick_dev_ != 0 ? test_.stick_dev_
                                              : test_.files_.DeviceOf(kStick),
                        "stick-1"};
    }

   private:
    GuardTest& test_;
  };

  Guard MakeGuard() {
    GuardDeps deps{files_,
                   *detector_,
                   recording_journal_,
                   recording_notifier_,
                   clock_,
                   inline_,
                   kDaemonPid,
                   [this](const Status& s) { journal_failures_.push_back(s); }};
    Destinations destinations;
    destinations.sticks = &stick_;
    destinations.quarantine_dir = kQuarantine;
    destinations.pc = [] { return std::string("pc-0001"); };
    return {std::move(deps), rules_, std::move(destinations)};
  }

  void Pump(Guard& guard) {
    auto batch = events_.Drain();
    ASSERT_TRUE(batch.ok()) << batch.status().message();
    guard.OnEvents(std::move(*batch));
  }

  std::vector<std::string> Types() const {
    std::vector<std::string> out;
    out.reserve(journal_.size());
    for (const auto& e : journal_) out.push_back(e.type);
    return out;
  }

  inline static roster::Detector* detector_ = nullptr;
  os::FakeClock clock_{int64_t{1780000000} * 1000};
  FakeFileSystem files_;
  os::FakeFileEvents events_{&files_};
  std::optional<X25519PrivateKey> office_key_;
  Rules rules_;
  bool stick_in_ = false;
  std::vector<journal::Event> journal_;
  std::vector<notify::Notice> notices_;
  Status journal_error_;
  std::vector<Status> journal_failures_;
  uint32_t stick_owner_ = 1000;  // FakeFileSystem::AddFile's default uid
  uint64_t stick_dev_ = 0;       // 0: the stick's own device
  RecordingJournal recording_journal_{*this};
  RecordingNotifier recording_notifier_{*this};
  OneOwnersStick stick_{*this};
  InlineExecutor inline_;
};

}  // namespace piiguard::agent::rosterguard

#endif  // PIIGUARD_AGENT_ROSTERGUARD_GUARD_TESTING_H_
