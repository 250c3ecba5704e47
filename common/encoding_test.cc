#include "common/encoding.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace piiguard {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string RandomString(std::mt19937& rng, size_t length) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::string out;
  for (size_t i = 0; i < length; ++i) {
    out.push_back(static_cast<char>(byte(rng)));
  }
  return out;
}

void ExpectInvalid(const Result<std::string>& result, std::string_view input,
                   std::string_view context) {
  EXPECT_FALSE(result.ok()) << "accepted \"" << input << "\"";
  if (!result.ok()) {
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(result.status().message(), HasSubstr(context));
  }
}

// --- hex ---------------------------------------------------------------------

TEST(HexTest, KnownValues) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode(std::string("\x00\x01\x7f\x80\xab\xff", 6)),
            "00017f80abff");
  Result<std::string> decoded = HexDecode("00017f80abff");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, std::string("\x00\x01\x7f\x80\xab\xff", 6));
  Result<std::string> empty = HexDecode("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

TEST(HexTest, EveryByteRoundTrips) {
  for (int b = 0; b < 256; ++b) {
    const std::string byte(1, static_cast<char>(b));
    const std::string hex = HexEncode(byte);
    ASSERT_EQ(hex.size(), 2U);
    Result<std::string> decoded = HexDecode(hex);
    ASSERT_TRUE(decoded.ok()) << hex;
    EXPECT_EQ(*decoded, byte);
  }
}

TEST(HexTest, RandomRoundTripsForLengths0To64) {
  std::mt19937 rng(1234);
  for (size_t length = 0; length <= 64; ++length) {
    for (int round = 0; round < 8; ++round) {
      const std::string bytes = RandomString(rng, length);
      const std::string hex = HexEncode(bytes);
      ASSERT_EQ(hex.size(), 2 * length);
      EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos);
      Result<std::string> decoded = HexDecode(hex);
      ASSERT_TRUE(decoded.ok()) << hex;
      EXPECT_EQ(*decoded, bytes);
    }
  }
}

TEST(HexTest, EveryTwoByteInputDecodesOnlyIfCanonical) {
  // Exhaustive over all 65536 two-character inputs: accepted exactly when
  // both are lower-case hex digits, and then the encoding is the input.
  const std::string_view digits = "0123456789abcdef";
  for (int hi = 0; hi < 256; ++hi) {
    for (int lo = 0; lo < 256; ++lo) {
      const std::string input = {static_cast<char>(hi), static_cast<char>(lo)};
      const bool valid =
          digits.find(static_cast<char>(hi)) != std::string_view::npos &&
          digits.find(static_cast<char>(lo)) != std::string_view::npos;
      Result<std::string> decoded = HexDecode(input);
      ASSERT_EQ(decoded.ok(), valid) << hi << "," << lo;
      if (valid) {
        ASSERT_EQ(decoded->size(), 1U);
        EXPECT_EQ(HexEncode(*decoded), input);
      }
    }
  }
}

TEST(HexTest, RefusesNonCanonicalInput) {
  for (std::string_view bad :
       {"A", "abc", "0", "AB", "0A", "aB", "Ff", "0g", "zz", " 00", "00 ",
        "0\n", "00\n", "0x00", "+1", "-1", "\xc3\xa9", "00==", "0 0 "}) {
    ExpectInvalid(HexDecode(bad), bad, "hex: ");
  }
  ExpectInvalid(HexDecode(std::string("\0\0", 2)), "NUL NUL", "hex: ");
  ExpectInvalid(HexDecode("abc"), "abc", "odd number of digits");
  ExpectInvalid(HexDecode("AB"), "AB", "not a lower-case hex digit");
}

// --- base64 -----------------------------------------------------------------

TEST(Base64Test, Rfc4648Vectors) {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    Result<std::string> decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64Test, UsesStandardAlphabetWithPlusAndSlash) {
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(Base64Encode("\xff\xff\xff"), "////");
  EXPECT_EQ(Base64Encode(std::string(3, '\0')), "AAAA");
  Result<std::string> decoded = Base64Decode("+/8=");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, "\xfb\xff");
}

TEST(Base64Test, RandomRoundTripsForLengths0To64) {
  std::mt19937 rng(5678);
  for (size_t length = 0; length <= 64; ++length) {
    for (int round = 0; round < 8; ++round) {
      const std::string bytes = RandomString(rng, length);
      const std::string text = Base64Encode(bytes);
      ASSERT_EQ(text.size(), (length + 2) / 3 * 4);
      const size_t pad = (3 - length % 3) % 3;
      EXPECT_EQ(text.find('='),
                pad == 0 ? std::string::npos : text.size() - pad)
          << text;
      Result<std::string> decoded = Base64Decode(text);
      ASSERT_TRUE(decoded.ok()) << text;
      EXPECT_EQ(*decoded, bytes);
    }
  }
}

TEST(Base64Test, RefusesNonCanonicalTrailingBits) {
  // "A" is "QQ=="; "QR==" .. "QZ==" differ only in bits that padding drops.
  Result<std::string> canonical = Base64Decode("QQ==");
  ASSERT_TRUE(canonical.ok());
  EXPECT_EQ(*canonical, "A");
  for (std::string_view bad :
       {"QR==", "QZ==", "Qf==", "Q/==", "QUJ=", "QUK=", "QUL=", "QU/="}) {
    ExpectInvalid(Base64Decode(bad), bad, "non-canonical padding bits");
  }
  Result<std::string> ab = Base64Decode("QUI=");
  ASSERT_TRUE(ab.ok());
  EXPECT_EQ(*ab, "AB");
}

TEST(Base64Test, RefusesBadLengthPaddingAndCharacters) {
  for (std::string_view bad : {
           "Q",          "QQ",         "QQ=",      "QQ===", "QUJDQ",  "=",
           "====",       "Q===",       "==QQ",     "=QQQ",  "QQ=A",   "Q=QQ",
           "QQ==QQ==",   "QUI=QUJD",   "QQ== ",    " QQ==", "QQ==\n", "QU JD",
           "QUJD\nQUJD", "QUJ\n",      "Zm9v\r\n", "-_-_",  "QUJ_",   "QU.D",
           "QUJD====",   "\xc3\xa9QQ", "QQ\x80=",
       }) {
    ExpectInvalid(Base64Decode(bad), bad, "base64: ");
  }
  ExpectInvalid(Base64Decode(std::string("QQ\0=", 4)), "QQ NUL =", "base64: ");
}

// Every accepted input must be the encoding of what it decodes to: one byte
// string, one text. Checked over all short inputs built from characters that
// exercise padding, trailing bits and the alphabet's ends.
TEST(Base64Test, AcceptedInputIsAlwaysCanonical) {
  // 'A' = 0, 'Q' = 16, 'R' = 17, 'w' = 48, '/' = 63: every combination of
  // zero and non-zero low bits.
  const std::string chars = "AQRw/=";
  std::vector<std::string> inputs = {""};
  for (int length = 1; length <= 8; ++length) {
    std::vector<std::string> longer;
    for (const std::string& prefix : inputs) {
      if (static_cast<int>(prefix.size()) != length - 1) continue;
      for (char c : chars) longer.push_back(prefix + c);
    }
    inputs.insert(inputs.end(), longer.begin(), longer.end());
  }
  size_t accepted = 0;
  for (const std::string& input : inputs) {
    Result<std::string> decoded = Base64Decode(input);
    if (!decoded.ok()) continue;
    ++accepted;
    ASSERT_EQ(Base64Encode(*decoded), input) << "non-canonical accepted";
  }
  // Sanity: the canonical ones among them were accepted too.
  EXPECT_GT(accepted, 1000U);
}

TEST(Base64Test, EveryTwoCharacterPrefixWithPaddingIsCanonicalOrRefused) {
  // All 64*64 "xy==" inputs: exactly the 256 encodings of one byte pass.
  size_t accepted = 0;
  for (char x : kAlphabet) {
    for (char y : kAlphabet) {
      const std::string input = std::string{x, y} + "==";
      Result<std::string> decoded = Base64Decode(input);
      if (!decoded.ok()) continue;
      ++accepted;
      ASSERT_EQ(decoded->size(), 1U);
      EXPECT_EQ(Base64Encode(*decoded), input);
    }
  }
  EXPECT_EQ(accepted, 256U);
}

TEST(Base64Test, EveryByteInEveryPositionIsCheckedAgainstTheAlphabet) {
  for (size_t pos = 0; pos < 4; ++pos) {
    for (int b = 0; b < 256; ++b) {
      std::string input = "QUJD";  // "ABC"
      input[pos] = static_cast<char>(b);
      const bool in_alphabet =
          kAlphabet.find(static_cast<char>(b)) != std::string_view::npos;
      const bool is_padding_at_end = b == '=' && pos == 3;
      Result<std::string> decoded = Base64Decode(input);
      if (is_padding_at_end) {
        // "QUJ=" has non-zero trailing bits.
        EXPECT_FALSE(decoded.ok());
        continue;
      }
      ASSERT_EQ(decoded.ok(), in_alphabet) << pos << "," << b;
      if (in_alphabet) {
        EXPECT_EQ(Base64Encode(*decoded), input);
      }
    }
  }
}

}  // namespace
}  // namespace piiguard
