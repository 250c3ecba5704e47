// SocketExceptionSigner against the real server on a socket in a temporary
// directory, and the signer's directory (init, the key's mode).

#include "office/signer/signer_client.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <thread>

#include "common/os/testing/fake_clock.h"
#include "common/signed_envelope.h"
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

}  // namespace
}  // namespace piiguard::office::signer
