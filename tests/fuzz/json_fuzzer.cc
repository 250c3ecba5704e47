// Fuzzes the strict JSON parser and the canonical encoding. Oracles:
//  - the canonical bytes of a parsed value parse canonically, to an equal
//    value whose canonical bytes are the same;
//  - bytes accepted by ParseCanonicalJson are accepted by ParseJsonStrict
//    and are exactly the canonical encoding of the value.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/json.h"
#include "common/result.h"

namespace {

using piiguard::CanonicalJson;
using piiguard::Json;
using piiguard::ParseCanonicalJson;
using piiguard::ParseJsonStrict;
using piiguard::Result;

void CheckStrict(std::string_view input) {
  Result<Json> value = ParseJsonStrict(input, "fuzz");
  if (!value.ok()) return;
  Result<std::string> canonical = CanonicalJson(*value, "fuzz");
  if (!canonical.ok()) return;  // e.g. a fractional number
  Result<Json> reparsed = ParseCanonicalJson(*canonical, "fuzz");
  if (!reparsed.ok()) std::abort();
  if (*reparsed != *value) std::abort();
  Result<std::string> again = CanonicalJson(*reparsed, "fuzz");
  if (!again.ok() || *again != *canonical) std::abort();
}

void CheckCanonical(std::string_view input) {
  Result<Json> value = ParseCanonicalJson(input, "fuzz");
  if (!value.ok()) return;
  if (!ParseJsonStrict(input, "fuzz").ok()) std::abort();
  Result<std::string> canonical = CanonicalJson(*value, "fuzz");
  if (!canonical.ok() || *canonical != input) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckStrict(input);
  CheckCanonical(input);
  return 0;
}
