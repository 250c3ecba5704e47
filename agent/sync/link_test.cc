// The link between the sync process and piiguardd: the permit table, the
// strict request parser, the answers that carry more than JSON (the
// wake-up eventfd, the key after a NUL), the session's turn rules, and
// ChildLink against a LinkSession over a real socketpair.

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <thread>

#include "agent/sync/child_protocol.h"
#include "agent/sync/link_io.h"
#include "agent/sync/link_session.h"
#include "agent/sync/sync_testing.h"
#include "common/json.h"

namespace piiguard::sync {
namespace {

// piiguardd's side as far as the link goes: records what it was asked.
class RecordingLink : public DaemonLink {
 public:
  std::optional<SyncMaterial> material;
  Status material_error;
  std::vector<std::pair<FailureKind, std::string>> done;
  std::vector<std::string> refused;

  Result<std::optional<SyncMaterial>> GetMaterial() override {
    if (!material_error.ok()) return material_error;
    if (!material) return std::optional<SyncMaterial>();
    SyncMaterial copy;
    copy.office = material->office;
    copy.client_cert_pem = material->client_cert_pem;
    copy.ca_pem = material->ca_pem;
    copy.client_key_pem = material->client_key_pem;
    return std::optional<SyncMaterial>(std::move(copy));
  }
  Result<PendingBatch> GetBatch() override { return PendingBatch{}; }
  Status Acked(uint64_t, const journal::Hash&) override { return Status::Ok(); }
  Result<PolicyOutcome> InstallPolicy(const std::string&) override {
    return PolicyOutcome{false, "test"};
  }
  Result<std::string> GetStatusReport(const std::string& id) override {
    return "report " + id;
  }
  Status SyncRefused(const std::string& reason) override {
    refused.push_back(reason);
    return Status::Ok();
  }
  Status SyncDone(FailureKind kind, const std::string& detail) override {
    done.emplace_back(kind, detail);
    return Status::Ok();
  }
};

std::string Hello() {
  ChildRequest hello = MakeChildRequest(ChildOp::kHello);
  hello.sandbox = "seccomp, Landlock ABI 7";
  return SerializeChildRequest(hello);
}

TEST(ChildProtocolTest, PermitTable) {
  for (const ChildPermit& permit : kChildPermits) {
    EXPECT_EQ(permit.permitted, permit.op != ChildOp::kSignCheckpoint)
        << permit.name;
    EXPECT_LE(permit.max_answer_bytes, kMaxChildFrameBytes) << permit.name;
    EXPECT_EQ(&PermitOf(permit.op), &permit);
  }
  EXPECT_FALSE(ParseChildRequest(R"({"op":"sign"})").ok());
  EXPECT_FALSE(ParseChildRequest(R"({"op":"append"})").ok());
  EXPECT_FALSE(ParseChildRequest(R"({"op":"get_batch","x":1})").ok());
  EXPECT_FALSE(ParseChildRequest(R"({"op":"get_office_config","x":1})").ok());
  EXPECT_FALSE(ParseChildRequest(R"({"op":"acked","seq":-1,"head":""})").ok());
  EXPECT_FALSE(ParseChildRequest("not json").ok());
  EXPECT_FALSE(
      ParseChildRequest(R"({"op":"status_report","request":"../x"})").ok());
  std::string big(3000, 'a');
  EXPECT_FALSE(
      ParseChildRequest(R"({"op":"sync_refused","reason":")" + big + "\"}")
          .ok());
  // sync_done's kind: one of the set, and never the monitor's own.
  EXPECT_TRUE(
      ParseChildRequest(R"({"op":"sync_done","kind":"tls","reason":"x"})")
          .ok());
  EXPECT_FALSE(
      ParseChildRequest(R"({"op":"sync_done","kind":"bogus","reason":"x"})")
          .ok());
  EXPECT_FALSE(
      ParseChildRequest(R"({"op":"sync_done","kind":"process","reason":""})")
          .ok());
  // hello: this version only, a printable sandbox line of bounded size.
  EXPECT_TRUE(ParseChildRequest(Hello()).ok());
  EXPECT_FALSE(
      ParseChildRequest(R"({"op":"hello","version":2,"sandbox":""})").ok());
  EXPECT_FALSE(
      ParseChildRequest(R"({"op":"hello","version":1,"sandbox":"a\nb"})").ok());
  EXPECT_FALSE(ParseChildRequest(R"({"op":"hello","version":1,"sandbox":")" +
                                 std::string(300, 'a') + "\"}")
                   .ok());
}

TEST(ChildProtocolTest, RoundTrip) {
  ChildRequest acked = MakeChildRequest(ChildOp::kAcked);
  acked.seq = 42;
  acked.head[0] = 0xAB;
  ChildRequest policy = MakeChildRequest(ChildOp::kInstallPolicy);
  policy.policy = std::string("\x00\x01signed", 8);
  ChildRequest done = MakeChildRequest(ChildOp::kSyncDone);
  done.kind = FailureKind::kPin;
  done.reason = "pin";
  ChildRequest report = MakeChildRequest(ChildOp::kGetStatusReport);
  report.request = "req-1";
  ChildRequest hello = MakeChildRequest(ChildOp::kHello);
  hello.sandbox = "seccomp";
  for (const ChildRequest& request :
       {acked, policy, done, report, hello,
        MakeChildRequest(ChildOp::kGetOfficeConfig)}) {
    Result<ChildRequest> parsed =
        ParseChildRequest(SerializeChildRequest(request));
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_EQ(*parsed, request);
  }
  for (FailureKind kind : kAllFailureKinds) {
    EXPECT_EQ(FailureKindFromName(FailureKindName(kind)), kind);
  }
}

TEST(ChildProtocolTest, MaterialAnswerCarriesTheKeyAfterTheJson) {
  testing::TestOffice office = testing::MakeOffice();
  SyncMaterial material = testing::MakeMaterial(office, "https://127.0.0.1:1");
  std::string payload = SerializeMaterialAnswer(&material);
  const size_t nul = payload.find('\0');
  ASSERT_NE(nul, std::string::npos);
  // The JSON part never holds the key.
  EXPECT_EQ(payload.substr(0, nul).find("PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(payload.substr(nul + 1), material.client_key_pem);
  Result<std::optional<SyncMaterial>> parsed = ParseMaterialAnswer(payload);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  ASSERT_TRUE(parsed->has_value());
  EXPECT_EQ((*parsed)->office, material.office);
  EXPECT_EQ((*parsed)->client_key_pem, material.client_key_pem);
  EXPECT_EQ((*parsed)->client_cert_pem, material.client_cert_pem);
  EXPECT_EQ((*parsed)->ca_pem, material.ca_pem);

  // A key of another length than announced, a missing key, bytes after a
  // "not enrolled", an error answer, a bad pin: refused.
  EXPECT_FALSE(ParseMaterialAnswer(payload + "x").ok());
  EXPECT_FALSE(ParseMaterialAnswer(payload.substr(0, payload.size() - 1)).ok());
  EXPECT_FALSE(ParseMaterialAnswer(payload.substr(0, nul)).ok());
  std::string none = SerializeMaterialAnswer(nullptr);
  Result<std::optional<SyncMaterial>> not_enrolled = ParseMaterialAnswer(none);
  ASSERT_TRUE(not_enrolled.ok());
  EXPECT_FALSE(not_enrolled->has_value());
  EXPECT_FALSE(ParseMaterialAnswer(none + std::string(1, '\0') + "k").ok());
  Result<std::optional<SyncMaterial>> error =
      ParseMaterialAnswer(R"({"ok":false,"error":"tls/client.key: gone"})");
  ASSERT_FALSE(error.ok());
  EXPECT_NE(error.status().message().find("tls/client.key: gone"),
            std::string::npos);
  material.office.office_pin = "nothex";
  EXPECT_FALSE(ParseMaterialAnswer(SerializeMaterialAnswer(&material)).ok());
}

TEST(ChildProtocolTest, HelloAnswer) {
  EXPECT_EQ(
      ParseHelloAnswer(SerializeHelloAnswer({60})).value().interval_seconds,
      60);
  EXPECT_FALSE(ParseHelloAnswer(R"({"ok":true,"interval":0})").ok());
  EXPECT_FALSE(ParseHelloAnswer(R"({"ok":true,"interval":5,"x":1})").ok());
  EXPECT_FALSE(ParseHelloAnswer(R"({"ok":false,"error":"no"})").ok());
}

TEST(LinkSessionTest, HelloFirstAndOnce) {
  RecordingLink link;
  LinkSession session(link, 120);
  EXPECT_FALSE(session.Handle(R"({"op":"get_batch"})").ok());

  LinkSession fresh(link, 120);
  Result<LinkReply> hello = fresh.Handle(Hello());
  ASSERT_TRUE(hello.ok());
  EXPECT_TRUE(hello->with_wake_fd);
  EXPECT_EQ(ParseHelloAnswer(hello->payload).value().interval_seconds, 120);
  EXPECT_EQ(fresh.sandbox(), "seccomp, Landlock ABI 7");
  EXPECT_FALSE(fresh.Handle(Hello()).ok());
}

TEST(LinkSessionTest, AnswersThroughTheLinkAndMarksTheKey) {
  RecordingLink link;
  LinkSession session(link, 300);
  ASSERT_TRUE(session.Handle(Hello()).ok());
  Result<LinkReply> none = session.Handle(R"({"op":"get_office_config"})");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->secret);
  testing::TestOffice office = testing::MakeOffice();
  link.material = testing::MakeMaterial(office, "https://127.0.0.1:1");
  Result<LinkReply> some = session.Handle(R"({"op":"get_office_config"})");
  ASSERT_TRUE(some.ok());
  EXPECT_TRUE(some->secret);
  EXPECT_FALSE(some->with_wake_fd);
  Result<LinkReply> done = session.Handle(
      R"({"op":"sync_done","kind":"offline","reason":"no route"})");
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(link.done.size(), 1u);
  EXPECT_EQ(link.done[0].first, FailureKind::kOffline);
  EXPECT_FALSE(session.Handle(R"({"op":"sign"})").ok());
  EXPECT_EQ(session.last_op(), "");
}

// ChildLink (the sync process) against a LinkSession (piiguardd) served
// by a thread over a socketpair, with the eventfd passed on hello.
TEST(ChildLinkTest, EndToEndOverASocketpair) {
  int pair[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
  UniqueFd ours(pair[0]);
  UniqueFd theirs(pair[1]);
  RecordingLink link;
  testing::TestOffice office = testing::MakeOffice();
  link.material = testing::MakeMaterial(office, "https://127.0.0.1:1");
  UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  std::thread monitor([&] {
    LinkSession session(link, 42);
    for (;;) {
      Result<std::string> frame =
          ReceiveFrame(theirs.get(), kMaxChildFrameBytes);
      if (!frame.ok()) return;
      Result<LinkReply> reply = session.Handle(*frame);
      if (!reply.ok()) return;
      std::string out = FrameHeader(reply->payload.size()) + reply->payload;
      int pass = reply->with_wake_fd ? wake.get() : -1;
      size_t sent = 0;
      while (sent < out.size()) {
        Result<size_t> n = SendSome(theirs.get(), out.substr(sent), pass);
        if (!n.ok()) return;
        sent += *n;
        pass = -1;
      }
    }
  });
  ChildLink child(ours.get());
  UniqueFd got_wake;
  Result<HelloAnswer> hello = child.Hello("seccomp", &got_wake);
  ASSERT_TRUE(hello.ok()) << hello.status().message();
  EXPECT_EQ(hello->interval_seconds, 42);
  ASSERT_TRUE(got_wake.valid());
  // The eventfd is the same object: a write on piiguardd's side wakes us.
  uint64_t one = 1;
  ASSERT_EQ(::write(wake.get(), &one, sizeof one), 8);
  uint64_t count = 0;
  ASSERT_EQ(::read(got_wake.get(), &count, sizeof count), 8);
  EXPECT_EQ(count, 1u);

  Result<std::optional<SyncMaterial>> material = child.GetMaterial();
  ASSERT_TRUE(material.ok()) << material.status().message();
  ASSERT_TRUE(material->has_value());
  EXPECT_EQ((*material)->client_key_pem, link.material->client_key_pem);
  link.material_error = FailedPreconditionError("sync material", "tls/", "x");
  Result<std::optional<SyncMaterial>> failed = child.GetMaterial();
  EXPECT_FALSE(failed.ok());
  EXPECT_TRUE(child.SyncDone(FailureKind::kTls, std::string(5000, 'x')).ok());
  ASSERT_EQ(link.done.size(), 1u);
  EXPECT_EQ(link.done[0].second.size(), kMaxReasonBytes);
  ours.Reset();
  monitor.join();
}

}  // namespace
}  // namespace piiguard::sync
