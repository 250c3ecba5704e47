// Tests only: an empty OfficeStore on either engine. sqlite: a file in a
// fresh temporary directory. PostgreSQL: a fresh schema in the database
// named by the environment variable PIIGUARD_TEST_PG (a libpq connection
// string); without it the test is skipped with the reason printed.
//
// Thread-safety: one TestStore per test.
#ifndef PIIGUARD_OFFICE_STORE_TESTING_H_
#define PIIGUARD_OFFICE_STORE_TESTING_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "common/crypto.h"
#include "common/encoding.h"
#include "office/store.h"

namespace piiguard::office::testing {

enum class Engine { kSqlite, kPostgres };

inline std::string EngineName(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kSqlite ? "Sqlite" : "Postgres";
}

class TestStore {
 public:
  TestStore() = default;
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;
  ~TestStore() {
    store_.reset();
    if (!schema_.empty()) {
      auto db = OpenPgDb(base_conninfo_, 1);
      if (db.ok()) {
        auto txn = (*db)->Begin(true);
        if (txn.ok()) {
          (*txn)
              ->Query("DROP SCHEMA " + schema_ + " CASCADE", {})
              .status()
              .IgnoreError();
          (*txn)->Commit().IgnoreError();
        }
      }
    }
    if (!dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    }
  }

  // Sets up the store, or returns a reason to skip ("" when ready).
  std::string SetUp(Engine engine, size_t pg_connections = 4) {
    std::string suffix = HexEncode(RandomBytes(6).value());
    if (engine == Engine::kSqlite) {
      dir_ = std::filesystem::temp_directory_path() /
             ("piiguard-office-test-" + suffix);
      std::filesystem::create_directories(dir_);
      path_ = (dir_ / "office.db").string();
      auto store = OfficeStore::OpenSqlite(path_);
      EXPECT_TRUE(store.ok()) << store.status().ToString();
      if (store.ok()) store_ = std::move(store).value();
      return "";
    }
    const char* conninfo = std::getenv("PIIGUARD_TEST_PG");
    if (conninfo == nullptr || *conninfo == '\0') {
      return "PIIGUARD_TEST_PG is not set (a libpq connection string of a "
             "PostgreSQL database the test may create schemas in; "
             "tests/integration/office_pg_test.sh sets it)";
    }
    base_conninfo_ = conninfo;
    schema_ = "piiguard_test_" + suffix;
    auto db = OpenPgDb(base_conninfo_, 1);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return "";
    {
      auto txn = (*db)->Begin(true);
      EXPECT_TRUE(txn.ok());
      EXPECT_TRUE((*txn)->Query("CREATE SCHEMA " + schema_, {}).ok());
      EXPECT_TRUE((*txn)->Commit().ok());
    }
    conninfo_ = ConnInfo();
    auto store = OfficeStore::OpenPostgres(conninfo_, pg_connections);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (store.ok()) store_ = std::move(store).value();
    return "";
  }

  // The connection string with the test's schema as search path.
  std::string ConnInfo() const {
    return base_conninfo_ + " options='-c search_path=" + schema_ + "'";
  }
  const std::string& sqlite_path() const { return path_; }
  const std::filesystem::path& dir() const { return dir_; }
  bool postgres() const { return !schema_.empty(); }
  OfficeStore* get() const { return store_.get(); }
  OfficeStore* operator->() const { return store_.get(); }

 private:
  std::unique_ptr<OfficeStore> store_;
  std::filesystem::path dir_;
  std::string path_;
  std::string base_conninfo_;
  std::string conninfo_;
  std::string schema_;
};

// Use in a TEST_P's SetUp: skips with the reason when the engine is absent.
#define PIIGUARD_SETUP_TEST_STORE(store, engine)         \
  do {                                                   \
    std::string pg_skip_reason = (store).SetUp(engine);  \
    if (!pg_skip_reason.empty()) {                       \
      std::printf("SKIP: %s\n", pg_skip_reason.c_str()); \
      GTEST_SKIP() << pg_skip_reason;                    \
    }                                                    \
    ASSERT_NE((store).get(), nullptr);                   \
  } while (false)

}  // namespace piiguard::office::testing

#endif  // PIIGUARD_OFFICE_STORE_TESTING_H_
