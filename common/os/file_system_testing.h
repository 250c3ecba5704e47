// The conformance suite of the file-system seam (file_system.h), shared
// by file_system_test.cc and file_system_change_test.cc: one fixture, three
// implementations: LinuxFileSystem in a temporary directory (with openat2,
// and with the component-by-component fallback) and FakeFileSystem. Every
// case runs on all three, so the fake cannot drift from the kernel. Each
// Env makes files its own way (the kernel's calls, the fake's set-up) and
// hands out the FileSystem under test.
#ifndef PIIGUARD_COMMON_OS_FILE_SYSTEM_TESTING_H_
#define PIIGUARD_COMMON_OS_FILE_SYSTEM_TESTING_H_

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "common/os/linux_file_system.h"
#include "common/os/testing/fake_file_system.h"

namespace piiguard::os::file_system_testing {

// The reason at the end of "context: object: reason".
inline std::string Reason(const Status& status) {
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
  ~LinuxEnv() {
    for (const std::string& path : denied_) ::chmod(path.c_str(), 0700);
    std::error_code error;
    std::filesystem::remove_all(root_, error);
  }
  LinuxEnv(const LinuxEnv&) = delete;
  LinuxEnv& operator=(const LinuxEnv&) = delete;

  FileSystem& files() { return files_; }
  const std::string& root() const { return root_; }
  std::string Path(const std::string& rel) const { return root_ + "/" + rel; }

  void WriteFile(const std::string& rel, std::string_view content) const {
    UniqueFd fd(::open(Path(rel).c_str(),
                       O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    ASSERT_TRUE(fd.valid());
    ASSERT_EQ(::fchmod(fd.get(), 0644), 0);  // whatever the umask
    ASSERT_EQ(::pwrite(fd.get(), content.data(), content.size(), 0),
              static_cast<ssize_t>(content.size()));
  }
  void Sparse(const std::string& rel, uint64_t size, uint64_t offset,
              std::string_view data) const {
    UniqueFd fd(
        ::open(Path(rel).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    ASSERT_TRUE(fd.valid());
    ASSERT_EQ(::ftruncate(fd.get(), static_cast<off_t>(size)), 0);
    ASSERT_EQ(::pwrite(fd.get(), data.data(), data.size(),
                       static_cast<off_t>(offset)),
              static_cast<ssize_t>(data.size()));
  }
  void MakeDir(const std::string& rel) const {
    ASSERT_EQ(::mkdir(Path(rel).c_str(), 0755), 0);
  }
  void Symlink(const std::string& rel, const std::string& target) const {
    ASSERT_EQ(::symlink(target.c_str(), Path(rel).c_str()), 0);
  }
  void MakeFifo(const std::string& rel) const {
    ASSERT_EQ(::mkfifo(Path(rel).c_str(), 0644), 0);
  }
  // Root opens mode 0000 files all the same.
  static bool CanDeny() { return ::geteuid() != 0; }
  void Deny(const std::string& rel) {
    ASSERT_EQ(::chmod(Path(rel).c_str(), 0), 0);
    denied_.push_back(Path(rel));
  }
  void HardLink(const std::string& from, const std::string& rel) const {
    ASSERT_EQ(::link(Path(from).c_str(), Path(rel).c_str()), 0);
  }
  void Rename(const std::string& from, const std::string& to) const {
    ASSERT_EQ(::rename(Path(from).c_str(), Path(to).c_str()), 0);
  }
  void Remove(const std::string& rel) const {
    ASSERT_EQ(::unlink(Path(rel).c_str()), 0);
  }
  UniqueFd Open(const std::string& rel) const {
    return UniqueFd(::open(Path(rel).c_str(), O_RDONLY | O_CLOEXEC));
  }
  std::optional<std::string> Content(const std::string& rel) const {
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
  bool IsSymlink(const std::string& rel) const {
    struct stat st {};
    return ::lstat(Path(rel).c_str(), &st) == 0 && S_ISLNK(st.st_mode);
  }
  std::vector<std::string> List() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(root_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  // A child process holds `rel` open until the Holder goes.
  std::unique_ptr<Holder> HoldOpen(const std::string& rel, bool writing) const {
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
  std::vector<std::string> denied_;  // given mode 0 (Deny), given back
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
    fake_.AddSparseFile(Path(rel), size, offset, data);
  }
  void MakeDir(const std::string& rel) { fake_.AddDirectory(Path(rel)); }
  void Symlink(const std::string& rel, const std::string& target) {
    fake_.AddSymlink(Path(rel), target);
  }
  void MakeFifo(const std::string& rel) { fake_.AddFifo(Path(rel)); }
  static bool CanDeny() { return true; }
  void Deny(const std::string& rel) { fake_.DenyAccess(Path(rel)); }
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
        fake_->SetWriter(path_, kWriterPid);
      }
      ~Writer() override { fake_->SetWriter(path_, kWriterPid, false); }

     private:
      FakeFileSystem* fake_;
      std::string path_;
    };
    if (!writing) return std::make_unique<Holder>();
    return std::make_unique<Writer>(&fake_, Path(rel));
  }

 private:
  static constexpr int kWriterPid = 4242;  // HoldOpen's writer
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

}  // namespace piiguard::os::file_system_testing

#endif  // PIIGUARD_COMMON_OS_FILE_SYSTEM_TESTING_H_
