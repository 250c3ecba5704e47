// The roster detector's name lexicon: Japanese surnames and given names
// with their katakana readings, generated from Debian's naist-jdic
// (names_data.inc, written by gen_names.py; BSD-3-Clause). A kanji word
// written without a space ("山田太郎") is a name when it splits into a
// listed surname and a listed given name; a spaced pair ("中村 太郎") is a
// name more surely when its first word is a listed surname, whatever that
// surname ends with (中村, 馬場, 土屋 end like places and shops).
//
// Lookups are binary searches over sorted constant arrays: no start-up
// cost, no allocation.
//
// Thread-safety: immutable data.
#ifndef PIIGUARD_AGENT_ROSTER_NAMES_H_
#define PIIGUARD_AGENT_ROSTER_NAMES_H_

#include <cstddef>
#include <string_view>

namespace piiguard::roster {

bool IsSurname(std::string_view word);             // 山田, 中村, 一ノ瀬
bool IsGivenName(std::string_view word);           // 太郎, 花子, さくら
bool IsSurnameReading(std::string_view katakana);  // ヤマダ
bool IsGivenReading(std::string_view katakana);    // タロウ

// Where `word` (kanji, maybe kana after) splits into a listed surname and a
// listed given name: the byte length of the surname part, or 0. Surnames of
// one kanji need a given name of two characters or more (森林 is a word).
size_t SplitName(std::string_view word);

// A kanji given name of two or three characters that ends like one (子,
// 郎, 美, 雄, 樹, 奈...): for rare names the lexicon lacks (真綾, 七夏).
bool LooksLikeGivenName(std::string_view word);

size_t SurnameCount();
size_t GivenNameCount();

}  // namespace piiguard::roster

#endif  // PIIGUARD_AGENT_ROSTER_NAMES_H_
