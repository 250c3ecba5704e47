// The city's policy: what piiguard enforces on a PC, as the IT desk wrote
// it and signed it. Format and field meanings: docs/policy.md.
//
// ParsePolicy() turns the JSON payload into typed settings; every unknown
// field, wrong type or invalid value is an error naming the field's path.
// Signature, validity and anti-rollback checks are in policy_verify.h.
//
// Thread-safety: plain values and pure functions.
#ifndef PIIGUARD_POLICY_POLICY_H_
#define PIIGUARD_POLICY_POLICY_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"

namespace piiguard::policy {

inline constexpr std::string_view kPolicyFormat = "piiguard-policy/1";
inline constexpr std::string_view kPolicyEnvelopeType = "policy";
inline constexpr size_t kMaxPolicySize = size_t{4} * 1024 * 1024;

struct City {
  std::string code;  // 全国地方公共団体コード, 6 digits (e.g. "132136")
  std::string name;  // e.g. "東村山市"
};

enum class KeyRole { kPolicy, kStick, kException };

// A key the city trusts besides the one pinned at installation (rotation,
// or a separate key for keying sticks).
struct TrustedKey {
  std::string name;
  std::vector<KeyRole> roles;
  std::string public_key_raw;  // 32 bytes, validated as an Ed25519 point
};

enum class UnkeyedStorage { kReadOnly, kBlock };

struct UsbDeviceId {
  std::string vid;  // 4 lower-case hex digits
  std::string pid;
};

enum class ThunderboltMode { kBlock, kAllow };

struct UsbRules {
  UnkeyedStorage unkeyed_storage = UnkeyedStorage::kReadOnly;
  bool hid_allowed = true;
  std::vector<UsbDeviceId> hid_allowed_devices;  // empty: any keyboard/mouse
  bool allow_composite_storage_hid = false;      // BadUSB-shaped devices
  // Mass-storage interface subclasses accepted (bInterfaceSubClass): by
  // default only 06, SCSI transparent (USB sticks, card readers, UAS).
  std::vector<uint8_t> storage_subclasses = {0x06};
  // New Thunderbolt/USB4 devices (PCIe tunnels): left unauthorized by
  // default.
  ThunderboltMode thunderbolt = ThunderboltMode::kBlock;
};

struct KeyedStickRules {
  bool session_ends_on_removal = true;
  int64_t max_key_validity_days = 366;  // the IT desk tool refuses longer
};

struct StandaloneAllow {
  std::string interface;  // e.g. "eth0"
  std::string cidr;       // e.g. "192.0.2.0/24"
};

struct RadioRules {
  std::vector<std::string> block_types;  // rfkill type names, e.g. "wlan"
  bool standalone = false;               // R12: PC cut off from networks
  std::vector<StandaloneAllow> standalone_allow;
};

enum class RosterAction { kMove, kReport };

struct RosterGuardRules {
  bool enabled = true;
  RosterAction action = RosterAction::kMove;
  std::vector<std::string> exclude_paths;  // absolute paths
  int64_t min_rows = 3;  // fewer people than this is not a roster
  // The office's X25519 public key (32 raw bytes, a valid point) that
  // rosters are encrypted to when no keyed stick is in
  // (common/quarantine.h); empty if the policy names none.
  std::string quarantine_key_raw;
};

struct JournalRules {
  int64_t checkpoint_every_events = 1000;
  int64_t checkpoint_every_seconds = 300;
};

struct OfficeSettings {
  std::string url;             // https://..., empty for an offline PC
  std::string tls_pin_sha256;  // 64 hex, SHA-256 of the office's SPKI
  int64_t sync_interval_seconds = 300;
};

// R14: one job of the register of personal-data work.
struct RegisteredJob {
  std::string id;
  std::string name;
  std::string purpose;
  std::vector<std::string> data_items;
  std::string section;    // 担当課
  std::string since;      // YYYY-MM-DD
  std::string retention;  // ISO 8601 period: "P5Y", "P18M", "P30D"
  std::string consignee;  // id of a consignee, or empty if the city's own
};

struct Person {
  std::string name;
  std::string contact;
};

// R5: a consignee with its responsible person and deputies.
struct Consignee {
  std::string id;
  std::string name;
  Person responsible;
  std::vector<Person> deputies;
  std::vector<std::string> pcs;  // PC ids it operates
};

struct RevokedStick {
  std::string stick_id;  // 32 lower-case hex digits
  std::string reason;
  int64_t revoked_at = 0;
};

struct Policy {
  City city;
  int64_t version = 0;  // >= 1, raised on every change (anti-rollback)
  int64_t valid_from = 0;
  int64_t valid_until = 0;
  std::vector<TrustedKey> keys;
  UsbRules usb;
  KeyedStickRules keyed_sticks;
  RadioRules radio;
  RosterGuardRules roster_guard;
  JournalRules journal;
  OfficeSettings office;
  std::vector<RegisteredJob> register_jobs;
  std::vector<Consignee> consignees;
  std::vector<RevokedStick> revoked_sticks;

  const RegisteredJob* FindJob(std::string_view id) const;
  const RevokedStick* FindRevoked(std::string_view stick_id) const;
  // The keys this policy adds for `role` (the pinned key is not included).
  std::vector<Ed25519PublicKey> KeysFor(KeyRole role) const;
  // What a PC trusts for `role`: the keys pinned at installation, then
  // KeysFor(role).
  std::vector<Ed25519PublicKey> TrustedFor(
      KeyRole role, std::span<const Ed25519PublicKey> pinned) const;
};

// Parses and validates a policy document (UTF-8 JSON). Duplicate keys,
// unknown fields, wrong types and invalid values are refused; the error
// lists each problem with its path ("policy: $.usb.hid: expected object").
Result<Policy> ParsePolicy(std::string_view json_bytes);

// The canonical bytes to sign for a policy document: the document parsed,
// validated by ParsePolicy, and re-encoded canonically (common/json.h).
Result<std::string> CanonicalPolicy(std::string_view json_bytes);

std::string_view KeyRoleName(KeyRole role);

}  // namespace piiguard::policy

#endif  // PIIGUARD_POLICY_POLICY_H_
