// Strict JSON for signed formats: parsing that refuses duplicate keys,
// excessive nesting and invalid UTF-8, and one canonical byte form.
//
// Canonical form (docs/signing.md): no whitespace; object keys sorted by
// their UTF-8 bytes; strings as UTF-8 with only the escapes JSON requires;
// integers only (no fractions or exponents); no byte-order mark.
// A signed payload must already be in canonical form: a verifier
// re-encodes it and refuses any difference, so one object has one signature
// input.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_COMMON_JSON_H_
#define PIIGUARD_COMMON_JSON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/result.h"

namespace piiguard {

using Json = nlohmann::json;

inline constexpr int kMaxJsonDepth = 32;

// Parses `bytes` as one JSON value. `context` names the document in errors
// ("policy: JSON: [json.exception.parse_error.101] parse error at line 1,
// column 2: ...", or "policy: JSON: duplicate key \"version\"").
Result<Json> ParseJsonStrict(std::string_view bytes, std::string_view context);

// The canonical encoding of `value`; refuses floating-point numbers.
Result<std::string> CanonicalJson(const Json& value, std::string_view context);

// Parses `bytes` and checks they are the canonical encoding of the result.
Result<Json> ParseCanonicalJson(std::string_view bytes,
                                std::string_view context);

// JSON type name for error messages ("string", "integer", ...).
std::string_view JsonTypeName(const Json& value);

}  // namespace piiguard

#endif  // PIIGUARD_COMMON_JSON_H_
