#include "common/json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace piiguard {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

Json MustParse(std::string_view text) {
  Result<Json> value = ParseJsonStrict(text, "test");
  EXPECT_TRUE(value.ok()) << text << ": " << value.status().ToString();
  return value.ok() ? *value : Json();
}

std::string MustCanonical(const Json& value) {
  Result<std::string> text = CanonicalJson(value, "test");
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  return text.ok() ? *text : std::string();
}

void ExpectRefused(const Result<Json>& result, std::string_view input,
                   std::string_view reason) {
  EXPECT_FALSE(result.ok()) << "accepted: " << input;
  if (result.ok()) return;
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), StartsWith("doc: JSON: "));
  EXPECT_THAT(result.status().message(), HasSubstr(reason)) << input;
}

std::string NestedArrays(int depth, std::string_view inner) {
  return std::string(static_cast<size_t>(depth), '[') + std::string(inner) +
         std::string(static_cast<size_t>(depth), ']');
}

// `depth` nested objects {"a":{"a":...{}...}}.
std::string NestedObjects(int depth) {
  std::string out;
  for (int i = 1; i < depth; ++i) out += "{\"a\":";
  out += "{}";
  out += std::string(static_cast<size_t>(depth - 1), '}');
  return out;
}

// --- ParseJsonStrict
// ----------------------------------------------------------

TEST(ParseJsonStrictTest, ParsesEveryKindOfValue) {
  const Json value =
      MustParse(R"({"s":"x","i":-3,"u":18446744073709551615,"f":1.5,"t":true,)"
                R"("n":null,"a":[1,"2",[]],"o":{}})");
  EXPECT_EQ(value["s"], "x");
  EXPECT_EQ(value["i"], -3);
  EXPECT_EQ(value["u"].get<uint64_t>(), std::numeric_limits<uint64_t>::max());
  EXPECT_TRUE(value["f"].is_number_float());
  EXPECT_EQ(value["t"], true);
  EXPECT_TRUE(value["n"].is_null());
  EXPECT_EQ(value["a"].size(), 3U);
  EXPECT_TRUE(value["o"].is_object());
  for (std::string_view scalar : {"1", "\"s\"", "true", "null", " [ ] "}) {
    EXPECT_TRUE(ParseJsonStrict(scalar, "doc").ok()) << scalar;
  }
}

TEST(ParseJsonStrictTest, RefusesSyntaxErrors) {
  for (std::string_view bad : {"",          " ",          "{",
                               "}",         "{} x",       "{}{}",
                               "[1,]",      "{\"a\":1,}", "{'a':1}",
                               "{a:1}",     "// c\n{}",   "/* c */{}",
                               "{} // c",   "NaN",        "Infinity",
                               "01",        "0x10",       "+1",
                               "1.",        ".5",         "\"unterminated",
                               "tru",       "nul",        "[1 2]",
                               "{\"a\" 1}", "\"a\nb\"",   "\"tab\there\"",
                               R"("\x41")"}) {
    ExpectRefused(ParseJsonStrict(bad, "doc"), bad, "");
  }
}

TEST(ParseJsonStrictTest, RefusesDuplicateKeys) {
  const std::vector<std::string_view> cases = {
      R"({"a":1,"a":2})",
      R"({"a":1,"a":1})",
      R"({"a":1,"b":2,"a":3})",
      R"({"x":{"a":1,"a":2}})",
      R"([{"a":1,"a":2}])",
      R"({"x":[0,{"y":{"a":true,"a":false}}]})",
      R"({"a":{"b":1},"a":{"c":2}})",
      R"({"a":[],"b":{"c":1},"a":null})",
      R"({"a":1,"\u0061":2})",  // the same key once unescaped
  };
  for (std::string_view text : cases) {
    ExpectRefused(ParseJsonStrict(text, "doc"), text, "duplicate key \"a\"");
  }
}

TEST(ParseJsonStrictTest, SameKeyInDifferentObjectsIsFine) {
  for (std::string_view text :
       {R"({"x":{"a":1},"y":{"a":1}})", R"({"a":{"a":{"a":1}}})",
        R"([{"a":1},{"a":2}])", R"({"a":[{"a":1},{"a":2}],"b":{"a":3}})",
        R"({"A":1,"a":2})", R"({"a":1,"a ":2})"}) {
    EXPECT_TRUE(ParseJsonStrict(text, "doc").ok()) << text;
  }
}

TEST(ParseJsonStrictTest, DepthLimit) {
  EXPECT_TRUE(ParseJsonStrict(NestedArrays(kMaxJsonDepth, ""), "doc").ok());
  EXPECT_TRUE(ParseJsonStrict(NestedArrays(kMaxJsonDepth, "1"), "doc").ok());
  EXPECT_TRUE(ParseJsonStrict(NestedObjects(kMaxJsonDepth), "doc").ok());
  for (const std::string& deep :
       {NestedArrays(kMaxJsonDepth + 1, ""),
        NestedArrays(kMaxJsonDepth + 1, "1"),
        NestedArrays(kMaxJsonDepth + 1, "{}"), NestedObjects(kMaxJsonDepth + 1),
        NestedArrays(kMaxJsonDepth, "{}"), NestedArrays(kMaxJsonDepth, "[1]"),
        NestedArrays(1000, "1"), NestedObjects(1000)}) {
    ExpectRefused(ParseJsonStrict(deep, "doc"), deep.substr(0, 40),
                  "nested too deeply");
  }
}

TEST(ParseJsonStrictTest, VeryDeepInputFailsCleanly) {
  // Far beyond any stack: must be refused, not crash.
  const int depth = 200000;
  ExpectRefused(ParseJsonStrict(NestedArrays(depth, ""), "doc"), "[[[...",
                "nested too deeply");
  // Unbalanced: only opening brackets.
  ExpectRefused(ParseJsonStrict(std::string(depth, '['), "doc"), "[[[...", "");
}

TEST(ParseJsonStrictTest, RefusesInvalidUtf8) {
  const std::vector<std::string> cases = {
      "\"\xff\"",              // never valid
      "\"\xc0\xaf\"",          // overlong '/'
      "\"\xe0\x80\xaf\"",      // overlong, three bytes
      "\"\xe3\x81\"",          // truncated
      "\"\x81\"",              // lone continuation byte
      "\"\xed\xa0\x80\"",      // UTF-16 surrogate encoded as UTF-8
      "\"\xf4\x90\x80\x80\"",  // above U+10FFFF
      R"("\ud800")",           // lone high surrogate escape
      R"("\udc00")",           // lone low surrogate escape
      R"("\ud800\u0041")",     // high surrogate + non-surrogate
      "{\"\xff\":1}",          // in a key
      "[1,\xff]",              // outside a string
  };
  for (const std::string& text : cases) {
    ExpectRefused(ParseJsonStrict(text, "doc"), text, "");
  }
}

TEST(ParseJsonStrictTest, AcceptsValidUtf8AndEscapes) {
  Json value =
      MustParse("\"\xe5\x80\x8b\xe4\xba\xba\xe6\x83\x85\xe5\xa0\xb1\"");
  EXPECT_EQ(value.get<std::string>(), "個人情報");
  value = MustParse(R"("\ud83d\ude00")");
  EXPECT_EQ(value.get<std::string>(), "\xf0\x9f\x98\x80");
  value = MustParse(R"("\u00e9\u0000")");
  EXPECT_EQ(value.get<std::string>(), std::string("\xc3\xa9\0", 3));
}

TEST(ParseJsonStrictTest, ErrorsNameTheContext) {
  Result<Json> result = ParseJsonStrict("{", "policy");
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), StartsWith("policy: JSON: "));
  result = ParseJsonStrict(R"({"a":1,"a":2})", "stick key");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "stick key: JSON: duplicate key \"a\"");
}

// --- CanonicalJson
// --------------------------------------------------------------

TEST(CanonicalJsonTest, SortsKeysByBytesWithoutWhitespace) {
  const Json value = MustParse(
      "{ \"b\" : 1, \"a\" : 2, \"B\" : 3, \"aa\" : 4, \"\xc3\xa9\" : 5, "
      "\"~\" : 6, \"\" : 7 }");
  EXPECT_EQ(MustCanonical(value),
            "{\"\":7,\"B\":3,\"a\":2,\"aa\":4,\"b\":1,\"~\":6,\"\xc3\xa9\":5}");
}

TEST(CanonicalJsonTest, SortsNestedObjectsAndKeepsArrayOrder) {
  const Json value = MustParse(R"(
    {"z": [3, 1, 2, {"y": null, "x": false}],
     "m": {"k2": true, "k1": [], "k0": {}}})");
  EXPECT_EQ(
      MustCanonical(value),
      R"({"m":{"k0":{},"k1":[],"k2":true},"z":[3,1,2,{"x":false,"y":null}]})");
}

TEST(CanonicalJsonTest, EscapesOnlyWhatJsonRequires) {
  const Json value = std::string("q\"b\\s/\b\f\n\r\t\x01\x1f\x7f\xc3\xa9") +
                     std::string(1, '\0');
  EXPECT_EQ(MustCanonical(value),
            "\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\xc3\xa9\\u0000\"");
}

TEST(CanonicalJsonTest, Integers) {
  EXPECT_EQ(MustCanonical(Json(0)), "0");
  EXPECT_EQ(MustCanonical(Json(-42)), "-42");
  EXPECT_EQ(MustCanonical(Json(std::numeric_limits<int64_t>::min())),
            "-9223372036854775808");
  EXPECT_EQ(MustCanonical(Json(std::numeric_limits<uint64_t>::max())),
            "18446744073709551615");
  EXPECT_EQ(MustCanonical(Json::array({true, false, nullptr})),
            "[true,false,null]");
}

TEST(CanonicalJsonTest, RefusesFloatsAnywhere) {
  const std::vector<Json> values = {
      Json(1.5),
      Json(1.0),
      Json(0.0),
      Json::array({1, 2, 3.25}),
      Json::object({{"a", Json::object({{"b", Json::array({0.5})}})}}),
      MustParse("1e2"),
      MustParse("[1.0]"),
  };
  for (const Json& value : values) {
    Result<std::string> text = CanonicalJson(value, "policy");
    ASSERT_FALSE(text.ok()) << value.dump();
    EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(text.status().message(),
              "policy: JSON: fractional numbers are not allowed");
  }
}

TEST(CanonicalJsonTest, RefusesInvalidUtf8InBuiltValues) {
  for (const Json& value :
       {Json(std::string("\xff")), Json::object({{"k", std::string("\xc3")}}),
        Json::object({{std::string("\x80"), 1}})}) {
    Result<std::string> text = CanonicalJson(value, "doc");
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(text.status().message(), StartsWith("doc: JSON: "));
  }
}

TEST(CanonicalJsonTest, IsAFixedPoint) {
  for (std::string_view text :
       {R"({"b":[1,{"d":2,"c":3}],"a":"x"})", "[]", "{}", "\"\xe6\x97\xa5\"",
        R"({"n":-1,"t":true,"z":null})"}) {
    const std::string once = MustCanonical(MustParse(text));
    const std::string twice = MustCanonical(MustParse(once));
    EXPECT_EQ(once, twice);
    Result<Json> reparsed = ParseCanonicalJson(once, "doc");
    ASSERT_TRUE(reparsed.ok()) << once;
    EXPECT_EQ(*reparsed, MustParse(text));
  }
}

// --- ParseCanonicalJson
// -------------------------------------------------------

TEST(ParseCanonicalJsonTest, AcceptsCanonicalDocuments) {
  for (std::string_view text :
       {"{}", "[]", "0", "-1", "true", "null", "\"\"", R"({"a":{"b":[]}})",
        R"({"a":[1,2],"b":"x"})", "18446744073709551615"}) {
    Result<Json> value = ParseCanonicalJson(text, "doc");
    ASSERT_TRUE(value.ok()) << text << ": " << value.status().ToString();
    EXPECT_EQ(MustCanonical(*value), text);
  }
}

TEST(ParseCanonicalJsonTest, JapaneseRoundTripsUnchanged) {
  const std::string text =
      "{\"city\":\"東村山市\",\"holder\":\"山田 太郎\",\"job\":"
      "\"住民基本台帳事務（転入・転出）\",\"note\":\"「個人情報」を含む\"}";
  Result<Json> value = ParseCanonicalJson(text, "doc");
  ASSERT_TRUE(value.ok()) << value.status().ToString();
  EXPECT_EQ((*value)["city"].get<std::string>(), "東村山市");
  EXPECT_EQ((*value)["holder"].get<std::string>(), "山田 太郎");
  EXPECT_EQ(MustCanonical(*value), text);
}

TEST(ParseCanonicalJsonTest, RefusesEveryNonCanonicalVariant) {
  const std::string canonical = "{\"a\":[1,2],\"b\":\"\xc3\xa9\",\"c\":\"/\"}";
  ASSERT_TRUE(ParseCanonicalJson(canonical, "doc").ok());
  const std::vector<std::string> variants = {
      " " + canonical,
      canonical + " ",
      canonical + "\n",
      "\xef\xbb\xbf" + canonical,  // byte-order mark
      "{\"a\": [1,2],\"b\":\"\xc3\xa9\",\"c\":\"/\"}",
      "{\"a\":[1, 2],\"b\":\"\xc3\xa9\",\"c\":\"/\"}",
      "{\"a\":[1,2] ,\"b\":\"\xc3\xa9\",\"c\":\"/\"}",
      "{\n\"a\":[1,2],\"b\":\"\xc3\xa9\",\"c\":\"/\"}",
      "{\"b\":\"\xc3\xa9\",\"a\":[1,2],\"c\":\"/\"}",    // unsorted
      "{\"a\":[1,2],\"c\":\"/\",\"b\":\"\xc3\xa9\"}",    // unsorted
      R"({"a":[1,2],"b":"\u00e9","c":"/"})",             // escaped é
      R"({"a":[1,2],"b":"\u00E9","c":"/"})",             // escaped É
      "{\"a\":[1,2],\"b\":\"\xc3\xa9\",\"c\":\"\\/\"}",  // escaped /
      "{\"\\u0061\":[1,2],\"b\":\"\xc3\xa9\",\"c\":\"/\"}",
      "{\"a\":[-0,2],\"b\":\"\xc3\xa9\",\"c\":\"/\"}",
  };
  for (const std::string& text : variants) {
    ExpectRefused(ParseCanonicalJson(text, "doc"), text,
                  "not in canonical form");
  }
  for (const std::string& text :
       {std::string("{\"a\":[1.0,2],\"b\":\"\xc3\xa9\",\"c\":\"/\"}"),
        std::string("{\"a\":[1e0,2],\"b\":\"\xc3\xa9\",\"c\":\"/\"}"),
        std::string("{\"a\":[1,2.5],\"b\":\"\xc3\xa9\",\"c\":\"/\"}")}) {
    ExpectRefused(ParseCanonicalJson(text, "doc"), text,
                  "fractional numbers are not allowed");
  }
  ExpectRefused(ParseCanonicalJson(R"({"a":1,"a":1})", "doc"), "dup",
                "duplicate key");
}

TEST(ParseCanonicalJsonTest, EscapedControlCharactersMustBeLowerCase) {
  ASSERT_TRUE(ParseCanonicalJson("\"\\u001f\\n\"", "doc").ok());
  ExpectRefused(ParseCanonicalJson(R"("\u001F\n")", "doc"), "upper",
                "not in canonical form");
  ExpectRefused(ParseCanonicalJson(R"("\u001f\u000a")", "doc"), "long",
                "not in canonical form");
}

// --- JsonTypeName
// -------------------------------------------------------------

TEST(JsonTypeNameTest, NamesEveryType) {
  EXPECT_EQ(JsonTypeName(Json(nullptr)), "null");
  EXPECT_EQ(JsonTypeName(Json(true)), "boolean");
  EXPECT_EQ(JsonTypeName(Json(-1)), "integer");
  EXPECT_EQ(JsonTypeName(Json(std::numeric_limits<uint64_t>::max())),
            "integer");
  EXPECT_EQ(JsonTypeName(Json(0.5)), "number");
  EXPECT_EQ(JsonTypeName(Json("s")), "string");
  EXPECT_EQ(JsonTypeName(Json::array()), "array");
  EXPECT_EQ(JsonTypeName(Json::object()), "object");
  EXPECT_EQ(JsonTypeName(Json::binary({1, 2})), "binary");
}

}  // namespace
}  // namespace piiguard
