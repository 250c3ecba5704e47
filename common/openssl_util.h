// Small OpenSSL helpers shared by the crypto and TLS code: owned BIOs,
// memory BIOs over byte strings, and OpenSSL's error queue as text.
//
// Thread-safety: thread-safe (OpenSSL's error queue is per thread).
#ifndef PIIGUARD_COMMON_OPENSSL_UTIL_H_
#define PIIGUARD_COMMON_OPENSSL_UTIL_H_

#include <openssl/bio.h>

#include <memory>
#include <string>
#include <string_view>

namespace piiguard {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

// The newest OpenSSL error as text, or `fallback` if the queue is empty;
// the queue is cleared.
std::string OpenSslReason(std::string_view fallback);

// A read-only memory BIO over `bytes` (which must outlive it); null if the
// bytes are too large for OpenSSL's int lengths.
BioPtr MemBio(std::string_view bytes);

// Everything written to a memory BIO so far.
std::string BioContents(BIO* bio);

// True if nothing but whitespace is left in `bio` (one PEM block only).
bool OnlyWhitespaceLeft(BIO* bio);

}  // namespace piiguard

#endif  // PIIGUARD_COMMON_OPENSSL_UTIL_H_
