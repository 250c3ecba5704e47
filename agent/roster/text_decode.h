// Text files for the roster detector: which encoding the bytes are in
// (from the content: a BOM, NUL-byte patterns of UTF-16, UTF-8 validity,
// else the better of CP932 and EUC-JP), their conversion to UTF-8 (ICU),
// and NFKC normalisation (ICU) when the text holds full-width ASCII or
// half-width katakana, so "０９０－１２３４" and "ﾔﾏﾀﾞ" reach the patterns
// as "090-1234" and "ヤマダ".
//
// Thread-safety: pure functions (ICU converters are opened per call).
#ifndef PIIGUARD_AGENT_ROSTER_TEXT_DECODE_H_
#define PIIGUARD_AGENT_ROSTER_TEXT_DECODE_H_

#include <string>
#include <string_view>

#include "common/result.h"

namespace piiguard::roster {

enum class TextEncoding {
  kUtf8,
  kUtf8Bom,
  kUtf16Le,
  kUtf16Be,
  kCp932,
  kEucJp,
  kBinary,  // not text: NUL bytes or control characters, or undecodable
};
std::string_view TextEncodingName(TextEncoding encoding);

// Decides from the first bytes (at most 64 KiB are looked at).
TextEncoding SniffEncoding(std::string_view bytes);

// The text as UTF-8, normalised to NFKC where needed (above). Invalid
// sequences become U+FFFD. For kUtf8 input that needs no normalisation the
// result is `bytes` itself (no copy): `storage` stays empty and the view
// points into `bytes`. REQUIRES: encoding != kBinary.
Result<std::string_view> DecodeText(std::string_view bytes,
                                    TextEncoding encoding,
                                    std::string& storage);

// True if `utf8` holds a character that NFKC changes and the patterns
// care about: full-width ASCII (U+FF01-FF5E) or half-width katakana
// (U+FF61-FF9F).
bool NeedsNfkc(std::string_view utf8);

}  // namespace piiguard::roster

#endif  // PIIGUARD_AGENT_ROSTER_TEXT_DECODE_H_
