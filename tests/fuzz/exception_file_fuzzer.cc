// Fuzzes signed exception files (docs/exceptions.md "Signed exception
// files"): ParseSignedEnvelope + ParseExceptionFilePayload on the input (and
// on the input taken as a bare payload), and VerifyExceptionFile with a
// fixed trusted key, PC and time. Oracles:
//  - a payload ParseExceptionFilePayload accepts is canonical:
//    ExceptionFilePayload of the parsed file gives back the same bytes;
//  - signed with the trusted key, such a payload passes the signature and
//    is accepted exactly when it is for this PC and now is in its window;
//  - a fuzzed file is never accepted (nobody else has the key);
//  - a one-byte change, chosen by the input, of a valid signed file is
//    never accepted.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"
#include "common/signed_envelope.h"
#include "policy/exception/exception_file.h"

namespace {

namespace exception = piiguard::exception;
using piiguard::Ed25519PrivateKey;
using piiguard::Ed25519PublicKey;
using piiguard::Result;

constexpr int64_t kNow = 1780282800;  // 2026-06-01T12:00:00+09:00
constexpr std::string_view kPc = "pc-0001";

struct Fixture {
  explicit Fixture(Ed25519PrivateKey k) : signer(std::move(k)) {
    trusted.push_back(signer.PublicKey());
    exception::ExceptionFile f;
    f.id = 42;
    f.pc_id = std::string(kPc);
    f.scope = exception::ScopeKind::kStickWritable;
    f.identity = std::string(64, 'b');
    f.duration = exception::DurationClass::k1Hour;
    f.person = "山田花子";
    f.reason = "研修資料";
    f.issued_at = kNow - 60;
    f.redeem_by = kNow + 3600;
    Result<std::string> bytes = exception::SignExceptionFile(f, signer);
    if (!bytes.ok()) std::abort();
    valid = *bytes;
  }
  Ed25519PrivateKey signer;
  std::vector<Ed25519PublicKey> trusted;
  std::string valid;  // accepted at kNow on kPc
};

const Fixture& GetFixture() {
  static const Fixture* const fixture = [] {
    Result<Ed25519PrivateKey> key = Ed25519PrivateKey::Generate();
    if (!key.ok()) std::abort();
    return new Fixture(std::move(key).value());
  }();
  return *fixture;
}

exception::FileVerdict Verify(std::string_view bytes, std::string_view pc,
                              const Fixture& f) {
  exception::FileVerdict v =
      exception::VerifyExceptionFile(bytes, f.trusted, pc, kNow);
  (void)exception::FileRefusalName(v.refusal);
  return v;
}

void CheckPayload(std::string_view payload, const Fixture& f) {
  Result<exception::ExceptionFile> file =
      exception::ParseExceptionFilePayload(payload);
  if (!file.ok()) return;
  Result<std::string> again = exception::ExceptionFilePayload(*file);
  if (!again.ok() || *again != payload) std::abort();  // canonical round trip
  if (!exception::FileScopeAllowed(file->scope)) std::abort();
  if (file->redeem_by <= file->issued_at ||
      file->redeem_by - file->issued_at > exception::kMaxFileWindowSeconds ||
      file->reason.empty() ||
      file->reason.size() > exception::kMaxReasonBytes) {
    std::abort();
  }
  Result<std::string> signed_file =
      exception::SignExceptionFile(*file, f.signer);
  if (!signed_file.ok()) std::abort();
  if (signed_file->size() > exception::kMaxExceptionFileBytes) return;
  for (std::string_view pc : {kPc, std::string_view("pc-0002")}) {
    const exception::FileVerdict v = Verify(*signed_file, pc, f);
    if (v.refusal == exception::FileRefusal::kMalformed ||
        v.refusal == exception::FileRefusal::kUnknownSigner ||
        v.refusal == exception::FileRefusal::kBadSignature) {
      std::abort();
    }
    const bool should =
        file->pc_id == pc && file->issued_at <= kNow && kNow <= file->redeem_by;
    if (v.accepted() != should) std::abort();
    if (v.accepted() && !(*v.file == *file)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = GetFixture();
  const std::string input(reinterpret_cast<const char*>(data), size);

  Result<piiguard::SignedEnvelope> env = piiguard::ParseSignedEnvelope(input);
  if (env.ok()) CheckPayload(env->payload, f);
  CheckPayload(input, f);

  if (input != f.valid && Verify(input, kPc, f).accepted()) std::abort();

  // One byte of the valid file changed, where and how the input says.
  if (size >= 3) {
    std::string mutated = f.valid;
    const size_t at = ((size_t{data[0]} << 8) | data[1]) % mutated.size();
    const auto delta = static_cast<char>(data[2] == 0 ? 1 : data[2]);
    mutated[at] = static_cast<char>(mutated[at] ^ delta);
    if (Verify(mutated, kPc, f).accepted()) std::abort();
  }
  return 0;
}
