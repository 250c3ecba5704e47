#include "agent/roster/utf8_class.h"

#include <gtest/gtest.h>
#include <hs/hs.h>

#include <string>

namespace piiguard::roster {
namespace {

// Compiles `expression` anchored at both ends and says whether it matches
// `text` as a whole.
class Matcher {
 public:
  explicit Matcher(const std::string& expression) {
    hs_compile_error_t* error = nullptr;
    std::string anchored = "^" + expression + "$";
    EXPECT_EQ(hs_compile(anchored.c_str(), HS_FLAG_SINGLEMATCH, HS_MODE_BLOCK,
                         nullptr, &db_, &error),
              HS_SUCCESS)
        << (error != nullptr ? error->message : "");
    hs_free_compile_error(error);
    EXPECT_EQ(hs_alloc_scratch(db_, &scratch_), HS_SUCCESS);
  }
  ~Matcher() {
    hs_free_scratch(scratch_);
    hs_free_database(db_);
  }
  bool Matches(const std::string& text) {
    bool matched = false;
    hs_scan(
        db_, text.data(), static_cast<unsigned>(text.size()), 0, scratch_,
        [](unsigned, unsigned long long, unsigned long long, unsigned,
           void* ctx) {
          *static_cast<bool*>(ctx) = true;
          return 0;
        },
        &matched);
    return matched;
  }

 private:
  hs_database_t* db_ = nullptr;
  hs_scratch_t* scratch_ = nullptr;
};

TEST(Utf8ClassTest, EncodesLikeTheStandard) {
  EXPECT_EQ(EncodeUtf8(U'A'), "A");
  EXPECT_EQ(EncodeUtf8(U'é'), "\xC3\xA9");
  EXPECT_EQ(EncodeUtf8(U'山'), "山");
  EXPECT_EQ(EncodeUtf8(U'𠮷'), "\xF0\xA0\xAE\xB7");
}

// Every code point of a few planes' worth of boundaries: members match,
// neighbours do not.
TEST(Utf8ClassTest, MatchesExactlyTheRanges) {
  CodePointRanges ranges = {{0x41, 0x5A},        {0x7F, 0x800},
                            {0x3041, 0x3096},    {0x4E00, 0x9FFF},
                            {0xD000, 0xE100},    {0xFFF0, 0x10010},
                            {0x10FFF0, 0x10FFFF}};
  Matcher m(Utf8Class(ranges));
  auto member = [&](char32_t cp) {
    for (const auto& [lo, hi] : ranges) {
      if (cp >= lo && cp <= hi && !(cp >= 0xD800 && cp <= 0xDFFF)) return true;
    }
    return false;
  };
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    bool near = false;
    for (const auto& [lo, hi] : ranges) {
      if ((cp + 70 >= lo && cp <= lo + 70) || (cp + 70 >= hi && cp <= hi + 70))
        near = true;
    }
    // Every code point near a range boundary, and a sample of the rest.
    if (!near && cp % 997 != 0) continue;
    ASSERT_EQ(m.Matches(EncodeUtf8(cp)), member(cp))
        << std::hex << static_cast<uint32_t>(cp);
  }
}

TEST(Utf8ClassTest, NeverMatchesIllFormedBytes) {
  Matcher m(Utf8Class({{0x80, 0x10FFFF}}));
  EXPECT_FALSE(m.Matches("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(m.Matches("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(m.Matches("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(m.Matches("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(m.Matches("\xE5\xB1"));          // cut off
  EXPECT_TRUE(m.Matches("\xE5\xB1\xB1"));       // 山
}

}  // namespace
}  // namespace piiguard::roster
