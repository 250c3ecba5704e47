// AgentCore on a real journal in a temporary directory (policies, acks,
// status reports, near misses, enrolment), and the daemon's event loop with
// a fake spawner: the test plays the sync child on the socketpair.

#include "agent/daemon/daemon.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <thread>

#include "agent/daemon/agent_core.h"
#include "agent/sync/child_protocol.h"
#include "common/file_util.h"
#include "common/journal/event_types.h"
#include "common/signed_envelope.h"
#include "policy/test_policy.h"

namespace piiguard::agent {
namespace {

using policy::testing::kNow;

class AgentCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/daemon_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    device_key_.emplace(Ed25519PrivateKey::Generate().value());
    city_key_.emplace(policy::testing::NewKey());
    auto journal = journal::Journal::Open(dir_ + "/journal.db", *device_key_,
                                          [this] { return now_ms_; });
    ASSERT_TRUE(journal.ok());
    journal_ = std::move(*journal);
    ASSERT_TRUE(WriteFileAtomic(
                    StatePaths(dir_).Office(),
                    sync::SerializeOfficeConfig(
                        {"pc-1", "https://office:8443", std::string(64, 'a')}),
                    0644)
                    .ok());
    CoreConfig config;
    config.paths = StatePaths(dir_);
    config.city_key = city_key_->PublicKey();
    config.clock = [this] { return now_ms_; };
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
  int64_t now_ms_ = kNow * 1000;
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

TEST_F(AgentCoreTest, ChildRequestsGoThroughTheCore) {
  auto parsed =
      sync::ParseChildRequest(R"({"op":"sync_refused","reason":"gap: x"})");
  ASSERT_TRUE(parsed.ok());
  Json answer = Json::parse(sync::AnswerChildRequest(*core_, *parsed));
  EXPECT_TRUE(answer["ok"].get<bool>());
  EXPECT_EQ(Entries("sync.refused").size(), 1u);
  auto batch = sync::ParseChildRequest(R"({"op":"get_batch"})");
  Json with_batch = Json::parse(sync::AnswerChildRequest(*core_, *batch));
  EXPECT_TRUE(with_batch["batch"].is_string());
}

// The event loop: the test is both the local client and the sync child.
TEST_F(AgentCoreTest, DaemonLoopKillsAMisbehavingChildOnly) {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGINT);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &mask, nullptr), 0);

  struct KeepingSpawner : FakeSpawner {
    Result<pid_t> Spawn(const SpawnSpec& spec) override {
      child_link.Reset(::dup(spec.fds.at(0)));
      return FakeSpawner::Spawn(spec);
    }
    UniqueFd child_link;
  } spawner;
  std::string socket = dir_ + "/agent.sock";
  DaemonConfig config;
  config.socket_path = socket;
  config.exe = "/nonexistent";
  config.sync_uid = 65534;
  Daemon daemon(config, *core_, spawner, [] { return 0.5; });
  ASSERT_TRUE(daemon.Init(ipc::Listen(socket).value()).ok());
  std::thread loop([&] { EXPECT_TRUE(daemon.Run().ok()); });

  // A local near miss over the real socket.
  ipc::Request near;
  near.op = ipc::Op::kNearMiss;
  near.text = "test";
  Result<Json> answer = ipc::Call(socket, near);
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  ASSERT_EQ(spawner.specs.size(), 1u);
  EXPECT_EQ(spawner.specs[0].uid, 65534u);
  EXPECT_EQ(spawner.specs[0].args.at(0), "--sync-child");

  // A permitted request is answered.
  ASSERT_TRUE(ipc::WriteFrame(spawner.child_link.get(), R"({"op":"get_batch"})",
                              sync::kMaxChildFrameBytes)
                  .ok());
  Result<std::string> batch =
      ipc::ReadFrame(spawner.child_link.get(), sync::kMaxChildFrameBytes);
  ASSERT_TRUE(batch.ok());
  EXPECT_NE(batch->find("\"batch\""), std::string::npos);
  // An unpermitted one ends the child, not the daemon.
  ASSERT_TRUE(ipc::WriteFrame(spawner.child_link.get(), R"({"op":"sign"})",
                              sync::kMaxChildFrameBytes)
                  .ok());
  EXPECT_FALSE(
      ipc::ReadFrame(spawner.child_link.get(), sync::kMaxChildFrameBytes).ok());
  ASSERT_EQ(spawner.killed.size(), 1u);
  EXPECT_EQ(spawner.killed[0], 1000);
  // The daemon still serves.
  ipc::Request status;
  status.op = ipc::Op::kStatus;
  Result<Json> after = ipc::Call(socket, status);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE((*after)["sync_child_running"].get<bool>());

  ::kill(::getpid(), SIGTERM);
  loop.join();
}

}  // namespace
}  // namespace piiguard::agent
