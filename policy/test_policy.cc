#include "policy/test_policy.h"

#include <cstdlib>

#include "common/json.h"

namespace piiguard::policy::testing {

std::string_view ValidPolicyText() {
  static constexpr std::string_view kText = R"({
    "format": "piiguard-policy/1",
    "city": {"code": "132136", "name": "東村山市"},
    "version": 3,
    "valid_from": "2026-04-01T00:00:00+09:00",
    "valid_until": "2027-03-31T23:59:59+09:00",
    "keys": [],
    "usb": {"unkeyed_storage": "read_only",
            "hid": {"allow": true, "devices": [{"vid": "046d", "pid": "c077"}]},
            "allow_composite_storage_hid": false},
    "keyed_sticks": {"session_ends_on_removal": true, "max_key_validity_days": 366},
    "radio": {"block_types": ["wlan", "bluetooth"], "standalone": false,
              "standalone_allow": [{"interface": "eth0", "cidr": "192.0.2.0/24"}]},
    "roster_guard": {"enabled": true, "action": "move",
                     "exclude_paths": ["/srv/exempt"], "min_rows": 5},
    "journal": {"checkpoint_every_events": 100, "checkpoint_every_seconds": 60},
    "office": {"url": "https://office.example.jp",
               "tls_pin_sha256": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
               "sync_interval_seconds": 60},
    "register": [
      {"id": "job-a", "name": "講座名簿", "purpose": "連絡", "data_items": ["氏名", "住所"],
       "section": "子育て支援課", "since": "2012-04-01", "retention": "P1Y",
       "consignee": "npo-1"},
      {"id": "job-b", "name": "受診券発送", "purpose": "郵送", "data_items": ["氏名"],
       "section": "健康増進課", "since": "2009-04-01", "retention": "P5Y"}],
    "consignees": [
      {"id": "npo-1", "name": "NPO法人", "responsible": {"name": "山田", "contact": "042-000-0000"},
       "deputies": [{"name": "佐藤", "contact": "042-000-0001"}], "pcs": ["pc-1"]}],
    "revoked_sticks": [
      {"stick_id": "ffffffffffffffffffffffffffffffff", "reason": "紛失",
       "revoked_at": "2026-05-01T10:00:00+09:00"}]
  })";
  return kText;
}

Json ValidPolicyJson() { return Json::parse(ValidPolicyText()); }

std::string Dump(const Json& json) { return json.dump(2); }

Ed25519PrivateKey NewKey() {
  Result<Ed25519PrivateKey> key = Ed25519PrivateKey::Generate();
  if (!key.ok()) std::abort();
  return std::move(key).value();
}

}  // namespace piiguard::policy::testing
