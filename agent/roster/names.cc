#include "agent/roster/names.h"

#include <algorithm>
#include <array>
#include <span>

namespace piiguard::roster {
namespace {

#include "agent/roster/names_data.inc"

bool Has(std::span<const std::string_view> sorted, std::string_view word) {
  return std::binary_search(sorted.begin(), sorted.end(), word);
}

// Bytes of the UTF-8 character starting with `lead`.
size_t CharBytes(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  return 4;
}

}  // namespace

bool IsSurname(std::string_view word) { return Has(kSurnameWords, word); }
bool IsGivenName(std::string_view word) { return Has(kGivenWords, word); }
bool IsSurnameReading(std::string_view katakana) {
  return Has(kSurnameReadings, katakana);
}
bool IsGivenReading(std::string_view katakana) {
  return Has(kGivenReadings, katakana);
}

size_t SplitName(std::string_view word) {
  // Surnames of up to four characters, longest first: 佐々木 before 佐々.
  std::array<size_t, 5> cuts{};
  size_t chars = 0;
  for (size_t pos = 0; pos < word.size() && chars < cuts.size();) {
    pos += CharBytes(static_cast<unsigned char>(word[pos]));
    cuts[chars++] = std::min(pos, word.size());
  }
  for (size_t n = std::min<size_t>(chars, 4); n >= 1; --n) {
    size_t cut = cuts[n - 1];
    if (cut >= word.size()) continue;
    std::string_view given = word.substr(cut);
    bool long_enough =
        n >= 2 ||
        CharBytes(static_cast<unsigned char>(given[0])) < given.size();
    if (long_enough && IsSurname(word.substr(0, cut)) && IsGivenName(given)) {
      return cut;
    }
  }
  return 0;
}

bool LooksLikeGivenName(std::string_view word) {
  // The commonest last characters of the lexicon's given names, less those
  // that end ordinary words too (人, 明, 生, 和, 正, 山, 市...).
  static constexpr std::string_view kEndings =
      "子郎美雄夫男江治助吉代枝彦恵次蔵司香也幸弘久志紀樹奈介衛太朗宏博実"
      "弥哉吾穂輔佳菜希理絵乃翔斗音綾夏帆咲里莉凛翼蓮輝";
  if (word.size() < 6 || word.size() > 9 || word.size() % 3 != 0) return false;
  for (size_t i = 0; i < word.size(); i += 3) {
    auto b = static_cast<unsigned char>(word[i]);
    if (b < 0xE4 || b > 0xE9) return false;  // CJK ideographs only
  }
  std::string_view last = word.substr(word.size() - 3);
  for (size_t i = 0; i < kEndings.size(); i += 3) {
    if (kEndings.substr(i, 3) == last) return true;
  }
  return false;
}

size_t SurnameCount() { return kSurnameWords.size(); }
size_t GivenNameCount() { return kGivenWords.size(); }

}  // namespace piiguard::roster
