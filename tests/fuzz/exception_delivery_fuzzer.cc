// Fuzzes the answer of GET /api/v1/exceptions (common/exception_delivery.h),
// which the sync process parses from the network. Oracles:
//  - an accepted answer is within every limit (count, each file, in all);
//  - it serializes, and that text parses back to the same files, which
//    serialize to the same text again (round trip);
//  - the input wrapped as one file's bytes round-trips when within limits.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/exception_delivery.h"
#include "common/result.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using piiguard::ExceptionDelivery;
  using piiguard::Result;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Result<ExceptionDelivery> parsed = piiguard::ParseExceptionDelivery(input);
  if (parsed.ok()) {
    size_t total = 0;
    if (parsed->files.size() > piiguard::kMaxDeliveredFiles) std::abort();
    for (const std::string& file : parsed->files) {
      if (file.empty() || file.size() > piiguard::kMaxDeliveredFileBytes) {
        std::abort();
      }
      total += file.size();
    }
    if (total > piiguard::kMaxDeliveredBytes) std::abort();
    Result<std::string> text = piiguard::SerializeExceptionDelivery(*parsed);
    if (!text.ok()) std::abort();
    Result<ExceptionDelivery> again = piiguard::ParseExceptionDelivery(*text);
    if (!again.ok() || *again != *parsed) std::abort();
    Result<std::string> text2 = piiguard::SerializeExceptionDelivery(*again);
    if (!text2.ok() || *text2 != *text) std::abort();
  }
  ExceptionDelivery wrapped{{std::string(input)}};
  Result<std::string> text = piiguard::SerializeExceptionDelivery(wrapped);
  if (text.ok() != (size >= 1 && size <= piiguard::kMaxDeliveredFileBytes)) {
    std::abort();
  }
  if (text.ok()) {
    Result<ExceptionDelivery> back = piiguard::ParseExceptionDelivery(*text);
    if (!back.ok() || *back != wrapped) std::abort();
  }
  return 0;
}
