#include "common/os/fanotify.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/os/linux_file_system.h"
#include "common/os/testing/fake_fanotify.h"
#include "common/os/testing/fake_file_system.h"

namespace piiguard::os {
namespace {

std::string Record(uint64_t mask, int fd, int pid, std::string info = "") {
  return FormatFanotifyRecord(FanotifyRecord{mask, fd, pid, std::move(info)});
}

// An info record header {type, pad, u16 len} and len - 4 bytes.
std::string Info(uint8_t type, uint16_t len) {
  std::string bytes(len < 4 ? 4 : len, 'i');
  bytes[0] = static_cast<char>(type);
  bytes[1] = 0;
  std::memcpy(bytes.data() + 2, &len, 2);
  return bytes;
}

std::string WithByte(std::string bytes, size_t at, uint8_t value) {
  bytes[at] = static_cast<char>(value);
  return bytes;
}

std::string WithU32(std::string bytes, size_t at, uint32_t value) {
  std::memcpy(bytes.data() + at, &value, 4);
  return bytes;
}

TEST(FanotifyParseTest, ParsesRecordsOfEveryLength) {
  std::string fid = Info(FAN_EVENT_INFO_TYPE_FID, 20) +
                    Info(FAN_EVENT_INFO_TYPE_DFID_NAME, 12);
  std::string bytes = Record(FAN_CLOSE_WRITE, 7, 100) +
                      Record(FAN_CLOSE_WRITE | FAN_MODIFY, 8, 101, fid) +
                      Record(FAN_Q_OVERFLOW, FAN_NOFD, 0);
  Result<std::vector<FanotifyRecord>> records = ParseFanotifyEvents(bytes);
  ASSERT_TRUE(records.ok()) << records.status().message();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[0], (FanotifyRecord{FAN_CLOSE_WRITE, 7, 100, ""}));
  EXPECT_EQ((*records)[1].info, fid);
  EXPECT_EQ((*records)[1].pid, 101);
  EXPECT_EQ((*records)[2].fd, FAN_NOFD);
  std::string again;
  for (const FanotifyRecord& r : *records) again += FormatFanotifyRecord(r);
  EXPECT_EQ(again, bytes);
  EXPECT_TRUE(ParseFanotifyEvents("")->empty());
}

TEST(FanotifyParseTest, RefusesTruncatedAndInconsistentRecords) {
  const std::string good = Record(FAN_CLOSE_WRITE, 7, 100);
  ASSERT_EQ(good.size(), kFanotifyMetadataSize);
  for (const std::string& bad : {
           good.substr(0, 23),                    // truncated metadata
           good + good.substr(0, 8),              // a truncated second one
           WithU32(good, 0, 25),                  // event_len past the input
           WithU32(good, 0, 16),                  // event_len < metadata_len
           WithByte(good, 4, 2),                  // version 2
           WithByte(good, 4, 4),                  // version 4
           WithByte(good, 5, 1),                  // reserved
           WithByte(good, 6, 16),                 // metadata_len 16
           WithByte(good, 6, 32),                 // metadata_len 32
           Record(FAN_CLOSE_WRITE, -2, 1),        // negative fd
           Record(FAN_CLOSE_WRITE, FAN_NOFD, 1),  // no fd, no overflow
           Record(FAN_Q_OVERFLOW, 5, 0),          // an overflow with an fd
           Record(FAN_CLOSE_WRITE, 7, 1, "abc"),  // info shorter than a header
           Record(FAN_CLOSE_WRITE, 7, 1, Info(FAN_EVENT_INFO_TYPE_FID, 2)),
           Record(FAN_CLOSE_WRITE, 7, 1, Info(1, 8).substr(0, 6)),
           Record(FAN_CLOSE_WRITE, 7, 1, Info(FAN_EVENT_INFO_TYPE_PIDFD, 8)),
       }) {
    Result<std::vector<FanotifyRecord>> records = ParseFanotifyEvents(bad);
    EXPECT_FALSE(records.ok()) << bad.size();
    if (!records.ok()) {
      EXPECT_EQ(records.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

bool IsOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

// Drain owns every fd the kernel put in a read, and closes them even when
// a later record in the same read is malformed.
TEST(FanotifyDrainTest, ClosesEveryFdOfABadBatch) {
  int ends[2];
  ASSERT_EQ(::pipe2(ends, O_CLOEXEC | O_NONBLOCK), 0);
  UniqueFd writer(ends[1]);
  std::unique_ptr<LinuxFanotify> events =
      LinuxFanotify::Adopt(UniqueFd(ends[0]));
  int a = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int b = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::string bytes = Record(FAN_CLOSE_WRITE, a, 1) +
                      Record(FAN_CLOSE_WRITE, b, 2) +
                      WithByte(Record(FAN_CLOSE_WRITE, 99, 3), 4, 9);
  ASSERT_EQ(::write(writer.get(), bytes.data(), bytes.size()),
            static_cast<ssize_t>(bytes.size()));
  Result<FileEventBatch> batch = events->Drain();
  EXPECT_FALSE(batch.ok());
  EXPECT_FALSE(IsOpen(a));
  EXPECT_FALSE(IsOpen(b));
  // A good batch: fds handed over, the overflow flagged, then EAGAIN.
  int c = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  bytes = Record(FAN_CLOSE_WRITE, c, 5) + Record(FAN_Q_OVERFLOW, FAN_NOFD, 0);
  ASSERT_EQ(::write(writer.get(), bytes.data(), bytes.size()),
            static_cast<ssize_t>(bytes.size()));
  batch = events->Drain();
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  EXPECT_TRUE(batch->overflow);
  ASSERT_EQ(batch->events.size(), 1u);
  EXPECT_EQ(batch->events[0].fd.get(), c);
  EXPECT_EQ(batch->events[0].pid, 5);
  batch = events->Drain();
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->events.empty());
  EXPECT_FALSE(batch->overflow);
}

TEST(FakeFileEventsTest, ReportsWritesOnMarkedFilesystemsOnly) {
  FakeFileSystem files;
  files.AddDirectory("/home/u");
  files.AddMount("/media/u/STICK", 7);
  FakeFileEvents events(&files);
  ASSERT_EQ(*events.MarkFilesystem("/"), MarkScope::kFilesystem);
  EXPECT_TRUE(events.Write("/home/u/名簿.csv", "氏名,住所\n", 321));
  EXPECT_FALSE(events.Write("/media/u/STICK/名簿.csv", "x", 321));
  Result<FileEventBatch> batch = events.Drain();
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->events.size(), 1u);
  const FileEvent& event = batch->events[0];
  EXPECT_EQ(event.pid, 321);
  EXPECT_EQ(event.mask, uint64_t{FAN_CLOSE_WRITE});
  // The fd is one of the fake's: the production path reads it unchanged.
  EXPECT_EQ(*files.PathOf(event.fd.get()), "/home/u/名簿.csv");
  EXPECT_EQ(files.ReadSparse(event.fd.get(), 100)->text, "氏名,住所\n");
  ASSERT_TRUE(events.Unmark("/").ok());
  EXPECT_FALSE(events.Write("/home/u/b.csv", "x", 1));
}

TEST(FakeFileEventsTest, InjectsOverflowFallbackAndFailures) {
  FakeFileSystem files;
  files.AddFile("/f", "x");
  FakeFileEvents events(&files);
  events.set_filesystem_marks(false);
  EXPECT_EQ(*events.MarkFilesystem("/"), MarkScope::kMount);
  EXPECT_EQ(events.MarkFilesystem("relative").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(events.MarkFilesystem("/none").status().code(),
            StatusCode::kNotFound);
  EXPECT_FALSE(events.MarkFilesystem("/f").ok());  // not a directory
  events.FailNextMark(EPERM);
  EXPECT_EQ(events.MarkFilesystem("/").status().code(),
            StatusCode::kPermissionDenied);
  events.Overflow();
  for (size_t i = 0; i < kMaxFanotifyEventsPerDrain + 5; ++i) {
    ASSERT_TRUE(events.CloseWrite("/f", 1));
  }
  Result<FileEventBatch> batch = events.Drain();
  EXPECT_TRUE(batch->overflow);
  EXPECT_EQ(batch->events.size(), kMaxFanotifyEventsPerDrain);
  batch = events.Drain();
  EXPECT_FALSE(batch->overflow);
  EXPECT_EQ(batch->events.size(), 5u);
  events.FailNextDrain(IoError("fanotify", "read", "boom"));
  EXPECT_FALSE(events.Drain().ok());
  EXPECT_TRUE(events.Drain().ok());
}

// A scratch ext4 filesystem on a loop device, mounted in a temporary
// directory; reason() says why not when it could not be made.
class LoopExt4 {
 public:
  LoopExt4() {
    if (::geteuid() != 0) {
      reason_ = "needs root (mount, fanotify FAN_MARK_FILESYSTEM)";
      return;
    }
    char base[] = "/tmp/piiguard-fanotify-XXXXXX";
    if (::mkdtemp(base) == nullptr) {
      reason_ = "mkdtemp failed";
      return;
    }
    base_ = base;
    std::string image = base_ + "/img";
    mount_point_ = base_ + "/mnt";
    ::mkdir(mount_point_.c_str(), 0755);
    UniqueFd fd(::open(image.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
    if (!fd.valid() || ::ftruncate(fd.get(), 64 << 20) != 0) {
      reason_ = "cannot make the image";
      return;
    }
    if (!Run("mkfs.ext4 -q -F " + image)) {
      reason_ = "mkfs.ext4 failed";
      return;
    }
    if (!Run("mount -o loop " + image + " " + mount_point_)) {
      reason_ = "mount -o loop failed (no loop devices?)";
      return;
    }
    mounted_ = true;
  }
  ~LoopExt4() {
    if (mounted_) Run("umount " + mount_point_);
    std::error_code ignored;
    if (!base_.empty()) std::filesystem::remove_all(base_, ignored);
  }
  LoopExt4(const LoopExt4&) = delete;
  LoopExt4& operator=(const LoopExt4&) = delete;

  bool ok() const { return mounted_; }
  const std::string& reason() const { return reason_; }
  const std::string& mount_point() const { return mount_point_; }
  const std::string& base() const { return base_; }

 private:
  static bool Run(const std::string& command) {
    return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
  }
  std::string base_;
  std::string mount_point_;
  std::string reason_;
  bool mounted_ = false;
};

void WriteFile(const std::string& path, std::string_view content) {
  UniqueFd fd(
      ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644));
  ASSERT_TRUE(fd.valid()) << path;
  ASSERT_EQ(::write(fd.get(), content.data(), content.size()),
            static_cast<ssize_t>(content.size()));
}

// The real kernel on a loop-mounted ext4: a file written and closed there
// gives exactly one event, with our pid and an fd that reads the content;
// a file on another filesystem, or only read, gives nothing.
TEST(LinuxFanotifyTest, SeesACloseWriteOnAMarkedFilesystem) {
  LoopExt4 fs;
  if (!fs.ok()) GTEST_SKIP() << fs.reason();
  Result<std::unique_ptr<LinuxFanotify>> events = LinuxFanotify::Open();
  ASSERT_TRUE(events.ok()) << events.status().message();
  Result<MarkScope> scope = (*events)->MarkFilesystem(fs.mount_point());
  ASSERT_TRUE(scope.ok()) << scope.status().message();
  EXPECT_EQ(*scope, MarkScope::kFilesystem);
  const std::string path = fs.mount_point() + "/名簿.csv";
  const std::string content = "氏名,電話番号\n山田太郎,03-1234-5678\n";
  WriteFile(path, content);
  WriteFile(fs.base() + "/elsewhere.csv", content);  // another filesystem
  UniqueFd reader(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  reader.Reset();  // FAN_CLOSE_NOWRITE: not asked for
  Result<FileEventBatch> batch = (*events)->Drain();
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  EXPECT_FALSE(batch->overflow);
  ASSERT_EQ(batch->events.size(), 1u);
  const FileEvent& event = batch->events[0];
  EXPECT_EQ(event.pid, ::getpid());
  EXPECT_EQ(event.mask, uint64_t{FAN_CLOSE_WRITE});
  LinuxFileSystem files;
  EXPECT_EQ(*files.PathOf(event.fd.get()), path);
  EXPECT_EQ(files.ReadSparse(event.fd.get(), 1 << 20)->text, content);
  EXPECT_EQ(::fcntl(event.fd.get(), F_GETFL) & (O_ACCMODE | O_NOATIME),
            O_RDONLY | O_NOATIME);
  EXPECT_NE(::fcntl(event.fd.get(), F_GETFD) & FD_CLOEXEC, 0);
  // Reading through the event's fd makes no event of its own.
  EXPECT_TRUE((*events)->Drain()->events.empty());
  // A bind mount elsewhere is the same filesystem: seen too.
  const std::string bind = fs.base() + "/bind";
  ::mkdir(bind.c_str(), 0755);
  ASSERT_EQ(std::system(("mount --bind " + fs.mount_point() + " " + bind +
                         " >/dev/null 2>&1")
                            .c_str()),
            0);
  WriteFile(bind + "/b.csv", "x");
  batch = (*events)->Drain();
  size_t through_bind = batch.ok() ? batch->events.size() : 0;
  batch = FileEventBatch{};  // its fd pins the bind mount
  EXPECT_EQ(std::system(("umount " + bind).c_str()), 0);
  EXPECT_EQ(through_bind, 1u);
  ASSERT_TRUE((*events)->Unmark(fs.mount_point()).ok());
  WriteFile(fs.mount_point() + "/c.csv", "x");
  EXPECT_TRUE((*events)->Drain()->events.empty());
  EXPECT_FALSE((*events)->MarkFilesystem("relative").ok());
  EXPECT_EQ((*events)->MarkFilesystem(fs.base() + "/none").status().code(),
            StatusCode::kNotFound);
}

// A queue of 8 events (max_queued_events is read when the group is made)
// overflows after 8 distinct files: the batch says so.
TEST(LinuxFanotifyTest, ReportsAQueueOverflow) {
  LoopExt4 fs;
  if (!fs.ok()) GTEST_SKIP() << fs.reason();
  const char* kLimit = "/proc/sys/fs/fanotify/max_queued_events";
  std::string old;
  std::ifstream(kLimit) >> old;
  if (old.empty()) GTEST_SKIP() << "no " << kLimit;
  std::ofstream(kLimit) << "8\n";
  Result<std::unique_ptr<LinuxFanotify>> events = LinuxFanotify::Open();
  std::ofstream(kLimit) << old << "\n";
  ASSERT_TRUE(events.ok()) << events.status().message();
  ASSERT_TRUE((*events)->MarkFilesystem(fs.mount_point()).ok());
  for (int i = 0; i < 20; ++i) {
    WriteFile(fs.mount_point() + "/f" + std::to_string(i), "x");
  }
  Result<FileEventBatch> batch = (*events)->Drain();
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  EXPECT_TRUE(batch->overflow);
  EXPECT_LE(batch->events.size(), 8u);
  EXPECT_FALSE((*events)->Drain()->overflow);
}

}  // namespace
}  // namespace piiguard::os
