#include "common/sqlite.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace piiguard::sqlite {
namespace {

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sqlite_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/t.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Database OpenRw() {
    auto db = Database::Open(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return std::move(db).value();
  }

  std::string dir_;
  std::string path_;
};

TEST_F(SqliteTest, BindStepAndColumns) {
  Database db = OpenRw();
  ASSERT_TRUE(
      db.Exec("CREATE TABLE t(i INTEGER, s TEXT, b BLOB, n TEXT)").ok());
  auto insert = db.Prepare("INSERT INTO t VALUES(?1, ?2, ?3, ?4)");
  ASSERT_TRUE(insert.ok()) << insert.status().ToString();
  ASSERT_TRUE(insert->BindInt(1, -5'000'000'000).ok());
  ASSERT_TRUE(insert->BindText(2, "日本語").ok());
  ASSERT_TRUE(insert->BindBlob(3, std::string("a\0b", 3)).ok());
  ASSERT_TRUE(insert->BindNull(4).ok());
  ASSERT_TRUE(insert->Run().ok());
  insert->Reset();
  ASSERT_TRUE(insert->BindInt(1, 7).ok());
  ASSERT_TRUE(insert->BindText(2, "").ok());
  ASSERT_TRUE(insert->BindBlob(3, "").ok());
  ASSERT_TRUE(insert->BindText(4, "x").ok());
  ASSERT_TRUE(insert->Run().ok());
  EXPECT_EQ(db.LastInsertRowid(), 2);
  EXPECT_EQ(db.Changes(), 1);

  auto select = db.Prepare("SELECT i, s, b, n FROM t ORDER BY rowid");
  ASSERT_TRUE(select.ok());
  auto row = select->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(select->ColumnInt(0), -5'000'000'000);
  EXPECT_EQ(select->ColumnText(1), "日本語");
  EXPECT_EQ(select->ColumnBlob(2), std::string("a\0b", 3));
  EXPECT_TRUE(select->ColumnIsNull(3));
  EXPECT_EQ(select->ColumnTextView(1), "日本語");
  EXPECT_EQ(select->ColumnBlobView(2), std::string_view("a\0b", 3));
  row = select->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(select->ColumnType(2), SQLITE_BLOB);  // empty blob, not NULL
  EXPECT_EQ(select->ColumnBlob(2), "");
  EXPECT_EQ(select->ColumnText(3), "x");
  row = select->Step();
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(*row);
}

TEST_F(SqliteTest, ErrorsNameTheStatementAndReason) {
  Database db = OpenRw();
  auto bad = db.Prepare("SELEC 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "sqlite: SELEC 1: near \"SELEC\": syntax error");
  Status exec = db.Exec(
      "CREATE TABLE t(k TEXT PRIMARY KEY);"
      "INSERT INTO t VALUES('a');");
  ASSERT_TRUE(exec.ok());
  auto dup = db.Prepare("INSERT INTO t VALUES('a')");
  ASSERT_TRUE(dup.ok());
  Status run = dup->Run();
  EXPECT_EQ(run.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(run.message(),
            "sqlite: INSERT INTO t VALUES('a'): UNIQUE constraint failed: t.k");
  auto empty = db.Prepare("  ");
  EXPECT_FALSE(empty.ok());
}

TEST_F(SqliteTest, OpenErrorsNameTheFile) {
  auto missing = Database::Open(dir_ + "/none/x.db", SQLITE_OPEN_READONLY);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "sqlite: " + dir_ + "/none/x.db: unable to open database file");

  {
    std::ofstream out(path_);
    out << "this is not a database, just some text that is long enough to "
           "fill a header of one hundred bytes ......................";
  }
  auto db = Database::Open(path_, SQLITE_OPEN_READONLY);
  ASSERT_TRUE(db.ok());  // SQLite reads the header lazily
  Status status = db->Exec("SELECT * FROM sqlite_master");
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message(),
            "sqlite: SELECT * FROM sqlite_master: file is not a database");
}

TEST_F(SqliteTest, TransactionRollsBackUnlessCommitted) {
  Database db = OpenRw();
  ASSERT_TRUE(db.Exec("CREATE TABLE t(i INTEGER)").ok());
  {
    auto tx = Transaction::Begin(db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db.Exec("INSERT INTO t VALUES(1)").ok());
  }  // rolled back
  {
    auto tx = Transaction::Begin(db, Transaction::Mode::kExclusive);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db.Exec("INSERT INTO t VALUES(2)").ok());
    ASSERT_TRUE(tx->Commit().ok());
    EXPECT_FALSE(tx->Commit().ok());  // already ended
  }
  {
    auto tx = Transaction::Begin(db, Transaction::Mode::kDeferred);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db.Exec("INSERT INTO t VALUES(3)").ok());
    Transaction moved(std::move(tx).value());
    moved.Rollback();
  }
  auto select = db.Prepare("SELECT group_concat(i) FROM t");
  ASSERT_TRUE(select.ok());
  ASSERT_TRUE(select->Step().ok());
  EXPECT_EQ(select->ColumnText(0), "2");
  // A nested BEGIN is an error, reported as such.
  auto outer = Transaction::Begin(db);
  ASSERT_TRUE(outer.ok());
  auto inner = Transaction::Begin(db);
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.status().message(),
            "sqlite: BEGIN IMMEDIATE: cannot start a transaction within a "
            "transaction");
}

TEST_F(SqliteTest, ReadOnlyConnectionRefusesWrites) {
  {
    Database db = OpenRw();
    ASSERT_TRUE(db.Exec("CREATE TABLE t(i INTEGER)").ok());
  }
  auto ro = Database::Open(path_, SQLITE_OPEN_READONLY);
  ASSERT_TRUE(ro.ok());
  Status status = ro->Exec("INSERT INTO t VALUES(1)");
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
}

TEST(SqliteCodeTest, Mapping) {
  EXPECT_EQ(CodeFor(SQLITE_IOERR_FSYNC), StatusCode::kIoError);
  EXPECT_EQ(CodeFor(SQLITE_FULL), StatusCode::kIoError);
  EXPECT_EQ(CodeFor(SQLITE_NOTADB), StatusCode::kCorruption);
  EXPECT_EQ(CodeFor(SQLITE_CONSTRAINT_PRIMARYKEY),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeFor(SQLITE_MISUSE), StatusCode::kInternal);
}

}  // namespace
}  // namespace piiguard::sqlite
