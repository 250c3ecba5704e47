// Tamper tests: the journal file edited with plain SQLite, as someone with
// write access to it (but not the device key) would. Each change is found
// by VerifyJournalFile and named as docs/journal.md says, except deleting
// the tail with its checkpoints, which only the office can see.
#include <gtest/gtest.h>

#include "agent/journal/journal.h"
#include "agent/journal/journal_test_util.h"

namespace piiguard::journal {
namespace {

// Run with one thread and with three (segments meet at seqs 11 and 21 of a
// 31-entry journal): the findings must not depend on it.
class TamperTest : public testing::JournalFixture,
                   public ::testing::WithParamInterface<int> {
 protected:
  Result<VerifyReport> Verify() {
    return VerifyJournalFile(path_, key_->PublicKey(), GetParam());
  }
  void ExpectProblem(uint64_t bad_seq, const std::string& problem) {
    auto report = Verify();
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_FALSE(report->ok);
    EXPECT_EQ(report->problem, problem);
    EXPECT_EQ(report->bad_seq, bad_seq);
  }
  void ExpectValid(uint64_t head_seq) {
    auto report = Verify();
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->ok) << report->problem;
    EXPECT_EQ(report->head_seq, head_seq);
  }
};

TEST_P(TamperTest, UntouchedJournalVerifies) {
  MakeJournal(30);
  ExpectValid(31);
}

TEST_P(TamperTest, EditedEntry) {
  MakeJournal(30);
  Exec("UPDATE entries SET subject = 'uid:0' WHERE seq = 17");
  ExpectProblem(17, "entry 17 altered");
}

TEST_P(TamperTest, EditedTimeOrSeverityOrDetails) {
  MakeJournal(30);
  Exec("UPDATE entries SET time = time + 1 WHERE seq = 3");
  ExpectProblem(3, "entry 3 altered");
  Exec("UPDATE entries SET time = time - 1 WHERE seq = 3");
  ExpectValid(31);
  Exec("UPDATE entries SET severity = 'info' WHERE seq = 9");
  ExpectProblem(9, "entry 9 altered");
  Exec("UPDATE entries SET severity = 'notice' WHERE seq = 9");
  Exec("UPDATE entries SET details = '{\"n\":99}' WHERE seq = 30");
  ExpectProblem(30, "entry 30 altered");
  Exec("UPDATE entries SET details = 'garbage', hash = x'00' WHERE seq = 30");
  ExpectProblem(30, "entry 30 altered");
}

TEST_P(TamperTest, EditedEntryWithItsOwnHashRecomputed) {
  MakeJournal(30);
  std::vector<Entry> entries = AllEntries();
  Entry edited = entries[16];
  edited.subject = "uid:0";
  edited.hash = EntryHash(edited);
  WriteRow(edited);
  ExpectProblem(18,
                "entry 18 inserted or reordered (does not follow entry "
                "17)");
}

TEST_P(TamperTest, DeletedEntry) {
  MakeJournal(30);
  Exec("DELETE FROM entries WHERE seq = 17");
  ExpectProblem(17, "entry 17 removed");
}

TEST_P(TamperTest, DeletedEntryAtASegmentBoundary) {
  MakeJournal(30);
  Exec("DELETE FROM entries WHERE seq = 11");
  ExpectProblem(11, "entry 11 removed");
}

TEST_P(TamperTest, DeletedLastEntryOfASegment) {
  MakeJournal(30);
  Exec("DELETE FROM entries WHERE seq = 10");
  ExpectProblem(10, "entry 10 removed");
}

TEST_P(TamperTest, RelinkedEntryAtASegmentBoundary) {
  MakeJournal(30);
  std::vector<Entry> entries = AllEntries();
  Entry edited = entries[10];  // seq 11
  edited.prev[0] ^= 1;
  edited.hash = EntryHash(edited);
  WriteRow(edited);
  ExpectProblem(11,
                "entry 11 inserted or reordered (does not follow entry "
                "10)");
}

TEST_P(TamperTest, DeletedFirstEntry) {
  MakeJournal(5);
  Exec("DELETE FROM entries WHERE seq = 1");
  ExpectProblem(1, "entry 1 removed");
}

TEST_P(TamperTest, DeletedEntryWithLaterEntriesRenumbered) {
  MakeJournal(30);
  Exec(
      "DELETE FROM entries WHERE seq = 17;"
      "UPDATE entries SET seq = -(seq - 1) WHERE seq > 17;"
      "UPDATE entries SET seq = -seq WHERE seq < 0;");
  ExpectProblem(17, "entry 17 removed (later entries renumbered)");
}

TEST_P(TamperTest, DeletedSecondToLastEntryWithRenumbering) {
  MakeJournal(30);
  Exec(
      "DELETE FROM entries WHERE seq = 30;"
      "UPDATE entries SET seq = 30 WHERE seq = 31;");
  ExpectProblem(30, "entry 30 removed (later entries renumbered)");
}

TEST_P(TamperTest, AppendedEntryWithCorrectHash) {
  MakeJournal(30);
  std::vector<Entry> entries = AllEntries();
  Entry forged = entries.back();
  forged.seq = 32;
  forged.details = R"({"n":12345})";
  forged.prev = entries.back().hash;
  forged.hash = EntryHash(forged);
  WriteRow(forged);
  ExpectProblem(32, "entry 32 inserted (not covered by a signed checkpoint)");
}

TEST_P(TamperTest, InsertedEntryWithLaterEntriesRenumbered) {
  MakeJournal(30);
  std::vector<Entry> entries = AllEntries();
  // Shift 17.. up by one, then put a well-formed entry at 17 that links to
  // entry 16 and hashes correctly.
  Exec(
      "UPDATE entries SET seq = -(seq + 1) WHERE seq >= 17;"
      "UPDATE entries SET seq = -seq WHERE seq < 0;");
  Entry forged = entries[16];
  forged.details = R"({"n":12345})";
  forged.prev = entries[15].hash;
  forged.hash = EntryHash(forged);
  WriteRow(forged);
  ExpectProblem(17, "entry 17 inserted (later entries renumbered)");
}

TEST_P(TamperTest, InsertedEntryWithBadHashAndRenumbering) {
  MakeJournal(30);
  std::vector<Entry> entries = AllEntries();
  Exec(
      "UPDATE entries SET seq = -(seq + 1) WHERE seq >= 17;"
      "UPDATE entries SET seq = -seq WHERE seq < 0;");
  Entry forged = entries[16];
  forged.details = R"({"n":12345})";  // hash left as the original's
  WriteRow(forged);
  ExpectProblem(17, "entry 17 inserted (later entries renumbered)");
}

TEST_P(TamperTest, SwappedEntries) {
  MakeJournal(30);
  // Swap every column but seq of rows 17 and 20.
  Exec(
      "CREATE TEMP TABLE t AS SELECT * FROM entries WHERE seq IN (17, 20);"
      "UPDATE entries SET (time, type, severity, subject, details, prev, "
      "hash) = (SELECT time, type, severity, subject, details, prev, hash "
      "FROM t WHERE t.seq = 37 - entries.seq) WHERE seq IN (17, 20);");
  ExpectProblem(20, "entry 20 reordered (found at position 17)");
}

TEST_P(TamperTest, SwappedAdjacentEntries) {
  MakeJournal(30);
  Exec(
      "CREATE TEMP TABLE t AS SELECT * FROM entries WHERE seq IN (17, 18);"
      "UPDATE entries SET (time, type, severity, subject, details, prev, "
      "hash) = (SELECT time, type, severity, subject, details, prev, hash "
      "FROM t WHERE t.seq = 35 - entries.seq) WHERE seq IN (17, 18);");
  ExpectProblem(18, "entry 18 reordered (found at position 17)");
}

TEST_P(TamperTest, SwappedWithTheLastEntry) {
  MakeJournal(30);
  Exec(
      "CREATE TEMP TABLE t AS SELECT * FROM entries WHERE seq IN (5, 31);"
      "UPDATE entries SET (time, type, severity, subject, details, prev, "
      "hash) = (SELECT time, type, severity, subject, details, prev, hash "
      "FROM t WHERE t.seq = 36 - entries.seq) WHERE seq IN (5, 31);");
  ExpectProblem(31, "entry 31 reordered (found at position 5)");
}

TEST_P(TamperTest, ConsistentRewriteIsCaughtByTheNextCheckpoint) {
  MakeJournal(2100);  // checkpoints 1024, 2048, 2101
  RewriteFrom(1500);
  ExpectProblem(1025,
                "entries 1025..2048 rewritten (checkpoint at 2048 does not "
                "match)");
}

TEST_P(TamperTest, ConsistentRewriteOfTheNewestRange) {
  MakeJournal(30);  // one checkpoint: 31
  RewriteFrom(12);
  ExpectProblem(1,
                "entries 1..31 rewritten (checkpoint at 31 does not "
                "match)");
}

TEST_P(TamperTest, AlteredCheckpoint) {
  MakeJournal(30);
  Exec(
      "UPDATE checkpoints SET envelope = CAST(replace(CAST(envelope AS "
      "TEXT), '\"seq\":31', '\"seq\":30') AS BLOB)");
  ExpectProblem(31,
                "checkpoint at 31 altered or not signed by the device "
                "key");
}

TEST_P(TamperTest, CheckpointLeftAfterItsEntriesWereDeleted) {
  MakeJournal(30);
  Exec("DELETE FROM entries WHERE seq > 25");
  ExpectProblem(26, "entries 26..31 removed (checkpoint at 31 has no entry)");
}

TEST_P(TamperTest, DeletedTailWithItsCheckpointsIsNotDetectedLocally) {
  // docs/journal.md: a shorter journal is a valid journal; the office finds
  // this once the tail was acknowledged (batch_test:
  // TruncatedAndRegrownTailIsRefused).
  MakeJournal(2100);
  Exec(
      "DELETE FROM entries WHERE seq > 1024;"
      "DELETE FROM checkpoints WHERE seq > 1024;");
  ExpectValid(1024);
}

INSTANTIATE_TEST_SUITE_P(Threads, TamperTest, ::testing::Values(1, 3));

}  // namespace
}  // namespace piiguard::journal
