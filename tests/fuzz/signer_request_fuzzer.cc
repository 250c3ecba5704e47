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
//    signer's key as a file for the payload's PC.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto.h"
#include "common/os/clock.h"
#include "office/signer/signer_core.h"
#include "office/signer/signer_protocol.h"
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

void CheckRequest(std::string_view input, Fixture& f) {
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
  CheckAnswer(input);
  return 0;
}
