#include "agent/exception/exception_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace piiguard::agent {
namespace {

class ExceptionKeyTest : public ::testing::Test {
 protected:
  ExceptionKeyTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("exception_key_test." + std::to_string(getpid()) + "." +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~ExceptionKeyTest() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, size_t size, mode_t mode) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << std::string(size, 'k');
    ::chmod(path.c_str(), mode);
    return path;
  }
  Result<exception::ExceptionKey> Load(const std::string& path) {
    return LoadExceptionKey(path, ::geteuid());
  }

  std::filesystem::path dir_;
};

TEST_F(ExceptionKeyTest, ReadsThirtyTwoBytesOnlyTheOwnerCanRead) {
  Result<exception::ExceptionKey> key = Load(Write("key", 32, 0600));
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_EQ(key->bytes(), std::string(32, 'k'));
  EXPECT_TRUE(Load(Write("owner-only", 32, 0400)).ok());
}

TEST_F(ExceptionKeyTest, RefusesAKeyOthersCouldReadOrReplace) {
  for (mode_t mode : {0644, 0640, 0604, 0620, 0602}) {
    Result<exception::ExceptionKey> key = Load(Write("key", 32, mode));
    ASSERT_FALSE(key.ok()) << std::oct << mode;
    EXPECT_NE(key.status().message().find("readable by root only"),
              std::string::npos);
  }
  // Another owner.
  EXPECT_FALSE(
      LoadExceptionKey(Write("theirs", 32, 0600), ::geteuid() + 1).ok());
}

TEST_F(ExceptionKeyTest, RefusesWrongSizesAndOtherFiles) {
  EXPECT_FALSE(Load(Write("short", 31, 0600)).ok());
  EXPECT_FALSE(Load(Write("long", 33, 0600)).ok());
  EXPECT_FALSE(Load(Write("empty", 0, 0600)).ok());
  Result<exception::ExceptionKey> missing = Load((dir_ / "none").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  // A symlink to a good key is not followed.
  const std::string good = Write("good", 32, 0600);
  std::filesystem::create_symlink(good, dir_ / "link");
  EXPECT_FALSE(Load((dir_ / "link").string()).ok());
  // A directory, and a FIFO (never waited on: nobody writes to it).
  EXPECT_FALSE(Load(dir_.string()).ok());
  const std::string fifo = (dir_ / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  Result<exception::ExceptionKey> from_fifo = Load(fifo);
  ASSERT_FALSE(from_fifo.ok());
  EXPECT_NE(from_fifo.status().message().find("not a regular file"),
            std::string::npos);
}

}  // namespace
}  // namespace piiguard::agent
