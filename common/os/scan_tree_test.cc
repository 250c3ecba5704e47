// One suite on LinuxScanTree (a temporary directory) and FakeScanTree, so
// the fake cannot drift: kinds without following symlinks, listing,
// O_NOFOLLOW opens, FIFOs that do not block, sparse files read by
// ReadSparse without their holes, and EACCES.
#include "common/os/scan_tree.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "common/file_util.h"
#include "common/os/linux_file_system.h"
#include "common/os/testing/fake_scan_tree.h"

namespace piiguard::os {
namespace {

constexpr uint64_t kSparseSize = uint64_t{1} << 30;  // 1 GiB, one data block

class TreeSetup {
 public:
  virtual ~TreeSetup() = default;
  virtual ScanTree& tree() = 0;
  virtual std::string root() const = 0;
  // dir/a.txt "hello", dir/link -> a.txt, dir/fifo, dir/sparse (1 GiB with
  // "data" at 512 MiB), dir/sub/, dir/secret (unreadable).
  virtual void Build() = 0;
  // Root passes EACCES on Linux.
  virtual bool CanDeny() const = 0;
};

class LinuxSetup : public TreeSetup {
 public:
  LinuxSetup() {
    char tmpl[] = "/tmp/scan_tree_test.XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) std::abort();
    root_ = tmpl;
  }
  ~LinuxSetup() override { std::filesystem::remove_all(root_); }
  ScanTree& tree() override { return tree_; }
  std::string root() const override { return root_; }
  void Build() override {
    std::string d = root_ + "/dir";
    std::filesystem::create_directories(d + "/sub");
    if (!WriteFileAtomic(d + "/a.txt", "hello", 0644).ok()) std::abort();
    std::filesystem::create_symlink("a.txt", d + "/link");
    if (::mkfifo((d + "/fifo").c_str(), 0644) != 0) std::abort();
    UniqueFd fd(::open((d + "/sparse").c_str(), O_CREAT | O_WRONLY, 0644));
    if (!fd.valid() ||
        ::ftruncate(fd.get(), static_cast<off_t>(kSparseSize)) != 0 ||
        ::pwrite(fd.get(), "data", 4, kSparseSize / 2) != 4) {
      std::abort();
    }
    if (!WriteFileAtomic(d + "/secret", "x", 0000).ok()) std::abort();
  }
  bool CanDeny() const override { return ::geteuid() != 0; }

 private:
  std::string root_;
  LinuxScanTree tree_;
};

class FakeSetup : public TreeSetup {
 public:
  ScanTree& tree() override { return tree_; }
  std::string root() const override { return "/srv/t"; }
  void Build() override {
    std::string d = root() + "/dir";
    tree_.AddDirectory(d + "/sub");
    tree_.AddFile(d + "/a.txt", "hello");
    tree_.AddSymlink(d + "/link", "a.txt");
    tree_.AddFifo(d + "/fifo");
    tree_.AddSparseFile(d + "/sparse", kSparseSize, kSparseSize / 2, "data");
    tree_.AddFile(d + "/secret", "x");
    tree_.DenyAccess(d + "/secret");
  }
  bool CanDeny() const override { return true; }

 private:
  FakeScanTree tree_;
};

class ScanTreeTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      setup_ = std::make_unique<LinuxSetup>();
    } else {
      setup_ = std::make_unique<FakeSetup>();
    }
    setup_->Build();
  }
  ScanTree& tree() { return setup_->tree(); }
  std::string dir() const { return setup_->root() + "/dir"; }

  std::unique_ptr<TreeSetup> setup_;
  LinuxFileSystem files_;
};

TEST_P(ScanTreeTest, KindsListingAndOpens) {
  Result<FileIdentity> top = tree().Lstat(dir());
  ASSERT_TRUE(top.ok()) << top.status().message();
  EXPECT_EQ(KindOf(*top), EntryKind::kDirectory);
  EXPECT_EQ(KindOf(tree().Lstat(dir() + "/link").value()), EntryKind::kSymlink);
  EXPECT_FALSE(tree().Lstat(dir() + "/missing").ok());

  UniqueFd d = tree().OpenDir(dir()).value();
  std::vector<std::string> names = tree().ReadDir(d.get()).value();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"a.txt", "fifo", "link", "secret",
                                             "sparse", "sub"}));
  EXPECT_EQ(KindOf(tree().StatAt(d.get(), "a.txt").value()), EntryKind::kFile);
  EXPECT_EQ(KindOf(tree().StatAt(d.get(), "link").value()),
            EntryKind::kSymlink);
  EXPECT_EQ(KindOf(tree().StatAt(d.get(), "fifo").value()),
            EntryKind::kSpecial);
  EXPECT_EQ(KindOf(tree().StatAt(d.get(), "sub").value()),
            EntryKind::kDirectory);
  EXPECT_EQ(tree().StatAt(d.get(), "sub").value().dev,
            tree().StatAt(d.get(), "a.txt").value().dev);
  EXPECT_FALSE(tree().StatAt(d.get(), "../x").ok());

  UniqueFd a = tree().OpenFileAt(d.get(), "a.txt").value();
  EXPECT_EQ(files_.ReadSparse(a.get(), 1024).value().text, "hello");
  // A symlink is never followed, as a file or a directory.
  EXPECT_FALSE(tree().OpenFileAt(d.get(), "link").ok());
  EXPECT_FALSE(tree().OpenDirAt(d.get(), "link").ok());
  EXPECT_FALSE(tree().OpenDir(dir() + "/link").ok());
  EXPECT_FALSE(tree().OpenDirAt(d.get(), "a.txt").ok());
  UniqueFd sub = tree().OpenDirAt(d.get(), "sub").value();
  EXPECT_TRUE(tree().ReadDir(sub.get()).value().empty());
}

TEST_P(ScanTreeTest, FifoDoesNotBlockAndIsNotAFile) {
  UniqueFd d = tree().OpenDir(dir()).value();
  Result<UniqueFd> fifo = tree().OpenFileAt(d.get(), "fifo");
  ASSERT_TRUE(fifo.ok()) << fifo.status().message();
  Result<ReadResult> read = files_.ReadSparse(fifo->get(), 1024);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kFailedPrecondition);
}

TEST_P(ScanTreeTest, SparseFileCostsItsData) {
  UniqueFd d = tree().OpenDir(dir()).value();
  EXPECT_EQ(tree().StatAt(d.get(), "sparse").value().size, kSparseSize);
  UniqueFd fd = tree().OpenFileAt(d.get(), "sparse").value();
  ReadResult read = files_.ReadSparse(fd.get(), 1024 * 1024).value();
  EXPECT_FALSE(read.truncated);
  EXPECT_NE(read.text.find("data"), std::string::npos);
  EXPECT_LT(read.text.size(), 1024u * 1024);
  EXPECT_GE(read.hole_bytes, kSparseSize / 2);
}

TEST_P(ScanTreeTest, PermissionDenied) {
  if (!setup_->CanDeny()) GTEST_SKIP() << "root reads mode 0000 files";
  UniqueFd d = tree().OpenDir(dir()).value();
  Result<UniqueFd> secret = tree().OpenFileAt(d.get(), "secret");
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.status().code(), StatusCode::kPermissionDenied);
}

INSTANTIATE_TEST_SUITE_P(LinuxAndFake, ScanTreeTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? "Linux" : "Fake";
                         });

}  // namespace
}  // namespace piiguard::os
