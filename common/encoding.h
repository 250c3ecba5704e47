// Byte encodings used in piiguard's formats: lower-case hex and standard
// base64 (RFC 4648 §4, with padding). Decoders are strict: they refuse
// whitespace, wrong padding, non-alphabet bytes and non-canonical trailing
// bits, so one byte string has exactly one encoding.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_COMMON_ENCODING_H_
#define PIIGUARD_COMMON_ENCODING_H_

#include <string>
#include <string_view>

#include "common/result.h"

namespace piiguard {

std::string HexEncode(std::string_view bytes);
Result<std::string> HexDecode(std::string_view hex);

std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

}  // namespace piiguard

#endif  // PIIGUARD_COMMON_ENCODING_H_
