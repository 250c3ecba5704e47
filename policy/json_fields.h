// Field readers shared by the policy and stick-key parsers: typed accessors
// on top of JsonReader that also check the value's syntax (policy/ids.h).
//
// Thread-safety: as JsonReader (one reader per parse).
#ifndef PIIGUARD_POLICY_JSON_FIELDS_H_
#define PIIGUARD_POLICY_JSON_FIELDS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/json_reader.h"

namespace piiguard::policy {

// A required text of 1 to kMaxTextLength bytes.
std::string TextField(JsonReader& r, std::string_view key);
// A required id (IsValidId).
std::string IdField(JsonReader& r, std::string_view key);
// A required RFC 3339 time, as Unix seconds (0 if absent or invalid, with
// the error recorded).
int64_t TimeField(JsonReader& r, std::string_view key);
// A required string of exactly `length` lower-case hex digits.
std::string HexField(JsonReader& r, std::string_view key, size_t length);

}  // namespace piiguard::policy

#endif  // PIIGUARD_POLICY_JSON_FIELDS_H_
