#include "common/exception_delivery.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/encoding.h"

namespace piiguard {
namespace {

using ::testing::HasSubstr;

TEST(ExceptionDeliveryTest, RoundTrips) {
  ExceptionDelivery delivery{{std::string("a\0b", 3), std::string(16384, 'x')}};
  Result<std::string> text = SerializeExceptionDelivery(delivery);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  Result<ExceptionDelivery> parsed = ParseExceptionDelivery(*text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, delivery);
  Result<ExceptionDelivery> empty = ParseExceptionDelivery(
      R"({"files":[],"format":"piiguard-exceptions/1"})");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->files.empty());
}

TEST(ExceptionDeliveryTest, SerializeRefusesOverLimits) {
  EXPECT_FALSE(SerializeExceptionDelivery({{std::string()}}).ok());
  EXPECT_FALSE(SerializeExceptionDelivery({{std::string(16385, 'x')}}).ok());
  ExceptionDelivery many;
  many.files.assign(kMaxDeliveredFiles + 1, "x");
  EXPECT_FALSE(SerializeExceptionDelivery(many).ok());
  ExceptionDelivery big;
  big.files.assign(9, std::string(16000, 'x'));  // 144000 > 128 KiB
  EXPECT_THAT(SerializeExceptionDelivery(big).status().message(),
              HasSubstr("128 KiB"));
}

TEST(ExceptionDeliveryTest, ParseIsStrict) {
  const std::string ok_file = Base64Encode("file");
  const char* bad[] = {
      "",
      "[]",
      R"({"files":[]})",
      R"({"files":[],"format":"piiguard-exceptions/2"})",
      R"({"files":[],"format":"piiguard-exceptions/1","more":1})",
      R"({"files":{},"format":"piiguard-exceptions/1"})",
      R"({"files":[1],"format":"piiguard-exceptions/1"})",
      R"({"files":[""],"format":"piiguard-exceptions/1"})",
      R"({"files":["!!"],"format":"piiguard-exceptions/1"})",
      R"({"files":["ZmlsZQ"],"format":"piiguard-exceptions/1"})",
  };
  for (const char* text : bad) {
    EXPECT_FALSE(ParseExceptionDelivery(text).ok()) << text;
  }
  std::string many = R"({"format":"piiguard-exceptions/1","files":[)";
  for (size_t i = 0; i <= kMaxDeliveredFiles; ++i) {
    many += (i == 0 ? "\"" : ",\"") + ok_file + "\"";
  }
  many += "]}";
  EXPECT_FALSE(ParseExceptionDelivery(many).ok());
  EXPECT_FALSE(
      ParseExceptionDelivery(std::string(kMaxDeliveryAnswerBytes + 1, ' '))
          .ok());
}

}  // namespace
}  // namespace piiguard
