#include "common/file_util.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/test_util.h"
#include "common/unique_fd.h"

namespace piiguard {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t old_;
};

class FileUtilTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "piiguard-file-util-XXXXXX")
            .string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
    dir_ = pattern;
  }

  void TearDown() override {
    std::error_code error;
    std::filesystem::remove_all(dir_, error);
    EXPECT_FALSE(error) << error.message();
  }

  std::string Path(std::string_view name) const {
    return dir_ + "/" + std::string(name);
  }

  // Names in the temporary directory, sorted.
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  static void WritePlain(const std::string& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    ASSERT_TRUE(out.good()) << path;
  }

  static struct stat Stat(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st;
  }

  static std::string Contents(const std::string& path) {
    Result<std::string> bytes = ReadFileBytes(path, 64 << 20);
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    return bytes.ok() ? *bytes : std::string();
  }

  std::string dir_;
};

// --- ReadFileBytes
// ---------------------------------------------------------------

TEST_F(FileUtilTest, ReadsFilesOfEverySizeUpToTheLimit) {
  // Sizes around the reader's 64 KiB buffer steps.
  for (size_t size :
       {size_t{0}, size_t{1}, size_t{4095}, size_t{65535}, size_t{65536},
        size_t{65537}, size_t{131072}, size_t{200001}}) {
    const std::string path = Path("f" + std::to_string(size));
    const std::string bytes =
        testing::DeterministicBytes(size, static_cast<unsigned>(size));
    WritePlain(path, bytes);
    for (size_t limit : {size, size + 1, size * 2 + 1, SIZE_MAX}) {
      Result<std::string> read = ReadFileBytes(path, limit);
      ASSERT_TRUE(read.ok())
          << size << "/" << limit << ": " << read.status().ToString();
      EXPECT_EQ(*read, bytes) << size << "/" << limit;
    }
    if (size > 0) {
      Result<std::string> too_big = ReadFileBytes(path, size - 1);
      ASSERT_FALSE(too_big.ok());
      EXPECT_EQ(too_big.status().code(), StatusCode::kInvalidArgument);
      EXPECT_EQ(too_big.status().message(), "read: " + path + ": larger than " +
                                                std::to_string(size - 1) +
                                                " bytes");
    }
  }
}

TEST_F(FileUtilTest, ReadMissingFileIsNotFound) {
  const std::string path = Path("missing");
  Result<std::string> read = ReadFileBytes(path, 100);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(read.status().message(), HasSubstr(path));
  Result<std::string> in_missing_dir = ReadFileBytes(Path("no/such/file"), 1);
  ASSERT_FALSE(in_missing_dir.ok());
  EXPECT_EQ(in_missing_dir.status().code(), StatusCode::kNotFound);
}

TEST_F(FileUtilTest, ReadRefusesNonRegularFiles) {
  const std::string fifo = Path("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& path : {dir_, fifo, std::string("/dev/null")}) {
    Result<std::string> read = ReadFileBytes(path, 1 << 20);
    ASSERT_FALSE(read.ok()) << path;
    EXPECT_EQ(read.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(read.status().message(),
              "read: " + path + ": not a regular file");
  }
}

TEST_F(FileUtilTest, ReadUnreadableFileIsPermissionDenied) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads any file";
  const std::string path = Path("secret");
  WritePlain(path, "x");
  ASSERT_EQ(::chmod(path.c_str(), 0), 0);
  Result<std::string> read = ReadFileBytes(path, 10);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kPermissionDenied);
}

// --- WriteFileAtomic
// -------------------------------------------------------------

TEST_F(FileUtilTest, WritesRequestedModeWhateverTheUmask) {
  int n = 0;
  for (mode_t mask : {mode_t{0}, mode_t{022}, mode_t{077}, mode_t{0777}}) {
    ScopedUmask scoped(mask);
    for (mode_t mode : {mode_t{0600}, mode_t{0644}, mode_t{0640}, mode_t{0400},
                        mode_t{0755}}) {
      const std::string path = Path("file" + std::to_string(n++));
      const std::string bytes = "content " + std::to_string(n);
      ASSERT_TRUE(WriteFileAtomic(path, bytes, mode).ok());
      const struct stat st = Stat(path);
      EXPECT_TRUE(S_ISREG(st.st_mode));
      EXPECT_EQ(st.st_mode & 07777, mode)
          << "umask " << std::oct << mask << " mode " << mode;
      EXPECT_EQ(Contents(path), bytes);
    }
  }
  // Nothing but the targets is left behind.
  EXPECT_EQ(Entries().size(), static_cast<size_t>(n));
}

TEST_F(FileUtilTest, WritesEmptyAndLargeContent) {
  ASSERT_TRUE(WriteFileAtomic(Path("empty"), "", 0600).ok());
  EXPECT_EQ(Contents(Path("empty")), "");
  const std::string big = testing::DeterministicBytes(3 << 20, 7);
  ASSERT_TRUE(WriteFileAtomic(Path("big"), big, 0600).ok());
  EXPECT_EQ(Contents(Path("big")), big);
  EXPECT_THAT(Entries(), ElementsAre("big", "empty"));
}

TEST_F(FileUtilTest, OverwriteAllowReplacesContentAndMode) {
  const std::string path = Path("policy.json");
  WritePlain(path, "old content that is longer than the new one");
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  ASSERT_TRUE(WriteFileAtomic(path, "new", 0600, Overwrite::kAllow).ok());
  EXPECT_EQ(Contents(path), "new");
  EXPECT_EQ(Stat(path).st_mode & 07777, 0600U);
  EXPECT_THAT(Entries(), ElementsAre("policy.json"));
  // kAllow is the default.
  ASSERT_TRUE(WriteFileAtomic(path, "newer", 0644).ok());
  EXPECT_EQ(Contents(path), "newer");
}

TEST_F(FileUtilTest, OverwriteRefuseKeepsExistingFileUntouched) {
  const std::string path = Path("city.key");
  WritePlain(path, "original");
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  const struct stat before = Stat(path);
  const Status status =
      WriteFileAtomic(path, "replacement", 0600, Overwrite::kRefuse);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr(path));
  const struct stat after = Stat(path);
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(after.st_mode, before.st_mode);
  EXPECT_EQ(after.st_nlink, 1U);
  EXPECT_EQ(Contents(path), "original");
  EXPECT_THAT(Entries(), ElementsAre("city.key"));  // no temporary left
}

TEST_F(FileUtilTest, OverwriteRefuseCreatesAbsentFile) {
  const std::string path = Path("city.key");
  ASSERT_TRUE(WriteFileAtomic(path, "secret", 0600, Overwrite::kRefuse).ok());
  EXPECT_EQ(Contents(path), "secret");
  EXPECT_EQ(Stat(path).st_mode & 07777, 0600U);
  EXPECT_EQ(Stat(path).st_nlink, 1U);  // the temporary link is gone
  EXPECT_THAT(Entries(), ElementsAre("city.key"));
}

TEST_F(FileUtilTest, WriteIntoMissingDirectoryFails) {
  const Status status = WriteFileAtomic(Path("no-dir/file"), "x", 0600);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_TRUE(Entries().empty());
}

TEST_F(FileUtilTest, WriteOverDirectoryFails) {
  const std::string path = Path("sub");
  ASSERT_EQ(::mkdir(path.c_str(), 0700), 0);
  for (Overwrite overwrite : {Overwrite::kAllow, Overwrite::kRefuse}) {
    const Status status = WriteFileAtomic(path, "x", 0600, overwrite);
    EXPECT_FALSE(status.ok());
    EXPECT_TRUE(S_ISDIR(Stat(path).st_mode));
    EXPECT_THAT(Entries(), ElementsAre("sub"));
  }
}

TEST_F(FileUtilTest, WriteReplacesSymlinkInsteadOfFollowingIt) {
  const std::string target = Path("target");
  const std::string link = Path("link");
  WritePlain(target, "target content");
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  ASSERT_TRUE(WriteFileAtomic(link, "new", 0600).ok());
  EXPECT_EQ(Contents(target), "target content");
  struct stat st {};
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(Contents(link), "new");
}

TEST_F(FileUtilTest, WriteWithRelativePath) {
  const std::filesystem::path old_cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir_);
  const Status status = WriteFileAtomic("relative.txt", "here", 0600);
  std::filesystem::current_path(old_cwd);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Contents(Path("relative.txt")), "here");
}

// --- UniqueFd
// ---------------------------------------------------------------------

bool IsOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

int OpenDevNull() {
  const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  return fd;
}

TEST(UniqueFdTest, DefaultIsInvalid) {
  UniqueFd fd;
  EXPECT_FALSE(fd.valid());
  EXPECT_EQ(fd.get(), -1);
}

TEST(UniqueFdTest, ClosesOnDestruction) {
  int raw = -1;
  {
    UniqueFd fd(OpenDevNull());
    raw = fd.get();
    EXPECT_TRUE(fd.valid());
    EXPECT_TRUE(IsOpen(raw));
  }
  EXPECT_FALSE(IsOpen(raw));
}

TEST(UniqueFdTest, ReleaseGivesUpOwnership) {
  int raw = -1;
  {
    UniqueFd fd(OpenDevNull());
    raw = fd.Release();
    EXPECT_FALSE(fd.valid());
  }
  EXPECT_TRUE(IsOpen(raw));
  EXPECT_EQ(::close(raw), 0);
}

TEST(UniqueFdTest, ResetClosesPreviousDescriptor) {
  UniqueFd fd(OpenDevNull());
  const int first = fd.get();
  const int second = OpenDevNull();
  fd.Reset(second);
  EXPECT_FALSE(IsOpen(first));
  EXPECT_EQ(fd.get(), second);
  fd.Reset();
  EXPECT_FALSE(fd.valid());
  EXPECT_FALSE(IsOpen(second));
}

TEST(UniqueFdTest, MoveTransfersOwnership) {
  UniqueFd a(OpenDevNull());
  const int raw_a = a.get();
  UniqueFd b(std::move(a));
  // The moved-from state is specified: empty.
  // NOLINTNEXTLINE(bugprone-use-after-move,clang-analyzer-cplusplus.Move)
  EXPECT_FALSE(a.valid());
  EXPECT_EQ(b.get(), raw_a);

  UniqueFd c(OpenDevNull());
  const int raw_c = c.get();
  c = std::move(b);  // closes c's old descriptor
  EXPECT_FALSE(IsOpen(raw_c));
  EXPECT_EQ(c.get(), raw_a);
  EXPECT_TRUE(IsOpen(raw_a));
}

}  // namespace
}  // namespace piiguard
