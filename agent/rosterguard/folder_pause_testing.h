// The folder pause's test fixture (folder_pause_test.cc,
// folder_pause_attack_test.cc): the guard's fixture (guard_testing.h) with
// staff's home (uid 1000) holding the folder "merge", another user's home
// (uid 1001), and the exception service's grants as a list the test sets.
#ifndef PIIGUARD_AGENT_ROSTERGUARD_FOLDER_PAUSE_TESTING_H_
#define PIIGUARD_AGENT_ROSTERGUARD_FOLDER_PAUSE_TESTING_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "agent/rosterguard/folder_pause.h"
#include "agent/rosterguard/guard_testing.h"

namespace piiguard::agent::rosterguard {

inline constexpr uid_t kStaff = 1000;
inline constexpr uid_t kOther = 1001;
inline constexpr const char* kFolder = "/home/staff/merge";

// The first entry of `type` in `journal`, or null.
inline const journal::Event* Find(const std::vector<journal::Event>& journal,
                                  const std::string& type) {
  for (const journal::Event& e : journal) {
    if (e.type == type) return &e;
  }
  return nullptr;
}

class FakeGrants : public ExceptionGrants {
 public:
  std::vector<ScopeGrant> Running(exception::ScopeKind scope) override {
    if (scope != exception::ScopeKind::kRosterFolderPause) return {};
    return running;
  }
  std::vector<ScopeGrant> running;
};

class FolderPauseTest : public GuardTest {
 protected:
  void SetUp() override {
    files_.AddDirectory("/home");
    files_.AddDirectory("/home/staff", 0755, kStaff);
    files_.AddDirectory(kFolder, 0755, kStaff);
    files_.AddDirectory("/home/staff/merge-old", 0755, kStaff);
    files_.AddDirectory("/home/other", 0755, kOther);
    files_.AddDirectory("/home/other/work", 0755, kOther);
    GuardTest::SetUp();
    guard_.emplace(MakeGuard());
    pause_.emplace(MakeDeps());
    guard_->SetPause(&*pause_);
    pause_->SetGrants(&grants_);
  }

  FolderPauseDeps MakeDeps() {
    return FolderPauseDeps{files_,
                           *guard_,
                           recording_notifier_,
                           kQuarantine,
                           "/var/lib/piiguard",
                           [](uid_t uid) -> std::string {
                             if (uid == kStaff) return "/home/staff";
                             if (uid == kOther) return "/home/other";
                             return "";
                           },
                           [] { return std::vector<std::string>{"/"}; }};
  }

  void StartGrant(const std::string& folder, const std::string& id = "42") {
    grants_.running.push_back(ScopeGrant{id, "山田 花子", folder, 0});
    pause_->GrantsChanged();
  }
  void EndGrant(const std::string& id = "42") {
    std::erase_if(grants_.running,
                  [&](const ScopeGrant& g) { return g.grant == id; });
    pause_->GrantsChanged();
  }
  void WriteRoster(const std::string& path) {
    ASSERT_TRUE(events_.Write(path, RosterCsv(), kStaffPid)) << path;
    Pump(*guard_);
  }
  bool Gone(const std::string& path) const {
    return files_.KindOf(path) == FakeFileSystem::Kind::kNone;
  }
  size_t Count(const std::string& type) const {
    return static_cast<size_t>(std::ranges::count(Types(), type));
  }

  FakeGrants grants_;
  std::optional<Guard> guard_;
  std::optional<FolderPause> pause_;
};

}  // namespace piiguard::agent::rosterguard

#endif  // PIIGUARD_AGENT_ROSTERGUARD_FOLDER_PAUSE_TESTING_H_
