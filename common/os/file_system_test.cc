// One suite, three implementations: LinuxFileSystem in a temporary
// directory (with openat2, and with the component-by-component fallback)
// and FakeFileSystem. Every case runs on all three, so the fake cannot
// drift from the kernel.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/os/linux_file_system.h"
#include "common/os/testing/fake_file_system.h"

namespace piiguard::os {
namespace {

// The reason at the end of "context: object: reason".
std::string Reason(const Status& status) {
  const std::string& m = status.message();
  size_t colon = m.rfind(": ");
  return colon == std::string::npos ? m : m.substr(colon + 2);
}

class Holder {
 public:
  virtual ~Holder() = default;
};

class LinuxEnv {
 public:
  explicit LinuxEnv(bool openat2 = true)
      : files_(LinuxFileSystem::Options{openat2}) {
    char dir[] = "/tmp/piiguard-files-XXXXXX";
    if (::mkdtemp(dir) == nullptr) std::abort();
    root_ = dir;
  }
  ~LinuxEnv() { std::filesystem::remove_all(root_); }
  LinuxEnv(const LinuxEnv&) = delete;
  LinuxEnv& operator=(const LinuxEnv&) = delete;

  FileSystem& files() { return files_; }
  const std::string& root() const { return root_; }
  std::string Path(const std::string& rel) const { return root_ + "/" + rel; }

  void WriteFile(const std::string& rel, std::string_view content) {
    UniqueFd fd(::open(Path(rel).c_str(),
                       O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    ASSERT_TRUE(fd.valid());
    ASSERT_EQ(::fchmod(fd.get(), 0644), 0);  // whatever the umask
    ASSERT_EQ(::pwrite(fd.get(), content.data(), content.size(), 0),
              static_cast<ssize_t>(content.size()));
  }
  void Sparse(const std::string& rel, uint64_t size, uint64_t offset,
              std::string_view data) {
    UniqueFd fd(
        ::open(Path(rel).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    ASSERT_TRUE(fd.valid());
    ASSERT_EQ(::ftruncate(fd.get(), static_cast<off_t>(size)), 0);
    ASSERT_EQ(::pwrite(fd.get(), data.data(), data.size(),
                       static_cast<off_t>(offset)),
              static_cast<ssize_t>(data.size()));
  }
  void MakeDir(const std::string& rel) {
    ASSERT_EQ(::mkdir(Path(rel).c_str(), 0755), 0);
  }
  void Symlink(const std::string& rel, const std::string& target) {
    ASSERT_EQ(::symlink(target.c_str(), Path(rel).c_str()), 0);
  }
  void HardLink(const std::string& from, const std::string& rel) {
    ASSERT_EQ(::link(Path(from).c_str(), Path(rel).c_str()), 0);
  }
  void Rename(const std::string& from, const std::string& to) {
    ASSERT_EQ(::rename(Path(from).c_str(), Path(to).c_str()), 0);
  }
  void Remove(const std::string& rel) {
    ASSERT_EQ(::unlink(Path(rel).c_str()), 0);
  }
  UniqueFd Open(const std::string& rel) {
    return UniqueFd(::open(Path(rel).c_str(), O_RDONLY | O_CLOEXEC));
  }
  std::optional<std::string> Content(const std::string& rel) {
    struct stat st {};
    if (::lstat(Path(rel).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      return std::nullopt;
    }
    std::string out(static_cast<size_t>(st.st_size), '\0');
    UniqueFd fd = Open(rel);
    if (::pread(fd.get(), out.data(), out.size(), 0) !=
        static_cast<ssize_t>(out.size())) {
      return std::nullopt;
    }
    return out;
  }
  bool IsSymlink(const std::string& rel) {
    struct stat st {};
    return ::lstat(Path(rel).c_str(), &st) == 0 && S_ISLNK(st.st_mode);
  }
  std::vector<std::string> List() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(root_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  // A child process holds `rel` open until the Holder goes.
  std::unique_ptr<Holder> HoldOpen(const std::string& rel, bool writing) {
    class Child : public Holder {
     public:
      Child(pid_t pid, int done) : pid_(pid), done_(done) {}
      ~Child() override {
        ::close(done_);
        int status = 0;
        ::waitpid(pid_, &status, 0);
      }

     private:
      pid_t pid_;
      int done_;
    };
    int ready[2];
    int done[2];
    if (::pipe2(ready, O_CLOEXEC) != 0 || ::pipe2(done, O_CLOEXEC) != 0) {
      std::abort();
    }
    std::string path = Path(rel);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(done[1]);
      int fd = ::open(path.c_str(), writing ? O_WRONLY : O_RDONLY);
      char c = fd >= 0 ? '1' : '0';
      (void)!::write(ready[1], &c, 1);
      (void)!::read(done[0], &c, 1);  // until the parent closes its end
      ::_exit(0);
    }
    ::close(ready[1]);
    ::close(done[0]);
    char c = '0';
    (void)!::read(ready[0], &c, 1);
    ::close(ready[0]);
    EXPECT_EQ(c, '1');
    return std::make_unique<Child>(pid, done[1]);
  }

 private:
  LinuxFileSystem files_;
  std::string root_;
};

class LinuxComponentsEnv : public LinuxEnv {
 public:
  LinuxComponentsEnv() : LinuxEnv(false) {}
};

class FakeEnv {
 public:
  FakeEnv() { fake_.AddDirectory(root_); }
  FileSystem& files() { return fake_; }
  const std::string& root() const { return root_; }
  std::string Path(const std::string& rel) const { return root_ + "/" + rel; }

  void WriteFile(const std::string& rel, std::string_view content) {
    fake_.AddFile(Path(rel), content);
  }
  void Sparse(const std::string& rel, uint64_t size, uint64_t offset,
              std::string_view data) {
    fake_.AddFile(Path(rel), "");
    fake_.Truncate(Path(rel), size);
    fake_.WriteAt(Path(rel), offset, data);
  }
  void MakeDir(const std::string& rel) { fake_.AddDirectory(Path(rel)); }
  void Symlink(const std::string& rel, const std::string& target) {
    fake_.AddSymlink(Path(rel), target);
  }
  void HardLink(const std::string& from, const std::string& rel) {
    fake_.AddHardLink(Path(from), Path(rel));
  }
  void Rename(const std::string& from, const std::string& to) {
    fake_.Rename(Path(from), Path(to));
  }
  void Remove(const std::string& rel) { fake_.Remove(Path(rel)); }
  UniqueFd Open(const std::string& rel) { return fake_.Open(Path(rel)); }
  std::optional<std::string> Content(const std::string& rel) {
    if (fake_.KindOf(Path(rel)) != FakeFileSystem::Kind::kFile) {
      return std::nullopt;
    }
    return fake_.Content(Path(rel));
  }
  bool IsSymlink(const std::string& rel) {
    return fake_.KindOf(Path(rel)) == FakeFileSystem::Kind::kSymlink;
  }
  std::vector<std::string> List() { return fake_.List(root_); }

  std::unique_ptr<Holder> HoldOpen(const std::string& rel, bool writing) {
    class Writer : public Holder {
     public:
      Writer(FakeFileSystem* fake, std::string path)
          : fake_(fake), path_(std::move(path)) {
        fake_->SetWriter(path_, kPid);
      }
      ~Writer() override { fake_->SetWriter(path_, kPid, false); }

     private:
      const int kPid = 4242;
      FakeFileSystem* fake_;
      std::string path_;
    };
    if (!writing) return std::make_unique<Holder>();
    return std::make_unique<Writer>(&fake_, Path(rel));
  }

 private:
  FakeFileSystem fake_;
  std::string root_ = "/home/user";
};

template <typename Env>
class FileSystemTest : public ::testing::Test {
 protected:
  FileSystem& files() { return env_.files(); }
  UniqueFd Root() {
    Result<UniqueFd> dir = files().OpenDirNoFollow(env_.root());
    EXPECT_TRUE(dir.ok()) << dir.status().message();
    return dir.ok() ? std::move(dir).value() : UniqueFd();
  }
  // The identity through an fd that stays open for the test, as the
  // mover holds its event's fd (RemoveIfSame's REQUIRES).
  FileIdentity IdentityOf(const std::string& rel) {
    UniqueFd fd = env_.Open(rel);
    Result<FileIdentity> id = files().Identify(fd.get());
    EXPECT_TRUE(id.ok()) << id.status().message();
    held_.push_back(std::move(fd));
    return id.ok() ? *id : FileIdentity{};
  }
  Env env_;
  std::vector<UniqueFd> held_;
};

class EnvNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    if (std::is_same_v<T, LinuxEnv>) return "Linux";
    if (std::is_same_v<T, LinuxComponentsEnv>) return "LinuxNoOpenat2";
    return "Fake";
  }
};

using Envs = ::testing::Types<LinuxEnv, LinuxComponentsEnv, FakeEnv>;
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

TYPED_TEST(FileSystemTest, HardLinksShareAnInode) {
  this->env_.WriteFile("a.csv", "roster");
  this->env_.HardLink("a.csv", "b.csv");
  FileIdentity a = this->IdentityOf("a.csv");
  EXPECT_EQ(a.nlink, 2u);
  EXPECT_TRUE(a.SameFile(this->IdentityOf("b.csv")));
  UniqueFd root = this->Root();
  ASSERT_TRUE(this->files().RemoveIfSame(root.get(), "b.csv", a).ok());
  EXPECT_EQ(this->env_.Content("a.csv"), "roster");
  EXPECT_EQ(this->IdentityOf("a.csv").nlink, 1u);
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

TYPED_TEST(FileSystemTest, RemoveIfSameRemovesTheExaminedFile) {
  this->env_.WriteFile("a.csv", "roster");
  FileIdentity a = this->IdentityOf("a.csv");
  UniqueFd root = this->Root();
  ASSERT_TRUE(this->files().RemoveIfSame(root.get(), "a.csv", a).ok());
  EXPECT_EQ(this->env_.List(), std::vector<std::string>{});
  EXPECT_EQ(this->files().RemoveIfSame(root.get(), "a.csv", a).code(),
            StatusCode::kNotFound);
}

// The race the mover must survive: between the scan and the removal the
// file is moved away and a symlink put in its place.
TYPED_TEST(FileSystemTest, RemoveIfSameRefusesASymlinkSwap) {
  this->env_.WriteFile("a.csv", "roster");
  FileIdentity a = this->IdentityOf("a.csv");
  UniqueFd root = this->Root();
  this->env_.Rename("a.csv", "a.orig");
  this->env_.Symlink("a.csv", "/etc/passwd");
  Status status = this->files().RemoveIfSame(root.get(), "a.csv", a);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "file system: a.csv: changed since it was examined");
  EXPECT_TRUE(this->env_.IsSymlink("a.csv"));
  EXPECT_EQ(this->env_.Content("a.orig"), "roster");
  EXPECT_EQ(this->env_.List(), (std::vector<std::string>{"a.csv", "a.orig"}));
}

TYPED_TEST(FileSystemTest, RemoveIfSameRefusesAnotherFileOrADirectory) {
  this->env_.WriteFile("a.csv", "roster");
  // Held open, as the mover holds its event's fd: the inode number cannot
  // be reused by the next file.
  UniqueFd held = this->env_.Open("a.csv");
  FileIdentity a = *this->files().Identify(held.get());
  UniqueFd root = this->Root();
  this->env_.Remove("a.csv");
  this->env_.WriteFile("a.csv", "someone else's");
  EXPECT_EQ(this->files().RemoveIfSame(root.get(), "a.csv", a).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->env_.Content("a.csv"), "someone else's");
  this->env_.MakeDir("d");
  EXPECT_EQ(this->files().RemoveIfSame(root.get(), "d", a).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->env_.List(), (std::vector<std::string>{"a.csv", "d"}));
}

// Written after it was examined: removing it would lose the new data.
TYPED_TEST(FileSystemTest, RemoveIfSameRefusesAFileWrittenSinceExamined) {
  this->env_.WriteFile("a.csv", "roster");
  UniqueFd held = this->env_.Open("a.csv");
  FileIdentity a = *this->files().Identify(held.get());
  Result<UniqueFd> w = this->files().ReopenForWriting(held.get());
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(::pwrite(w->get(), "\nmore", 5, 6), 5);
  UniqueFd root = this->Root();
  EXPECT_EQ(this->files().RemoveIfSame(root.get(), "a.csv", a).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->env_.Content("a.csv"), "roster\nmore");
}

TYPED_TEST(FileSystemTest, CreateExclusiveNeverFollowsOrReplaces) {
  UniqueFd root = this->Root();
  Result<UniqueFd> fd = this->files().CreateExclusive(root.get(), "n", 0600);
  ASSERT_TRUE(fd.ok()) << fd.status().message();
  ASSERT_EQ(::write(fd->get(), "abc", 3), 3);
  EXPECT_EQ(this->env_.Content("n"), "abc");
  EXPECT_EQ(this->IdentityOf("n").mode & 0777, 0600u);
  Status again = this->files().CreateExclusive(root.get(), "n", 0600).status();
  EXPECT_EQ(Reason(again), std::strerror(EEXIST));
  this->env_.Symlink("dangling", this->env_.Path("target"));
  Status link =
      this->files().CreateExclusive(root.get(), "dangling", 0600).status();
  EXPECT_EQ(Reason(link), std::strerror(EEXIST));
  EXPECT_EQ(this->env_.Content("target"), std::nullopt);
}

TYPED_TEST(FileSystemTest, CreateUniqueKeepsTheExtension) {
  UniqueFd root = this->Root();
  auto create = [&](const std::string& base) {
    Result<CreatedFile> made =
        this->files().CreateUnique(root.get(), base, 0600);
    EXPECT_TRUE(made.ok()) << made.status().message();
    return made.ok() ? made->name : "";
  };
  EXPECT_EQ(create("名簿.csv"), "名簿.csv");
  EXPECT_EQ(create("名簿.csv"), "名簿 (2).csv");
  EXPECT_EQ(create("名簿.csv"), "名簿 (3).csv");
  EXPECT_EQ(create(".bashrc"), ".bashrc");
  EXPECT_EQ(create(".bashrc"), ".bashrc (2)");
  EXPECT_EQ(create("README"), "README");
  EXPECT_EQ(create("README"), "README (2)");
  for (int n = 1; n <= kMaxUniqueNames; ++n) {
    ASSERT_TRUE(this->files().CreateUnique(root.get(), "x.txt", 0600).ok());
  }
  EXPECT_EQ(
      this->files().CreateUnique(root.get(), "x.txt", 0600).status().code(),
      StatusCode::kFailedPrecondition);
}

TYPED_TEST(FileSystemTest, MakeDirAtAcceptsOnlyARealDirectory) {
  UniqueFd root = this->Root();
  ASSERT_TRUE(this->files().MakeDirAt(root.get(), "q", 0700).ok());
  ASSERT_TRUE(this->files().MakeDirAt(root.get(), "q", 0700).ok());
  this->env_.WriteFile("f", "x");
  this->env_.Symlink("lq", "q");
  EXPECT_EQ(this->files().MakeDirAt(root.get(), "f", 0700).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->files().MakeDirAt(root.get(), "lq", 0700).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(this->files().OpenDirNoFollow(this->env_.Path("q")).ok());
}

TYPED_TEST(FileSystemTest, UnlinkAtAndFsync) {
  this->env_.WriteFile("f", "x");
  this->env_.MakeDir("d");
  UniqueFd root = this->Root();
  UniqueFd fd = this->env_.Open("f");
  EXPECT_TRUE(this->files().FsyncFd(fd.get()).ok());
  EXPECT_TRUE(this->files().FsyncFd(root.get()).ok());
  EXPECT_TRUE(this->files().UnlinkAt(root.get(), "f").ok());
  EXPECT_EQ(this->files().UnlinkAt(root.get(), "f").code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Reason(this->files().UnlinkAt(root.get(), "d")),
            std::strerror(EISDIR));
}

TYPED_TEST(FileSystemTest, ReopenForWritingOverwritesTheSameFile) {
  this->env_.WriteFile("a.csv", "roster");
  UniqueFd fd = this->env_.Open("a.csv");
  Result<UniqueFd> w = this->files().ReopenForWriting(fd.get());
  ASSERT_TRUE(w.ok()) << w.status().message();
  ASSERT_EQ(::pwrite(w->get(), "XXXXXX", 6, 0), 6);
  EXPECT_EQ(this->env_.Content("a.csv"), "XXXXXX");
  Result<FileIdentity> id = this->files().Identify(w->get());
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE(id->SameFile(this->IdentityOf("a.csv")));
  UniqueFd root = this->Root();
  EXPECT_EQ(this->files().ReopenForWriting(root.get()).status().code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace piiguard::os
