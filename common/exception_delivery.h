// The answer of GET /api/v1/exceptions (docs/sync.md): the signed exception
// files the office queued for the asking PC, each as base64 of its bytes.
// Both sides read it (the office writes it, the sync process parses it),
// so it lives here. The office never sends more than the limits below and
// the PC refuses an answer that does.
//
//   {"files":["<base64>",...],"format":"piiguard-exceptions/1"}
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_COMMON_EXCEPTION_DELIVERY_H_
#define PIIGUARD_COMMON_EXCEPTION_DELIVERY_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace piiguard {

inline constexpr std::string_view kExceptionDeliveryFormat =
    "piiguard-exceptions/1";
// Files in one answer; the rest come at the next round.
inline constexpr size_t kMaxDeliveredFiles = 16;
// One file (policy/exception/exception_file.h's limit).
inline constexpr size_t kMaxDeliveredFileBytes = size_t{16} * 1024;
// All files of one answer together, before base64.
inline constexpr size_t kMaxDeliveredBytes = size_t{128} * 1024;
// The whole answer body (base64 and JSON around the files).
inline constexpr size_t kMaxDeliveryAnswerBytes = size_t{192} * 1024;

struct ExceptionDelivery {
  std::vector<std::string> files;  // each file's bytes, 1..16 KiB
  bool operator==(const ExceptionDelivery&) const = default;
};

// An error if the delivery is over a limit or has an empty file.
Result<std::string> SerializeExceptionDelivery(const ExceptionDelivery& d);
// Strict: the format, no unknown field, every limit.
Result<ExceptionDelivery> ParseExceptionDelivery(std::string_view body);

}  // namespace piiguard

#endif  // PIIGUARD_COMMON_EXCEPTION_DELIVERY_H_
