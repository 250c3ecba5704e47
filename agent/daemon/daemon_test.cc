// AgentCore on a real journal in a temporary directory (policies, acks,
// status reports, near misses, enrolment), the monitor's answers to the
// sync process, and the daemon's event loop over its real local socket.

#include "agent/daemon/daemon.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <thread>

#include "agent/daemon/agent_core.h"
#include "agent/daemon/sync_monitor.h"
#include "agent/sync/child_protocol.h"
#include "common/journal/event_types.h"
#include "common/os/testing/fake_clock.h"
#include "common/signed_envelope.h"
#include "policy/test_policy.h"

namespace piiguard::agent {
namespace {

using policy::testing::kNow;

class AgentCoreTest : public ::testing::Test {
 protected:
  // The signals the loop takes through its signalfd, blocked on this thread
  // (and the loop's threads it starts) as piiguardd's main does.
  static void BlockLoopSignals() {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGINT);
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &mask, nullptr), 0);
  }

  void SetUp() override {
    char tmpl[] = "/tmp/daemon_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    device_key_.emplace(Ed25519PrivateKey::Generate().value());
    city_key_.emplace(policy::testing::NewKey());
    auto journal =
        journal::Journal::Open(dir_ + "/journal.db", *device_key_, clock_);
    ASSERT_TRUE(journal.ok());
    journal_ = std::move(*journal);
    ASSERT_TRUE(
        StoreOfficeConfig(StatePaths(dir_),
                          {"pc-1", "https://office:8443", std::string(64, 'a')})
            .ok());
    CoreConfig config;
    config.paths = StatePaths(dir_);
    config.city_key = city_key_->PublicKey();
    config.clock = &clock_;
    config.user_name = [](uid_t uid) {
      return uid == 1000 ? std::string("tanaka") : std::string();
    };
    core_.emplace(config, *journal_, *device_key_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string SignedPolicy(int version, const Ed25519PrivateKey& key) {
    Json json = policy::testing::ValidPolicyJson();
    json["version"] = version;
    return policy::SignPolicy(policy::testing::Dump(json), key).value();
  }
  std::vector<journal::Entry> Entries(const std::string& type) {
    journal::ShowFilter filter;
    filter.type_prefix = type;
    return journal::ReadEntries(dir_ + "/journal.db", filter).value();
  }

  std::string dir_;
  os::FakeClock clock_{kNow * 1000};
  std::optional<Ed25519PrivateKey> device_key_;
  std::optional<Ed25519PrivateKey> city_key_;
  std::unique_ptr<journal::Journal> journal_;
  std::optional<AgentCore> core_;
};

TEST_F(AgentCoreTest, NearMissRecordsUidAndUser) {
  Result<Json> answer = core_->NearMiss(ipc::Peer{42, 1000, 1000}, "置き忘れ");
  ASSERT_TRUE(answer.ok());
  auto entries = Entries(journal::types::kNearMiss);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].type, "near_miss.reported");  // docs/journal.md
  EXPECT_EQ(entries[0].subject, "uid:1000");
  Json details = Json::parse(entries[0].details);
  EXPECT_EQ(details["text"], "置き忘れ");
  EXPECT_EQ(details["uid"], 1000);
  EXPECT_EQ(details["user"], "tanaka");
  Json status = core_->StatusAnswer().value();
  EXPECT_EQ(status["pending"], journal_->head_seq());
  EXPECT_EQ(status["pc"], "pc-1");
}

// A window of what the socket suppressed: one entry, with the uid, the
// user and the counts (docs/journal.md, ipc.suppressed).
TEST_F(AgentCoreTest, SuppressionsJournaledAsOneEntry) {
  ipc::Suppression summary;
  summary.uid = 1000;
  summary.window_ms = 600'000;
  summary.total = 5012;
  summary.counts = {{"near_miss", 5000}, {"connection", 12}};
  ASSERT_TRUE(core_->RequestsSuppressed(summary).ok());
  auto entries = Entries(journal::types::kIpcSuppressed);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].subject, "uid:1000");
  EXPECT_EQ(entries[0].severity, journal::Severity::kWarning);
  Json details = Json::parse(entries[0].details);
  EXPECT_EQ(details["uid"], 1000);
  EXPECT_EQ(details["user"], "tanaka");
  EXPECT_EQ(details["suppressed"], 5012);
  EXPECT_EQ(details["counts"]["near_miss"], 5000);
  EXPECT_EQ(details["counts"]["connection"], 12);
  EXPECT_EQ(details["window_s"], 600);
}

TEST_F(AgentCoreTest, PolicyVerifiedAgainstCityKeyAndVersion) {
  auto v3 = core_->InstallPolicy(SignedPolicy(3, *city_key_));
  ASSERT_TRUE(v3.ok());
  EXPECT_TRUE(v3->applied) << v3->reason;
  EXPECT_EQ(core_->policy_version(), 3);
  auto old = core_->InstallPolicy(SignedPolicy(2, *city_key_));
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old->applied);
  EXPECT_NE(old->reason.find("rollback"), std::string::npos);
  Ed25519PrivateKey other = policy::testing::NewKey();
  auto forged = core_->InstallPolicy(SignedPolicy(9, other));
  ASSERT_TRUE(forged.ok());
  EXPECT_FALSE(forged->applied);
  auto garbage = core_->InstallPolicy("garbage");
  ASSERT_TRUE(garbage.ok());
  EXPECT_FALSE(garbage->applied);
  EXPECT_EQ(core_->policy_version(), 3);
  EXPECT_EQ(Entries("policy.applied").size(), 1u);
  EXPECT_EQ(Entries("policy.refused").size(), 3u);
  // The applied policy is the floor after a restart too.
  EXPECT_TRUE(core_->LoadPolicy(std::nullopt).ok());
  EXPECT_EQ(core_->policy_version(), 3);
}

// No policy at start: a problem, journaled once and shown by status, gone
// once a policy is applied.
TEST_F(AgentCoreTest, MissingPolicyIsAProblemUntilOneIsApplied) {
  ASSERT_TRUE(
      core_->LoadPolicy(std::nullopt, "/etc/piiguard/policy.signed").ok());
  EXPECT_EQ(core_->applied_policy(), nullptr);
  Json status = core_->StatusAnswer().value();
  ASSERT_EQ(status["problems"].size(), 1u);
  EXPECT_EQ(status["problems"][0]["code"], "no_policy");
  EXPECT_NE(status["problems"][0]["en"].get<std::string>().find(
                "/etc/piiguard/policy.signed"),
            std::string::npos);
  EXPECT_FALSE(status["problems"][0]["ja"].get<std::string>().empty());
  auto journaled = Entries(journal::types::kAgentNotConfigured);
  ASSERT_EQ(journaled.size(), 1u);
  EXPECT_EQ(Json::parse(journaled[0].details)["problem"], "no_policy");
  // Reported again (a second LoadPolicy): still one in status.
  ASSERT_TRUE(core_->LoadPolicy(std::nullopt).ok());
  EXPECT_EQ(core_->StatusAnswer().value()["problems"].size(), 1u);
  ASSERT_TRUE(core_->InstallPolicy(SignedPolicy(3, *city_key_)).ok());
  EXPECT_TRUE(core_->StatusAnswer().value()["problems"].empty());
}

// A policy file that does not verify: a configuration error with the
// reason, the daemon on its defaults.
TEST_F(AgentCoreTest, RefusedPolicyIsAProblemWithItsReason) {
  Ed25519PrivateKey other = policy::testing::NewKey();
  ASSERT_TRUE(core_->LoadPolicy(SignedPolicy(4, other), "/etc/p.signed").ok());
  EXPECT_EQ(core_->applied_policy(), nullptr);
  ASSERT_EQ(core_->problems().size(), 1u);
  EXPECT_EQ(core_->problems()[0].code, "policy_refused");
  EXPECT_EQ(core_->problems()[0].type, journal::types::kAgentConfigError);
  EXPECT_EQ(Entries(journal::types::kPolicyRefused).size(), 1u);
  EXPECT_EQ(Entries(journal::types::kAgentConfigError).size(), 1u);
}

TEST_F(AgentCoreTest, StartedJournalsVersionAndKernel) {
  ASSERT_TRUE(core_->Started(4242, "0.2.0", "6.1.0-18-amd64").ok());
  ASSERT_TRUE(core_->Stopped(4242).ok());
  auto started = Entries(journal::types::kAgentStarted);
  ASSERT_EQ(started.size(), 1u);
  Json details = Json::parse(started[0].details);
  EXPECT_EQ(details["version"], "0.2.0");
  EXPECT_EQ(details["kernel"], "6.1.0-18-amd64");
  EXPECT_EQ(details["pid"], 4242);
  EXPECT_EQ(Entries(journal::types::kAgentStopped).size(), 1u);
}

TEST_F(AgentCoreTest, EnrolmentClearsNotEnrolled) {
  ASSERT_TRUE(core_->ReportProblem(NotEnrolled()).ok());
  EXPECT_EQ(core_->problems().size(), 1u);
  ASSERT_TRUE(core_->Enrolled("pc-1", "https://office:8443").ok());
  EXPECT_TRUE(core_->problems().empty());
}

TEST_F(AgentCoreTest, AckOnlyOnOwnHead) {
  auto batch = core_->GetBatch().value();
  ASSERT_TRUE(batch.batch.has_value());
  const journal::Entry& last = batch.batch->entries.back();
  journal::Hash wrong = last.hash;
  wrong[0] ^= 1;
  EXPECT_FALSE(core_->Acked(last.seq, wrong).ok());
  EXPECT_EQ(journal_->GetSyncState().value().acked_seq, 0u);
  EXPECT_TRUE(core_->Acked(last.seq, last.hash).ok());
  EXPECT_EQ(journal_->GetSyncState().value().acked_seq, last.seq);
}

TEST_F(AgentCoreTest, StatusReportSignedByDeviceKey) {
  std::string text = core_->GetStatusReport("req-1").value();
  SignedEnvelope envelope = ParseSignedEnvelope(text).value();
  std::array<Ed25519PublicKey, 1> trusted{device_key_->PublicKey()};
  EXPECT_TRUE(VerifySignedEnvelope(envelope, "status-report", trusted).ok());
  Json payload = Json::parse(envelope.payload);
  EXPECT_EQ(payload["request"], "req-1");
  EXPECT_EQ(payload["pc"], "pc-1");
  EXPECT_EQ(Entries("status_report.sent").size(), 1u);
}

TEST_F(AgentCoreTest, EnrolledMustMatchOfficeFile) {
  EXPECT_FALSE(core_->Enrolled("pc-2", "https://office:8443").ok());
  EXPECT_TRUE(core_->Enrolled("pc-1", "https://office:8443").ok());
  EXPECT_EQ(Entries("enrolment.done").size(), 1u);
}

TEST_F(AgentCoreTest, SyncRequestsGoThroughTheMonitor) {
  sync::SyncHealth health(clock_, nullptr);
  SyncMonitor monitor(*core_, health, StatePaths(dir_), 0);
  bool secret = true;
  auto parsed =
      sync::ParseChildRequest(R"({"op":"sync_refused","reason":"gap: x"})");
  ASSERT_TRUE(parsed.ok());
  Json answer =
      Json::parse(sync::AnswerChildRequest(monitor, *parsed, &secret));
  EXPECT_TRUE(answer["ok"].get<bool>());
  EXPECT_FALSE(secret);
  EXPECT_EQ(Entries("sync.refused").size(), 1u);
  auto batch = sync::ParseChildRequest(R"({"op":"get_batch"})");
  Json with_batch =
      Json::parse(sync::AnswerChildRequest(monitor, *batch, &secret));
  EXPECT_TRUE(with_batch["batch"].is_string());
  // office.json without tls/: the material request says what is missing,
  // and nothing secret goes out.
  auto material = sync::ParseChildRequest(R"({"op":"get_office_config"})");
  std::string text = sync::AnswerChildRequest(monitor, *material, &secret);
  EXPECT_FALSE(secret);
  Json refused = Json::parse(text);
  EXPECT_FALSE(refused["ok"].get<bool>());
  EXPECT_NE(refused["error"].get<std::string>().find("tls"), std::string::npos);
  const uint64_t head = journal_->head_seq();
  auto done = sync::ParseChildRequest(
      R"({"op":"sync_done","kind":"offline","reason":"no route"})");
  Json ok = Json::parse(sync::AnswerChildRequest(monitor, *done, &secret));
  EXPECT_TRUE(ok["ok"].get<bool>());
  EXPECT_EQ(health.problem(), sync::FailureKind::kOffline);
  // Not journaled: an offline PC would fill its journal.
  EXPECT_EQ(journal_->head_seq(), head);
}

// The event loop: local requests over the real socket, the wake-up hook,
// and children reaped for whoever asked.
TEST_F(AgentCoreTest, DaemonLoopServesWakesAndReaps) {
  ASSERT_NO_FATAL_FAILURE(BlockLoopSignals());

  std::string socket = dir_ + "/agent.sock";
  DaemonConfig config;
  config.socket_path = socket;
  Daemon daemon(config, *core_);
  ASSERT_TRUE(daemon.Init(ipc::Listen(socket).value()).ok());
  std::atomic<int> wakes{0};
  daemon.SetWake([&] { ++wakes; });
  std::atomic<pid_t> reaped{0};
  std::atomic<int> reaped_status{-1};
  daemon.OnChildExit([&](pid_t pid, int status) {
    reaped_status = status;
    reaped = pid;
  });
  std::thread loop([&] { EXPECT_TRUE(daemon.Run().ok()); });

  ipc::Request near;
  near.op = ipc::Op::kNearMiss;
  near.text = "test";
  Result<Json> answer = ipc::Call(socket, near);
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ(wakes.load(), 1);
  ipc::Request status;
  status.op = ipc::Op::kStatus;
  Result<Json> shown = ipc::Call(socket, status);
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ((*shown)["pc"], "pc-1");

  pid_t child = ::fork();
  if (child == 0) ::_exit(3);
  ASSERT_GT(child, 0);
  // The loop reaps it on SIGCHLD; a status request is a round trip through
  // the loop, so once the child is gone the listener has run.
  for (int i = 0; i < 10000 && reaped.load() != child; ++i) {
    ASSERT_TRUE(ipc::Call(socket, status).ok());
  }
  EXPECT_EQ(reaped.load(), child);
  EXPECT_TRUE(WIFEXITED(reaped_status.load()));
  EXPECT_EQ(WEXITSTATUS(reaped_status.load()), 3);

  ::kill(::getpid(), SIGTERM);
  loop.join();
}

// The loop's own timer closes a connection that sends nothing, at the
// deadline (short here): the client's blocking read returns the refusal.
// Stopping journals the window that closing opened.
TEST_F(AgentCoreTest, DaemonLoopClosesIdleConnectionsAtTheDeadline) {
  ASSERT_NO_FATAL_FAILURE(BlockLoopSignals());
  std::string socket = dir_ + "/agent.sock";
  DaemonConfig config;
  config.socket_path = socket;
  config.limits.request_deadline_ms = 100;
  Daemon daemon(config, *core_);
  ASSERT_TRUE(daemon.Init(ipc::Listen(socket).value()).ok());
  std::thread loop([&] { EXPECT_TRUE(daemon.Run().ok()); });

  UniqueFd idle(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket.c_str(), socket.size() + 1);
  ASSERT_EQ(::connect(idle.get(), reinterpret_cast<const sockaddr*>(&addr),
                      sizeof addr),
            0);
  ASSERT_EQ(::write(idle.get(), "\0\0", 2), 2);  // half a length, then nothing
  Result<std::string> answer = ipc::ReadFrame(idle.get());
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ(Json::parse(*answer)["refused"], ipc::kRefusedDeadline);
  ipc::Request status;
  status.op = ipc::Op::kStatus;
  EXPECT_TRUE(ipc::Call(socket, status).ok());  // others still served

  ::kill(::getpid(), SIGTERM);
  loop.join();
  auto entries = Entries(journal::types::kIpcSuppressed);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(Json::parse(entries[0].details)["counts"]["deadline"], 1);
}

// A paused source does not wake the loop though its descriptor is readable
// (the radio wiring reads it later, on a timer); a resumed one does.
TEST_F(AgentCoreTest, PausedSourceDoesNotWakeTheLoop) {
  ASSERT_NO_FATAL_FAILURE(BlockLoopSignals());
  std::string socket = dir_ + "/agent.sock";
  DaemonConfig config;
  config.socket_path = socket;
  Daemon daemon(config, *core_);
  ASSERT_TRUE(daemon.Init(ipc::Listen(socket).value()).ok());
  std::array<int, 2> paused{};
  std::array<int, 2> resumed{};
  std::array<int, 2> stopper{};
  ASSERT_EQ(::pipe2(paused.data(), O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(resumed.data(), O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(stopper.data(), O_CLOEXEC), 0);
  UniqueFd p0(paused[0]), p1(paused[1]), r0(resumed[0]), r1(resumed[1]),
      s0(stopper[0]), s1(stopper[1]);
  int paused_runs = 0;
  int resumed_runs = 0;
  ASSERT_TRUE(daemon.AddSource(p0.get(), [&] { ++paused_runs; }).ok());
  ASSERT_TRUE(daemon.AddSource(r0.get(), [&] { ++resumed_runs; }).ok());
  ASSERT_TRUE(daemon
                  .AddSource(s0.get(),
                             [&] {
                               char c = 0;
                               ASSERT_EQ(::read(s0.get(), &c, 1), 1);
                               ::kill(::getpid(), SIGTERM);
                             })
                  .ok());
  ASSERT_TRUE(daemon.PauseSource(p0.get(), true).ok());
  ASSERT_TRUE(daemon.PauseSource(r0.get(), true).ok());
  ASSERT_TRUE(daemon.PauseSource(r0.get(), false).ok());
  EXPECT_FALSE(daemon.PauseSource(s1.get(), true).ok());  // not a source
  for (int fd : {p1.get(), r1.get(), s1.get()}) {
    ASSERT_EQ(::write(fd, "x", 1), 1);
  }
  // Run on this thread: the stopper's SIGTERM ends it; the never-read
  // pipes stay readable all along.
  ASSERT_TRUE(daemon.Run().ok());
  EXPECT_EQ(paused_runs, 0);
  EXPECT_GE(resumed_runs, 1);
}

}  // namespace
}  // namespace piiguard::agent
