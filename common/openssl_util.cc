#include "common/openssl_util.h"

#include <openssl/err.h>

#include <array>
#include <limits>

namespace piiguard {

std::string OpenSslReason(std::string_view fallback) {
  unsigned long code = ERR_get_error();  // NOLINT(google-runtime-int)
  ERR_clear_error();
  if (code == 0) return std::string(fallback);
  std::array<char, 256> buf{};
  ERR_error_string_n(code, buf.data(), buf.size());
  return buf.data();
}

BioPtr MemBio(std::string_view bytes) {
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return nullptr;
  }
  return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);  // NOLINT(google-runtime-int)
  if (len <= 0 || data == nullptr) return {};
  return {data, static_cast<size_t>(len)};
}

bool OnlyWhitespaceLeft(BIO* bio) {
  char c = 0;
  while (BIO_read(bio, &c, 1) == 1) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') return false;
  }
  return true;
}

}  // namespace piiguard
