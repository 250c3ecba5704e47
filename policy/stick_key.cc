#include "policy/stick_key.h"

#include <algorithm>

#include "common/json.h"
#include "common/json_reader.h"
#include "common/signed_envelope.h"
#include "common/timestamp.h"
#include "policy/ids.h"
#include "policy/json_fields.h"

namespace piiguard::policy {
namespace {

constexpr int64_t kMaxCapacity = int64_t{1} << 52;  // 4 PiB

Json IdentityJson(const StickIdentity& id) {
  return Json{{"vid", id.vid},         {"pid", id.pid},
              {"serial", id.serial},   {"capacity_bytes", id.capacity_bytes},
              {"fs_uuid", id.fs_uuid}, {"fs_type", id.fs_type}};
}

StickIdentity ParseIdentity(JsonReader r) {
  StickIdentity id;
  id.vid = HexField(r, "vid", 4);
  id.pid = HexField(r, "pid", 4);
  id.serial = r.String("serial");
  if (id.serial.size() > 256) r.Error("serial", "longer than 256 bytes");
  id.capacity_bytes =
      static_cast<uint64_t>(r.Int("capacity_bytes", 1, kMaxCapacity));
  id.fs_uuid = r.String("fs_uuid");
  if (r.Has("fs_uuid") && (id.fs_uuid.empty() || id.fs_uuid.size() > 64)) {
    r.Error("fs_uuid", "must be 1 to 64 bytes");
  }
  static constexpr std::array<std::string_view, 2> kTypes = {"vfat", "ext4"};
  id.fs_type = r.Enum("fs_type", kTypes);
  r.Finish();
  return id;
}

// A time as StickKeyPayload writes it: RFC 3339 at +09:00, so that every
// key has one canonical payload.
int64_t JstTimeField(JsonReader& r, std::string_view key) {
  int64_t t = TimeField(r, key);
  if (r.Has(key) && r.errors().empty() &&
      FormatRfc3339(t, kJstOffsetMinutes) != r.String(key)) {
    r.Error(key, "must be written as YYYY-MM-DDTHH:MM:SS+09:00");
  }
  return t;
}

}  // namespace

Result<std::string> StickKeyPayload(const StickKey& key) {
  Json json{{"format", kStickKeyFormat},
            {"stick_id", key.stick_id},
            {"city", key.city_code},
            {"identity", IdentityJson(key.identity)},
            {"job", key.job_id},
            {"holder", key.holder},
            {"issued_at", FormatRfc3339(key.issued_at, kJstOffsetMinutes)},
            {"expires_at", FormatRfc3339(key.expires_at, kJstOffsetMinutes)},
            {"allowed_pcs", key.allowed_pcs}};
  PIIGUARD_ASSIGN_OR_RETURN(std::string payload,
                            CanonicalJson(json, "stick key"));
  // Whatever is signed must parse back: validate before signing.
  PIIGUARD_RETURN_IF_ERROR(ParseStickKeyPayload(payload).status());
  return payload;
}

Result<StickKey> ParseStickKeyPayload(std::string_view payload) {
  PIIGUARD_ASSIGN_OR_RETURN(Json json,
                            ParseCanonicalJson(payload, "stick key"));
  JsonErrors errors("stick key");
  JsonReader r(json, "$", errors);
  StickKey key;
  if (r.String("format") != kStickKeyFormat && r.Has("format")) {
    r.Error("format", "expected \"" + std::string(kStickKeyFormat) + "\"");
  }
  key.stick_id = HexField(r, "stick_id", 32);
  key.city_code = r.String("city");
  if (r.Has("city") && !IsValidCityCode(key.city_code)) {
    r.Error("city", "expected a 6-digit local government code");
  }
  key.identity = ParseIdentity(r.Object("identity"));
  key.job_id = IdField(r, "job");
  key.holder = TextField(r, "holder");
  key.issued_at = JstTimeField(r, "issued_at");
  key.expires_at = JstTimeField(r, "expires_at");
  for (std::string& pc : r.StringArray("allowed_pcs", true)) {
    if (!IsValidId(pc))
      r.Error("allowed_pcs", "PC id: " + std::string(kIdRule));
    key.allowed_pcs.push_back(std::move(pc));
  }
  r.Finish();
  if (errors.empty() && key.expires_at <= key.issued_at) {
    r.Error("expires_at", "must be later than issued_at");
  }
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  return key;
}

Result<std::string> SignStickKey(const StickKey& key,
                                 const Ed25519PrivateKey& signer) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string payload, StickKeyPayload(key));
  PIIGUARD_ASSIGN_OR_RETURN(
      SignedEnvelope env,
      SignEnvelope(kStickKeyEnvelopeType, std::move(payload), signer));
  return SerializeSignedEnvelope(env);
}

}  // namespace piiguard::policy
