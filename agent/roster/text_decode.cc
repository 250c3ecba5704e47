#include "agent/roster/text_decode.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/ucnv.h>
#include <unicode/ustring.h>

#include <array>
#include <cstring>
#include <memory>

namespace piiguard::roster {
namespace {

constexpr size_t kSniffBytes = size_t{64} * 1024;

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
using Converter = std::unique_ptr<UConverter, ConverterCloser>;

bool Between(unsigned char c, unsigned lo, unsigned hi) {
  return c >= lo && c <= hi;
}

// Length of the well-formed UTF-8 sequence at s[i], 0 if ill-formed, -1
// if it is cut off by the end of `s` (a sample may end mid-character).
int Utf8SequenceLength(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  int n = 0;
  if (c < 0x80) return 1;
  if (Between(c, 0xC2, 0xDF)) n = 2;
  if (Between(c, 0xE0, 0xEF)) n = 3;
  if (Between(c, 0xF0, 0xF4)) n = 4;
  if (n == 0) return 0;
  if (i + static_cast<size_t>(n) > s.size()) return -1;
  for (int k = 1; k < n; ++k) {
    if (!Between(b(static_cast<size_t>(k)), 0x80, 0xBF)) return 0;
  }
  // Overlong encodings, surrogates and code points past U+10FFFF.
  if (c == 0xE0 && b(1) < 0xA0) return 0;
  if (c == 0xED && b(1) > 0x9F) return 0;
  if (c == 0xF0 && b(1) < 0x90) return 0;
  if (c == 0xF4 && b(1) > 0x8F) return 0;
  return n;
}

bool IsValidUtf8Sample(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    int n = Utf8SequenceLength(s, i);
    if (n < 0) return true;  // cut off at the end of the sample
    if (n == 0) return false;
    i += static_cast<size_t>(n);
  }
  return true;
}

// Control characters other than TAB, LF, CR, FF and ESC (ISO-2022) mark a
// binary file.
bool HasBinaryControls(std::string_view s) {
  size_t controls = 0;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' &&
        c != 0x1B) {
      ++controls;
    }
  }
  return controls * 100 > s.size();  // more than 1%
}

struct Score {
  size_t invalid = 0;
  size_t odd = 0;   // valid but unusual: half-width katakana
  size_t kana = 0;  // hiragana and katakana pairs: typical of Japanese

  // Fewer invalid sequences, then fewer odd characters, then more kana.
  bool BetterThan(const Score& o) const {
    if (invalid != o.invalid) return invalid < o.invalid;
    if (odd != o.odd) return odd < o.odd;
    return kana > o.kana;
  }
};

Score ScoreCp932(std::string_view s) {
  Score score;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) continue;
    if (Between(c, 0xA1, 0xDF)) {
      ++score.odd;
      continue;
    }
    if (!(Between(c, 0x81, 0x9F) || Between(c, 0xE0, 0xFC))) {
      ++score.invalid;
      continue;
    }
    if (i + 1 >= s.size()) break;
    auto t = static_cast<unsigned char>(s[i + 1]);
    if (!(Between(t, 0x40, 0x7E) || Between(t, 0x80, 0xFC))) {
      ++score.invalid;
      continue;
    }
    if ((c == 0x82 && Between(t, 0x9F, 0xF1)) ||
        (c == 0x83 && Between(t, 0x40, 0x96))) {
      ++score.kana;
    }
    ++i;
  }
  return score;
}

Score ScoreEucJp(std::string_view s) {
  Score score;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) continue;
    size_t need = c == 0x8F ? 2 : 1;
    if (!(c == 0x8E || c == 0x8F || Between(c, 0xA1, 0xFE))) {
      ++score.invalid;
      continue;
    }
    if (i + need >= s.size()) break;
    bool ok = true;
    for (size_t k = 1; k <= need; ++k) {
      auto t = static_cast<unsigned char>(s[i + k]);
      ok = ok && (c == 0x8E ? Between(t, 0xA1, 0xDF) : Between(t, 0xA1, 0xFE));
    }
    if (!ok) {
      ++score.invalid;
      continue;
    }
    if (c == 0xA4 || c == 0xA5) ++score.kana;
    if (c == 0x8E) ++score.odd;
    i += need;
  }
  return score;
}

TextEncoding SniffUtf16(std::string_view s) {
  size_t even = 0;
  size_t odd = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\0') ++((i % 2 == 0) ? even : odd);
  }
  size_t pairs = s.size() / 2;
  if (odd * 10 >= pairs * 3 && even * 20 < pairs) return TextEncoding::kUtf16Le;
  if (even * 10 >= pairs * 3 && odd * 20 < pairs) return TextEncoding::kUtf16Be;
  return TextEncoding::kBinary;
}

const char* IcuName(TextEncoding e) {
  switch (e) {
    case TextEncoding::kUtf16Le:
      return "UTF-16LE";
    case TextEncoding::kUtf16Be:
      return "UTF-16BE";
    case TextEncoding::kCp932:
      return "ibm-943_P15A-2003";  // windows-31j
    case TextEncoding::kEucJp:
      return "ibm-33722_P12A_P12A-2009_U2";  // EUC-JP
    default:
      return nullptr;
  }
}

std::string_view StripBom(std::string_view bytes, TextEncoding e) {
  if (e == TextEncoding::kUtf8Bom && bytes.starts_with("\xEF\xBB\xBF")) {
    return bytes.substr(3);
  }
  if ((e == TextEncoding::kUtf16Le && bytes.starts_with("\xFF\xFE")) ||
      (e == TextEncoding::kUtf16Be && bytes.starts_with("\xFE\xFF"))) {
    return bytes.substr(2);
  }
  return bytes;
}

// To UTF-8 through ICU, in pieces (memory: the output plus 64 KiB).
Result<std::string> ConvertToUtf8(std::string_view bytes, TextEncoding e) {
  UErrorCode err = U_ZERO_ERROR;
  Converter conv(ucnv_open(IcuName(e), &err));
  if (U_FAILURE(err)) {
    return InternalError("roster", IcuName(e), u_errorName(err));
  }
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 2);
  std::array<UChar, 32768> wide{};
  std::array<char, 3 * 32768 + 4> narrow{};
  const char* source = bytes.data();
  const char* end = bytes.data() + bytes.size();
  bool done = false;
  while (!done) {
    UChar* target = wide.data();
    err = U_ZERO_ERROR;
    ucnv_toUnicode(conv.get(), &target, wide.data() + wide.size(), &source, end,
                   nullptr, /*flush=*/true, &err);
    if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err)) {
      return InternalError("roster", "decode", u_errorName(err));
    }
    done = err != U_BUFFER_OVERFLOW_ERROR;
    int32_t length = 0;
    UErrorCode err8 = U_ZERO_ERROR;
    u_strToUTF8WithSub(narrow.data(), static_cast<int32_t>(narrow.size()),
                       &length, wide.data(),
                       static_cast<int32_t>(target - wide.data()), 0xFFFD,
                       nullptr, &err8);
    if (U_FAILURE(err8)) {
      return InternalError("roster", "decode", u_errorName(err8));
    }
    out.append(narrow.data(), static_cast<size_t>(length));
  }
  return out;
}

Result<std::string> Nfkc(std::string_view utf8) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(err);
  if (U_FAILURE(err)) return InternalError("roster", "nfkc", u_errorName(err));
  std::string out;
  out.reserve(utf8.size());
  icu::StringByteSink<std::string> sink(&out);
  nfkc->normalizeUTF8(
      0, icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())), sink,
      nullptr, err);
  if (U_FAILURE(err)) return InternalError("roster", "nfkc", u_errorName(err));
  return out;
}

}  // namespace

std::string_view TextEncodingName(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::kUtf8:
      return "utf-8";
    case TextEncoding::kUtf8Bom:
      return "utf-8-bom";
    case TextEncoding::kUtf16Le:
      return "utf-16le";
    case TextEncoding::kUtf16Be:
      return "utf-16be";
    case TextEncoding::kCp932:
      return "cp932";
    case TextEncoding::kEucJp:
      return "euc-jp";
    case TextEncoding::kBinary:
      return "binary";
  }
  return "binary";
}

TextEncoding SniffEncoding(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) return TextEncoding::kUtf8Bom;
  if (bytes.starts_with("\xFF\xFE")) return TextEncoding::kUtf16Le;
  if (bytes.starts_with("\xFE\xFF")) return TextEncoding::kUtf16Be;
  std::string_view s = bytes.substr(0, kSniffBytes);
  if (std::memchr(s.data(), '\0', s.size()) != nullptr) return SniffUtf16(s);
  if (HasBinaryControls(s)) return TextEncoding::kBinary;
  if (IsValidUtf8Sample(s)) return TextEncoding::kUtf8;
  Score sjis = ScoreCp932(s);
  Score euc = ScoreEucJp(s);
  const Score& best = euc.BetterThan(sjis) ? euc : sjis;
  // More than 1 invalid sequence in 200 bytes: not Japanese text.
  if (best.invalid * 200 > s.size()) return TextEncoding::kBinary;
  return &best == &sjis ? TextEncoding::kCp932 : TextEncoding::kEucJp;
}

bool NeedsNfkc(std::string_view utf8) {
  const char* p = utf8.data();
  const char* end = p + utf8.size();
  while (p + 1 < end) {
    const void* found = std::memchr(p, 0xEF, static_cast<size_t>(end - p - 1));
    if (found == nullptr) return false;
    p = static_cast<const char*>(found);
    auto second = static_cast<unsigned char>(p[1]);
    if (second >= 0xBC && second <= 0xBE) return true;
    ++p;
  }
  return false;
}

Result<std::string_view> DecodeText(std::string_view bytes,
                                    TextEncoding encoding,
                                    std::string& storage) {
  std::string_view body = StripBom(bytes, encoding);
  if (encoding == TextEncoding::kUtf8 || encoding == TextEncoding::kUtf8Bom) {
    if (!NeedsNfkc(body)) return body;
    PIIGUARD_ASSIGN_OR_RETURN(storage, Nfkc(body));
    return std::string_view{storage};
  }
  if (IcuName(encoding) == nullptr) {
    return InvalidArgumentError("roster", "text", "not a text encoding");
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string utf8, ConvertToUtf8(body, encoding));
  if (NeedsNfkc(utf8)) {
    PIIGUARD_ASSIGN_OR_RETURN(storage, Nfkc(utf8));
  } else {
    storage = std::move(utf8);
  }
  return std::string_view{storage};
}

}  // namespace piiguard::roster
