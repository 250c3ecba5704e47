#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "common/encoding.h"
#include "common/file_util.h"
#include "common/json.h"
#include "common/quarantine_key.h"
#include "policy/policy.h"
#include "policy/test_policy.h"

namespace piiguard::policy {
namespace {

using testing::Dump;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ValidPolicyJson;

std::string Base64For(const Ed25519PrivateKey& key) {
  return Base64Encode(key.PublicKey().raw());
}

std::string ErrorOf(const Json& json) {
  Result<Policy> p = ParsePolicy(Dump(json));
  return p.ok() ? "OK" : p.status().message();
}

TEST(PolicyParserTest, ValidPolicyMapsEveryField) {
  Result<Policy> p = ParsePolicy(Dump(ValidPolicyJson()));
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->city.code, "132136");
  EXPECT_EQ(p->city.name, "東村山市");
  EXPECT_EQ(p->version, 3);
  EXPECT_EQ(p->valid_from, 1774969200);  // 2026-04-01T00:00:00+09:00
  EXPECT_EQ(p->usb.unkeyed_storage, UnkeyedStorage::kReadOnly);
  ASSERT_EQ(p->usb.hid_allowed_devices.size(), 1u);
  EXPECT_EQ(p->usb.hid_allowed_devices[0].vid, "046d");
  EXPECT_EQ(p->radio.block_types,
            (std::vector<std::string>{"wlan", "bluetooth"}));
  EXPECT_EQ(p->radio.standalone_allow[0].cidr, "192.0.2.0/24");
  EXPECT_EQ(p->roster_guard.action, RosterAction::kMove);
  EXPECT_EQ(p->journal.checkpoint_every_events, 100);
  EXPECT_EQ(p->office.sync_interval_seconds, 60);
  ASSERT_EQ(p->register_jobs.size(), 2u);
  EXPECT_EQ(p->register_jobs[0].data_items[1], "住所");
  EXPECT_EQ(p->register_jobs[0].consignee, "npo-1");
  EXPECT_EQ(p->consignees[0].responsible.name, "山田");
  EXPECT_EQ(p->consignees[0].deputies[0].contact, "042-000-0001");
  EXPECT_NE(p->FindJob("job-b"), nullptr);
  EXPECT_EQ(p->FindJob("job-z"), nullptr);
  ASSERT_NE(p->FindRevoked("ffffffffffffffffffffffffffffffff"), nullptr);
  EXPECT_EQ(p->FindRevoked("ffffffffffffffffffffffffffffffff")->reason, "紛失");
}

TEST(PolicyParserTest, TheDocumentedExampleParses) {
  const char* dir = std::getenv("PIIGUARD_SOURCE_DIR");
  ASSERT_NE(dir, nullptr) << "run through ctest (sets PIIGUARD_SOURCE_DIR)";
  Result<std::string> bytes = ReadFileBytes(
      std::string(dir) + "/docs/examples/policy.example.json", kMaxPolicySize);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  Result<Policy> p = ParsePolicy(*bytes);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->city.name, "東村山市");
}

// usb.storage_subclasses and usb.thunderbolt are optional: a policy
// without them gets SCSI-transparent storage only and Thunderbolt blocked.
TEST(PolicyParserTest, StorageSubclassesAndThunderboltHaveClosedDefaults) {
  Result<Policy> p = ParsePolicy(Dump(ValidPolicyJson()));
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->usb.storage_subclasses, std::vector<uint8_t>{0x06});
  EXPECT_EQ(p->usb.thunderbolt, ThunderboltMode::kBlock);
  Json j = ValidPolicyJson();
  j["usb"]["storage_subclasses"] = Json::array({"06", "02"});
  j["usb"]["thunderbolt"] = "allow";
  p = ParsePolicy(Dump(j));
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->usb.storage_subclasses, (std::vector<uint8_t>{0x06, 0x02}));
  EXPECT_EQ(p->usb.thunderbolt, ThunderboltMode::kAllow);
  j["usb"]["storage_subclasses"] = Json::array();
  p = ParsePolicy(Dump(j));
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_TRUE(p->usb.storage_subclasses.empty()) << "no USB storage at all";
  j["usb"]["storage_subclasses"] = Json::array({"6"});
  EXPECT_THAT(ErrorOf(j), HasSubstr("$.usb.storage_subclasses[0]: expected 2"));
  j["usb"]["storage_subclasses"] = Json::array({"0A"});
  EXPECT_THAT(ErrorOf(j), HasSubstr("$.usb.storage_subclasses[0]: expected 2"));
  j["usb"]["storage_subclasses"] = Json::array({"06", "06"});
  EXPECT_THAT(ErrorOf(j),
              HasSubstr("$.usb.storage_subclasses[1]: repeated subclass"));
  j["usb"]["storage_subclasses"] = Json::array({"06"});
  j["usb"]["thunderbolt"] = "yes";
  EXPECT_THAT(ErrorOf(j),
              HasSubstr("$.usb.thunderbolt: expected one of block, allow"));
}

TEST(PolicyParserTest, UnknownFieldsAreErrorsWithTheirPath) {
  Json j = ValidPolicyJson();
  j["colour"] = "blue";
  EXPECT_THAT(ErrorOf(j), HasSubstr("$.colour: unknown field"));
  j = ValidPolicyJson();
  j["usb"]["hid"]["alow"] = true;
  EXPECT_THAT(ErrorOf(j), HasSubstr("$.usb.hid.alow: unknown field"));
  j = ValidPolicyJson();
  j["register"][1]["owner"] = "x";
  EXPECT_THAT(ErrorOf(j), HasSubstr("$.register[1].owner: unknown field"));
}

TEST(PolicyParserTest, WrongTypesNameTheFieldAndTheTypes) {
  Json j = ValidPolicyJson();
  j["version"] = "3";
  EXPECT_THAT(ErrorOf(j), HasSubstr("$.version: expected integer, got string"));
  j = ValidPolicyJson();
  j["version"] = 3.5;
  EXPECT_THAT(ErrorOf(j), HasSubstr("$.version: expected integer, got number"));
  j = ValidPolicyJson();
  j["usb"]["hid"]["allow"] = 1;
  EXPECT_THAT(ErrorOf(j),
              HasSubstr("$.usb.hid.allow: expected boolean, got integer"));
  j = ValidPolicyJson();
  j["radio"]["block_types"] = "wlan";
  EXPECT_THAT(ErrorOf(j),
              HasSubstr("$.radio.block_types: expected array, got string"));
  j = ValidPolicyJson();
  j["register"][0]["data_items"][1] = 7;
  EXPECT_THAT(
      ErrorOf(j),
      HasSubstr("$.register[0].data_items[1]: expected string, got integer"));
  j = ValidPolicyJson();
  j["city"] = "東村山市";
  EXPECT_THAT(ErrorOf(j), HasSubstr("$.city: expected object, got string"));
}

TEST(PolicyParserTest, MissingFieldsAreNamed) {
  for (const char* field : {"city", "version", "valid_from", "usb", "radio",
                            "register", "consignees", "revoked_sticks"}) {
    Json j = ValidPolicyJson();
    j.erase(field);
    EXPECT_THAT(ErrorOf(j),
                HasSubstr(std::string("$.") + field + ": missing field"));
  }
  Json without_usb = ValidPolicyJson();
  without_usb.erase("usb");
  EXPECT_THAT(ErrorOf(without_usb), Not(HasSubstr("$.usb.unkeyed_storage")))
      << "one missing object is one error, not one per field";
  Json j = ValidPolicyJson();
  j["register"][0].erase("retention");
  EXPECT_THAT(ErrorOf(j), HasSubstr("$.register[0].retention: missing field"));
}

TEST(PolicyParserTest, InvalidValuesAreRefused) {
  struct Case {
    const char* pointer;
    Json value;
    const char* expected;
  };
  const Case cases[] = {
      {"/format", "piiguard-policy/2", "$.format: expected"},
      {"/city/code", "132135", "$.city.code: expected a 6-digit"},
      {"/version", 0, "$.version: must be between 1"},
      {"/valid_from", "2026-04-01", "$.valid_from: expected an RFC 3339"},
      {"/valid_until", "2026-03-31T00:00:00+09:00",
       "$.valid_until: must be later"},
      {"/usb/unkeyed_storage", "rw",
       "$.usb.unkeyed_storage: expected one of read_only, block"},
      {"/usb/hid/devices/0/vid", "046D",
       "$.usb.hid.devices[0].vid: expected 4"},
      {"/radio/block_types/0", "wifi",
       "$.radio.block_types: unknown or repeated"},
      {"/radio/block_types/1", "wlan",
       "$.radio.block_types: unknown or repeated"},
      {"/radio/standalone_allow/0/cidr", "192.0.2.0",
       "$.radio.standalone_allow[0].cidr"},
      {"/radio/standalone_allow/0/cidr", "192.0.2.0/33",
       "$.radio.standalone_allow[0].cidr"},
      {"/roster_guard/action", "delete", "$.roster_guard.action"},
      {"/roster_guard/exclude_paths/0", "/srv/../etc",
       "$.roster_guard.exclude_paths"},
      {"/roster_guard/min_rows", 1,
       "$.roster_guard.min_rows: must be between 2"},
      {"/office/url", "http://office", "$.office.url: expected https"},
      {"/office/tls_pin_sha256", "00", "$.office.tls_pin_sha256: expected 64"},
      {"/register/0/id", "job a", "$.register[0].id: expected 1 to 64"},
      {"/register/0/since", "2012-02-30",
       "$.register[0].since: expected a date"},
      {"/register/0/retention", "5 years",
       "$.register[0].retention: expected a period"},
      {"/register/0/retention", "P0Y",
       "$.register[0].retention: expected a period"},
      {"/register/0/data_items", Json::array(),
       "$.register[0].data_items: must name"},
      {"/register/0/consignee", "npo-9", "register[0].consignee: no consignee"},
      {"/register/1/id", "job-a", "register[1]: duplicate id \"job-a\""},
      {"/register/0/name", "", "$.register[0].name: must be 1 to 1024 bytes"},
      {"/consignees/0/pcs/0", "pc 1", "$.consignees[0].pcs: PC id"},
      {"/revoked_sticks/0/stick_id", "FFFF",
       "$.revoked_sticks[0].stick_id: expected 32"},
  };
  for (const Case& c : cases) {
    Json j = ValidPolicyJson();
    j[Json::json_pointer(c.pointer)] = c.value;
    EXPECT_THAT(ErrorOf(j), HasSubstr(c.expected)) << c.pointer;
  }
}

TEST(PolicyParserTest, TrustedKeysAreValidated) {
  Ed25519PrivateKey key = testing::NewKey();
  Json j = ValidPolicyJson();
  j["keys"][0] = {
      {"name", "stick key 2026"}, {"roles", {"stick"}}, {"public_key", "AAAA"}};
  EXPECT_THAT(ErrorOf(j), HasSubstr("$.keys[0].public_key: expected base64"));
  j["keys"][0]["roles"] = {"stick", "stick"};
  EXPECT_THAT(ErrorOf(j), HasSubstr("$.keys[0].roles"));
}

TEST(PolicyParserTest, QuarantineKeyIsOptionalAndValidated) {
  Result<Policy> p = ParsePolicy(Dump(ValidPolicyJson()));
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->roster_guard.quarantine_key_raw, "");

  Result<X25519PrivateKey> office = X25519PrivateKey::Generate();
  ASSERT_TRUE(office.ok());
  Json j = ValidPolicyJson();
  j["roster_guard"]["quarantine_key"] = office->PublicKey().ToBase64();
  p = ParsePolicy(Dump(j));
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->roster_guard.quarantine_key_raw, office->PublicKey().raw());

  const char* kPath =
      "$.roster_guard.quarantine_key: expected base64 of a "
      "32-byte X25519 public key";
  for (const std::string& bad : {std::string(""), std::string("AAAA"),
                                 Base64Encode(std::string(33, 'a')),
                                 office->PublicKey().ToBase64().substr(1),
                                 " " + office->PublicKey().ToBase64(),
                                 Base64Encode(std::string(32, '\0'))}) {
    j["roster_guard"]["quarantine_key"] = bad;
    EXPECT_THAT(ErrorOf(j), HasSubstr(kPath)) << bad;
  }
  j["roster_guard"]["quarantine_key"] = 7;
  EXPECT_THAT(ErrorOf(j),
              HasSubstr("$.roster_guard.quarantine_key: expected string"));
}

TEST(PolicyParserTest, DuplicateKeysAndBadJsonAreRefused) {
  EXPECT_THAT(ParsePolicy(R"({"version": 1, "version": 2})").status().message(),
              HasSubstr("duplicate key \"version\""));
  EXPECT_THAT(ParsePolicy("{").status().message(), HasSubstr("policy: JSON"));
  EXPECT_THAT(ParsePolicy("[]").status().message(),
              HasSubstr("$: expected object, got array"));
  EXPECT_FALSE(ParsePolicy(std::string(kMaxPolicySize + 1, ' ')).ok());
}

TEST(PolicyParserTest, ManyErrorsAreReportedTogetherButCapped) {
  Json j = ValidPolicyJson();
  for (int i = 0; i < 20; ++i) j["extra" + std::to_string(i)] = i;
  std::string error = ErrorOf(j);
  EXPECT_THAT(error, HasSubstr("$.extra0: unknown field"));
  EXPECT_THAT(error, HasSubstr("and 12 more"));
}

TEST(PolicyParserTest, CanonicalFormIsStableAndIgnoresLayout) {
  Json j = ValidPolicyJson();
  Result<std::string> a = CanonicalPolicy(j.dump(2));
  Result<std::string> b = CanonicalPolicy(j.dump());
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*CanonicalPolicy(*a), *a);
  EXPECT_EQ(a->find('\n'), std::string::npos);
  EXPECT_NE(a->find("東村山市"), std::string::npos);  // UTF-8, not \u escapes
  j["version"] = "x";
  EXPECT_FALSE(CanonicalPolicy(j.dump()).ok());
}

TEST(PolicyParserTest, KeysForSelectsByRole) {
  Ed25519PrivateKey a = testing::NewKey();
  Ed25519PrivateKey b = testing::NewKey();
  Json j = ValidPolicyJson();
  j["keys"] = Json::array();
  j["keys"].push_back(
      {{"name", "a"}, {"roles", {"policy"}}, {"public_key", Base64For(a)}});
  j["keys"].push_back({{"name", "b"},
                       {"roles", {"stick", "exception"}},
                       {"public_key", Base64For(b)}});
  Result<Policy> p = ParsePolicy(Dump(j));
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->KeysFor(KeyRole::kPolicy).size(), 1u);
  EXPECT_EQ(p->KeysFor(KeyRole::kPolicy)[0].KeyId(), a.PublicKey().KeyId());
  ASSERT_EQ(p->KeysFor(KeyRole::kStick).size(), 1u);
  EXPECT_EQ(p->KeysFor(KeyRole::kStick)[0].KeyId(), b.PublicKey().KeyId());
  Ed25519PrivateKey pinned = testing::NewKey();
  std::vector<Ed25519PublicKey> pinned_keys = {pinned.PublicKey()};
  std::vector<Ed25519PublicKey> trusted =
      p->TrustedFor(KeyRole::kStick, pinned_keys);
  ASSERT_EQ(trusted.size(), 2u);
  EXPECT_EQ(trusted[0].KeyId(), pinned.PublicKey().KeyId());
  EXPECT_EQ(trusted[1].KeyId(), b.PublicKey().KeyId());
}

}  // namespace
}  // namespace piiguard::policy
