// Byte-level regular expressions for sets of Unicode code points, for the
// roster detector's Hyperscan patterns. The patterns run over raw bytes
// (no HS_FLAG_UTF8), so a file with invalid UTF-8 never puts Hyperscan in
// undefined behaviour: a code point class becomes an alternation of UTF-8
// byte sequences ("[一-龥]" -> "(?:\xE4[\xB8-\xBF][\x80-\xBF]|...)"), which
// can only match well-formed encodings of code points in the set.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_ROSTER_UTF8_CLASS_H_
#define PIIGUARD_AGENT_ROSTER_UTF8_CLASS_H_

#include <string>
#include <utility>
#include <vector>

namespace piiguard::roster {

// Inclusive code point ranges; surrogates (D800-DFFF) are left out.
using CodePointRanges = std::vector<std::pair<char32_t, char32_t>>;

// A non-capturing group matching exactly the UTF-8 encodings of the code
// points in `ranges` (empty ranges: a group that matches nothing is not
// expressible; REQUIRES: at least one non-empty range).
std::string Utf8Class(const CodePointRanges& ranges);

// The UTF-8 encoding of one code point (REQUIRES: a scalar value).
std::string EncodeUtf8(char32_t cp);

}  // namespace piiguard::roster

#endif  // PIIGUARD_AGENT_ROSTER_UTF8_CLASS_H_
