// SocketExceptionSigner against the real server on a socket in a temporary
// directory, and the signer's directory (init, the key's mode).

#include "office/signer/signer_client.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include "common/os/testing/fake_clock.h"
#include "common/signed_envelope.h"
#include "office/signer/frame_io.h"
#include "office/signer/log_line.h"
#include "office/signer/signer_commands.h"
#include "office/signer/signer_server.h"
#include "office/signer/testing/signer_fixture.h"

namespace piiguard::office::signer {
namespace {

using testing::kNow;
using testing::PayloadOf;
using testing::TempDir;
using testing::ValidFile;

class ClientTest : public ::testing::Test {
 protected:
  ClientTest()
      : clock_(kNow * 1000),
        log_(dir_.File("issued.log")),
        core_(Ed25519PrivateKey::Generate().value(), log_, clock_) {
    options_.allowed_uids = {::getuid()};
    options_.clock = &os::SystemClock();
    client_options_.socket_path = dir_.File("signer.sock");
    client_options_.timeout_ms = 5000;
  }
  ~ClientTest() override {
    if (server_.joinable()) server_.join();
  }

  // Listens and serves `connections` connections on a thread.
  void StartServer(int connections) {
    Result<UniqueFd> listener = ListenUnix(dir_.File("signer.sock"), 0660);
    ASSERT_TRUE(listener.ok()) << listener.status().ToString();
    listener_ = std::move(*listener);
    server_ = std::thread([this, connections] {
      for (int i = 0; i < connections; ++i) {
        UniqueFd c(::accept4(listener_.get(), nullptr, nullptr,
                             SOCK_CLOEXEC | SOCK_NONBLOCK));
        if (!c.valid()) return;
        ServeConnection(c.get(), core_, options_);
      }
    });
  }

  TempDir dir_;
  os::FakeClock clock_;
  FileIssuedLog log_;
  SignerCore core_;
  ServeOptions options_;
  SignerClientOptions client_options_;
  UniqueFd listener_;
  std::thread server_;
};

TEST_F(ClientTest, GetsASignedFileThroughTheSocket) {
  StartServer(2);
  struct stat st {};
  ASSERT_EQ(::stat(dir_.File("signer.sock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0660u);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));

  SocketExceptionSigner client(client_options_);
  const std::string payload = PayloadOf(ValidFile());
  Result<std::string> file = client.Sign(payload, "tanaka");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  std::vector<Ed25519PublicKey> trusted{core_.public_key()};
  EXPECT_TRUE(
      exception::VerifyExceptionFile(*file, trusted, "hidamari-pc-01", kNow)
          .accepted());
  EXPECT_TRUE(std::filesystem::exists(dir_.File("issued.log")));

  exception::ExceptionFile old = ValidFile();
  old.issued_at = kNow - 3600;
  Result<std::string> refused = client.Sign(PayloadOf(old), "tanaka");
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("sign: issued_at:"),
            std::string::npos)
      << refused.status().ToString();
}

TEST_F(ClientTest, MapsRefusalsToTheirCodes) {
  options_.peer_uid = [](int) -> Result<uid_t> { return 65534; };
  StartServer(1);
  SocketExceptionSigner client(client_options_);
  Result<std::string> file = client.Sign(PayloadOf(ValidFile()), "tanaka");
  EXPECT_EQ(file.status().code(), StatusCode::kPermissionDenied)
      << file.status().ToString();
  // Refused before it is sent: an issuer the signer would refuse.
  EXPECT_EQ(client.Sign(PayloadOf(ValidFile()), "").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(ClientTest, AMissingSignerIsAnIoError) {
  client_options_.timeout_ms = 100;  // retried until then
  SocketExceptionSigner client(client_options_);
  EXPECT_EQ(client.Sign(PayloadOf(ValidFile()), "t").status().code(),
            StatusCode::kIoError);
}

TEST_F(ClientTest, ASignerThatDoesNotAnswerTimesOut) {
  Result<UniqueFd> listener = ListenUnix(dir_.File("signer.sock"), 0660);
  ASSERT_TRUE(listener.ok());  // listening, never accepting
  client_options_.timeout_ms = 50;
  SocketExceptionSigner client(client_options_);
  Result<std::string> file = client.Sign(PayloadOf(ValidFile()), "t");
  EXPECT_EQ(file.status().code(), StatusCode::kIoError);
  EXPECT_NE(file.status().message().find("timed out"), std::string::npos)
      << file.status().ToString();
}

// The system clock, and once the client has read it `after` times, `hook`
// runs (on the client's thread): the signer comes up mid-call.
class HookedClock final : public os::Clock {
 public:
  HookedClock(int after, std::function<void()> hook)
      : after_(after), hook_(std::move(hook)) {}
  int64_t WallMs() const override { return os::SystemClock().WallMs(); }
  int64_t MonotonicUs() const override {
    if (++reads_ == after_) hook_();
    return os::SystemClock().MonotonicUs();
  }

 private:
  const int after_;
  std::function<void()> hook_;
  mutable int reads_ = 0;
};

TEST_F(ClientTest, RetriesTheConnectWhileTheSignerRestarts) {
  // Read 1 sets the deadline; the connect fails ENOENT; read 2 (the time
  // left) starts the signer; the next attempt connects.
  bool started = false;
  HookedClock clock(2, [&] {
    StartServer(1);
    started = true;
  });
  client_options_.clock = &clock;
  SocketExceptionSigner client(client_options_);
  Result<std::string> file = client.Sign(PayloadOf(ValidFile()), "tanaka");
  EXPECT_TRUE(started);
  EXPECT_TRUE(file.ok()) << file.status().ToString();

  // A socket nobody listens on (ECONNREFUSED) is retried the same way.
  server_.join();
  listener_.Reset();  // the socket file stays, refusing
  HookedClock again(2, [&] { StartServer(1); });
  client_options_.clock = &again;
  SocketExceptionSigner client2(client_options_);
  Result<std::string> second = client2.Sign(PayloadOf(ValidFile()), "tanaka");
  EXPECT_TRUE(second.ok()) << second.status().ToString();
}

// A fake signer: answers one connection with `answer` whatever it asks.
class FakeSignerTest : public ClientTest {
 protected:
  void Answer(const SignAnswer& answer) {
    Result<UniqueFd> listener = ListenUnix(dir_.File("signer.sock"), 0660);
    ASSERT_TRUE(listener.ok()) << listener.status().ToString();
    listener_ = std::move(*listener);
    Result<std::string> body = EncodeSignAnswer(answer);
    ASSERT_TRUE(body.ok()) << body.status().ToString();
    server_ = std::thread([this, bytes = *body] {
      UniqueFd c(::accept4(listener_.get(), nullptr, nullptr,
                           SOCK_CLOEXEC | SOCK_NONBLOCK));
      if (!c.valid()) return;
      const Deadline deadline = Deadline::In(os::SystemClock(), 5000);
      (void)ReadFrame(c.get(), kMaxRequestBytes, deadline, "fake", "client");
      (void)WriteFrame(c.get(), bytes, deadline, "fake", "client");
    });
  }
  // `payload` in an envelope of `type`, signed.
  static std::string Signed(std::string_view type, std::string payload) {
    Ed25519PrivateKey key = Ed25519PrivateKey::Generate().value();
    return SerializeSignedEnvelope(
        SignEnvelope(type, std::move(payload), key).value());
  }
  Status SignStatus() {
    SocketExceptionSigner client(client_options_);
    return client.Sign(PayloadOf(ValidFile()), "tanaka").status();
  }
};

TEST_F(FakeSignerTest, AcceptsTheRightFile) {
  Answer({.ok = true, .file = Signed("exception", PayloadOf(ValidFile()))});
  EXPECT_TRUE(SignStatus().ok()) << SignStatus().ToString();
}

TEST_F(FakeSignerTest, RefusesAnotherPayload) {
  exception::ExceptionFile other = ValidFile();
  other.pc_id = "other-pc";
  Answer({.ok = true, .file = Signed("exception", PayloadOf(other))});
  Status status = SignStatus();
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("not the payload asked for"),
            std::string::npos)
      << status.ToString();
}

TEST_F(FakeSignerTest, RefusesAnotherType) {
  Answer({.ok = true, .file = Signed("policy", PayloadOf(ValidFile()))});
  Status status = SignStatus();
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("not the payload asked for"),
            std::string::npos)
      << status.ToString();
}

TEST_F(FakeSignerTest, RefusesAnOversizedFile) {
  std::string file = Signed("exception", PayloadOf(ValidFile()));
  file.append(exception::kMaxExceptionFileBytes + 1 - file.size(), '\n');
  Answer({.ok = true, .file = file});
  Status status = SignStatus();
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("bytes, at most 16384"), std::string::npos)
      << status.ToString();
}

TEST_F(ClientTest, ListenRefusesToReplaceAFileThatIsNotASocket) {
  { std::ofstream(dir_.File("signer.sock")) << "x"; }
  EXPECT_EQ(ListenUnix(dir_.File("signer.sock"), 0660).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(SignerDirTest, InitMakesTheKeyOnceAndLoadsIt) {
  TempDir dir;
  const std::string d = dir.File("signer");
  Result<Ed25519PublicKey> made = InitSignerDir(d, false);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat((d + "/exception.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(::stat((d + "/exception.pub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  ASSERT_EQ(::stat(d.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);

  EXPECT_EQ(InitSignerDir(d, false).status().code(),
            StatusCode::kFailedPrecondition);
  Result<Ed25519PublicKey> again = InitSignerDir(d, true);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->raw(), made->raw());
  EXPECT_EQ(LoadSignerKey(d).value().PublicKey().raw(), made->raw());

  std::ostringstream out;
  PrintSignerPublicKey(*made, out);
  EXPECT_NE(out.str().find("\"roles\": [\"exception\"]"), std::string::npos);

  ASSERT_EQ(::chmod((d + "/exception.key").c_str(), 0640), 0);
  EXPECT_EQ(LoadSignerKey(d).status().code(), StatusCode::kFailedPrecondition);
}

TEST(SignerDirTest, LoadRefusesASymbolicLinkAndAFifo) {
  TempDir dir;
  const std::string d = dir.File("signer");
  ASSERT_TRUE(InitSignerDir(d, false).ok());
  std::filesystem::rename(d + "/exception.key", dir.File("real.key"));
  std::filesystem::create_symlink(dir.File("real.key"), d + "/exception.key");
  EXPECT_FALSE(LoadSignerKey(d).ok());
  std::filesystem::remove(d + "/exception.key");
  ASSERT_EQ(::mkfifo((d + "/exception.key").c_str(), 0600), 0);
  EXPECT_EQ(LoadSignerKey(d).status().code(), StatusCode::kFailedPrecondition);
}

TEST(SignerDirTest, PubPrintsTheKeysOwnPublicKeyNotAStalePub) {
  TempDir dir;
  const std::string d = dir.File("signer");
  Result<Ed25519PublicKey> made = InitSignerDir(d, false);
  ASSERT_TRUE(made.ok());
  const std::string stale =
      Ed25519PrivateKey::Generate().value().PublicKey().ToPem();
  { std::ofstream(d + "/exception.pub") << stale; }

  CLI::App app;
  std::function<int()> run;
  AddSignerCommands(app, Lang::kEn, run);
  app.parse(std::vector<std::string>{d, "--dir", "pub", "signer"});
  ASSERT_TRUE(run);
  std::ostringstream out;
  std::streambuf* old = std::cout.rdbuf(out.rdbuf());
  const int rc = run();
  std::cout.rdbuf(old);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.str().find(made->KeyId()), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find(stale), std::string::npos);

  // init --if-missing writes the stale .pub again from the key.
  ASSERT_TRUE(InitSignerDir(d, true).ok());
  std::ifstream in(d + "/exception.pub");
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), {}),
            made->ToPem());
}

TEST(LogLineTest, RequestTextCannotMakeASecondLine) {
  const std::string line = LogLineText(
      "piiguard-office",
      "exceptions: issue: tanaka: pc-1\nexceptions: issued: 1 for pc-1\r"
      "\x7f\xc2\x85\xe2\x80\xa8\xff");
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_EQ(line.find('\x7f'), std::string::npos);
  EXPECT_EQ(line.find("\xe2\x80\xa8"), std::string::npos);
  EXPECT_EQ(line.find("\xc2\x85"), std::string::npos);
  EXPECT_NE(line.find("pc-1\\x0aexceptions: issued"), std::string::npos)
      << line;
}

}  // namespace
}  // namespace piiguard::office::signer
