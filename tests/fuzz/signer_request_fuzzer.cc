// Fuzzes the exception signer's protocol (docs/office-signer.md): the
// request parser the signer runs on what the office's web process sends,
// and the answer parser the web process runs on what comes back.
// Oracles:
//  - an accepted request keeps to its limits (op "sign", a payload of 1 to
//    kMaxRequestBytes bytes, an issuer of 1 to 64 bytes of showable text)
//    and round-trips: EncodeSignRequest gives bytes that parse to the same
//    request, and that are the canonical encoding of those bytes;
//  - an accepted answer round-trips the same way, and a refusal carries one
//    of the three refusal codes;
//  - SignerCore never signs a fuzzed request whose payload the PC's parser
//    refuses, and whatever it signs is recorded first and verifies with the
//    signer's key as a file for the payload's PC;
//  - whatever the bytes, EncodeSignAnswer(core.Handle(bytes)) succeeds (a
//    refusal quoting a peer's bytes is still an answer the client can read),
//    and served over a socketpair (ServeConnection) the signer answers and
//    no line it logs holds a newline, a carriage return or a NUL;
//  - SafeText is bounded and idempotent.

#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto.h"
#include "common/os/clock.h"
#include "office/signer/frame_io.h"
#include "office/signer/signer_core.h"
#include "office/signer/signer_protocol.h"
#include "office/signer/signer_server.h"
#include "policy/exception/display_text.h"
#include "policy/exception/exception_file.h"

namespace {

namespace signer = piiguard::office::signer;
namespace exception = piiguard::exception;
using piiguard::Result;

constexpr int64_t kNow = 1780282800;  // 2026-06-01T12:00:00+09:00

class FixedClock final : public piiguard::os::Clock {
 public:
  int64_t WallMs() const override { return kNow * 1000; }
  int64_t MonotonicUs() const override { return 0; }
};

class CountingLog final : public signer::IssuedLog {
 public:
  piiguard::Status Append(std::string_view /*line*/) override {
    ++appended;
    return piiguard::Status::Ok();
  }
  int appended = 0;
};

struct Fixture {
  FixedClock clock;
  CountingLog log;
  signer::SignerCore core{piiguard::Ed25519PrivateKey::Generate().value(), log,
                          clock};
};

bool SafeLine(std::string_view line) {
  return line.find_first_of(std::string_view("\n\r\0", 3)) ==
         std::string_view::npos;
}

// The bytes as one request frame on a socketpair, served.
void CheckServed(std::string_view input, Fixture& f) {
  if (input.size() > signer::kMaxRequestBytes) return;
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
                   fds) != 0) {
    std::abort();
  }
  piiguard::UniqueFd server(fds[0]);
  piiguard::UniqueFd peer(fds[1]);
  const std::string frame = signer::Frame(input);
  // The socket's buffer takes a 16 KiB frame whole.
  if (::send(peer.get(), frame.data(), frame.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(frame.size())) {
    return;
  }
  signer::ServeOptions options;
  options.allowed_uids = {1001};
  options.peer_uid = [](int) -> Result<uid_t> { return 1001; };
  bool bad_line = false;
  int lines = 0;
  options.log = [&](const std::string& line) {
    ++lines;
    if (!SafeLine(line)) bad_line = true;
  };
  signer::ServeConnection(server.get(), f.core, options);
  if (bad_line || lines == 0) std::abort();
  Result<std::string> body = signer::ReadFrame(
      peer.get(), signer::kMaxAnswerBytes,
      signer::Deadline::In(piiguard::os::SystemClock(), 1000), "fuzz", "peer");
  if (!body.ok() || !signer::ParseSignAnswer(*body).ok()) std::abort();
}

void CheckSafeText(std::string_view input) {
  const std::string safe = signer::SafeText(input);
  if (safe.size() > signer::kMaxSafeTextBytes || !SafeLine(safe) ||
      signer::SafeText(safe) != safe) {
    std::abort();
  }
}

void CheckRequest(std::string_view input, Fixture& f) {
  if (!signer::EncodeSignAnswer(f.core.Handle(input, 1001)).ok()) {
    std::abort();
  }
  Result<signer::SignRequest> request = signer::ParseSignRequest(input);
  if (!request.ok()) return;
  if (request->payload.empty() ||
      request->payload.size() > signer::kMaxRequestBytes ||
      request->issuer.empty() ||
      request->issuer.size() > signer::kMaxIssuerBytes ||
      exception::DisplayTextProblem(request->issuer).has_value()) {
    std::abort();
  }
  Result<std::string> encoded = signer::EncodeSignRequest(*request);
  if (!encoded.ok()) std::abort();
  Result<signer::SignRequest> again = signer::ParseSignRequest(*encoded);
  if (!again.ok() || !(*again == *request)) std::abort();
  Result<std::string> twice = signer::EncodeSignRequest(*again);
  if (!twice.ok() || *twice != *encoded) std::abort();

  const int before = f.log.appended;
  signer::SignAnswer answer = f.core.Handle(input, 1001);
  Result<exception::ExceptionFile> file =
      exception::ParseExceptionFilePayload(request->payload);
  if (!answer.ok) {
    if (f.log.appended != before) std::abort();  // recorded, not signed
    return;
  }
  if (!file.ok() || f.log.appended != before + 1) std::abort();
  std::vector<piiguard::Ed25519PublicKey> trusted{f.core.public_key()};
  const exception::FileVerdict verdict = exception::VerifyExceptionFile(
      answer.file, trusted, file->pc_id, file->issued_at);
  if (!verdict.accepted() || !(*verdict.file == *file)) std::abort();
}

void CheckAnswer(std::string_view input) {
  Result<signer::SignAnswer> answer = signer::ParseSignAnswer(input);
  if (!answer.ok()) return;
  if (!answer->ok && !signer::RefusalCodeName(answer->code)) std::abort();
  if (answer->ok && answer->file.empty()) std::abort();
  Result<std::string> encoded = signer::EncodeSignAnswer(*answer);
  if (!encoded.ok()) std::abort();
  Result<signer::SignAnswer> again = signer::ParseSignAnswer(*encoded);
  if (!again.ok() || !(*again == *answer)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* const fixture = new Fixture();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckRequest(input, *fixture);
  CheckServed(input, *fixture);
  CheckAnswer(input);
  CheckSafeText(input);
  return 0;
}
