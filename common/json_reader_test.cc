#include "common/json_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json.h"

namespace piiguard {
namespace {

using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::array<std::string_view, 2> kModes = {"read_only", "block"};

Json Parse(std::string_view text) {
  Result<Json> value = ParseJsonStrict(text, "test");
  EXPECT_TRUE(value.ok()) << value.status().ToString();
  return value.ok() ? *value : Json();
}

// The error message, or "OK".
std::string Errors(const JsonErrors& errors) {
  return errors.ToStatus().ToString();
}

TEST(JsonErrorsTest, EmptyIsOk) {
  JsonErrors errors("policy");
  EXPECT_TRUE(errors.empty());
  EXPECT_TRUE(errors.ToStatus().ok());
}

TEST(JsonErrorsTest, JoinsErrorsWithContext) {
  JsonErrors errors("policy");
  errors.Add("$.a", "first");
  EXPECT_FALSE(errors.empty());
  errors.Add("$.b[2]", "second");
  const Status status = errors.ToStatus();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "policy: $.a: first; $.b[2]: second");
}

TEST(JsonErrorsTest, KeepsFirstErrorsAndCountsTheRest) {
  JsonErrors exactly("ctx");
  for (size_t i = 0; i < JsonErrors::kMaxErrors; ++i) {
    exactly.Add("$.f" + std::to_string(i), "bad");
  }
  EXPECT_THAT(Errors(exactly), Not(HasSubstr("more")));
  EXPECT_THAT(Errors(exactly),
              HasSubstr("$.f" + std::to_string(JsonErrors::kMaxErrors - 1)));

  JsonErrors many("ctx");
  const size_t total = JsonErrors::kMaxErrors + 13;
  for (size_t i = 0; i < total; ++i) {
    many.Add("$.f" + std::to_string(i), "bad");
  }
  const std::string message = Errors(many);
  EXPECT_THAT(message, HasSubstr("$.f0: bad"));
  EXPECT_THAT(message,
              Not(HasSubstr("$.f" + std::to_string(JsonErrors::kMaxErrors))));
  EXPECT_THAT(message, EndsWith("; and 13 more"));
  // kMaxErrors entries kept: kMaxErrors "; " separators incl. "and N more".
  size_t separators = 0;
  for (size_t pos = message.find("; "); pos != std::string::npos;
       pos = message.find("; ", pos + 1)) {
    ++separators;
  }
  EXPECT_EQ(separators, JsonErrors::kMaxErrors);
}

TEST(JsonReaderTest, ReadsEveryTypeOfField) {
  const Json json = Parse(R"({
    "name": "東村山市", "count": 5, "on": true, "maybe": "m",
    "opt_n": -7, "flag": false, "mode": "block",
    "child": {"x": 1}, "opt_child": {"y": "z"},
    "list": [{"v": 1}, {"v": 2}], "tags": ["a", "b", ""]
  })");
  JsonErrors errors("policy");
  JsonReader root(json, "$", errors);
  EXPECT_EQ(root.path(), "$");
  EXPECT_EQ(&root.errors(), &errors);
  EXPECT_TRUE(root.Has("name"));
  EXPECT_FALSE(root.Has("absent"));
  EXPECT_EQ(root.String("name"), "東村山市");
  EXPECT_EQ(root.Int("count", 0, 10), 5);
  EXPECT_TRUE(root.Bool("on"));
  EXPECT_EQ(root.OptionalString("maybe"), "m");
  EXPECT_EQ(root.OptionalString("no_string"), std::nullopt);
  EXPECT_EQ(root.OptionalInt("opt_n", -10, 10), -7);
  EXPECT_EQ(root.OptionalInt("no_int", 0, 1), std::nullopt);
  EXPECT_FALSE(root.BoolOr("flag", true));
  EXPECT_TRUE(root.BoolOr("no_flag", true));
  EXPECT_FALSE(root.BoolOr("no_flag2", false));
  EXPECT_EQ(root.Enum("mode", kModes), "block");

  JsonReader child = root.Object("child");
  EXPECT_EQ(child.path(), "$.child");
  EXPECT_EQ(child.Int("x", 0, 1), 1);
  child.Finish();
  JsonReader opt_child = root.OptionalObject("opt_child");
  EXPECT_EQ(opt_child.String("y"), "z");
  opt_child.Finish();
  JsonReader absent = root.OptionalObject("absent_child");
  EXPECT_EQ(absent.path(), "$.absent_child");
  EXPECT_TRUE(absent.BoolOr("anything", true));
  absent.Finish();

  std::vector<std::pair<int64_t, std::string>> seen;
  root.Array("list", true, [&](const Json& element, const std::string& path) {
    JsonReader item(element, path, root.errors());
    seen.emplace_back(item.Int("v", 0, 9), path);
    item.Finish();
  });
  EXPECT_THAT(seen,
              ElementsAre(std::pair<int64_t, std::string>{1, "$.list[0]"},
                          std::pair<int64_t, std::string>{2, "$.list[1]"}));
  EXPECT_THAT(root.StringArray("tags", true), ElementsAre("a", "b", ""));
  root.Finish();
  EXPECT_TRUE(errors.empty()) << Errors(errors);
  EXPECT_TRUE(errors.ToStatus().ok());
}

TEST(JsonReaderTest, MissingRequiredFields) {
  const Json json = Json::object();
  JsonErrors errors("policy");
  JsonReader root(json, "$", errors);
  EXPECT_EQ(root.String("s"), "");
  EXPECT_EQ(root.Int("i", 3, 9), 3);
  EXPECT_FALSE(root.Bool("b"));
  EXPECT_EQ(root.Enum("e", kModes), "");
  JsonReader child = root.Object("o");
  EXPECT_EQ(child.path(), "$.o");
  child.Finish();
  int calls = 0;
  root.Array("a", true, [&](const Json&, const std::string&) { ++calls; });
  EXPECT_TRUE(root.StringArray("sa", true).empty());
  root.Finish();
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(Errors(errors),
            "policy: $.s: missing field; $.i: missing field; "
            "$.b: missing field; $.e: missing field; $.o: missing field; "
            "$.a: missing field; $.sa: missing field");
}

TEST(JsonReaderTest, AbsentOptionalFieldsAreNoError) {
  const Json json = Json::object();
  JsonErrors errors("policy");
  JsonReader root(json, "$", errors);
  EXPECT_EQ(root.OptionalString("s"), std::nullopt);
  EXPECT_EQ(root.OptionalInt("i", 0, 1), std::nullopt);
  EXPECT_TRUE(root.BoolOr("b", true));
  JsonReader child = root.OptionalObject("o");
  child.Finish();
  int calls = 0;
  root.Array("a", false, [&](const Json&, const std::string&) { ++calls; });
  EXPECT_TRUE(root.StringArray("sa", false).empty());
  root.Finish();
  EXPECT_EQ(calls, 0);
  EXPECT_TRUE(errors.empty()) << Errors(errors);
}

TEST(JsonReaderTest, WrongTypesNameTheExpectedAndActualType) {
  const Json json = Parse(R"({
    "s": 1, "i": "1", "f": 1.5, "b": 1, "os": [], "oi": true, "ob": null,
    "e": 3, "o": [], "oo": "x", "a": {}, "sa": "x"
  })");
  JsonErrors errors("policy");
  JsonReader root(json, "$", errors);
  EXPECT_EQ(root.String("s"), "");
  EXPECT_EQ(root.Int("i", 0, 5), 0);
  EXPECT_EQ(root.Int("f", -1, 5), -1);
  EXPECT_FALSE(root.Bool("b"));
  EXPECT_EQ(root.OptionalString("os"), std::nullopt);
  EXPECT_EQ(root.OptionalInt("oi", 0, 1), std::nullopt);
  EXPECT_TRUE(root.BoolOr("ob", true));
  EXPECT_EQ(root.Enum("e", kModes), "");
  JsonReader o = root.Object("o");
  EXPECT_EQ(o.String("x"), "");  // no "missing field" under a bad object
  o.Finish();
  JsonReader oo = root.OptionalObject("oo");
  oo.Finish();
  int calls = 0;
  root.Array("a", true, [&](const Json&, const std::string&) { ++calls; });
  EXPECT_TRUE(root.StringArray("sa", false).empty());
  root.Finish();
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(Errors(errors),
            "policy: $.s: expected string, got integer; "
            "$.i: expected integer, got string; "
            "$.f: expected integer, got number; "
            "$.b: expected boolean, got integer; "
            "$.os: expected string, got array; "
            "$.oi: expected integer, got boolean; "
            "$.ob: expected boolean, got null; "
            "$.e: expected string, got integer; "
            "and 4 more");
}

TEST(JsonReaderTest, ObjectAndArrayTypeErrors) {
  const Json json = Parse(R"({"o": [], "oo": "x", "a": {}, "sa": "x"})");
  JsonErrors errors("policy");
  JsonReader root(json, "$", errors);
  JsonReader o = root.Object("o");
  o.Finish();
  JsonReader oo = root.OptionalObject("oo");
  oo.Finish();
  root.Array("a", true, [](const Json&, const std::string&) {});
  EXPECT_TRUE(root.StringArray("sa", false).empty());
  root.Finish();
  EXPECT_EQ(Errors(errors),
            "policy: $.o: expected object, got array; "
            "$.oo: expected object, got string; "
            "$.a: expected array, got object; "
            "$.sa: expected array, got string");
}

TEST(JsonReaderTest, NestedPathsInErrors) {
  const Json json = Parse(R"({"a": {"b": ["x", 1, "y", {}]}})");
  JsonErrors errors("policy");
  JsonReader root(json, "$", errors);
  JsonReader a = root.Object("a");
  EXPECT_THAT(a.StringArray("b", true), ElementsAre("x", "y"));
  a.Finish();
  root.Finish();
  EXPECT_EQ(Errors(errors),
            "policy: $.a.b[1]: expected string, got integer; "
            "$.a.b[3]: expected string, got object");
}

TEST(JsonReaderTest, IntRange) {
  const Json json = Parse(R"({"lo": 0, "hi": 10, "below": -1, "above": 11,
    "min": -9223372036854775808, "max": 9223372036854775807,
    "huge": 18446744073709551615, "big": 9223372036854775808})");
  JsonErrors errors("policy");
  JsonReader root(json, "$", errors);
  EXPECT_EQ(root.Int("lo", 0, 10), 0);
  EXPECT_EQ(root.Int("hi", 0, 10), 10);
  EXPECT_EQ(root.Int("below", 0, 10), 0);
  EXPECT_EQ(root.OptionalInt("above", 0, 10), std::nullopt);
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(root.Int("min", kMin, kMax), kMin);
  EXPECT_EQ(root.Int("max", kMin, kMax), kMax);
  EXPECT_EQ(root.OptionalInt("huge", kMin, kMax), std::nullopt);
  EXPECT_EQ(root.Int("big", 0, kMax), 0);
  root.Finish();
  EXPECT_EQ(Errors(errors),
            "policy: $.below: must be between 0 and 10, got -1; "
            "$.above: must be between 0 and 10, got 11; "
            "$.huge: out of range; $.big: out of range");
}

TEST(JsonReaderTest, EnumNamesTheChoices) {
  const Json json = Parse(R"({"mode": "write", "empty": "", "case": "Block"})");
  JsonErrors errors("policy");
  JsonReader root(json, "$", errors);
  EXPECT_EQ(root.Enum("mode", kModes), "");
  EXPECT_EQ(root.Enum("empty", kModes), "");
  EXPECT_EQ(root.Enum("case", kModes), "");
  root.Finish();
  EXPECT_EQ(Errors(errors),
            "policy: $.mode: expected one of read_only, block, got \"write\"; "
            "$.empty: expected one of read_only, block, got \"\"; "
            "$.case: expected one of read_only, block, got \"Block\"");
}

TEST(JsonReaderTest, EnumWrongTypeReportsOnce) {
  const Json json = Parse(R"({"mode": ["block"]})");
  JsonErrors errors("policy");
  JsonReader root(json, "$", errors);
  EXPECT_EQ(root.Enum("mode", kModes), "");
  root.Finish();
  EXPECT_EQ(Errors(errors), "policy: $.mode: expected string, got array");
}

TEST(JsonReaderTest, FinishReportsUnknownFields) {
  const Json json =
      Parse(R"({"known": 1, "typo": 2, "usb": {"mode": "block", "hid": 1}})");
  JsonErrors errors("policy");
  JsonReader root(json, "$", errors);
  EXPECT_EQ(root.Int("known", 0, 5), 1);
  EXPECT_TRUE(root.Has("typo"));  // Has() is not a read
  JsonReader usb = root.Object("usb");
  EXPECT_EQ(usb.Enum("mode", kModes), "block");
  usb.Finish();
  root.Finish();
  EXPECT_EQ(Errors(errors),
            "policy: $.usb.hid: unknown field; $.typo: unknown field");
}

TEST(JsonReaderTest, OptionalReadsMarkFieldsAsRead) {
  const Json json = Parse(R"({"a": "x", "b": 1, "c": true, "d": {}, "e": []})");
  JsonErrors errors("policy");
  JsonReader root(json, "$", errors);
  EXPECT_TRUE(root.OptionalString("a").has_value());
  EXPECT_TRUE(root.OptionalInt("b", 0, 1).has_value());
  EXPECT_TRUE(root.BoolOr("c", false));
  JsonReader d = root.OptionalObject("d");
  d.Finish();
  root.Array("e", false, [](const Json&, const std::string&) {});
  root.Finish();
  EXPECT_TRUE(errors.empty()) << Errors(errors);
}

TEST(JsonReaderTest, UnknownFieldsAreCapped) {
  Json json = Json::object();
  for (int i = 0; i < 20; ++i) json["k" + std::to_string(100 + i)] = i;
  JsonErrors errors("policy");
  JsonReader root(json, "$", errors);
  root.Finish();
  const std::string message = Errors(errors);
  EXPECT_THAT(message, HasSubstr("$.k100: unknown field"));
  EXPECT_THAT(message, HasSubstr("$.k107: unknown field"));
  EXPECT_THAT(message, Not(HasSubstr("$.k108")));
  EXPECT_THAT(message, EndsWith("; and 12 more"));
}

TEST(JsonReaderTest, NonObjectRoot) {
  for (std::string_view text : {"[]", "1", "\"s\"", "null", "true", "1.5"}) {
    const Json json = Parse(text);
    JsonErrors errors("policy");
    JsonReader root(json, "$", errors);
    EXPECT_FALSE(root.Has("a"));
    EXPECT_EQ(root.String("a"), "");
    EXPECT_EQ(root.Int("b", 2, 3), 2);
    EXPECT_FALSE(root.Bool("c"));
    EXPECT_EQ(root.Enum("d", kModes), "");
    JsonReader child = root.Object("e");
    EXPECT_EQ(child.path(), "$.e");
    child.Finish();
    EXPECT_TRUE(root.StringArray("g", true).empty());
    root.Array("h", true, [](const Json&, const std::string&) {
      ADD_FAILURE() << "no elements in a non-object";
    });
    root.Finish();
    // One error, no "missing field" noise.
    EXPECT_EQ(Errors(errors), "policy: $: expected object, got " +
                                  std::string(JsonTypeName(json)))
        << text;
  }
}

TEST(JsonReaderTest, ErrorRecordsAtKeyPath) {
  const Json json = Parse(R"({"usb": {"vid": "zz"}})");
  JsonErrors errors("policy");
  JsonReader root(json, "$", errors);
  JsonReader usb = root.Object("usb");
  EXPECT_EQ(usb.String("vid"), "zz");
  usb.Error("vid", "expected 4 lower-case hex digits");
  usb.Finish();
  root.Finish();
  EXPECT_EQ(Errors(errors),
            "policy: $.usb.vid: expected 4 lower-case hex digits");
}

TEST(JsonReaderTest, ElementPath) {
  EXPECT_EQ(ElementPath("$.a", 0), "$.a[0]");
  EXPECT_EQ(ElementPath("$.a.b", 12), "$.a.b[12]");
  EXPECT_EQ(ElementPath("$.a[1]", 2), "$.a[1][2]");
}

}  // namespace
}  // namespace piiguard
