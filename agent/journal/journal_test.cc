#include "agent/journal/journal.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "agent/journal/fault_vfs.h"
#include "agent/journal/journal_test_util.h"
#include "common/json.h"
#include "common/sqlite.h"

namespace piiguard::journal {
namespace {

using testing::JournalFixture;

TEST_F(JournalFixture, CreatesJournalWithCreatedEntry) {
  auto journal = OpenJournal();
  EXPECT_EQ(journal->head_seq(), 1u);
  EXPECT_EQ(journal->chain().size(), 32u);
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto entries = ReadEntries(path_, {});
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 1u);
  const Entry& created = (*entries)[0];
  EXPECT_EQ(created.seq, 1u);
  EXPECT_EQ(created.type, "journal.created");
  EXPECT_EQ(created.severity, Severity::kNotice);
  EXPECT_EQ(created.subject, "journal");
  EXPECT_EQ(created.details, R"({"chain":")" + journal->chain() +
                                 R"(","device_key":")" +
                                 key_->PublicKey().KeyId() +
                                 R"(","reason":"new journal file"})");
  EXPECT_EQ(created.time_ms, 1790000000000);
  EXPECT_EQ(created.prev, Hash{});

  // Pragmas: WAL and synchronous=FULL on the writer's file.
  auto db = sqlite::Database::Open(path_, SQLITE_OPEN_READONLY);
  ASSERT_TRUE(db.ok());
  auto mode = db->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok() && mode->Step().ok());
  EXPECT_EQ(mode->ColumnText(0), "wal");
}

TEST_F(JournalFixture, TwoJournalsHaveDifferentChains) {
  auto a = OpenJournal();
  std::string other = dir_ + "/other.db";
  auto b = Journal::Open(other, *key_, Clock());
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a->chain(), (*b)->chain());
}

TEST_F(JournalFixture, AppendReopenAndVerify) {
  std::string chain;
  {
    auto journal = OpenJournal();
    chain = journal->chain();
    for (int i = 0; i < 10; ++i) {
      auto seq = journal->Append(NearMiss(i));
      ASSERT_TRUE(seq.ok()) << seq.status().ToString();
      EXPECT_EQ(*seq, static_cast<uint64_t>(i + 2));
    }
  }
  auto journal = OpenJournal();
  EXPECT_EQ(journal->chain(), chain);
  EXPECT_EQ(journal->head_seq(), 11u);
  auto seq = journal->Append(NearMiss(99));
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(*seq, 12u);

  auto report = VerifyJournalFile(path_, key_->PublicKey());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->entries, 12u);
  EXPECT_EQ(report->head_seq, 12u);
  auto entries = ReadEntries(path_, {});
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(report->head, entries->back().hash);
  // Without a key: consistency under the key named in the file.
  auto meta_only = VerifyJournalFile(path_, std::nullopt);
  ASSERT_TRUE(meta_only.ok());
  EXPECT_TRUE(meta_only->ok);
}

TEST_F(JournalFixture, AppendRefusesInvalidEvents) {
  auto journal = OpenJournal();
  Event bad = NearMiss(1);
  bad.type = "Bad Type";
  auto seq = journal->Append(bad);
  ASSERT_FALSE(seq.ok());
  EXPECT_EQ(seq.status().message(),
            "journal: append Bad Type: type: only a-z, 0-9, '.', '_' and '-' "
            "allowed");
  bad = NearMiss(1);
  bad.details = Json::array();
  EXPECT_EQ(journal->Append(bad).status().message(),
            "journal: append near_miss.reported: details: not a JSON object");
  bad.details = Json{{"x", 0.5}};
  EXPECT_EQ(journal->Append(bad).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(journal->head_seq(), 1u);
  // Nothing half-written: the next append is seq 2.
  auto good = journal->Append(NearMiss(2));
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 2u);
}

TEST_F(JournalFixture, RefusesAnotherDeviceKey) {
  { auto journal = OpenJournal(); }
  auto other = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(other.ok());
  auto journal = Journal::Open(path_, *other, Clock());
  ASSERT_FALSE(journal.ok());
  EXPECT_EQ(journal.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(journal.status().message(),
            "journal: " + path_ + ": made under another device key (" +
                key_->PublicKey().KeyId() + "), not this PC's key (" +
                other->PublicKey().KeyId() + ")");
  // verify --pub with the other key refuses too.
  auto report = VerifyJournalFile(path_, other->PublicKey());
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(report->problem, "journal made under another device key (" +
                                 key_->PublicKey().KeyId() + ")");
}

TEST_F(JournalFixture, RefusesAFileThatIsNotAJournal) {
  {
    std::ofstream out(path_);
    out << std::string(4096, 'x');
  }
  auto journal = Journal::Open(path_, *key_, Clock());
  ASSERT_FALSE(journal.ok());
  EXPECT_EQ(journal.status().message(),
            "journal: " + path_ +
                ": not a piiguard journal (not an SQLite database)");
  auto report = VerifyJournalFile(path_, std::nullopt);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().message(), journal.status().message());

  // An SQLite database of something else.
  std::string other = dir_ + "/other.db";
  {
    auto db = sqlite::Database::Open(
        other, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec("CREATE TABLE t(x)").ok());
  }
  journal = Journal::Open(other, *key_, Clock());
  ASSERT_FALSE(journal.ok());
  EXPECT_EQ(journal.status().message(),
            "journal: " + other + ": not a piiguard journal (no meta table)");

  auto missing = VerifyJournalFile(dir_ + "/none.db", std::nullopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/none.db"));
}

TEST_F(JournalFixture, GroupCommitFromManyThreads) {
  auto journal = OpenJournal();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::vector<std::vector<uint64_t>> seqs(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto seq = journal->Append(NearMiss(t * 1000 + i));
        if (seq.ok()) seqs[t].push_back(*seq);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<uint64_t> all;
  for (const auto& list : seqs) {
    EXPECT_EQ(list.size(), static_cast<size_t>(kPerThread));
    // Each thread's appends are ordered.
    EXPECT_TRUE(std::is_sorted(list.begin(), list.end()));
    all.insert(list.begin(), list.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(*all.begin(), 2u);
  EXPECT_EQ(*all.rbegin(), static_cast<uint64_t>(kThreads * kPerThread + 1));
  auto report = VerifyJournalFile(path_, key_->PublicKey());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->entries, static_cast<uint64_t>(kThreads * kPerThread + 1));
}

TEST_F(JournalFixture, CheckpointsAreThinnedToOnePerBucketAndTheNewest) {
  auto journal = OpenJournal();
  for (int i = 0; i < 2100; ++i) ASSERT_TRUE(journal->Append(NearMiss(i)).ok());
  // Head 2101: kept are 1024 (last of bucket 0), 2048 (last of bucket 1)
  // and 2101 (newest).
  EXPECT_EQ(CheckpointSeqs(), (std::vector<uint64_t>{1024, 2048, 2101}));
  auto report = VerifyJournalFile(path_, key_->PublicKey());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->checkpoints, 3u);
}

TEST_F(JournalFixture, SyncStateAndAcks) {
  auto journal = OpenJournal();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(journal->Append(NearMiss(i)).ok());
  auto state = journal->GetSyncState();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->acked_seq, 0u);
  EXPECT_EQ(state->acked_head, Hash{});

  auto entries = ReadEntries(path_, {});
  ASSERT_TRUE(entries.ok());
  const Hash h10 = (*entries)[9].hash;
  const Hash h15 = (*entries)[14].hash;
  // A head that is not ours.
  Status wrong = journal->SetAcked(10, h15);
  EXPECT_EQ(wrong.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(wrong.message(),
            "journal: ack of seq 10: head does not match this journal's "
            "entry");
  EXPECT_EQ(journal->SetAcked(99, h10).message(),
            "journal: ack of seq 99: no such entry in this journal");
  ASSERT_TRUE(journal->SetAcked(15, h15).ok());
  ASSERT_TRUE(journal->SetAcked(15, h15).ok());  // idempotent
  EXPECT_EQ(journal->SetAcked(10, h10).message(),
            "journal: ack of seq 10: behind the acknowledged seq 15 (never "
            "moves backwards)");
  journal.reset();
  journal = OpenJournal();
  state = journal->GetSyncState();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->acked_seq, 15u);
  EXPECT_EQ(state->acked_head, h15);
}

// What the package's prerm reads with the daemon stopped (docs/install.md).
TEST_F(JournalFixture, SyncPositionIsReadFromTheFile) {
  auto journal = OpenJournal();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(journal->Append(NearMiss(i)).ok());
  auto before = ReadSyncPosition(path_);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(before->head_seq, 21u);  // journal.created, then 20
  EXPECT_EQ(before->acked_seq, 0u);
  EXPECT_EQ(before->unsent(), 21u);

  auto entries = ReadEntries(path_, {});
  ASSERT_TRUE(entries.ok());
  ASSERT_TRUE(journal->SetAcked(21, entries->back().hash).ok());
  auto after = ReadSyncPosition(path_);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->acked_seq, 21u);
  EXPECT_EQ(after->unsent(), 0u);
  journal.reset();

  // An ack past the last entry (the tail deleted) is not "all sent".
  {
    auto db = sqlite::Database::Open(path_, SQLITE_OPEN_READWRITE);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec("DELETE FROM entries WHERE seq > 15").ok());
  }
  EXPECT_EQ(ReadSyncPosition(path_).status().code(), StatusCode::kCorruption);
  EXPECT_FALSE(ReadSyncPosition(path_ + ".missing").ok());
}

TEST_F(JournalFixture, NextBatchEndsAtACheckpointAndVerifies) {
  auto journal = OpenJournal();
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(journal->Append(NearMiss(i)).ok());
  // Every single append committed alone: checkpoints 30 (bucket 0 kept only
  // the newest). A batch of at most 10 gets a fresh checkpoint at 10.
  auto batch = journal->NextBatch("pc-1", 10);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_TRUE(batch->has_value());
  EXPECT_EQ((*batch)->pc, "pc-1");
  EXPECT_EQ((*batch)->chain, journal->chain());
  ASSERT_EQ((*batch)->entries.size(), 10u);
  EXPECT_EQ((*batch)->entries.front().seq, 1u);

  Anchor anchor{journal->chain(), 0, {}};
  size_t first_new = 99;
  auto refusal =
      VerifyBatch(**batch, key_->PublicKey(), anchor, nullptr, &first_new);
  EXPECT_FALSE(refusal.has_value()) << refusal->reason;
  EXPECT_EQ(first_new, 0u);
  // The wire format round-trips.
  auto parsed = ParseBatch(SerializeBatch(**batch));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();

  ASSERT_TRUE(journal->SetAcked(10, (*batch)->entries.back().hash).ok());
  batch = journal->NextBatch("pc-1", 5000);
  ASSERT_TRUE(batch.ok());
  ASSERT_TRUE(batch->has_value());
  EXPECT_EQ((*batch)->entries.front().seq, 11u);
  EXPECT_EQ((*batch)->entries.back().seq, 31u);  // the stored checkpoint
  anchor.acked_seq = 10;
  anchor.acked_head = (*batch)->entries.front().prev;
  refusal =
      VerifyBatch(**batch, key_->PublicKey(), anchor, nullptr, &first_new);
  EXPECT_FALSE(refusal.has_value()) << refusal->reason;

  ASSERT_TRUE(journal->SetAcked(31, (*batch)->entries.back().hash).ok());
  batch = journal->NextBatch("pc-1", 5000);
  ASSERT_TRUE(batch.ok());
  EXPECT_FALSE(batch->has_value());
}

TEST_F(JournalFixture, NextBatchUsesStoredCheckpointsWhenInRange) {
  auto journal = OpenJournal();
  for (int i = 0; i < 2100; ++i) ASSERT_TRUE(journal->Append(NearMiss(i)).ok());
  auto batch = journal->NextBatch("pc-1", 1500);
  ASSERT_TRUE(batch.ok());
  ASSERT_TRUE(batch->has_value());
  EXPECT_EQ((*batch)->entries.back().seq, 1024u);
  ASSERT_EQ((*batch)->checkpoints.size(), 1u);
  auto checkpoint =
      VerifyCheckpoint((*batch)->checkpoints[0], key_->PublicKey());
  ASSERT_TRUE(checkpoint.ok());
  EXPECT_EQ(checkpoint->seq, 1024u);
  // Everything pending, in one batch.
  batch = journal->NextBatch("pc-1", 5000);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ((*batch)->entries.size(), 2101u);
  EXPECT_EQ((*batch)->checkpoints.size(), 3u);
  Anchor anchor{journal->chain(), 0, {}};
  EXPECT_FALSE(
      VerifyBatch(**batch, key_->PublicKey(), anchor, nullptr, nullptr));
}

TEST_F(JournalFixture, NextBatchRefusesToSignATamperedRange) {
  {
    auto journal = OpenJournal();
    for (int i = 0; i < 30; ++i) {
      ASSERT_TRUE(journal->Append(NearMiss(i)).ok());
    }
  }
  // Entry 5 rewritten with a recomputed hash chain up to the head.
  RewriteFrom(5);
  auto journal = OpenJournal();
  auto batch = journal->NextBatch("pc-1", 10);
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(batch.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(batch.status().message(),
            "journal: sync: checkpoint 31: does not match; run piiguard "
            "journal verify");
}

TEST_F(JournalFixture, ReadEntriesFilters) {
  auto journal = OpenJournal();
  Event started{"agent.started", Severity::kInfo, "agent", Json::object()};
  Event sticker{"stickers.x", Severity::kInfo, "agent", Json::object()};
  Event stick{"stick.refused", Severity::kWarning, "stick:1", Json::object()};
  ASSERT_TRUE(journal->Append(started).ok());  // time ...001
  ASSERT_TRUE(journal->Append(stick).ok());    // ...002
  ASSERT_TRUE(journal->Append(sticker).ok());  // ...003
  ASSERT_TRUE(journal->Append(stick).ok());    // ...004
  ShowFilter filter;
  filter.type_prefix = "stick";
  auto entries = ReadEntries(path_, filter);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].seq, 3u);
  EXPECT_EQ((*entries)[1].seq, 5u);
  filter.type_prefix = "stick.refused";
  EXPECT_EQ(ReadEntries(path_, filter)->size(), 2u);
  filter.type_prefix.reset();
  filter.since_ms = 1790000000003;
  entries = ReadEntries(path_, filter);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].seq, 4u);
  filter.since_ms.reset();
  filter.limit = 2;  // the newest two, oldest first
  entries = ReadEntries(path_, filter);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].seq, 4u);
  EXPECT_EQ((*entries)[1].seq, 5u);
}

// The journal fails closed: with the disk failing, Append returns an error,
// and everything committed before stays.
class FaultyDiskTest : public JournalFixture {
 protected:
  void SetUp() override {
    JournalFixture::SetUp();
    testing::RegisterFaultVfs();
  }
  void TearDown() override {
    testing::GlobalFaults().write_error = 0;
    testing::GlobalFaults().fail_sync = false;
    testing::UnregisterFaultVfs();
    JournalFixture::TearDown();
  }
};

TEST_F(FaultyDiskTest, FailedSyncFailsTheAppendAndLosesNothing) {
  auto journal = OpenJournal();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(journal->Append(NearMiss(i)).ok());
  auto& faults = testing::GlobalFaults();
  faults.fail_sync = true;
  const int failed_before = faults.failed.load();
  auto seq = journal->Append(NearMiss(100));
  ASSERT_FALSE(seq.ok());
  EXPECT_GT(faults.failed.load(), failed_before);
  EXPECT_EQ(seq.status().code(), StatusCode::kIoError);
  EXPECT_EQ(seq.status().message().rfind("journal: append: sqlite: ", 0), 0u)
      << seq.status().message();
  EXPECT_EQ(journal->head_seq(), 6u);
  faults.fail_sync = false;
  auto report = VerifyJournalFile(path_, key_->PublicKey());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->head_seq, 6u);
  // Once the disk works again, appends continue the chain.
  seq = journal->Append(NearMiss(101));
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  EXPECT_EQ(*seq, 7u);
  journal.reset();
  report = VerifyJournalFile(path_, key_->PublicKey());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->head_seq, 7u);
}

TEST_F(FaultyDiskTest, DiskFullFailsTheAppendAndLosesNothing) {
  auto journal = OpenJournal();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(journal->Append(NearMiss(i)).ok());
  auto& faults = testing::GlobalFaults();
  for (int error : {SQLITE_FULL, SQLITE_IOERR_WRITE}) {
    faults.write_error = error;
    auto seq = journal->Append(NearMiss(100));
    ASSERT_FALSE(seq.ok());
    EXPECT_EQ(seq.status().code(), StatusCode::kIoError)
        << seq.status().message();
    faults.write_error = 0;
  }
  auto seq = journal->Append(NearMiss(101));
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  EXPECT_EQ(*seq, 7u);
  journal.reset();
  auto report = VerifyJournalFile(path_, key_->PublicKey());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->head_seq, 7u);
  auto entries = ReadEntries(path_, {});
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->back().details, R"({"n":101})");
}

TEST_F(FaultyDiskTest, EveryGroupMemberGetsTheError) {
  auto journal = OpenJournal();
  testing::GlobalFaults().fail_sync = true;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        if (!journal->Append(NearMiss(t * 100 + i)).ok()) failures++;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 40);
  testing::GlobalFaults().fail_sync = false;
  EXPECT_EQ(journal->head_seq(), 1u);
  auto report = VerifyJournalFile(path_, key_->PublicKey());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
}

}  // namespace
}  // namespace piiguard::journal
