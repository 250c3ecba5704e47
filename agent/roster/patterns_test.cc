#include "agent/roster/patterns.h"

#include <gtest/gtest.h>

namespace piiguard::roster {
namespace {

// The patterns run over bytes (no HS_FLAG_UTF8): a quantifier right after
// a multi-byte character applies to its last byte only ("日?" would need
// two bytes of 日), and a bracket class of kanji is a class of their
// bytes. Multi-byte characters must stand in groups (utf8_class.h).
TEST(PatternsTest, NoQuantifierOrClassOnABareMultiByteCharacter) {
  for (const Pattern& p : RosterPatterns()) {
    const std::string& e = p.expression;
    bool in_class = false;
    for (size_t i = 0; i < e.size(); ++i) {
      auto c = static_cast<unsigned char>(e[i]);
      if (e[i] == '\\') {
        ++i;
        continue;
      }
      if (e[i] == '[') in_class = true;
      if (e[i] == ']') in_class = false;
      if (c < 0x80) continue;
      EXPECT_FALSE(in_class) << "a multi-byte character in a class: " << e;
      bool last_byte = i + 1 == e.size() ||
                       (static_cast<unsigned char>(e[i + 1]) & 0xC0) != 0x80;
      if (last_byte && i + 1 < e.size()) {
        EXPECT_EQ(std::string("?*+{").find(e[i + 1]), std::string::npos)
            << "a quantifier on a bare multi-byte character: " << e;
      }
    }
  }
}

TEST(PatternsTest, SurnameLiteralsKnowTheirSize) {
  size_t surnames = 0;
  for (const Pattern& p : RosterPatterns()) {
    if (p.check != Check::kSurname) continue;
    ++surnames;
    EXPECT_EQ(p.expression.size(), 4 * p.literal_size);  // "\xHH" per byte
  }
  EXPECT_GT(surnames, 250u);
}

}  // namespace
}  // namespace piiguard::roster
