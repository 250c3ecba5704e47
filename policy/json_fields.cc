#include "policy/json_fields.h"

#include "common/timestamp.h"
#include "policy/ids.h"

namespace piiguard::policy {

std::string TextField(JsonReader& r, std::string_view key) {
  std::string value = r.String(key);
  if (r.Has(key) && (value.empty() || value.size() > kMaxTextLength)) {
    r.Error(key, "must be 1 to " + std::to_string(kMaxTextLength) + " bytes");
  }
  return value;
}

std::string IdField(JsonReader& r, std::string_view key) {
  std::string value = r.String(key);
  if (r.Has(key) && !IsValidId(value)) r.Error(key, kIdRule);
  return value;
}

int64_t TimeField(JsonReader& r, std::string_view key) {
  std::string text = r.String(key);
  if (!r.Has(key)) return 0;
  Result<int64_t> t = ParseRfc3339(text);
  if (!t.ok()) {
    r.Error(key, "expected an RFC 3339 time such as 2026-04-01T00:00:00+09:00");
    return 0;
  }
  return *t;
}

std::string HexField(JsonReader& r, std::string_view key, size_t length) {
  std::string value = r.String(key);
  if (r.Has(key) && !IsHex(value, length)) {
    r.Error(key,
            "expected " + std::to_string(length) + " lower-case hex digits");
  }
  return value;
}

}  // namespace piiguard::policy
