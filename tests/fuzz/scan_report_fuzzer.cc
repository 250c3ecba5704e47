// Fuzzes the scan report parser and verifier (common/scanreport,
// docs/scan-report.md) with a device key made once per process.
// Oracles:
//  - a report that parses serialises back to exactly the input (one
//    canonical form; strict parsing) and parses again to the same value;
//  - a report that verifies under the process's key is the one report the
//    process signed (nobody else has the key);
//  - the signed report with the input applied as byte changes (position,
//    xor) is never verified unless the changes cancel out.
// The path encoding keeps its promise: EncodePath of an input without NUL
// is an encoded path.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/scanreport/scan_report.h"
#include "common/scanreport/scan_report_testing.h"

namespace {

using piiguard::Ed25519PrivateKey;
using piiguard::Ed25519PublicKey;
using piiguard::Result;
namespace sr = piiguard::scanreport;

struct Fixture {
  Ed25519PublicKey pub;
  std::string good;  // the serialised signed report
};

const Fixture& Get() {
  static const Fixture* fixture = [] {
    Result<Ed25519PrivateKey> key = Ed25519PrivateKey::Generate();
    if (!key.ok()) std::abort();
    sr::Report report = sr::testing::SignedReport(
        sr::testing::SampleBody(key->PublicKey()), *key);
    Result<std::string> good = sr::SerializeReport(report);
    if (!good.ok()) std::abort();
    return new Fixture{key->PublicKey(), std::move(good).value()};
  }();
  return *fixture;
}

bool Verifies(std::string_view bytes, const Ed25519PublicKey& pub) {
  Result<sr::Report> report = sr::ParseReport(bytes);
  return report.ok() && sr::VerifyReport(*report, pub).ok();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = Get();
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  Result<sr::Report> parsed = sr::ParseReport(input);
  if (parsed.ok()) {
    Result<std::string> again = sr::SerializeReport(*parsed);
    if (!again.ok() || *again != input) std::abort();
    Result<sr::Report> reparsed = sr::ParseReport(*again);
    if (!reparsed.ok() || !(*reparsed == *parsed)) std::abort();
    if (sr::VerifyReport(*parsed, f.pub).ok() && input != f.good) {
      std::abort();
    }
  }

  // The input as changes to the signed report: (2-byte position, xor).
  std::string mutated = f.good;
  for (size_t i = 0; i + 3 <= size; i += 3) {
    size_t at = (size_t{data[i]} << 8 | data[i + 1]) % mutated.size();
    mutated[at] =
        static_cast<char>(static_cast<uint8_t>(mutated[at]) ^ data[i + 2]);
  }
  if (mutated != f.good && Verifies(mutated, f.pub)) std::abort();

  // A path has no NUL byte (the encoding keeps %00 for a cut).
  if (input.find('\0') == std::string_view::npos &&
      !sr::IsEncodedPath(sr::EncodePath(input))) {
    std::abort();
  }
  return 0;
}
