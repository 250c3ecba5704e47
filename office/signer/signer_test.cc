// SignerCore, the protocol and one connection of the signer's socket
// (ServeConnection) over a socketpair.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <filesystem>
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

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {(std::istreambuf_iterator<char>(in)), {}};
}

TEST_F(SignerTest, RecordsTheKeyIdOfTheKeyThatSigned) {
  ASSERT_TRUE(Ask(PayloadOf(ValidFile())).ok);
  ASSERT_EQ(log_.lines.size(), 1u);
  const Json record = Json::parse(log_.lines[0]);
  EXPECT_EQ(record.at("key_id"), core_.public_key().KeyId());
  EXPECT_EQ(record.at("time"), "2026-06-01T12:00:00+09:00");
}

TEST(IssuedLogTest, RefusesAFifoWithoutHanging) {
  testing::TempDir dir;
  ASSERT_EQ(::mkfifo(dir.File("issued.log").c_str(), 0600), 0);
  FileIssuedLog log(dir.File("issued.log"));
  // No reader: open fails at once (ENXIO) instead of blocking.
  EXPECT_FALSE(log.Append("{}").ok());
  // A reader: open works, and fstat refuses it.
  UniqueFd reader(
      ::open(dir.File("issued.log").c_str(), O_RDONLY | O_NONBLOCK));
  ASSERT_TRUE(reader.valid());
  Status status = log.Append("{}");
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("not a regular file"), std::string::npos)
      << status.ToString();
  char byte = 0;
  EXPECT_LE(::read(reader.get(), &byte, 1), 0) << "nothing written to it";
}

TEST(IssuedLogTest, RefusesASymbolicLink) {
  testing::TempDir dir;
  { std::ofstream(dir.File("elsewhere")) << "x\n"; }
  std::filesystem::create_symlink(dir.File("elsewhere"),
                                  dir.File("issued.log"));
  FileIssuedLog log(dir.File("issued.log"));
  EXPECT_FALSE(log.Append("{}").ok());
  EXPECT_EQ(ReadAll(dir.File("elsewhere")), "x\n");
}

TEST(IssuedLogTest, AShortOrFailedWriteIsCutBackOff) {
  testing::TempDir dir;
  bool fail = false;
  bool short_write = true;
  FileIssuedLog::Io io;
  io.write = [&](int fd, const void* data, size_t size) -> ssize_t {
    if (!fail) return ::write(fd, data, size);
    // Half the line reaches the file, then the disk is full (or the write
    // just stops short).
    const ssize_t n = ::write(fd, data, size / 2);
    if (short_write) return n;
    errno = ENOSPC;
    return -1;
  };
  FileIssuedLog log(dir.File("issued.log"), io);
  ASSERT_TRUE(log.Append("{\"a\":1}").ok());
  fail = true;
  EXPECT_EQ(log.Append("{\"b\":2222222}").code(), StatusCode::kIoError);
  short_write = false;
  Status full = log.Append("{\"c\":3333333}");
  EXPECT_FALSE(full.ok());
  EXPECT_NE(full.message().find("No space"), std::string::npos)
      << full.ToString();
  EXPECT_EQ(ReadAll(dir.File("issued.log")), "{\"a\":1}\n");
  fail = false;
  ASSERT_TRUE(log.Append("{\"d\":4}").ok());
  EXPECT_EQ(ReadAll(dir.File("issued.log")), "{\"a\":1}\n{\"d\":4}\n");
}

TEST(IssuedLogTest, RetriesTheDirectoryFsyncUntilItWorks) {
  testing::TempDir dir;
  int dir_fsyncs = 0;
  bool dir_fails = true;
  FileIssuedLog::Io io;
  io.fsync = [&](int fd) {
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      ++dir_fsyncs;
      if (dir_fails) {
        errno = EIO;
        return -1;
      }
    }
    return ::fsync(fd);
  };
  FileIssuedLog log(dir.File("issued.log"), io);
  EXPECT_FALSE(log.Append("{\"a\":1}").ok());  // made, its name not synced
  EXPECT_EQ(dir_fsyncs, 1);
  dir_fails = false;
  EXPECT_TRUE(log.Append("{\"b\":2}").ok());  // the file exists: tried again
  EXPECT_EQ(dir_fsyncs, 2);
  EXPECT_TRUE(log.Append("{\"c\":3}").ok());
  EXPECT_EQ(dir_fsyncs, 2);  // once it worked, not again
}

TEST(SafeTextTest, EscapesWhatCouldForgeOrCutALine) {
  EXPECT_EQ(SafeText("plain 佐藤 text"), "plain 佐藤 text");
  EXPECT_EQ(SafeText(std::string("a\nb\0c\x1b\x7f", 7)),
            "a\\x0ab\\x00c\\x1b\\x7f");
  EXPECT_EQ(SafeText("\xc2\x85"), "\\u{85}");  // U+0085 NEL
  EXPECT_EQ(SafeText("a\u2028b\u2029"), "a\\u{2028}b\\u{2029}");
  // Invalid UTF-8: a bad byte, an overlong '/', a surrogate, a cut
  // sequence each become U+FFFD per byte.
  EXPECT_EQ(SafeText("\xff"), "\uFFFD");
  EXPECT_EQ(SafeText("\xc0\xaf"), "\uFFFD\uFFFD");
  EXPECT_EQ(SafeText("\xed\xa0\x80"), "\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(SafeText("x\xe4\xbd"), "x\uFFFD\uFFFD");
  // Bounded, cut at a character, marked.
  const std::string cut = SafeText(std::string(5000, '\n'));
  EXPECT_LE(cut.size(), kMaxSafeTextBytes);
  EXPECT_TRUE(cut.ends_with("\\x0a…")) << cut.substr(cut.size() - 20);
  const std::string wide = SafeText(std::string(3000, 'a') + "佐藤");
  EXPECT_LE(wide.size(), kMaxSafeTextBytes);
  EXPECT_EQ(SafeText(std::string(kMaxSafeTextBytes, 'a')),
            std::string(kMaxSafeTextBytes, 'a'));
  // Idempotent: what is already safe stays as it is.
  for (const std::string& text : {cut, wide, SafeText("a\n\xff\u2028")}) {
    EXPECT_EQ(SafeText(text), text);
  }
}

TEST(ProtocolTest, RefusalsCarryOnlySafeText) {
  // What common/json*.cc quote from the peer: a key, a value, its bytes.
  const SignAnswer answer = RefusalAnswer(InvalidArgumentError(
      "signer request", std::string("$.x\nforged: signed\0cut\xff", 23),
      "unknown field"));
  EXPECT_EQ(answer.error,
            "signer request: $.x\\x0aforged: signed\\x00cut\uFFFD: unknown "
            "field");
  EXPECT_TRUE(EncodeSignAnswer(answer).ok());
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
    options_.log = [this](const std::string& line) {
      logged_ += line + "\n";
      lines_.push_back(line);
    };
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
                  Deadline::In(os::SystemClock(), 1000), "test", "p"));
    return ParseSignAnswer(body);
  }

  UniqueFd server_;
  UniqueFd peer_;
  uid_t peer_uid_ = 1001;
  ServeOptions options_;
  std::string logged_;
  std::vector<std::string> lines_;  // each call of options_.log
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

TEST_F(ConnectionTest, APeersBytesNeverReachALogLineOrAnswerRaw) {
  const std::string payload = PayloadOf(ValidFile());
  const std::vector<std::string> requests = {
      // An unknown field whose name holds a newline, a NUL and a C1 byte.
      "{\"issuer\":\"t\",\"op\":\"sign\",\"payload\":\"p\","
      "\"x\\nforged line\\u0000cut\\u0085\":1}",
      // A duplicate key with a line separator.
      "{\"op\":\"sign\",\"op\":\"sign\\u2028x\"}",
      // Invalid UTF-8 the JSON parser quotes in its own message.
      std::string("{\"op\":\"\xff\xfe\n\"}"),
      std::string("{\"o\xc3\":1}"),
  };
  for (const std::string& request : requests) {
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    server_.Reset(fds[0]);
    peer_.Reset(fds[1]);
    lines_.clear();
    Send(Frame(request));
    ServeConnection(server_.get(), core_, options_);
    Result<SignAnswer> answer = Answer();
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    EXPECT_FALSE(answer->ok);
    EXPECT_EQ(answer->code, StatusCode::kInvalidArgument) << answer->error;
    ASSERT_FALSE(lines_.empty());
    for (const std::string& line : lines_) {
      EXPECT_EQ(line.find_first_of(std::string("\n\r\0", 3)), std::string::npos)
          << line;
      EXPECT_EQ(line.find("\u2028"), std::string::npos) << line;
    }
  }
}

}  // namespace
}  // namespace piiguard::office::signer
