// ParsePolicy: JSON document -> Policy, one small function per section.

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <set>

#include "common/encoding.h"
#include "common/json.h"
#include "common/json_reader.h"
#include "common/quarantine_key.h"
#include "common/timestamp.h"
#include "policy/ids.h"
#include "policy/json_fields.h"
#include "policy/policy.h"

namespace piiguard::policy {
namespace {

constexpr std::array<std::string_view, 9> kRfkillTypes = {
    "all", "wlan", "bluetooth", "uwb", "wimax", "wwan", "gps", "fm", "nfc"};

void ParseCity(JsonReader r, Policy& p) {
  p.city.code = r.String("code");
  if (r.Has("code") && !IsValidCityCode(p.city.code)) {
    r.Error("code",
            "expected a 6-digit local government code with a valid "
            "check digit (e.g. 132136)");
  }
  p.city.name = TextField(r, "name");
  r.Finish();
}

std::vector<KeyRole> Roles(JsonReader& r) {
  static constexpr std::array<std::string_view, 3> kRoles = {"policy", "stick",
                                                             "exception"};
  std::vector<KeyRole> roles;
  std::set<std::string> seen;
  for (const std::string& name : r.StringArray("roles", true)) {
    size_t i = 0;
    while (i < kRoles.size() && kRoles[i] != name) ++i;
    if (i == kRoles.size() || !seen.insert(name).second) {
      r.Error("roles", "each role is one of policy, stick, exception, once");
      continue;
    }
    roles.push_back(static_cast<KeyRole>(i));
  }
  if (r.Has("roles") && roles.empty()) r.Error("roles", "must not be empty");
  return roles;
}

void ParseKey(const Json& json, const std::string& path, JsonErrors& errors,
              Policy& p) {
  JsonReader r(json, path, errors);
  TrustedKey key;
  key.name = TextField(r, "name");
  key.roles = Roles(r);
  std::string b64 = r.String("public_key");
  Result<std::string> raw = Base64Decode(b64);
  if (r.Has("public_key") &&
      (!raw.ok() || !Ed25519PublicKey::FromRaw(*raw).ok())) {
    r.Error("public_key", "expected base64 of a 32-byte Ed25519 public key");
  } else if (raw.ok()) {
    key.public_key_raw = *raw;
  }
  r.Finish();
  p.keys.push_back(std::move(key));
}

// "06" -> 0x06: exactly 2 lower-case hex digits.
std::optional<uint8_t> ParseHexByte(const Json& json) {
  if (!json.is_string()) return std::nullopt;
  const auto& text = json.get_ref<const std::string&>();
  if (text.size() != 2) return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
    value = value * 16 + digit;
  }
  return static_cast<uint8_t>(value);
}

void ParseUsb(JsonReader r, Policy& p) {
  static constexpr std::array<std::string_view, 2> kModes = {"read_only",
                                                             "block"};
  if (r.Enum("unkeyed_storage", kModes) == "block") {
    p.usb.unkeyed_storage = UnkeyedStorage::kBlock;
  }
  JsonReader hid = r.Object("hid");
  p.usb.hid_allowed = hid.Bool("allow");
  hid.Array("devices", false, [&](const Json& json, const std::string& path) {
    JsonReader d(json, path, r.errors());
    UsbDeviceId id{d.String("vid"), d.String("pid")};
    if (d.Has("vid") && !IsUsbIdHex(id.vid)) d.Error("vid", kUsbIdRule);
    if (d.Has("pid") && !IsUsbIdHex(id.pid)) d.Error("pid", kUsbIdRule);
    d.Finish();
    p.usb.hid_allowed_devices.push_back(std::move(id));
  });
  hid.Finish();
  p.usb.allow_composite_storage_hid = r.Bool("allow_composite_storage_hid");
  if (r.Has("storage_subclasses")) {
    p.usb.storage_subclasses.clear();
    r.Array("storage_subclasses", false,
            [&](const Json& json, const std::string& path) {
              std::optional<uint8_t> subclass = ParseHexByte(json);
              if (!subclass) {
                r.errors().Add(path, "expected 2 lower-case hex digits");
              } else if (std::find(p.usb.storage_subclasses.begin(),
                                   p.usb.storage_subclasses.end(), *subclass) !=
                         p.usb.storage_subclasses.end()) {
                r.errors().Add(path, "repeated subclass");
              } else {
                p.usb.storage_subclasses.push_back(*subclass);
              }
            });
  }
  static constexpr std::array<std::string_view, 2> kThunderbolt = {"block",
                                                                   "allow"};
  if (r.Has("thunderbolt") && r.Enum("thunderbolt", kThunderbolt) == "allow") {
    p.usb.thunderbolt = ThunderboltMode::kAllow;
  }
  r.Finish();
}

void ParseKeyedSticks(JsonReader r, Policy& p) {
  p.keyed_sticks.session_ends_on_removal = r.Bool("session_ends_on_removal");
  p.keyed_sticks.max_key_validity_days =
      r.Int("max_key_validity_days", 1, 3660);
  r.Finish();
}

bool IsValidCidr(std::string_view cidr) {
  size_t slash = cidr.find('/');
  if (slash == std::string_view::npos) return false;
  std::string addr(cidr.substr(0, slash));
  std::string_view prefix = cidr.substr(slash + 1);
  int bits = -1;
  auto [ptr, ec] =
      std::from_chars(prefix.data(), prefix.data() + prefix.size(), bits);
  if (ec != std::errc() || ptr != prefix.data() + prefix.size() ||
      prefix.empty()) {
    return false;
  }
  std::array<unsigned char, 16> buf{};
  if (inet_pton(AF_INET, addr.c_str(), buf.data()) == 1)
    return bits >= 0 && bits <= 32;
  if (inet_pton(AF_INET6, addr.c_str(), buf.data()) == 1)
    return bits >= 0 && bits <= 128;
  return false;
}

void ParseRadio(JsonReader r, Policy& p) {
  std::set<std::string> seen;
  for (std::string& type : r.StringArray("block_types", true)) {
    bool known = false;
    for (std::string_view t : kRfkillTypes) known = known || t == type;
    if (!known || !seen.insert(type).second) {
      r.Error("block_types", "unknown or repeated radio type \"" + type +
                                 "\" (wlan, bluetooth, wwan, uwb, wimax, gps, "
                                 "fm, nfc or all)");
      continue;
    }
    p.radio.block_types.push_back(std::move(type));
  }
  p.radio.standalone = r.Bool("standalone");
  r.Array("standalone_allow", false,
          [&](const Json& json, const std::string& path) {
            JsonReader a(json, path, r.errors());
            StandaloneAllow allow{IdField(a, "interface"), a.String("cidr")};
            if (a.Has("cidr") && !IsValidCidr(allow.cidr)) {
              a.Error("cidr",
                      "expected an address with a prefix, e.g. 192.0.2.0/24");
            }
            a.Finish();
            p.radio.standalone_allow.push_back(std::move(allow));
          });
  r.Finish();
}

void ParseRosterGuard(JsonReader r, Policy& p) {
  static constexpr std::array<std::string_view, 2> kActions = {"move",
                                                               "report"};
  p.roster_guard.enabled = r.Bool("enabled");
  if (r.Enum("action", kActions) == "report") {
    p.roster_guard.action = RosterAction::kReport;
  }
  for (std::string& path : r.StringArray("exclude_paths", false)) {
    if (!IsCleanAbsolutePath(path)) {
      r.Error("exclude_paths", "\"" + path + "\" is not a clean absolute path");
      continue;
    }
    p.roster_guard.exclude_paths.push_back(std::move(path));
  }
  p.roster_guard.min_rows = r.Int("min_rows", 2, 100000);
  if (std::optional<std::string> b64 = r.OptionalString("quarantine_key")) {
    Result<X25519PublicKey> key = X25519PublicKey::FromBase64(*b64);
    if (key.ok()) {
      p.roster_guard.quarantine_key_raw = key->raw();
    } else {
      r.Error("quarantine_key",
              "expected base64 of a 32-byte X25519 public key (" +
                  key.status().message() + ")");
    }
  }
  r.Finish();
}

void ParseJournal(JsonReader r, Policy& p) {
  p.journal.checkpoint_every_events =
      r.Int("checkpoint_every_events", 1, 1000000);
  p.journal.checkpoint_every_seconds =
      r.Int("checkpoint_every_seconds", 1, 86400);
  r.Finish();
}

void ParseOffice(JsonReader r, Policy& p) {
  p.office.url = r.OptionalString("url").value_or("");
  if (!p.office.url.empty() && !IsHttpsUrl(p.office.url)) {
    r.Error("url", "expected https://host[:port][/path]");
  }
  if (r.Has("tls_pin_sha256")) {
    p.office.tls_pin_sha256 = HexField(r, "tls_pin_sha256", 64);
  }
  if (!p.office.url.empty() && p.office.tls_pin_sha256.empty()) {
    r.Error("tls_pin_sha256", "required when url is set");
  }
  p.office.sync_interval_seconds = r.Int("sync_interval_seconds", 10, 86400);
  r.Finish();
}

}  // namespace

// Sections with lists live in policy_parser_lists.cc.
void ParseRegister(JsonReader& root, Policy& p);
void ParseConsignees(JsonReader& root, Policy& p);
void ParseRevoked(JsonReader& root, Policy& p);
void CheckCrossReferences(JsonReader& root, const Policy& p);

Result<Policy> ParsePolicy(std::string_view json_bytes) {
  if (json_bytes.size() > kMaxPolicySize) {
    return InvalidArgumentError("policy", "", "larger than 4 MiB");
  }
  PIIGUARD_ASSIGN_OR_RETURN(Json json, ParseJsonStrict(json_bytes, "policy"));
  JsonErrors errors("policy");
  JsonReader root(json, "$", errors);
  Policy p;
  if (root.String("format") != kPolicyFormat && root.Has("format")) {
    root.Error("format", "expected \"" + std::string(kPolicyFormat) + "\"");
  }
  ParseCity(root.Object("city"), p);
  p.version = root.Int("version", 1, int64_t{1} << 53);
  p.valid_from = TimeField(root, "valid_from");
  p.valid_until = TimeField(root, "valid_until");
  if (p.valid_until <= p.valid_from && errors.empty()) {
    root.Error("valid_until", "must be later than valid_from");
  }
  root.Array("keys", false, [&](const Json& key, const std::string& path) {
    ParseKey(key, path, errors, p);
  });
  ParseUsb(root.Object("usb"), p);
  ParseKeyedSticks(root.Object("keyed_sticks"), p);
  ParseRadio(root.Object("radio"), p);
  ParseRosterGuard(root.Object("roster_guard"), p);
  ParseJournal(root.Object("journal"), p);
  ParseOffice(root.Object("office"), p);
  ParseRegister(root, p);
  ParseConsignees(root, p);
  ParseRevoked(root, p);
  root.Finish();
  if (errors.empty()) CheckCrossReferences(root, p);
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  return p;
}

Result<std::string> CanonicalPolicy(std::string_view json_bytes) {
  PIIGUARD_RETURN_IF_ERROR(ParsePolicy(json_bytes).status());
  PIIGUARD_ASSIGN_OR_RETURN(Json json, ParseJsonStrict(json_bytes, "policy"));
  return CanonicalJson(json, "policy");
}

}  // namespace piiguard::policy
