// The sync process's sandbox, for real: a child process enters it
// (LinuxSandbox with SyncSandboxPolicy, as piiguard-sync does) and then
// tries what an attacker who took over the process would try. Opening a
// file for writing, exec, fork, a raw socket and signalling another
// process kill it (SIGSYS); reading outside the resolver's files is
// refused (Landlock); and a whole sync round over mutual TLS to an office
// on loopback, its name resolved through /etc/hosts, still goes through.

#include "agent/priv/sync_sandbox.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netdb.h>
#include <openssl/x509.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <thread>

#include "agent/sync/sync_process.h"
#include "agent/sync/sync_testing.h"
#include "common/json.h"
#include "common/os/clock.h"
#include "common/os/sandbox.h"

namespace piiguard::sync {
namespace {

// Starts `body` in a child under the sandbox; the child's pid. Exit codes
// 90 and 91: the sandbox could not be entered. Called before the test
// starts any thread: a child forked beside running threads may inherit a
// lock one of them held (the sanitizers' allocator is not fork-safe in
// every version) and wait on it forever.
pid_t StartSandboxed(const std::function<int(const os::SandboxReport&)>& body) {
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    if (!PrepareForSandbox().ok()) ::_exit(90);
    os::LinuxSandbox sandbox;
    Result<os::SandboxReport> report = sandbox.Enter(SyncSandboxPolicy());
    if (!report.ok()) ::_exit(91);
    ::_exit(body(*report));
  }
  return pid;
}

// The wait status of child `pid`.
int WaitFor(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

// Runs `body` in a child under the sandbox; its wait status.
int RunSandboxed(const std::function<int(const os::SandboxReport&)>& body) {
  return WaitFor(StartSandboxed(body));
}

bool KilledBySigsys(int status) {
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
}

int ExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(SyncSandboxTest, OpeningAFileForWritingKills) {
  std::string path = ::testing::TempDir() + "sandbox_write_test";
  int status = RunSandboxed([&](const os::SandboxReport&) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    return fd >= 0 ? 0 : 1;
  });
  EXPECT_TRUE(KilledBySigsys(status)) << status;
  EXPECT_FALSE(std::filesystem::exists(path));
  status = RunSandboxed([](const os::SandboxReport&) {
    return ::open("/etc/hosts", O_RDWR | O_CLOEXEC) >= 0 ? 0 : 1;
  });
  EXPECT_TRUE(KilledBySigsys(status)) << status;
}

TEST(SyncSandboxTest, ExecAndForkKill) {
  int status = RunSandboxed([](const os::SandboxReport&) {
    char* const argv[] = {const_cast<char*>("/bin/true"), nullptr};
    ::execv("/bin/true", argv);
    return 1;
  });
  EXPECT_TRUE(KilledBySigsys(status)) << status;
  status = RunSandboxed([](const os::SandboxReport&) {
    pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    return 1;
  });
  EXPECT_TRUE(KilledBySigsys(status)) << status;
}

TEST(SyncSandboxTest, OtherProcessesAndSocketsAreOutOfReach) {
  const pid_t parent = ::getpid();
  int status = RunSandboxed(
      [&](const os::SandboxReport&) { return ::kill(parent, 0) == 0 ? 0 : 1; });
  EXPECT_TRUE(KilledBySigsys(status)) << status;
  status = RunSandboxed([](const os::SandboxReport&) {
    return ::socket(AF_PACKET, SOCK_RAW, 0) >= 0 ? 0 : 1;
  });
  EXPECT_TRUE(KilledBySigsys(status)) << status;
  // What glibc probes is refused quietly; the office's families work.
  status = RunSandboxed([](const os::SandboxReport&) {
    if (::socket(AF_UNIX, SOCK_STREAM, 0) >= 0 || errno != EAFNOSUPPORT) {
      return 1;
    }
    if (::socket(AF_NETLINK, SOCK_RAW, 0) >= 0 || errno != EAFNOSUPPORT) {
      return 2;
    }
    if (::socket(AF_INET, SOCK_STREAM, 0) < 0) return 3;
    if (::socket(AF_INET6, SOCK_DGRAM, 0) < 0) return 4;
    return 0;
  });
  EXPECT_EQ(ExitCode(status), 0) << status;
}

TEST(SyncSandboxTest, ReadsOnlyWhatTheResolverNeeds) {
  std::string secret = ::testing::TempDir() + "sandbox_secret";
  {
    FILE* f = std::fopen(secret.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("residents", f);
    std::fclose(f);
  }
  int status = RunSandboxed([&](const os::SandboxReport& report) {
    if (::open("/etc/hosts", O_RDONLY | O_CLOEXEC) < 0) return 1;
    if (report.landlock_abi == 0) return 77;  // no Landlock here
    if (::open(secret.c_str(), O_RDONLY | O_CLOEXEC) >= 0) return 2;
    if (errno != EACCES) return 3;
    if (::open("/proc/self/environ", O_RDONLY | O_CLOEXEC) >= 0) return 4;
    return 0;
  });
  std::filesystem::remove(secret);
  if (ExitCode(status) == 77) GTEST_SKIP() << "this kernel has no Landlock";
  EXPECT_EQ(ExitCode(status), 0) << status;
}

// The resolver's whole path (its files, NSS, UDP/TCP to the name server
// of /etc/resolv.conf) runs inside: the lookup answers (found or not),
// nothing kills the process.
TEST(SyncSandboxTest, TheResolverRunsInside) {
  ::setenv("RES_OPTIONS", "timeout:1 attempts:1", 1);  // no long wait offline
  int status = RunSandboxed([](const os::SandboxReport&) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    int rc =
        ::getaddrinfo("piiguard-sandbox-test.invalid", "443", &hints, &found);
    if (rc == 0) ::freeaddrinfo(found);
    rc = ::getaddrinfo("localhost", "443", &hints, &found);
    if (rc != 0) return 1;
    ::freeaddrinfo(found);
    return 0;
  });
  ::unsetenv("RES_OPTIONS");
  EXPECT_EQ(ExitCode(status), 0) << "wait status " << status;
}

// piiguardd's side for one round: one entry pending, material given.
class OneEntryMonitor : public DaemonLink {
 public:
  explicit OneEntryMonitor(SyncMaterial material)
      : material_(std::move(material)) {
    entry_.seq = 1;
    entry_.time_ms = testing::kNow * 1000;
    entry_.type = "near_miss";
    entry_.severity = journal::Severity::kNotice;
    entry_.subject = "staff";
    entry_.details = R"({"text":"test"})";
    entry_.hash = journal::EntryHash(entry_);
  }
  bool acked = false;
  std::vector<std::pair<FailureKind, std::string>> done;

  Result<std::optional<SyncMaterial>> GetMaterial() override {
    SyncMaterial copy;
    copy.office = material_.office;
    copy.client_cert_pem = material_.client_cert_pem;
    copy.ca_pem = material_.ca_pem;
    copy.client_key_pem = material_.client_key_pem;
    return std::optional<SyncMaterial>(std::move(copy));
  }
  Result<PendingBatch> GetBatch() override {
    PendingBatch pending;
    if (acked) return pending;
    journal::Batch batch;
    batch.pc = "pc-1";
    batch.chain = std::string(32, 'c');
    batch.entries = {entry_};
    pending.batch = batch;
    return pending;
  }
  Status Acked(uint64_t seq, const journal::Hash& head) override {
    if (seq != 1 || head != entry_.hash) {
      return FailedPreconditionError("test", "ack", "not ours");
    }
    acked = true;
    return Status::Ok();
  }
  Result<PolicyOutcome> InstallPolicy(const std::string&) override {
    return PolicyOutcome{};
  }
  Result<std::string> GetStatusReport(const std::string&) override {
    return std::string();
  }
  Status SyncRefused(const std::string&) override { return Status::Ok(); }
  Status SyncDone(FailureKind kind, const std::string& detail) override {
    done.emplace_back(kind, detail);
    return Status::Ok();
  }

 private:
  SyncMaterial material_;
  journal::Entry entry_;
};

TEST(SyncSandboxTest, ARoundOverMutualTlsStillGoesThrough) {
  testing::TestOffice office = testing::MakeOffice();
  X509_STORE* client_cas = X509_STORE_new();
  ASSERT_EQ(X509_STORE_add_cert(client_cas, office.ca.get()), 1);
  httplib::SSLServer server(office.server.get(), office.server_key.get(),
                            client_cas);
  ASSERT_TRUE(server.is_valid());
  std::string client_cn;
  server.Post("/api/v1/journal", [&](const httplib::Request& request,
                                     httplib::Response& response) {
    Json batch = Json::parse(request.body);
    const Json& last = batch["entries"].back();
    response.set_content(Json{{"acked_seq", last["seq"]},
                              {"acked_head", last["hash"]},
                              {"status_request", ""},
                              {"policy_version", 0}}
                             .dump(),
                         "application/json");
  });
  server.Get("/api/v1/policy",
             [](const httplib::Request&, httplib::Response& response) {
               response.status = 204;
             });
  const int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  // By name, so that the resolver runs inside the sandbox too. The child
  // is forked before the server's threads start; its connection waits in
  // the listening socket's backlog until they do.
  SyncMaterial material = testing::MakeMaterial(
      office, "https://localhost:" + std::to_string(port), ::time(nullptr) - 60,
      ::time(nullptr) + testing::kYear);
  const pid_t child = StartSandboxed([&](const os::SandboxReport&) {
    OneEntryMonitor monitor(std::move(material));
    SyncProcess process(monitor, MakeHttpsTransport, os::SystemClock());
    RoundResult round = process.RunRound();
    if (!round.ok) {
      std::fprintf(stderr, "round: %s\n", round.detail.c_str());
      return 1;
    }
    return monitor.acked ? 0 : 2;
  });
  ASSERT_GT(child, 0);
  std::thread serving([&] { server.listen_after_bind(); });
  const int status = WaitFor(child);
  server.stop();
  serving.join();
  EXPECT_EQ(ExitCode(status), 0) << "wait status " << status;
}

}  // namespace
}  // namespace piiguard::sync
