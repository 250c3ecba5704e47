// The daemon's owners on a real journal in a temporary directory, wired as
// main wires them: the event sink, the status board (problems, fields and
// parts), the applied policy (verified against the city key and the
// applied version), the enrolment, the near misses and suppressions the
// socket brings; and the monitor's answers to the sync process (batches,
// acknowledgements on our own head, signed status reports).

#include <gtest/gtest.h>

#include <array>
#include <filesystem>

#include "agent/daemon/applied_policy.h"
#include "agent/daemon/device_signer.h"
#include "agent/daemon/enrolment.h"
#include "agent/daemon/event_sink.h"
#include "agent/daemon/local_requests.h"
#include "agent/daemon/status_board.h"
#include "agent/daemon/sync_monitor.h"
#include "agent/sync/child_protocol.h"
#include "common/file_util.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/os/testing/fake_clock.h"
#include "common/signed_envelope.h"
#include "policy/test_policy.h"

namespace piiguard::agent {
namespace {

using policy::testing::kNow;

std::string TestUserName(uid_t uid) {
  return uid == 1000 ? std::string("tanaka") : std::string();
}

class OwnersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/owners_test.XXXXXX";
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
    events_.emplace(*journal_);
    board_.emplace(*events_);
    policy_.emplace(
        PolicyConfig{StatePaths(dir_), city_key_->PublicKey(), &clock_},
        *events_, *board_);
    enrolment_.emplace(StatePaths(dir_), *journal_, *events_, *board_);
    signer_.emplace(*device_key_);
    // As main does.
    journal::Journal& journal_ref = *journal_;
    board_->AddFields([&journal_ref] { return JournalProgress(journal_ref); });
    board_->AddFields([this] { return policy_->StatusFields(); });
    board_->AddFields([this] { return enrolment_->StatusFields(); });
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
  SyncMonitor Monitor(sync::SyncHealth& health) {
    return SyncMonitor(MonitorDeps{*journal_, *events_, *policy_, *enrolment_,
                                   *signer_, clock_, health},
                       StatePaths(dir_), 0);
  }

  std::string dir_;
  os::FakeClock clock_{kNow * 1000};
  std::optional<Ed25519PrivateKey> device_key_;
  std::optional<Ed25519PrivateKey> city_key_;
  std::unique_ptr<journal::Journal> journal_;
  std::optional<EventSink> events_;
  std::optional<StatusBoard> board_;
  std::optional<AppliedPolicy> policy_;
  std::optional<Enrolment> enrolment_;
  std::optional<DeviceSigner> signer_;
};

TEST_F(OwnersTest, NearMissRecordsUidAndUser) {
  Result<Json> answer = RecordNearMiss(*events_, TestUserName,
                                       ipc::Peer{42, 1000, 1000}, "置き忘れ");
  ASSERT_TRUE(answer.ok());
  auto entries = Entries(journal::types::kNearMiss);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].type, "near_miss.reported");  // docs/journal.md
  EXPECT_EQ(entries[0].subject, "uid:1000");
  Json details = Json::parse(entries[0].details);
  EXPECT_EQ(details["text"], "置き忘れ");
  EXPECT_EQ(details["uid"], 1000);
  EXPECT_EQ(details["user"], "tanaka");
  Json status = board_->Answer().value();
  EXPECT_EQ(status["pending"], journal_->head_seq());
  EXPECT_EQ(status["pc"], "pc-1");
}

// A window of what the socket suppressed: one entry, with the uid, the
// user and the counts (docs/journal.md, ipc.suppressed).
TEST_F(OwnersTest, SuppressionsJournaledAsOneEntry) {
  ipc::Suppression summary;
  summary.uid = 1000;
  summary.window_ms = 600'000;
  summary.total = 5012;
  summary.counts = {{"near_miss", 5000}, {"connection", 12}};
  ASSERT_TRUE(RecordSuppressed(*events_, TestUserName, summary).ok());
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

TEST_F(OwnersTest, PolicyVerifiedAgainstCityKeyAndVersion) {
  auto v3 = policy_->Install(SignedPolicy(3, *city_key_));
  ASSERT_TRUE(v3.ok());
  EXPECT_TRUE(v3->applied) << v3->reason;
  EXPECT_EQ(policy_->version(), 3);
  auto old = policy_->Install(SignedPolicy(2, *city_key_));
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old->applied);
  EXPECT_NE(old->reason.find("rollback"), std::string::npos);
  Ed25519PrivateKey other = policy::testing::NewKey();
  auto forged = policy_->Install(SignedPolicy(9, other));
  ASSERT_TRUE(forged.ok());
  EXPECT_FALSE(forged->applied);
  auto garbage = policy_->Install("garbage");
  ASSERT_TRUE(garbage.ok());
  EXPECT_FALSE(garbage->applied);
  EXPECT_EQ(policy_->version(), 3);
  EXPECT_EQ(Entries("policy.applied").size(), 1u);
  EXPECT_EQ(Entries("policy.refused").size(), 3u);
  // The applied policy is the floor after a restart too.
  EXPECT_TRUE(policy_->Load(std::nullopt).ok());
  EXPECT_EQ(policy_->version(), 3);
}

// No policy at start: a problem, journaled once and shown by status, gone
// once a policy is applied.
TEST_F(OwnersTest, MissingPolicyIsAProblemUntilOneIsApplied) {
  ASSERT_TRUE(policy_->Load(std::nullopt, "/etc/piiguard/policy.signed").ok());
  EXPECT_EQ(policy_->policy(), nullptr);
  Json status = board_->Answer().value();
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
  ASSERT_TRUE(policy_->Load(std::nullopt).ok());
  EXPECT_EQ(board_->Answer().value()["problems"].size(), 1u);
  ASSERT_TRUE(policy_->Install(SignedPolicy(3, *city_key_)).ok());
  EXPECT_TRUE(board_->Answer().value()["problems"].empty());
}

// A policy file that does not verify: a configuration error with the
// reason, the daemon on its defaults.
TEST_F(OwnersTest, RefusedPolicyIsAProblemWithItsReason) {
  Ed25519PrivateKey other = policy::testing::NewKey();
  ASSERT_TRUE(policy_->Load(SignedPolicy(4, other), "/etc/p.signed").ok());
  EXPECT_EQ(policy_->policy(), nullptr);
  ASSERT_EQ(board_->problems().size(), 1u);
  EXPECT_EQ(board_->problems()[0].code, "policy_refused");
  EXPECT_EQ(board_->problems()[0].type, journal::types::kAgentConfigError);
  EXPECT_EQ(Entries(journal::types::kPolicyRefused).size(), 1u);
  EXPECT_EQ(Entries(journal::types::kAgentConfigError).size(), 1u);
}

TEST_F(OwnersTest, StartedJournalsVersionAndKernel) {
  ASSERT_TRUE(events_->Started(4242, "0.2.0", "6.1.0-18-amd64").ok());
  ASSERT_TRUE(events_->Stopped(4242).ok());
  auto started = Entries(journal::types::kAgentStarted);
  ASSERT_EQ(started.size(), 1u);
  Json details = Json::parse(started[0].details);
  EXPECT_EQ(details["version"], "0.2.0");
  EXPECT_EQ(details["kernel"], "6.1.0-18-amd64");
  EXPECT_EQ(details["pid"], 4242);
  EXPECT_EQ(Entries(journal::types::kAgentStopped).size(), 1u);
}

TEST_F(OwnersTest, EnrolmentClearsNotEnrolled) {
  ASSERT_TRUE(board_->Report(NotEnrolled()).ok());
  EXPECT_EQ(board_->problems().size(), 1u);
  ASSERT_TRUE(enrolment_->Enrolled("pc-1", "https://office:8443").ok());
  EXPECT_TRUE(board_->problems().empty());
}

TEST_F(OwnersTest, AckOnlyOnOwnHead) {
  sync::SyncHealth health(clock_, nullptr);
  SyncMonitor monitor = Monitor(health);
  auto batch = monitor.GetBatch().value();
  ASSERT_TRUE(batch.batch.has_value());
  const journal::Entry& last = batch.batch->entries.back();
  journal::Hash wrong = last.hash;
  wrong[0] ^= 1;
  EXPECT_FALSE(monitor.Acked(last.seq, wrong).ok());
  EXPECT_EQ(journal_->GetSyncState().value().acked_seq, 0u);
  EXPECT_TRUE(monitor.Acked(last.seq, last.hash).ok());
  EXPECT_EQ(journal_->GetSyncState().value().acked_seq, last.seq);
}

TEST_F(OwnersTest, StatusReportSignedByDeviceKey) {
  sync::SyncHealth health(clock_, nullptr);
  std::string text = Monitor(health).GetStatusReport("req-1").value();
  SignedEnvelope envelope = ParseSignedEnvelope(text).value();
  std::array<Ed25519PublicKey, 1> trusted{device_key_->PublicKey()};
  EXPECT_TRUE(VerifySignedEnvelope(envelope, "status-report", trusted).ok());
  Json payload = Json::parse(envelope.payload);
  EXPECT_EQ(payload["request"], "req-1");
  EXPECT_EQ(payload["pc"], "pc-1");
  EXPECT_EQ(Entries("status_report.sent").size(), 1u);
}

TEST_F(OwnersTest, EnrolledMustMatchOfficeFile) {
  EXPECT_FALSE(enrolment_->Enrolled("pc-2", "https://office:8443").ok());
  EXPECT_TRUE(enrolment_->Enrolled("pc-1", "https://office:8443").ok());
  EXPECT_EQ(Entries("enrolment.done").size(), 1u);
}

// A sync process that sends file after file (compromised, or a bug) gets
// at most kMaxFilesPerMinute verified in any minute; the rest are refused
// before they reach the exception service, and stay queued at the office.
TEST_F(OwnersTest, FilesFromTheSyncAreRateLimited) {
  sync::SyncHealth health(clock_, nullptr);
  SyncMonitor monitor = Monitor(health);
  size_t applied = 0;
  monitor.SetExceptionApplier([&applied](std::string_view) {
    ++applied;
    return sync::ExceptionOutcome{false, true, "malformed"};
  });
  for (size_t i = 0; i < SyncMonitor::kMaxFilesPerMinute + 5; ++i) {
    const sync::ExceptionOutcome outcome =
        monitor.ApplyException("junk " + std::to_string(i)).value();
    EXPECT_EQ(outcome.refusal, i < SyncMonitor::kMaxFilesPerMinute
                                   ? "malformed"
                                   : "rate-limited")
        << i;
  }
  EXPECT_EQ(applied, SyncMonitor::kMaxFilesPerMinute);
  clock_.AdvanceUs(60'000'000);  // a minute later: room again
  EXPECT_EQ(monitor.ApplyException("junk").value().refusal, "malformed");
  EXPECT_EQ(applied, SyncMonitor::kMaxFilesPerMinute + 1);
}

TEST_F(OwnersTest, SyncRequestsGoThroughTheMonitor) {
  sync::SyncHealth health(clock_, nullptr);
  SyncMonitor monitor = Monitor(health);
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

// A part that fails fails the whole answer: staff never see half a state.
TEST_F(OwnersTest, AFailingPartFailsTheWholeAnswer) {
  board_->AddPart("sticks", [] { return Json::array(); });
  ASSERT_TRUE(board_->Answer().ok());
  EXPECT_TRUE(board_->Answer().value()["sticks"].is_array());
  board_->AddPart("roster", []() -> Result<Json> {
    return InternalError("roster guard", "status", "broken");
  });
  Result<Json> answer = board_->Answer();
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().message(), "roster guard: status: broken");
  board_->AddFields([] { return Json::array(); });
  EXPECT_FALSE(board_->Answer().ok());
}

// Before enrolment nothing goes out, and status says so.
TEST_F(OwnersTest, NothingGoesOutBeforeEnrolment) {
  std::filesystem::remove(StatePaths(dir_).Office());
  enrolment_.emplace(StatePaths(dir_), *journal_, *events_, *board_);
  sync::SyncHealth health(clock_, nullptr);
  SyncMonitor monitor = Monitor(health);
  Result<sync::PendingBatch> batch = monitor.GetBatch();
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(batch.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(monitor.GetStatusReport("req-1").ok());
  EXPECT_TRUE(Entries("status_report.sent").empty());
  Json status = board_->Answer().value();
  EXPECT_FALSE(status["enrolled"].get<bool>());
  EXPECT_FALSE(status.contains("pc"));
}

// Each listener hears of a policy once, when it is applied, never of a
// refused or repeated one.
TEST_F(OwnersTest, ListenersHearOfEachAppliedPolicyOnce) {
  std::vector<int64_t> heard;
  policy_->AddListener(
      [&heard](const policy::Policy& p) { heard.push_back(p.version); });
  ASSERT_TRUE(policy_->Install(SignedPolicy(3, *city_key_)).ok());
  ASSERT_TRUE(policy_->Install(SignedPolicy(3, *city_key_)).ok());
  ASSERT_TRUE(policy_->Install(SignedPolicy(2, *city_key_)).ok());
  ASSERT_TRUE(policy_->Install(SignedPolicy(5, *city_key_)).ok());
  EXPECT_EQ(heard, (std::vector<int64_t>{3, 5}));
  EXPECT_EQ(board_->Answer().value()["policy_version"], 5);
}

// The USB enforcer's listener is added after the others (wiring order) and
// still runs first: a revoked stick's writes are cut before anything else.
TEST_F(OwnersTest, FirstListenersRunBeforeTheOthers) {
  std::vector<std::string> order;
  policy_->AddListener(
      [&order](const policy::Policy&) { order.push_back("a"); });
  policy_->AddListener(
      [&order](const policy::Policy&) { order.push_back("usb"); },
      AppliedPolicy::Order::kFirst);
  policy_->AddListener(
      [&order](const policy::Policy&) { order.push_back("b"); });
  policy_->AddListener(
      [&order](const policy::Policy&) { order.push_back("usb2"); },
      AppliedPolicy::Order::kFirst);
  ASSERT_TRUE(policy_->Install(SignedPolicy(3, *city_key_)).ok());
  EXPECT_EQ(order, (std::vector<std::string>{"usb", "usb2", "a", "b"}));
}

// Enforcement does not wait on the disk (usb_revoke's one second): the
// listeners run before STATE/policy.signed is written and policy.applied
// is journaled.
TEST_F(OwnersTest, ListenersRunBeforeThePolicyIsWritten) {
  ASSERT_TRUE(policy_->Install(SignedPolicy(3, *city_key_)).ok());
  std::string v5 = SignedPolicy(5, *city_key_);
  std::vector<std::string> seen;
  policy_->AddListener([&](const policy::Policy& p) {
    EXPECT_EQ(p.version, 5);
    EXPECT_EQ(policy_->version(), 5);
    seen.push_back(ReadFileBytes(dir_ + "/policy.signed", 1 << 20).value());
    seen.push_back(
        std::to_string(Entries(journal::types::kPolicyApplied).size()));
  });
  ASSERT_TRUE(policy_->Install(v5).ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], SignedPolicy(3, *city_key_));
  EXPECT_EQ(seen[1], "1");
  EXPECT_EQ(ReadFileBytes(dir_ + "/policy.signed", 1 << 20).value(), v5);
  EXPECT_EQ(Entries(journal::types::kPolicyApplied).size(), 2u);
}

// A newer policy that cannot be written (here a directory in its place;
// in life a full or read-only disk) is still enforced while running, and
// is a problem until the same version comes again and is written.
TEST_F(OwnersTest, PolicyThatCannotBeWrittenStaysAppliedAsAProblem) {
  std::vector<int64_t> heard;
  policy_->AddListener(
      [&heard](const policy::Policy& p) { heard.push_back(p.version); });
  std::string path = dir_ + "/policy.signed";
  ASSERT_TRUE(std::filesystem::create_directory(path));
  std::string v3 = SignedPolicy(3, *city_key_);
  Result<sync::PolicyOutcome> outcome = policy_->Install(v3);
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_TRUE(outcome->applied);
  EXPECT_EQ(heard, (std::vector<int64_t>{3}));
  EXPECT_EQ(policy_->version(), 3);
  ASSERT_EQ(board_->problems().size(), 1u);
  EXPECT_EQ(board_->problems()[0].code, "policy_not_saved");
  auto applied = Entries(journal::types::kPolicyApplied);
  ASSERT_EQ(applied.size(), 1u);
  Json details = Json::parse(applied[0].details);
  EXPECT_EQ(details["version"], 3);
  EXPECT_NE(details["not_saved"].get<std::string>().find(path),
            std::string::npos);
  auto problem = Entries(journal::types::kAgentConfigError);
  ASSERT_EQ(problem.size(), 1u);
  EXPECT_EQ(Json::parse(problem[0].details)["problem"], "policy_not_saved");
  // The same version again (a reload, the next sync): written now, the
  // listeners not told twice.
  std::filesystem::remove(path);
  ASSERT_TRUE(policy_->Install(v3).ok());
  EXPECT_EQ(ReadFileBytes(path, 1 << 20).value(), v3);
  EXPECT_TRUE(board_->problems().empty());
  EXPECT_EQ(heard, (std::vector<int64_t>{3}));
  EXPECT_EQ(Entries(journal::types::kPolicyApplied).size(), 1u);
}

}  // namespace
}  // namespace piiguard::agent
