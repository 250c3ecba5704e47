// Test fixture for the journal (tests only): a temporary directory, a
// device key, a fake clock, and raw-SQLite helpers that tamper with the
// file the way an attacker with write access would.
//
// Thread-safety: the clock is atomic; the rest is one test's state.
#ifndef PIIGUARD_AGENT_JOURNAL_JOURNAL_TEST_UTIL_H_
#define PIIGUARD_AGENT_JOURNAL_JOURNAL_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/journal/journal.h"
#include "common/os/testing/fake_clock.h"
#include "common/sqlite.h"

namespace piiguard::journal::testing {

class JournalFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/journal_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/journal.db";
    auto key = Ed25519PrivateKey::Generate();
    ASSERT_TRUE(key.ok());
    key_.emplace(std::move(key).value());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  const os::Clock& Clock() { return clock_; }

  std::unique_ptr<Journal> OpenJournal() {
    auto journal = Journal::Open(path_, *key_, Clock());
    EXPECT_TRUE(journal.ok()) << journal.status().ToString();
    if (!journal.ok()) return nullptr;
    return std::move(journal).value();
  }

  static Event NearMiss(int n) {
    return Event{"near_miss.reported", Severity::kNotice, "uid:1000",
                 Json{{"n", n}}};
  }

  // A journal with entries 1..count+1 (journal.created and `count` events,
  // each committed alone), closed.
  void MakeJournal(int count) {
    auto journal = OpenJournal();
    ASSERT_NE(journal, nullptr);
    for (int i = 0; i < count; ++i) {
      ASSERT_TRUE(journal->Append(NearMiss(i)).ok());
    }
  }

  sqlite::Database Raw() {
    auto db = sqlite::Database::Open(path_, SQLITE_OPEN_READWRITE);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return std::move(db).value();
  }

  void Exec(const std::string& sql) {
    sqlite::Database db = Raw();
    Status status = db.Exec(sql);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  std::vector<uint64_t> CheckpointSeqs() {
    sqlite::Database db = Raw();
    auto select = db.Prepare("SELECT seq FROM checkpoints ORDER BY seq");
    std::vector<uint64_t> seqs;
    while (select.ok()) {
      auto row = select->Step();
      if (!row.ok() || !*row) break;
      seqs.push_back(static_cast<uint64_t>(select->ColumnInt(0)));
    }
    return seqs;
  }

  std::vector<Entry> AllEntries() {
    auto entries = ReadEntries(path_, {});
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    return entries.ok() ? *entries : std::vector<Entry>{};
  }

  // Writes `entry` at its seq (replacing the row), as an attacker would.
  void WriteRow(const Entry& entry) {
    sqlite::Database db = Raw();
    auto insert = db.Prepare(
        "INSERT OR REPLACE INTO entries(seq, time, type, severity, subject, "
        "details, prev, hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    ASSERT_TRUE(insert.ok());
    auto bytes = [](const Hash& h) {
      return std::string_view(reinterpret_cast<const char*>(h.data()),
                              h.size());
    };
    ASSERT_TRUE(insert->BindInt(1, static_cast<int64_t>(entry.seq)).ok());
    ASSERT_TRUE(insert->BindInt(2, entry.time_ms).ok());
    ASSERT_TRUE(insert->BindText(3, entry.type).ok());
    ASSERT_TRUE(insert->BindText(4, SeverityName(entry.severity)).ok());
    ASSERT_TRUE(insert->BindText(5, entry.subject).ok());
    ASSERT_TRUE(insert->BindText(6, entry.details).ok());
    ASSERT_TRUE(insert->BindBlob(7, bytes(entry.prev)).ok());
    ASSERT_TRUE(insert->BindBlob(8, bytes(entry.hash)).ok());
    Status status = insert->Run();
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  // Rewrites entries from `seq` on consistently: entry `seq`'s subject
  // changes and every hash from there on is recomputed and relinked.
  // Checkpoints are left alone (the attacker has no device key).
  void RewriteFrom(uint64_t seq) {
    std::vector<Entry> entries = AllEntries();
    Hash prev = entries.at(seq - 2).hash;
    for (size_t i = seq - 1; i < entries.size(); ++i) {
      Entry& entry = entries[i];
      if (entry.seq == seq) entry.subject = "uid:0";
      entry.prev = prev;
      entry.hash = EntryHash(entry);
      prev = entry.hash;
      WriteRow(entry);
    }
  }

  Result<VerifyReport> Verify() {
    return VerifyJournalFile(path_, key_->PublicKey());
  }

  std::string dir_;
  std::string path_;
  std::optional<Ed25519PrivateKey> key_;
  // One millisecond later at every reading: entries' times are distinct.
  os::FakeClock clock_{1790000000000, 1000000, 1000};
};

}  // namespace piiguard::journal::testing

#endif  // PIIGUARD_AGENT_JOURNAL_JOURNAL_TEST_UTIL_H_
