// The conformance suite of the file-system seam, part one: what reads
// through an fd, and directories and their entries (the mover's
// OpenDirNoFollow, the walk of `piiguard scan`). Part two, what changes
// the tree, is file_system_change_test.cc; the fixture and the three
// implementations (Linux, Linux without openat2, the fake) are in
// file_system_testing.h.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common/os/file_system_testing.h"

namespace piiguard::os::file_system_testing {
namespace {

constexpr uint64_t kSparseSize = uint64_t{1} << 30;  // 1 GiB, one data block

// The tree the walk's cases look at: dir/a.txt "hello", dir/link -> a.txt,
// dir/fifo, dir/sparse (1 GiB with "data" at 512 MiB), dir/sub/, and
// dir/secret and dir/locked/inner behind access denied (where the Env can
// deny: not for root on Linux).
template <typename Env>
void BuildWalkTree(Env& env) {
  env.MakeDir("dir");
  env.MakeDir("dir/sub");
  env.MakeDir("dir/locked");
  env.WriteFile("dir/a.txt", "hello");
  env.Symlink("dir/link", "a.txt");
  env.MakeFifo("dir/fifo");
  env.Sparse("dir/sparse", kSparseSize, kSparseSize / 2, "data");
  env.WriteFile("dir/secret", "x");
  env.WriteFile("dir/locked/inner", "x");
  env.Deny("dir/secret");
  env.Deny("dir/locked");
}

TYPED_TEST_SUITE(FileSystemTest, Envs, EnvNames);

TYPED_TEST(FileSystemTest, IdentifyAndStatAtSeeTheSameFile) {
  this->env_.WriteFile("a.csv", "氏名,住所\n");
  FileIdentity by_fd = this->IdentityOf("a.csv");
  UniqueFd root = this->Root();
  Result<FileIdentity> by_name = this->files().StatAt(root.get(), "a.csv");
  ASSERT_TRUE(by_name.ok()) << by_name.status().message();
  EXPECT_TRUE(by_fd.SameFile(*by_name));
  EXPECT_TRUE(by_fd.is_regular);
  EXPECT_EQ(by_fd.size, std::string("氏名,住所\n").size());
  EXPECT_EQ(by_fd.nlink, 1u);
  EXPECT_TRUE(S_ISREG(by_fd.mode));
  EXPECT_EQ(by_fd.mode & 0777, 0644u);
}

TYPED_TEST(FileSystemTest, ASymlinkHasItsOwnIdentity) {
  this->env_.WriteFile("a.csv", "x");
  this->env_.Symlink("link", "a.csv");
  UniqueFd root = this->Root();
  Result<FileIdentity> link = this->files().StatAt(root.get(), "link");
  ASSERT_TRUE(link.ok());
  EXPECT_FALSE(link->is_regular);
  EXPECT_TRUE(S_ISLNK(link->mode));
  EXPECT_FALSE(link->SameFile(this->IdentityOf("a.csv")));
}

TYPED_TEST(FileSystemTest, StatAtRefusesBadNamesAndReportsMissingOnes) {
  UniqueFd root = this->Root();
  for (const char* name : {"", ".", "..", "a/b"}) {
    EXPECT_EQ(this->files().StatAt(root.get(), name).status().code(),
              StatusCode::kInvalidArgument)
        << name;
  }
  Status missing = this->files().StatAt(root.get(), "missing").status();
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.message(),
            "file system: missing: " + std::string(std::strerror(ENOENT)));
  Status long_name =
      this->files().StatAt(root.get(), std::string(256, 'a')).status();
  EXPECT_EQ(Reason(long_name), std::strerror(ENAMETOOLONG));
}

TYPED_TEST(FileSystemTest, PathOfFollowsRenamesAndSeesRemoval) {
  this->env_.WriteFile("a.csv", "x");
  UniqueFd fd = this->env_.Open("a.csv");
  Result<std::string> path = this->files().PathOf(fd.get());
  ASSERT_TRUE(path.ok()) << path.status().message();
  EXPECT_EQ(*path, this->env_.Path("a.csv"));
  this->env_.Rename("a.csv", "c.csv");
  EXPECT_EQ(*this->files().PathOf(fd.get()), this->env_.Path("c.csv"));
  this->env_.Remove("c.csv");
  EXPECT_EQ(this->files().PathOf(fd.get()).status().code(),
            StatusCode::kNotFound);
  UniqueFd root = this->Root();
  EXPECT_EQ(*this->files().PathOf(root.get()), this->env_.root());
}

TYPED_TEST(FileSystemTest, StatBeneathStaysBelowAndFollowsNoSymlink) {
  this->env_.MakeDir("d");
  this->env_.MakeDir("d/sub");
  this->env_.WriteFile("d/sub/a.csv", "x");
  this->env_.Symlink("d/link", "sub");
  this->env_.WriteFile("b.csv", "y");
  UniqueFd root = this->Root();
  Result<UniqueFd> dir = this->files().OpenDirAt(root.get(), "d");
  ASSERT_TRUE(dir.ok());
  // Without openat2 (LinuxNoOpenat2, and piiguardd.service, whose
  // RestrictSUIDSGID= refuses it) the same answers, component by component.
  Result<FileIdentity> a = this->files().StatBeneath(dir->get(), "sub/a.csv");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_TRUE(a->SameFile(this->IdentityOf("d/sub/a.csv")));
  for (const char* bad : {"link/a.csv", "link", "../b.csv", "sub/missing",
                          "/b.csv", "sub/../sub/a.csv"}) {
    EXPECT_FALSE(this->files().StatBeneath(dir->get(), bad).ok()) << bad;
  }
  Result<uint64_t> dir_mount = this->files().MountIdOf(dir->get());
  Result<uint64_t> root_mount = this->files().MountIdOf(root.get());
  ASSERT_TRUE(dir_mount.ok()) << dir_mount.status().message();
  ASSERT_TRUE(root_mount.ok());
  EXPECT_EQ(*dir_mount, *root_mount);
}

TYPED_TEST(FileSystemTest, ReadSparseReadsPlainFilesAndTruncates) {
  std::string content = "山田太郎,東京都千代田区1-1,03-1234-5678\n";
  this->env_.WriteFile("a.csv", content);
  UniqueFd fd = this->env_.Open("a.csv");
  Result<ReadResult> all = this->files().ReadSparse(fd.get(), 1 << 20);
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(all->text, content);
  EXPECT_FALSE(all->truncated);
  EXPECT_EQ(all->data_bytes, content.size());
  EXPECT_EQ(all->hole_bytes, 0u);
  Result<ReadResult> part = this->files().ReadSparse(fd.get(), 10);
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(part->text, content.substr(0, 10));
  EXPECT_TRUE(part->truncated);
  this->env_.WriteFile("empty", "");
  UniqueFd empty = this->env_.Open("empty");
  EXPECT_EQ(this->files().ReadSparse(empty.get(), 10)->text, "");
}

TYPED_TEST(FileSystemTest, AHoleBecomesOneNewline) {
  constexpr uint64_t kMiB = 1 << 20;
  const std::string a(4096, 'a');
  const std::string b(4096, 'b');
  this->env_.Sparse("s", 3 * kMiB, 0, a);
  {
    // The second region: written through a reopened fd.
    UniqueFd fd = this->env_.Open("s");
    Result<UniqueFd> w = this->files().ReopenForWriting(fd.get());
    ASSERT_TRUE(w.ok()) << w.status().message();
    ASSERT_EQ(::pwrite(w->get(), b.data(), b.size(), 2 * kMiB),
              static_cast<ssize_t>(b.size()));
  }
  UniqueFd fd = this->env_.Open("s");
  Result<ReadResult> read = this->files().ReadSparse(fd.get(), 64 * kMiB);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->text, a + "\n" + b + "\n");
  EXPECT_EQ(read->data_bytes, 8192u);
  EXPECT_EQ(read->hole_bytes, 3 * kMiB - 8192);
  EXPECT_FALSE(read->truncated);
  this->env_.Sparse("lead", kMiB + 4096, kMiB, b);
  UniqueFd lead = this->env_.Open("lead");
  EXPECT_EQ(this->files().ReadSparse(lead.get(), kMiB)->text, "\n" + b);
}

// 10 GiB of which 1 MiB is data: holes are skipped, not read.
TYPED_TEST(FileSystemTest, ATenGiBSparseFileReadsInMilliseconds) {
  constexpr uint64_t kMiB = 1 << 20;
  constexpr uint64_t kSize = uint64_t{10} << 30;
  this->env_.Sparse("big", kSize, 5 * (uint64_t{1} << 30),
                    std::string(kMiB, 'x'));
  UniqueFd fd = this->env_.Open("big");
  auto start = std::chrono::steady_clock::now();
  Result<ReadResult> read = this->files().ReadSparse(fd.get(), 64 * kMiB);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->data_bytes, kMiB);
  EXPECT_EQ(read->hole_bytes, kSize - kMiB);
  EXPECT_EQ(read->text.size(), kMiB + 2);
  auto ms = std::chrono::duration_cast<std::chrono::microseconds>(took).count();
  std::printf("sparse 10 GiB read: %.3f ms\n", static_cast<double>(ms) / 1000);
  ::testing::Test::RecordProperty("sparse_read_us", static_cast<int>(ms));
  EXPECT_LT(took, std::chrono::milliseconds(500));
}

TYPED_TEST(FileSystemTest, ReadSparseRefusesADirectory) {
  UniqueFd root = this->Root();
  EXPECT_EQ(this->files().ReadSparse(root.get(), 10).status().code(),
            StatusCode::kFailedPrecondition);
}

TYPED_TEST(FileSystemTest, SeesAnotherProcessWriting) {
  this->env_.WriteFile("a.csv", "x");
  FileIdentity a = this->IdentityOf("a.csv");
  EXPECT_FALSE(*this->files().OpenForWritingByAnyone(a));
  {
    auto reader = this->env_.HoldOpen("a.csv", false);
    EXPECT_FALSE(*this->files().OpenForWritingByAnyone(a));
  }
  {
    auto writer = this->env_.HoldOpen("a.csv", true);
    EXPECT_TRUE(*this->files().OpenForWritingByAnyone(a));
  }
  EXPECT_FALSE(*this->files().OpenForWritingByAnyone(a));
  // Our own writable fd does not count.
  UniqueFd fd = this->env_.Open("a.csv");
  Result<UniqueFd> own = this->files().ReopenForWriting(fd.get());
  ASSERT_TRUE(own.ok());
  EXPECT_FALSE(*this->files().OpenForWritingByAnyone(a));
}

TYPED_TEST(FileSystemTest, OpenDirNoFollowRefusesEverySymlink) {
  this->env_.MakeDir("d");
  this->env_.MakeDir("d/e");
  this->env_.Symlink("ld", "d");
  this->env_.WriteFile("f", "x");
  FileSystem& files = this->files();
  EXPECT_TRUE(files.OpenDirNoFollow(this->env_.Path("d/e")).ok());
  EXPECT_TRUE(files.OpenDirNoFollow(this->env_.root() + "//d/").ok());
  for (const char* through : {"ld", "ld/e"}) {
    Status status = files.OpenDirNoFollow(this->env_.Path(through)).status();
    EXPECT_EQ(Reason(status), std::strerror(ELOOP)) << through;
  }
  EXPECT_EQ(Reason(files.OpenDirNoFollow(this->env_.Path("f/x")).status()),
            std::strerror(ENOTDIR));
  EXPECT_EQ(Reason(files.OpenDirNoFollow(this->env_.Path("f")).status()),
            std::strerror(ENOTDIR));
  EXPECT_EQ(files.OpenDirNoFollow(this->env_.Path("none")).status().code(),
            StatusCode::kNotFound);
  for (const std::string& bad :
       {std::string("relative/dir"), std::string(""), this->env_.Path("d/../d"),
        this->env_.Path("./d")}) {
    EXPECT_EQ(files.OpenDirNoFollow(bad).status().code(),
              StatusCode::kInvalidArgument)
        << bad;
  }
}

TYPED_TEST(FileSystemTest, KindsListingAndOpens) {
  BuildWalkTree(this->env_);
  FileSystem& files = this->files();
  const std::string dir = this->env_.Path("dir");
  Result<FileIdentity> top = files.Lstat(dir);
  ASSERT_TRUE(top.ok()) << top.status().message();
  EXPECT_EQ(KindOf(*top), EntryKind::kDirectory);
  EXPECT_EQ(KindOf(files.Lstat(dir + "/link").value()), EntryKind::kSymlink);
  EXPECT_EQ(files.Lstat(dir + "/missing").status().code(),
            StatusCode::kNotFound);

  UniqueFd d = files.OpenDir(dir).value();
  std::vector<std::string> names = files.ReadDir(d.get()).value();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"a.txt", "fifo", "link", "locked",
                                             "secret", "sparse", "sub"}));
  EXPECT_EQ(KindOf(files.StatAt(d.get(), "a.txt").value()), EntryKind::kFile);
  EXPECT_EQ(KindOf(files.StatAt(d.get(), "link").value()), EntryKind::kSymlink);
  EXPECT_EQ(KindOf(files.StatAt(d.get(), "fifo").value()), EntryKind::kSpecial);
  EXPECT_EQ(KindOf(files.StatAt(d.get(), "sub").value()),
            EntryKind::kDirectory);
  EXPECT_EQ(files.StatAt(d.get(), "sub").value().dev,
            files.StatAt(d.get(), "a.txt").value().dev);
  EXPECT_FALSE(files.StatAt(d.get(), "../x").ok());

  UniqueFd a = files.OpenFileAt(d.get(), "a.txt").value();
  EXPECT_EQ(files.ReadSparse(a.get(), 1024).value().text, "hello");
  // A symlink is never followed, as a file or a directory (O_DIRECTORY |
  // O_NOFOLLOW on a symlink says ENOTDIR).
  EXPECT_EQ(Reason(files.OpenFileAt(d.get(), "link").status()),
            std::strerror(ELOOP));
  EXPECT_EQ(Reason(files.OpenDirAt(d.get(), "link").status()),
            std::strerror(ENOTDIR));
  EXPECT_EQ(Reason(files.OpenDir(dir + "/link").status()),
            std::strerror(ENOTDIR));
  EXPECT_EQ(Reason(files.OpenDirAt(d.get(), "a.txt").status()),
            std::strerror(ENOTDIR));
  UniqueFd sub = files.OpenDirAt(d.get(), "sub").value();
  EXPECT_TRUE(files.ReadDir(sub.get()).value().empty());
}

TYPED_TEST(FileSystemTest, FifoDoesNotBlockAndIsNotAFile) {
  BuildWalkTree(this->env_);
  UniqueFd d = this->files().OpenDir(this->env_.Path("dir")).value();
  Result<UniqueFd> fifo = this->files().OpenFileAt(d.get(), "fifo");
  ASSERT_TRUE(fifo.ok()) << fifo.status().message();
  Result<FileIdentity> id = this->files().Identify(fifo->get());
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_TRUE(S_ISFIFO(id->mode));
  EXPECT_FALSE(id->is_regular);
  Result<ReadResult> read = this->files().ReadSparse(fifo->get(), 1024);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kFailedPrecondition);
}

TYPED_TEST(FileSystemTest, SparseFileCostsItsData) {
  BuildWalkTree(this->env_);
  UniqueFd d = this->files().OpenDir(this->env_.Path("dir")).value();
  EXPECT_EQ(this->files().StatAt(d.get(), "sparse").value().size, kSparseSize);
  UniqueFd fd = this->files().OpenFileAt(d.get(), "sparse").value();
  ReadResult read = this->files().ReadSparse(fd.get(), 1024 * 1024).value();
  EXPECT_FALSE(read.truncated);
  EXPECT_NE(read.text.find("data"), std::string::npos);
  EXPECT_LT(read.text.size(), 1024u * 1024);
  EXPECT_GE(read.hole_bytes, kSparseSize / 2);
}

TYPED_TEST(FileSystemTest, PermissionDenied) {
  if (!this->env_.CanDeny()) GTEST_SKIP() << "root reads mode 0000 files";
  BuildWalkTree(this->env_);
  FileSystem& files = this->files();
  UniqueFd d = files.OpenDir(this->env_.Path("dir")).value();
  Result<UniqueFd> secret = files.OpenFileAt(d.get(), "secret");
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(files.OpenDirAt(d.get(), "locked").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(files.OpenDir(this->env_.Path("dir/locked")).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(
      files.OpenDirNoFollow(this->env_.Path("dir/locked")).status().code(),
      StatusCode::kPermissionDenied);
  // Stat needs no access to the entry itself, only to its directory.
  EXPECT_TRUE(files.StatAt(d.get(), "locked").ok());
  EXPECT_EQ(files.Lstat(this->env_.Path("dir/locked/inner")).status().code(),
            StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace piiguard::os::file_system_testing
