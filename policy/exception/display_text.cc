#include "policy/exception/display_text.h"

#include <cstddef>

namespace piiguard::exception {
namespace {

// Decodes one UTF-8 code point at `text[i]` (advancing `i`): nullopt for
// a malformed, overlong or surrogate sequence.
std::optional<char32_t> NextCodePoint(std::string_view text, size_t& i) {
  const auto lead = static_cast<unsigned char>(text[i++]);
  if (lead < 0x80) return lead;
  size_t more = 3;
  char32_t min = 0x10000;
  if ((lead & 0xe0) == 0xc0) {
    more = 1;
    min = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    more = 2;
    min = 0x800;
  } else if ((lead & 0xf8) != 0xf0) {
    return std::nullopt;
  }
  char32_t cp = lead & (0x7f >> (more + 1));
  for (; more > 0; --more, ++i) {
    if (i >= text.size()) return std::nullopt;
    const auto next = static_cast<unsigned char>(text[i]);
    if ((next & 0xc0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (next & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    return std::nullopt;
  }
  return cp;
}

// C0, DEL, C1, the line and paragraph separators, the bidi controls and
// the zero-width and other format characters: the reason is shown to staff
// and read at the office, where such characters could forge lines or hide
// or reorder text.
bool IsControl(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
         (cp >= 0x200b && cp <= 0x200f) ||  // zero-width, LRM, RLM
         (cp >= 0x2028 && cp <= 0x202e) ||  // LS, PS, bidi embeddings
         (cp >= 0x2060 && cp <= 0x206f) ||  // word joiner, bidi isolates
         cp == 0xfeff || cp == 0x00ad || cp == 0x061c ||
         (cp >= 0xfff9 && cp <= 0xfffb);  // interlinear annotation
}

}  // namespace

std::optional<std::string_view> DisplayTextProblem(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    std::optional<char32_t> cp = NextCodePoint(text, i);
    if (!cp) return "not valid UTF-8";
    if (IsControl(*cp)) return "control characters are not allowed";
  }
  return std::nullopt;
}

}  // namespace piiguard::exception
