#include "agent/session/session_state.h"

#include <limits>

#include "common/json.h"

namespace piiguard::agent::session {
namespace {

constexpr std::string_view kContext = "session file";

Status Bad(std::string_view path, std::string_view reason) {
  return CorruptionError(kContext, path, reason);
}

// Checks that `object` has exactly the keys in `keys`.
Status ExactKeys(const Json& object, std::string_view path,
                 std::initializer_list<std::string_view> keys) {
  if (!object.is_object()) return Bad(path, "expected object");
  for (std::string_view key : keys) {
    if (!object.contains(key)) {
      return Bad(std::string(path) + "." + std::string(key), "missing");
    }
  }
  if (object.size() != keys.size()) return Bad(path, "unknown field");
  return Status::Ok();
}

Result<std::string> Str(const Json& object, const char* key, size_t max) {
  const Json& v = object.at(key);
  if (!v.is_string()) return Bad(std::string("$.") + key, "expected string");
  auto s = v.get<std::string>();
  if (s.size() > max) return Bad(std::string("$.") + key, "too long");
  return s;
}

Result<int64_t> Int(const Json& object, const char* key, int64_t lo,
                    int64_t hi) {
  const Json& v = object.at(key);
  if (!v.is_number_integer()) {
    return Bad(std::string("$.") + key, "expected integer");
  }
  auto n = v.get<int64_t>();
  if (n < lo || n > hi) return Bad(std::string("$.") + key, "out of range");
  return n;
}

Result<bool> Bool(const Json& object, const char* key) {
  const Json& v = object.at(key);
  if (!v.is_boolean()) return Bad(std::string("$.") + key, "expected boolean");
  return v.get<bool>();
}

Result<const Json*> Array(const Json& object, const char* key) {
  const Json& v = object.at(key);
  if (!v.is_array() || v.size() > 1024) {
    return Bad(std::string("$.") + key, "expected array (at most 1024)");
  }
  return &v;
}

Result<PriorRadio> ParseRadio(const Json& j) {
  PIIGUARD_RETURN_IF_ERROR(
      ExactKeys(j, "$.prior_radios[]", {"idx", "type", "name", "soft"}));
  PriorRadio r;
  PIIGUARD_ASSIGN_OR_RETURN(
      int64_t idx, Int(j, "idx", 0, std::numeric_limits<uint32_t>::max()));
  PIIGUARD_ASSIGN_OR_RETURN(int64_t type, Int(j, "type", 0, 255));
  r.idx = static_cast<uint32_t>(idx);
  r.type = static_cast<uint8_t>(type);
  PIIGUARD_ASSIGN_OR_RETURN(r.name, Str(j, "name", 256));
  PIIGUARD_ASSIGN_OR_RETURN(r.soft, Bool(j, "soft"));
  return r;
}

Result<PriorLink> ParseLink(const Json& j) {
  PIIGUARD_RETURN_IF_ERROR(
      ExactKeys(j, "$.prior_links[]", {"ifindex", "name", "was_up"}));
  PriorLink l;
  PIIGUARD_ASSIGN_OR_RETURN(
      int64_t index, Int(j, "ifindex", 1, std::numeric_limits<int32_t>::max()));
  l.ifindex = static_cast<int32_t>(index);
  PIIGUARD_ASSIGN_OR_RETURN(l.name, Str(j, "name", 64));
  PIIGUARD_ASSIGN_OR_RETURN(l.was_up, Bool(j, "was_up"));
  return l;
}

}  // namespace

std::string_view OriginName(Origin origin) {
  switch (origin) {
    case Origin::kCommand:
      return "command";
    case Origin::kStick:
      return "stick";
    case Origin::kStandalone:
      return "standalone";
    case Origin::kRecovered:
      return "recovered";
  }
  return "unknown";
}

std::optional<Origin> ParseOrigin(std::string_view name) {
  for (Origin o : {Origin::kCommand, Origin::kStick, Origin::kStandalone,
                   Origin::kRecovered}) {
    if (OriginName(o) == name) return o;
  }
  return std::nullopt;
}

Result<std::optional<SessionState>> ParseSessionState(std::string_view bytes) {
  if (bytes.size() > kMaxSessionFileBytes) return Bad("$", "too large");
  Json j = Json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Bad("$", "not JSON object");
  if (!j.contains("format") || j["format"] != kSessionFormat) {
    return Bad("$.format", "not " + std::string(kSessionFormat));
  }
  if (!j.contains("active") || !j["active"].is_boolean()) {
    return Bad("$.active", "expected boolean");
  }
  if (!j["active"].get<bool>()) {
    PIIGUARD_RETURN_IF_ERROR(ExactKeys(j, "$", {"format", "active"}));
    return std::optional<SessionState>();
  }
  PIIGUARD_RETURN_IF_ERROR(
      ExactKeys(j, "$",
                {"format", "active", "origin", "uid", "user", "job",
                 "started_ms", "block_types", "prior_known", "prior_radios",
                 "prior_links", "firewall", "sticks"}));
  SessionState s;
  PIIGUARD_ASSIGN_OR_RETURN(std::string origin, Str(j, "origin", 32));
  std::optional<Origin> o = ParseOrigin(origin);
  if (!o) return Bad("$.origin", "unknown");
  s.origin = *o;
  PIIGUARD_ASSIGN_OR_RETURN(s.uid, Int(j, "uid", -1, 0xFFFFFFFFLL));
  PIIGUARD_ASSIGN_OR_RETURN(s.user, Str(j, "user", 256));
  PIIGUARD_ASSIGN_OR_RETURN(s.job, Str(j, "job", 64));
  PIIGUARD_ASSIGN_OR_RETURN(
      s.started_ms,
      Int(j, "started_ms", 0, std::numeric_limits<int64_t>::max()));
  PIIGUARD_ASSIGN_OR_RETURN(const Json* types, Array(j, "block_types"));
  for (const Json& t : *types) {
    if (!t.is_number_integer() || t.get<int64_t>() < 0 ||
        t.get<int64_t>() > 255) {
      return Bad("$.block_types[]", "expected 0..255");
    }
    s.block_types.push_back(static_cast<uint8_t>(t.get<int64_t>()));
  }
  PIIGUARD_ASSIGN_OR_RETURN(s.prior_known, Bool(j, "prior_known"));
  PIIGUARD_ASSIGN_OR_RETURN(const Json* radios, Array(j, "prior_radios"));
  for (const Json& r : *radios) {
    PIIGUARD_ASSIGN_OR_RETURN(PriorRadio radio, ParseRadio(r));
    s.prior_radios.push_back(std::move(radio));
  }
  PIIGUARD_ASSIGN_OR_RETURN(const Json* links, Array(j, "prior_links"));
  for (const Json& l : *links) {
    PIIGUARD_ASSIGN_OR_RETURN(PriorLink link, ParseLink(l));
    s.prior_links.push_back(std::move(link));
  }
  PIIGUARD_ASSIGN_OR_RETURN(s.firewall, Bool(j, "firewall"));
  PIIGUARD_ASSIGN_OR_RETURN(const Json* sticks, Array(j, "sticks"));
  for (const Json& st : *sticks) {
    if (!st.is_string() || st.get<std::string>().size() > 64) {
      return Bad("$.sticks[]", "expected stick id");
    }
    s.sticks.push_back(st.get<std::string>());
  }
  return std::optional<SessionState>(std::move(s));
}

std::string SerializeSessionState(const std::optional<SessionState>& state) {
  Json j = {{"format", kSessionFormat}, {"active", state.has_value()}};
  if (!state)
    return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  const SessionState& s = *state;
  j["origin"] = OriginName(s.origin);
  j["uid"] = s.uid;
  j["user"] = s.user;
  j["job"] = s.job;
  j["started_ms"] = s.started_ms;
  j["block_types"] = s.block_types;
  j["prior_known"] = s.prior_known;
  j["prior_radios"] = Json::array();
  for (const PriorRadio& r : s.prior_radios) {
    j["prior_radios"].push_back(
        {{"idx", r.idx}, {"type", r.type}, {"name", r.name}, {"soft", r.soft}});
  }
  j["prior_links"] = Json::array();
  for (const PriorLink& l : s.prior_links) {
    j["prior_links"].push_back(
        {{"ifindex", l.ifindex}, {"name", l.name}, {"was_up", l.was_up}});
  }
  j["firewall"] = s.firewall;
  j["sticks"] = s.sticks;
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace piiguard::agent::session
