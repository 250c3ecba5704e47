// The sync supervisor with a fake spawner: the test plays the sync process
// on the link (spawn mode) or connects to the sync socket (socket mode),
// and pumps the supervisor's event loop itself.

#include "agent/daemon/sync_supervisor.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "agent/priv/testing/fake_spawner.h"
#include "agent/sync/child_protocol.h"
#include "agent/sync/link_io.h"
#include "agent/sync/sync_testing.h"
#include "common/json.h"
#include "common/os/testing/fake_clock.h"

namespace piiguard::agent {
namespace {

using sync::FailureKind;

class FakeMonitor : public sync::DaemonLink {
 public:
  std::optional<sync::SyncMaterial> material;
  size_t batch_entries = 0;  // a batch this big when asked

  Result<std::optional<sync::SyncMaterial>> GetMaterial() override {
    if (!material) return std::optional<sync::SyncMaterial>();
    sync::SyncMaterial copy;
    copy.office = material->office;
    copy.client_cert_pem = material->client_cert_pem;
    copy.ca_pem = material->ca_pem;
    copy.client_key_pem = material->client_key_pem;
    return std::optional<sync::SyncMaterial>(std::move(copy));
  }
  Result<sync::PendingBatch> GetBatch() override {
    sync::PendingBatch pending;
    if (batch_entries == 0) return pending;
    journal::Batch batch;
    batch.pc = "pc-1";
    batch.chain = std::string(32, 'c');
    for (size_t i = 1; i <= batch_entries; ++i) {
      journal::Entry entry;
      entry.seq = i;
      entry.type = "near_miss";
      entry.subject = "staff";
      entry.details = R"({"text":")" + std::string(1000, 'x') + "\"}";
      batch.entries.push_back(entry);
    }
    pending.batch = batch;
    return pending;
  }
  Status Acked(uint64_t, const journal::Hash&) override { return Status::Ok(); }
  Result<sync::PolicyOutcome> InstallPolicy(const std::string&) override {
    return sync::PolicyOutcome{};
  }
  Result<std::string> GetStatusReport(const std::string&) override {
    return std::string();
  }
  Status SyncRefused(const std::string&) override { return Status::Ok(); }
  Status SyncDone(FailureKind kind, const std::string& detail) override {
    health->RoundDone(kind, detail);
    return Status::Ok();
  }
  sync::SyncHealth* health = nullptr;
};

// Keeps the sync process's end of the socketpair for the test.
struct KeepingSpawner : FakeSpawner {
  Result<pid_t> Spawn(const SpawnSpec& spec) override {
    child_link.Reset(::dup(spec.fds.at(0)));
    return FakeSpawner::Spawn(spec);
  }
  UniqueFd child_link;
};

class SyncSupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sync_supervisor_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    monitor_.health = &health_;
  }
  void TearDown() override {
    supervisor_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Make(SupervisorConfig config) {
    supervisor_ = std::make_unique<SyncSupervisor>(
        std::move(config), monitor_, health_, spawner_, [] { return 0.5; },
        [this](sync::LogLevel level, const std::string& line) {
          lines_.emplace_back(level, line);
        });
    ASSERT_TRUE(supervisor_->Init().ok());
  }
  SupervisorConfig Spawn() {
    SupervisorConfig config;
    config.mode = SyncMode::kSpawn;
    config.program = "/usr/sbin/piiguard-sync";
    config.uid = 65534;
    config.gid = 65534;
    config.interval_seconds = 60;
    return config;
  }
  // Sends a request as the sync process and pumps until the answer came.
  Result<std::string> Ask(int fd, const std::string& request,
                          UniqueFd* passed = nullptr) {
    PIIGUARD_RETURN_IF_ERROR(
        sync::SendFrame(fd, request, sync::kMaxChildFrameBytes));
    supervisor_->OnReady();
    return sync::ReceiveFrame(fd, sync::kMaxChildFrameBytes, passed);
  }
  bool Logged(const std::string& text) const {
    for (const auto& [level, line] : lines_) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }
  static std::string Hello() {
    sync::ChildRequest hello = sync::MakeChildRequest(sync::ChildOp::kHello);
    hello.sandbox = "seccomp, Landlock ABI 7";
    return sync::SerializeChildRequest(hello);
  }

  std::string dir_;
  os::FakeClock clock_{1790000000000};
  sync::SyncHealth health_{clock_, nullptr};
  FakeMonitor monitor_;
  KeepingSpawner spawner_;
  std::unique_ptr<SyncSupervisor> supervisor_;
  std::vector<std::pair<sync::LogLevel, std::string>> lines_;
};

TEST_F(SyncSupervisorTest, SpawnsDroppedWithOnlyTheLink) {
  Make(Spawn());
  supervisor_->Start();
  ASSERT_EQ(spawner_.specs.size(), 1u);
  const SpawnSpec& spec = spawner_.specs[0];
  EXPECT_EQ(spec.exe, "/usr/sbin/piiguard-sync");
  EXPECT_EQ(spec.args, (std::vector<std::string>{"--link-fd", "3"}));
  EXPECT_EQ(spec.fds.size(), 1u);
  EXPECT_EQ(spec.uid, 65534u);
  EXPECT_EQ(supervisor_->StatusPart()["state"], "starting");
}

TEST_F(SyncSupervisorTest, HelloGivesTheWakeFdThenMaterialFlows) {
  Make(Spawn());
  supervisor_->Start();
  int child = spawner_.child_link.get();
  UniqueFd wake;
  Result<std::string> hello = Ask(child, Hello(), &wake);
  ASSERT_TRUE(hello.ok()) << hello.status().message();
  EXPECT_EQ(sync::ParseHelloAnswer(*hello).value().interval_seconds, 60);
  ASSERT_TRUE(wake.valid());
  supervisor_->Wake();
  uint64_t count = 0;
  ASSERT_EQ(::read(wake.get(), &count, sizeof count), 8);
  EXPECT_EQ(count, 1u);
  Json status = supervisor_->StatusPart();
  EXPECT_EQ(status["state"], "running");
  EXPECT_EQ(status["mode"], "spawn");
  EXPECT_EQ(status["sandbox"], "seccomp, Landlock ABI 7");

  sync::testing::TestOffice office = sync::testing::MakeOffice();
  monitor_.material = sync::testing::MakeMaterial(office, "https://o:1");
  Result<std::string> material = Ask(child, R"({"op":"get_office_config"})");
  ASSERT_TRUE(material.ok());
  Result<std::optional<sync::SyncMaterial>> parsed =
      sync::ParseMaterialAnswer(*material);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ((*parsed)->client_key_pem, monitor_.material->client_key_pem);

  Result<std::string> done =
      Ask(child, R"({"op":"sync_done","kind":"dns","reason":"no such name"})");
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(supervisor_->StatusPart()["problem"]["kind"], "dns");
  EXPECT_TRUE(spawner_.killed.empty());
}

TEST_F(SyncSupervisorTest, BadRequestsEndTheProcessNotPiiguardd) {
  const char* bad[] = {
      R"({"op":"sign"})",                     // not permitted
      R"({"op":"get_batch"})",                // before hello
      R"({"op":"get_office_config","x":1})",  // unknown field
  };
  for (const char* request : bad) {
    spawner_.specs.clear();
    spawner_.killed.clear();
    Make(Spawn());
    supervisor_->Start();
    int child = spawner_.child_link.get();
    ASSERT_TRUE(
        sync::SendFrame(child, request, sync::kMaxChildFrameBytes).ok());
    supervisor_->OnReady();
    EXPECT_FALSE(sync::ReceiveFrame(child, sync::kMaxChildFrameBytes).ok())
        << request;
    ASSERT_EQ(spawner_.killed.size(), 1u) << request;
    EXPECT_EQ(health_.problem(), FailureKind::kProcess);
    EXPECT_TRUE(Logged("dropped the sync process")) << request;
    // Our own SIGKILL is not reported again when the process is reaped.
    lines_.clear();
    supervisor_->OnChildExit(spawner_.killed[0], SIGKILL);
    EXPECT_TRUE(lines_.empty());
  }
  // Hello twice.
  Make(Spawn());
  supervisor_->Start();
  int child = spawner_.child_link.get();
  ASSERT_TRUE(Ask(child, Hello()).ok());
  ASSERT_TRUE(sync::SendFrame(child, Hello(), sync::kMaxChildFrameBytes).ok());
  supervisor_->OnReady();
  EXPECT_TRUE(Logged("sent twice"));
}

TEST_F(SyncSupervisorTest, AProcessKilledByItsSandboxIsLoggedAndShown) {
  Make(Spawn());
  supervisor_->Start();
  const pid_t pid = 1000;
  supervisor_->OnChildExit(4242, 0);  // not ours: ignored
  EXPECT_TRUE(lines_.empty());
  supervisor_->OnChildExit(pid, SIGSYS);  // wait status of a SIGSYS death
  EXPECT_TRUE(Logged("its sandbox refused a system call"));
  Json status = supervisor_->StatusPart();
  EXPECT_EQ(status["problem"]["kind"], "process");
  EXPECT_EQ(status["state"], "starting");
}

TEST_F(SyncSupervisorTest, ASlowReaderNeverBlocksTheLoop) {
  Make(Spawn());
  supervisor_->Start();
  int child = spawner_.child_link.get();
  ASSERT_TRUE(Ask(child, Hello()).ok());
  monitor_.batch_entries = 3000;  // about 3.5 MB, more than a socket holds
  ASSERT_TRUE(
      sync::SendFrame(child, R"({"op":"get_batch"})", sync::kMaxChildFrameBytes)
          .ok());
  supervisor_->OnReady();  // returns with most of the answer still queued
  // The process reads now; the loop sends the rest as room appears.
  ASSERT_EQ(::fcntl(child, F_SETFL, O_NONBLOCK), 0);
  std::string got;
  size_t need = 0;
  for (int i = 0; i < 1000000 && (need == 0 || got.size() < need); ++i) {
    char chunk[65536];
    ssize_t n = ::read(child, chunk, sizeof chunk);
    if (n > 0) got.append(chunk, static_cast<size_t>(n));
    if (need == 0 && got.size() >= 4) {
      const auto* h = reinterpret_cast<const unsigned char*>(got.data());
      need = 4 + ((size_t{h[0]} << 24) | (size_t{h[1]} << 16) |
                  (size_t{h[2]} << 8) | size_t{h[3]});
    }
    supervisor_->OnReady();
  }
  EXPECT_GT(need, size_t{3000000});
  EXPECT_EQ(got.size(), need);
  EXPECT_TRUE(spawner_.killed.empty());
}

TEST_F(SyncSupervisorTest, SocketModeServesOnlyTheSyncUserOnce) {
  SupervisorConfig config;
  config.mode = SyncMode::kSocket;
  config.socket_path = dir_ + "/sync.sock";
  config.uid = ::geteuid();
  config.gid = ::getegid();
  Make(config);
  struct stat st {};
  ASSERT_EQ(::stat(config.socket_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0660u);
  EXPECT_EQ(supervisor_->StatusPart()["state"], "waiting");

  auto connect = [&] {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, config.socket_path.c_str());
    EXPECT_EQ(
        ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr),
        0);
    return fd;
  };
  UniqueFd first = connect();
  supervisor_->OnReady();  // accepted
  UniqueFd wake;
  Result<std::string> hello = Ask(first.get(), Hello(), &wake);
  ASSERT_TRUE(hello.ok()) << hello.status().message();
  EXPECT_TRUE(wake.valid());
  EXPECT_EQ(supervisor_->StatusPart()["state"], "running");
  // A second connection while one is served: refused and logged.
  UniqueFd second = connect();
  supervisor_->OnReady();
  EXPECT_FALSE(
      sync::ReceiveFrame(second.get(), sync::kMaxChildFrameBytes).ok());
  EXPECT_TRUE(Logged("connected already"));
  // The first one still works.
  EXPECT_TRUE(Ask(first.get(), R"({"op":"get_batch"})").ok());
  // It goes away: waiting again.
  first.Reset();
  supervisor_->OnReady();
  EXPECT_EQ(supervisor_->StatusPart()["state"], "waiting");
  supervisor_.reset();
  EXPECT_FALSE(std::filesystem::exists(config.socket_path));
}

TEST_F(SyncSupervisorTest, SocketModeRefusesAnyOtherUid) {
  SupervisorConfig config;
  config.mode = SyncMode::kSocket;
  config.socket_path = dir_ + "/sync.sock";
  config.uid = ::geteuid() + 4321;  // not us
  config.gid = ::getegid();
  Make(config);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strcpy(addr.sun_path, config.socket_path.c_str());
  ASSERT_EQ(
      ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  supervisor_->OnReady();
  EXPECT_TRUE(Logged("is not the sync user"));
  // Closed by piiguardd: the send may already fail, the answer never comes.
  sync::SendFrame(fd.get(), Hello(), sync::kMaxChildFrameBytes).IgnoreError();
  EXPECT_FALSE(sync::ReceiveFrame(fd.get(), sync::kMaxChildFrameBytes).ok());
  EXPECT_EQ(supervisor_->StatusPart()["state"], "waiting");
}

TEST_F(SyncSupervisorTest, UnavailableAndOffAreShown) {
  SupervisorConfig config = Spawn();
  config.unavailable = "sync user: piiguard-sync: no such user";
  Make(config);
  supervisor_->Start();
  EXPECT_TRUE(spawner_.specs.empty());
  Json status = supervisor_->StatusPart();
  EXPECT_EQ(status["state"], "unavailable");
  EXPECT_EQ(status["reason"], "sync user: piiguard-sync: no such user");
  config = Spawn();
  config.mode = SyncMode::kOff;
  Make(config);
  supervisor_->Start();
  EXPECT_TRUE(spawner_.specs.empty());
  EXPECT_EQ(supervisor_->StatusPart()["state"], "off");
}

TEST(WaitStatusTest, Described) {
  EXPECT_EQ(DescribeWaitStatus(3 << 8), "exited with status 3");
  EXPECT_EQ(DescribeWaitStatus(SIGSYS),
            "killed by signal 31 (its sandbox refused a system call)");
  EXPECT_EQ(DescribeWaitStatus(SIGSEGV), "killed by signal 11 (SIGSEGV)");
  EXPECT_EQ(ParseSyncMode("socket").value(), SyncMode::kSocket);
  EXPECT_FALSE(ParseSyncMode("child").ok());
}

}  // namespace
}  // namespace piiguard::agent
