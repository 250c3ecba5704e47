#include "agent/usb/medium_helper.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "agent/usb/testing/fake_stick_medium.h"
#include "common/os/testing/fake_mount_control.h"

namespace piiguard::agent::usb {
namespace {

MediumRequest ReadRequest() {
  MediumRequest r;
  r.kind = MediumRequest::Kind::kRead;
  r.disk = "sdb";
  r.partitions = {{"sdb1", 1048576}, {"sdb2", 33554432}};
  return r;
}

MediumRequest CloseRequest() {
  MediumRequest r;
  r.kind = MediumRequest::Kind::kClose;
  r.mounts = {{"mnt:[4026531841]", 0, "/media/山田/STICK \x01", {8, 17}},
              {"mnt:[4026532200]", 812, "/run/x", {8, 16}}};
  return r;
}

TEST(MediumHelperTest, RequestsAndAnswersSurviveTheWireFormat) {
  for (const MediumRequest& request : {ReadRequest(), CloseRequest()}) {
    Result<MediumRequest> back =
        ParseMediumRequest(SerializeMediumRequest(request));
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(*back, request);
  }
  MediumAnswer answer;
  answer.medium.capacity_bytes = 67108864;
  answer.medium.fs = {1048576, 66060288, "vfat", "1A2B-3C4D"};
  answer.fs_device = "sdb1";
  answer.key_file = std::string("piiguard-signed/1\n\0\xff", 20);
  answer.closed = {{CloseRequest().mounts[0], CloseAction::kDetached,
                    "mounts: /media/x: Device or resource busy"}};
  Result<MediumAnswer> back = ParseMediumAnswer(SerializeMediumAnswer(answer));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, answer);
  MediumAnswer none;
  back = ParseMediumAnswer(SerializeMediumAnswer(none));
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->key_file.has_value());
}

TEST(MediumHelperTest, MalformedMessagesAreRefused) {
  for (
      const char* bad : {
          "",
          "[]",
          R"({"op":"eject"})",
          R"({"op":"read","disk":"../sda","partitions":[]})",
          R"({"op":"read","disk":"sdb"})",
          R"({"op":"read","disk":"sdb","partitions":[],"x":1})",
          R"({"op":"close","mounts":[{"ns":"!","pid":0,"mount_point":"L20=","major":8,"minor":1}]})",
          R"({"op":"close","mounts":[{"ns":"","pid":0,"mount_point":"cmVs","major":8,"minor":1}]})",
          R"({"op":"close","mounts":[{"ns":"","pid":-1,"mount_point":"L20=","major":8,"minor":1}]})",
      }) {
    EXPECT_FALSE(ParseMediumRequest(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseMediumRequest(std::string(300 * 1024, ' ')).ok());
  EXPECT_FALSE(ParseMediumAnswer(R"({"error":""})").ok());
  MediumAnswer big;
  big.key_file = std::string(stick::kMaxKeyFileSize + 1, 'k');
  EXPECT_FALSE(ParseMediumAnswer(SerializeMediumAnswer(big)).ok());
}

TEST(MediumHelperTest, ReadFindsTheFilesystemAndItsKey) {
  FakeStickMedium medium;
  FakeStickMedium::Medium m;
  m.info.capacity_bytes = 67108864;
  m.info.fs = {33554432, 1000, "ext4", "0f1e"};
  m.fs_device = "sdb2";
  m.key_file = "key";
  medium.Set("sdb", m);
  os::FakeMountControl mounts;
  MediumAnswer answer = RunMediumRequest(ReadRequest(), medium, mounts);
  EXPECT_EQ(answer.error, "");
  EXPECT_EQ(answer.fs_device, "sdb2");
  EXPECT_EQ(answer.key_file, "key");
  m.info.fs.offset = 4096;  // no partition starts there
  medium.Set("sdb", m);
  answer = RunMediumRequest(ReadRequest(), medium, mounts);
  EXPECT_NE(answer.error.find("no partition holds the filesystem"),
            std::string::npos);
  m.probe_error = EIO;
  medium.Set("sdb", m);
  EXPECT_NE(RunMediumRequest(ReadRequest(), medium, mounts).error, "");
}

TEST(MediumHelperTest, CloseMakesReadOnlyOrDetaches) {
  FakeStickMedium medium;
  os::FakeMountControl mounts;
  mounts.AddMount("mnt:[1]", 0, "/media/a", {8, 17});
  mounts.AddMount("mnt:[1]", 0, "/media/b", {8, 18});
  mounts.SetBusy({8, 18}, true);
  MediumRequest request;
  request.kind = MediumRequest::Kind::kClose;
  request.mounts = {{"mnt:[1]", 0, "/media/a", {8, 17}},
                    {"mnt:[1]", 0, "/media/b", {8, 18}}};
  int pauses = 0;
  MediumHelperOptions options;
  options.pause = [&pauses] { ++pauses; };
  MediumAnswer answer = RunMediumRequest(request, medium, mounts, options);
  ASSERT_EQ(answer.closed.size(), 2u);
  EXPECT_EQ(answer.closed[0].action, CloseAction::kReadOnly);
  EXPECT_EQ(answer.closed[1].action, CloseAction::kDetached);
  EXPECT_NE(answer.closed[1].error.find("busy"), std::string::npos);
  EXPECT_EQ(pauses, 9) << "ten tries on the busy mount";
  EXPECT_FALSE(mounts.WritesReach({8, 17}));
  EXPECT_EQ(mounts.log()[0], "mount-ro mnt:[1]:/media/a");
  // Then (after the answer) the superblock, which writes back its pages.
  SettleMediumRequest(request, answer, mounts);
  EXPECT_EQ(mounts.log().back(), "sb-ro mnt:[1]:/media/a");
  // A writer that holds files open only for moments: read-only after a few
  // tries, nothing detached.
  mounts.AddMount("mnt:[1]", 0, "/media/d", {8, 20});
  mounts.SetBusy({8, 20}, true, 3);
  request.mounts = {{"mnt:[1]", 0, "/media/d", {8, 20}}};
  answer = RunMediumRequest(request, medium, mounts, options);
  EXPECT_EQ(answer.closed[0].action, CloseAction::kReadOnly);
  mounts.AddMount("mnt:[1]", 0, "/media/c", {8, 19});
  mounts.SetBusy({8, 19}, true);
  mounts.FailDetach(EINVAL);
  request.mounts = {{"mnt:[1]", 0, "/media/c", {8, 19}}};
  answer = RunMediumRequest(request, medium, mounts, options);
  EXPECT_EQ(answer.closed[0].action, CloseAction::kFailed);
}

// Security review F4, on the real kernel: PIIGUARD.KEY is a FIFO on an
// ext4 stick. The read is refused at once (before, open() waited for a
// writer forever on the daemon's only thread). Runs in a child with its own
// mount namespace, as the medium helper does; the test fails if the child
// does not answer within 5 s.
class KeyFileOnExt4Test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (loop device, mount)";
    char dir[] = "/tmp/piiguard-keyfile-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override {
    if (!loop_.empty()) {
      (void)std::system(("losetup -d " + loop_ + " 2>/dev/null").c_str());
    }
    if (!dir_.empty()) (void)std::system(("rm -rf " + dir_).c_str());
  }
  // An ext4 image made from `tree` (mke2fs -d keeps FIFOs and symlinks).
  bool MakeStick(const std::string& tree_commands) {
    std::string cmd = "set -e; mkdir " + dir_ + "/tree; cd " + dir_ +
                      "/tree; " + tree_commands + "; truncate -s 16M " + dir_ +
                      "/stick.img; mkfs.ext4 -q -F -d " + dir_ + "/tree " +
                      dir_ + "/stick.img >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) return false;
    FILE* p =
        ::popen(("losetup -f --show " + dir_ + "/stick.img").c_str(), "r");
    char line[64] = {0};
    if (p != nullptr && std::fgets(line, sizeof(line), p) != nullptr) {
      loop_ = line;
    }
    if (p != nullptr) ::pclose(p);
    if (!loop_.empty() && loop_.back() == '\n') loop_.pop_back();
    return !loop_.empty();
  }
  // The key read's outcome as the helper child saw it, or "timeout".
  std::string ReadInChild() {
    int out[2];
    EXPECT_EQ(::pipe2(out, O_CLOEXEC), 0);
    pid_t child = ::fork();
    if (child == 0) {
      ::close(out[0]);
      std::string keymount = dir_ + "/keymount";
      std::string text;
      if (Status s = EnterPrivateMountNamespace(keymount); !s.ok()) {
        text = "error: " + std::string(s.message());
      } else {
        LinuxStickMedium medium(keymount);
        Result<std::optional<std::string>> key =
            medium.ReadKeyFile(loop_.substr(5), "ext4");
        text = !key.ok() ? "error: " + std::string(key.status().message())
               : key->has_value() ? "key: " + **key
                                  : "none";
      }
      (void)::write(out[1], text.data(), text.size());
      ::_exit(0);
    }
    ::close(out[1]);
    pollfd p{out[0], POLLIN, 0};
    std::string text;
    if (::poll(&p, 1, 5000) == 1) {
      char buffer[4096];
      ssize_t n = ::read(out[0], buffer, sizeof buffer);
      if (n > 0) text.assign(buffer, static_cast<size_t>(n));
    } else {
      text = "timeout";
      ::kill(child, SIGKILL);
    }
    ::close(out[0]);
    ::waitpid(child, nullptr, 0);
    return text;
  }

  std::string dir_;
  std::string loop_;
};

TEST_F(KeyFileOnExt4Test, AFifoIsRefusedAtOnce) {
  if (!MakeStick("mkfifo PIIGUARD.KEY")) GTEST_SKIP() << "no mkfs/loop";
  std::string outcome = ReadInChild();
  EXPECT_NE(outcome.find("not a regular file"), std::string::npos) << outcome;
}

TEST_F(KeyFileOnExt4Test, ASymlinkAndAHugeFileAreRefusedAndAKeyIsRead) {
  if (!MakeStick("ln -s /etc/shadow PIIGUARD.KEY")) GTEST_SKIP();
  EXPECT_NE(ReadInChild().find("error:"), std::string::npos);
  TearDown();
  SetUp();
  if (!MakeStick("head -c 70000 /dev/zero >PIIGUARD.KEY")) GTEST_SKIP();
  EXPECT_NE(ReadInChild().find("larger than 64 KiB"), std::string::npos);
  TearDown();
  SetUp();
  if (!MakeStick("printf key-bytes >PIIGUARD.KEY")) GTEST_SKIP();
  EXPECT_EQ(ReadInChild(), "key: key-bytes");
  // The key mount lived only in the child's namespace.
  FILE* mounts = std::fopen("/proc/self/mounts", "r");
  ASSERT_NE(mounts, nullptr);
  char line[4096];
  bool leaked = false;
  while (std::fgets(line, sizeof line, mounts) != nullptr) {
    leaked = leaked || std::string(line).find(dir_) != std::string::npos;
  }
  std::fclose(mounts);
  EXPECT_FALSE(leaked);
}

}  // namespace
}  // namespace piiguard::agent::usb
