// SignerCore, the protocol and one connection of the signer's socket
// (ServeConnection) over a socketpair.

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/os/testing/fake_clock.h"
#include "common/unique_fd.h"
#include "office/signer/frame_io.h"
#include "office/signer/signer_core.h"
#include "office/signer/signer_server.h"
#include "office/signer/testing/signer_fixture.h"

namespace piiguard::office::signer {
namespace {

using testing::FakeIssuedLog;
using testing::kNow;
using testing::PayloadOf;
using testing::ValidFile;

std::string RequestBytes(const std::string& payload,
                         const std::string& issuer = "tanaka") {
  Json json = {{"issuer", issuer}, {"op", "sign"}, {"payload", payload}};
  return json.dump();
}

class SignerTest : public ::testing::Test {
 protected:
  SignerTest()
      : clock_(kNow * 1000),
        core_(Ed25519PrivateKey::Generate().value(), log_, clock_) {}

  SignAnswer Ask(const std::string& payload,
                 const std::string& issuer = "tanaka") {
    return core_.Handle(RequestBytes(payload, issuer), 1001);
  }
  void ExpectRefused(const SignAnswer& answer, StatusCode code,
                     std::string_view words) {
    EXPECT_FALSE(answer.ok);
    EXPECT_EQ(answer.code, code) << answer.error;
    EXPECT_NE(answer.error.find(words), std::string::npos) << answer.error;
    EXPECT_TRUE(log_.lines.empty()) << "a refusal is never recorded as signed";
  }

  os::FakeClock clock_;
  FakeIssuedLog log_;
  SignerCore core_;
};

TEST_F(SignerTest, SignsAValidPayloadThePcAccepts) {
  const exception::ExceptionFile file = ValidFile();
  SignAnswer answer = Ask(PayloadOf(file));
  ASSERT_TRUE(answer.ok) << answer.error;
  std::vector<Ed25519PublicKey> trusted{core_.public_key()};
  exception::FileVerdict verdict = exception::VerifyExceptionFile(
      answer.file, trusted, file.pc_id, kNow + 60);
  ASSERT_TRUE(verdict.accepted()) << verdict.detail;
  EXPECT_EQ(*verdict.file, file);

  ASSERT_EQ(log_.lines.size(), 1u);
  Json record = ParseJsonStrict(log_.lines[0], "test").value();
  EXPECT_EQ(record["id"], "12345678901234567890");
  EXPECT_EQ(record["pc"], "hidamari-pc-01");
  EXPECT_EQ(record["scope"], "radios");
  EXPECT_EQ(record["minutes"], 60);
  EXPECT_EQ(record["person"], "佐藤 一郎");
  EXPECT_EQ(record["reason"], "研修のため");
  EXPECT_EQ(record["issuer"], "tanaka");
  EXPECT_EQ(record["uid"], 1001);
  EXPECT_EQ(record["time"], "2026-06-01T12:00:00+09:00");
  EXPECT_EQ(record["redeem_by"], "2026-06-02T12:00:00+09:00");
  EXPECT_EQ(record["sha256"], Sha256Hex(answer.file));
}

TEST_F(SignerTest, SignsAStickFileWithItsIdentity) {
  exception::ExceptionFile file = ValidFile();
  file.scope = exception::ScopeKind::kStickWritable;
  file.identity = std::string(64, 'a');
  SignAnswer answer = Ask(PayloadOf(file));
  ASSERT_TRUE(answer.ok) << answer.error;
  ASSERT_EQ(log_.lines.size(), 1u);
  EXPECT_EQ(ParseJsonStrict(log_.lines[0], "test").value()["identity"],
            file.identity);
}

TEST_F(SignerTest, RefusesANonCanonicalPayload) {
  std::string payload = PayloadOf(ValidFile());
  ExpectRefused(Ask(" " + payload), StatusCode::kInvalidArgument, "canonical");
  std::string spaced = payload;
  spaced.insert(spaced.find(',') + 1, " ");
  ExpectRefused(Ask(spaced), StatusCode::kInvalidArgument, "exception file");
}

TEST_F(SignerTest, RefusesScopesAFileMayNotCarry) {
  const std::string payload = PayloadOf(ValidFile());
  for (const char* scope : {"maintenance", "roster-folder"}) {
    std::string other = payload;
    other.replace(other.find("\"radios\""), 8,
                  std::string("\"") + scope + "\"");
    ExpectRefused(Ask(other), StatusCode::kInvalidArgument, "scope");
  }
}

TEST_F(SignerTest, RefusesIssuedAtOffItsClock) {
  for (int64_t skew : {-301, 301}) {
    exception::ExceptionFile file = ValidFile();
    file.issued_at = kNow + skew;
    ExpectRefused(Ask(PayloadOf(file)), StatusCode::kFailedPrecondition,
                  "more than 5 minutes");
  }
  for (int64_t skew : {-300, 300}) {
    exception::ExceptionFile file = ValidFile();
    file.issued_at = kNow + skew;
    EXPECT_TRUE(Ask(PayloadOf(file)).ok) << skew;
  }
}

TEST_F(SignerTest, RefusesARedeemByThatHasPassed) {
  exception::ExceptionFile file = ValidFile();
  file.issued_at = kNow - 200;
  file.redeem_by = kNow;
  ExpectRefused(Ask(PayloadOf(file)), StatusCode::kFailedPrecondition,
                "redeem_by: has passed");
}

TEST_F(SignerTest, RefusesABadIssuer) {
  const std::string payload = PayloadOf(ValidFile());
  ExpectRefused(Ask(payload, ""), StatusCode::kInvalidArgument,
                "$.issuer: must be 1 to 64 bytes");
  ExpectRefused(Ask(payload, std::string(65, 'a')),
                StatusCode::kInvalidArgument, "must be 1 to 64 bytes");
  ExpectRefused(Ask(payload, "tanaka\nsigned: everything"),
                StatusCode::kInvalidArgument, "$.issuer");
  ExpectRefused(Ask(payload, "tana\u202eka"), StatusCode::kInvalidArgument,
                "$.issuer");
  EXPECT_TRUE(Ask(payload, std::string(64, 'a')).ok);
}

TEST_F(SignerTest, RefusesMalformedRequests) {
  const std::string payload = PayloadOf(ValidFile());
  Json extra = {
      {"issuer", "t"}, {"op", "sign"}, {"payload", payload}, {"pc", "x"}};
  ExpectRefused(core_.Handle(extra.dump(), 1), StatusCode::kInvalidArgument,
                "$.pc: unknown field");
  Json op = {{"issuer", "t"}, {"op", "grant"}, {"payload", payload}};
  ExpectRefused(core_.Handle(op.dump(), 1), StatusCode::kInvalidArgument,
                "$.op");
  ExpectRefused(core_.Handle("{", 1), StatusCode::kInvalidArgument, "JSON");
  ExpectRefused(core_.Handle(std::string(kMaxRequestBytes + 1, ' '), 1),
                StatusCode::kInvalidArgument, "at most 16384");
}

TEST_F(SignerTest, AnUnwritableLogSignsNothing) {
  log_.fail = IoError("issued log", "issued.log", "No space left on device");
  ExpectRefused(Ask(PayloadOf(ValidFile())), StatusCode::kFailedPrecondition,
                "not recorded, not signed: issued log: issued.log: No space");
}

TEST(IssuedLogTest, AppendsLinesAndRefusesAMissingDirectory) {
  testing::TempDir dir;
  FileIssuedLog log(dir.File("issued.log"));
  ASSERT_TRUE(log.Append("{\"a\":1}").ok());
  ASSERT_TRUE(log.Append("{\"b\":2}").ok());
  std::ifstream in(dir.File("issued.log"));
  std::string all((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(all, "{\"a\":1}\n{\"b\":2}\n");
  EXPECT_FALSE(log.Append("two\nlines").ok());
  EXPECT_EQ(
      std::filesystem::status(dir.File("issued.log")).permissions() &
          std::filesystem::perms::all,
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  FileIssuedLog missing(dir.File("gone/issued.log"));
  EXPECT_EQ(missing.Append("{}").code(), StatusCode::kNotFound);
}

TEST(ProtocolTest, RoundTrips) {
  SignRequest request{"{\"a\":1}", "佐藤"};
  Result<std::string> bytes = EncodeSignRequest(request);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(ParseSignRequest(*bytes).value(), request);
  EXPECT_FALSE(EncodeSignRequest({"x", ""}).ok());

  for (const SignAnswer& answer :
       {SignAnswer{.ok = true, .file = "piiguard-signed/1\n"},
        RefusalAnswer(FailedPreconditionError("sign", "x", "no")),
        RefusalAnswer(Status(StatusCode::kPermissionDenied, "who"))}) {
    Result<std::string> encoded = EncodeSignAnswer(answer);
    ASSERT_TRUE(encoded.ok()) << encoded.status().ToString();
    EXPECT_EQ(ParseSignAnswer(*encoded).value(), answer);
  }
  EXPECT_FALSE(ParseSignAnswer(R"({"ok":false,"code":"io","error":"x"})").ok());
  EXPECT_FALSE(ParseSignAnswer(R"({"ok":true})").ok());
  EXPECT_FALSE(ParseSignAnswer(R"({"ok":true,"file":"f","x":1})").ok());
  // Another code is reported as failed-precondition, never as success.
  EXPECT_EQ(RefusalAnswer(IoError("a", "b", "c")).code,
            StatusCode::kFailedPrecondition);
}

// One connection of the socket, the signer's end `server_`, the peer's
// `peer_`: a socketpair, so SO_PEERCRED is this process's.
class ConnectionTest : public SignerTest {
 protected:
  ConnectionTest() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    server_.Reset(fds[0]);
    peer_.Reset(fds[1]);
    options_.allowed_uids = {1001};
    options_.peer_uid = [this](int) -> Result<uid_t> { return peer_uid_; };
    options_.timeout_ms = 2000;
    options_.log = [this](const std::string& line) { logged_ += line + "\n"; };
  }

  void Send(std::string_view bytes) {
    ASSERT_EQ(::send(peer_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  // The answer the signer left on the peer's end (it has returned).
  Result<SignAnswer> Answer() {
    PIIGUARD_ASSIGN_OR_RETURN(
        std::string body,
        ReadFrame(peer_.get(), kMaxAnswerBytes,
                  Deadline::In(os::SystemClock(), 1000), "p"));
    return ParseSignAnswer(body);
  }

  UniqueFd server_;
  UniqueFd peer_;
  uid_t peer_uid_ = 1001;
  ServeOptions options_;
  std::string logged_;
};

TEST_F(ConnectionTest, AnswersASignedFileAfterTheRecordIsWritten) {
  bool answered_before_record = true;
  log_.on_append = [&] {
    pollfd p{.fd = peer_.get(), .events = POLLIN, .revents = 0};
    answered_before_record = ::poll(&p, 1, 0) != 0;
  };
  Send(Frame(RequestBytes(PayloadOf(ValidFile()))));
  ServeConnection(server_.get(), core_, options_);
  EXPECT_FALSE(answered_before_record);
  Result<SignAnswer> answer = Answer();
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_TRUE(answer->ok) << answer->error;
  EXPECT_EQ(log_.lines.size(), 1u);
  EXPECT_NE(logged_.find("uid 1001: signed"), std::string::npos) << logged_;
}

TEST_F(ConnectionTest, RefusesAPeerNotAllowedWithoutReadingIt) {
  peer_uid_ = 65534;
  Send(Frame(RequestBytes(PayloadOf(ValidFile()))));
  ServeConnection(server_.get(), core_, options_);
  Result<SignAnswer> answer = Answer();
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_FALSE(answer->ok);
  EXPECT_EQ(answer->code, StatusCode::kPermissionDenied);
  EXPECT_EQ(answer->error,
            "signer: uid 65534: not allowed to ask for signatures");
  EXPECT_TRUE(log_.lines.empty());
  EXPECT_NE(logged_.find("uid 65534: not allowed"), std::string::npos);
  // The request is still unread on the signer's end.
  char byte = 0;
  EXPECT_EQ(::recv(server_.get(), &byte, 1, MSG_DONTWAIT), 1);
}

TEST_F(ConnectionTest, RootIsAlwaysAllowed) {
  peer_uid_ = 0;
  Send(Frame(RequestBytes(PayloadOf(ValidFile()))));
  ServeConnection(server_.get(), core_, options_);
  EXPECT_TRUE(Answer().value().ok);
}

TEST_F(ConnectionTest, RefusesAnOversizedFrameWithoutReadingIt) {
  const std::string header = Frame(std::string(kMaxRequestBytes + 1, 'x'));
  Send(header.substr(0, 4));
  ServeConnection(server_.get(), core_, options_);
  Result<SignAnswer> answer = Answer();
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->code, StatusCode::kInvalidArgument);
  EXPECT_NE(answer->error.find("frame of 16385 bytes, at most 16384"),
            std::string::npos)
      << answer->error;
  EXPECT_TRUE(log_.lines.empty());
}

TEST_F(ConnectionTest, AStalledPeerTimesOut) {
  Send(Frame(RequestBytes(PayloadOf(ValidFile()))).substr(0, 10));
  options_.clock = &os::SystemClock();
  options_.timeout_ms = 50;  // a real deadline: poll waits for it
  ServeConnection(server_.get(), core_, options_);
  EXPECT_NE(logged_.find("uid 1001: timed out: no request"), std::string::npos)
      << logged_;
  EXPECT_TRUE(log_.lines.empty());
}

TEST_F(ConnectionTest, AClosedPeerIsLogged) {
  Send(Frame(RequestBytes(PayloadOf(ValidFile()))).substr(0, 10));
  peer_.Reset();
  ServeConnection(server_.get(), core_, options_);
  EXPECT_NE(logged_.find("connection closed"), std::string::npos) << logged_;
  EXPECT_TRUE(log_.lines.empty());
}

TEST_F(ConnectionTest, PeerUidIsTheSocketPairsOwnUid) {
  EXPECT_EQ(PeerUid(server_.get()).value(), ::getuid());
}

}  // namespace
}  // namespace piiguard::office::signer
