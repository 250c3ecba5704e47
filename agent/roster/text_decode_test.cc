#include "agent/roster/text_decode.h"

#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include <string>

namespace piiguard::roster {
namespace {

// Encodes UTF-8 `text` into `charset` with ICU, for the fixtures.
std::string Encode(const std::string& text, const char* charset) {
  UErrorCode err = U_ZERO_ERROR;
  std::string out(text.size() * 4 + 16, '\0');
  int32_t n = ucnv_convert(charset, "UTF-8", out.data(),
                           static_cast<int32_t>(out.size()), text.data(),
                           static_cast<int32_t>(text.size()), &err);
  EXPECT_TRUE(U_SUCCESS(err)) << u_errorName(err);
  out.resize(static_cast<size_t>(n));
  return out;
}

const std::string kText =
    "氏名,ふりがな,電話番号\n山田 太郎,やまだ たろう,090-1234-5678\n"
    "佐藤 花子,さとう はなこ,03-1234-5678\n";

std::string Decoded(const std::string& bytes, TextEncoding expected) {
  EXPECT_EQ(SniffEncoding(bytes), expected);
  std::string storage;
  Result<std::string_view> text = DecodeText(bytes, expected, storage);
  EXPECT_TRUE(text.ok()) << text.status().message();
  return text.ok() ? std::string(*text) : "";
}

TEST(TextDecodeTest, Utf8IsNotCopied) {
  std::string storage;
  EXPECT_EQ(SniffEncoding(kText), TextEncoding::kUtf8);
  Result<std::string_view> text =
      DecodeText(kText, TextEncoding::kUtf8, storage);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->data(), kText.data());
  EXPECT_TRUE(storage.empty());
}

TEST(TextDecodeTest, EveryEncodingComesBackAsUtf8) {
  EXPECT_EQ(Decoded("\xEF\xBB\xBF" + kText, TextEncoding::kUtf8Bom), kText);
  EXPECT_EQ(
      Decoded("\xFF\xFE" + Encode(kText, "UTF-16LE"), TextEncoding::kUtf16Le),
      kText);
  EXPECT_EQ(
      Decoded("\xFE\xFF" + Encode(kText, "UTF-16BE"), TextEncoding::kUtf16Be),
      kText);
  EXPECT_EQ(Decoded(Encode(kText, "ibm-943_P15A-2003"), TextEncoding::kCp932),
            kText);
  EXPECT_EQ(Decoded(Encode(kText, "EUC-JP"), TextEncoding::kEucJp), kText);
}

TEST(TextDecodeTest, KanjiOnlyEucJpIsNotTakenForCp932) {
  std::string kanji =
      "山田,東京都東村山市本町,電話\n佐藤,大阪府大阪市北区,電話\n";
  EXPECT_EQ(Decoded(Encode(kanji, "EUC-JP"), TextEncoding::kEucJp), kanji);
  EXPECT_EQ(Decoded(Encode(kanji, "ibm-943_P15A-2003"), TextEncoding::kCp932),
            kanji);
}

TEST(TextDecodeTest, Utf16WithoutBomFromItsNulBytes) {
  std::string ascii = "name,phone\nTaro Yamada,090-1234-5678\n";
  EXPECT_EQ(SniffEncoding(Encode(ascii, "UTF-16LE")), TextEncoding::kUtf16Le);
  EXPECT_EQ(SniffEncoding(Encode(ascii, "UTF-16BE")), TextEncoding::kUtf16Be);
}

TEST(TextDecodeTest, FullWidthFormsAreNormalised) {
  std::string wide = "０９０－１２３４－５６７８,ﾔﾏﾀﾞ ﾀﾛｳ,〒１２３－４５６７";
  EXPECT_TRUE(NeedsNfkc(wide));
  EXPECT_FALSE(NeedsNfkc(kText));
  EXPECT_EQ(Decoded(wide, TextEncoding::kUtf8),
            "090-1234-5678,ヤマダ タロウ,〒123-4567");
}

TEST(TextDecodeTest, BinaryIsNotText) {
  std::string png = "\x89PNG\r\n\x1a\n";
  png += std::string("\0\0\0\rIHDR\0\0\x01\0", 13);
  for (int i = 0; i < 2000; ++i) png += static_cast<char>((i * 37) % 256);
  EXPECT_EQ(SniffEncoding(png), TextEncoding::kBinary);
  std::string soup;
  for (int i = 0; i < 4000; ++i) {
    soup += static_cast<char>(0x80 + (i * 13) % 0x7F);
  }
  EXPECT_EQ(SniffEncoding(soup), TextEncoding::kBinary);
}

TEST(TextDecodeTest, OddUtf16AndInvalidSequencesDoNotFail) {
  std::string odd = "\xFF\xFE" + Encode(kText, "UTF-16LE") + "\x41";
  std::string storage;
  Result<std::string_view> text =
      DecodeText(odd, TextEncoding::kUtf16Le, storage);
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(text->starts_with(kText));
  std::string bad_sjis = Encode(kText, "ibm-943_P15A-2003") + "\x81\x20";
  text = DecodeText(bad_sjis, TextEncoding::kCp932, storage);
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(text->starts_with(kText));
}

}  // namespace
}  // namespace piiguard::roster
