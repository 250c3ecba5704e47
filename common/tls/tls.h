// TLS identities for the sync between PCs and the privacy office
// (docs/sync.md): ECDSA P-256 keys, the office CA, certificate issuance and
// checks, and the server pin (SHA-256 of the certificate's DER
// SubjectPublicKeyInfo, 64 lower-case hex digits).
//
// Every OpenSSL object is owned through a std::unique_ptr/shared_ptr with its
// free function; private key PEM read or written passes through OpenSSL's
// secure memory BIOs and temporary copies are cleansed. PEM text returned for
// a private key is the caller's to write with mode 0600 and cleanse.
//
// Thread-safety: free functions are thread-safe. EcPrivateKey, EcPublicKey
// and Certificate are immutable after construction and may be shared between
// threads (OpenSSL 3 EVP_PKEY and X509 objects are safe for concurrent
// read-only use); copies share the underlying object.
#ifndef PIIGUARD_COMMON_TLS_TLS_H_
#define PIIGUARD_COMMON_TLS_TLS_H_

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace piiguard::tls {

// A public key of the P-256 curve (the only curve piiguard uses for TLS).
class EcPublicKey {
 public:
  // From a PEM "PUBLIC KEY" block (SubjectPublicKeyInfo). Any other key
  // type or curve, a second block or trailing bytes are refused.
  static Result<EcPublicKey> FromPem(std::string_view pem);

  std::string ToPem() const;
  // Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo: the same value
  // as SpkiSha256Hex of a certificate for this key.
  std::string SpkiSha256Hex() const;

  EVP_PKEY* get() const { return key_.get(); }

 private:
  friend class EcPrivateKey;
  friend class Certificate;
  explicit EcPublicKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

// An ECDSA P-256 private key.
class EcPrivateKey {
 public:
  static Result<EcPrivateKey> Generate();
  // From an unencrypted PEM "PRIVATE KEY" (PKCS#8) block of a P-256 key.
  static Result<EcPrivateKey> FromPem(std::string_view pem);

  // PKCS#8 PEM. The caller writes it with mode 0600 and cleanses it.
  Result<std::string> ToPem() const;
  EcPublicKey PublicKey() const;

  EVP_PKEY* get() const { return key_.get(); }

 private:
  explicit EcPrivateKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

class Certificate {
 public:
  // Exactly one PEM "CERTIFICATE" block; trailing bytes are refused.
  static Result<Certificate> FromPem(std::string_view pem);
  // Takes a new reference to `cert` (e.g. a TLS peer's certificate).
  static Certificate FromX509(X509* cert);

  std::string ToPem() const;
  // The subject's single common name as UTF-8. Refused: none, several, or
  // one containing a NUL byte.
  Result<std::string> CommonName() const;
  // The serial number as lower-case hex without leading zeros.
  std::string SerialHex() const;
  // Validity in seconds since the Unix epoch.
  int64_t NotBefore() const;
  int64_t NotAfter() const;
  std::string SpkiSha256Hex() const;
  EcPublicKey PublicKey() const;  // REQUIRES: a P-256 key (FromPem checks)

  X509* get() const { return cert_.get(); }

 private:
  explicit Certificate(std::shared_ptr<X509> cert) : cert_(std::move(cert)) {}
  std::shared_ptr<X509> cert_;
};

enum class CertUsage {
  kCa,      // basicConstraints CA:TRUE, keyCertSign + cRLSign
  kServer,  // CA:FALSE, digitalSignature, EKU serverAuth, subjectAltName
  kClient,  // CA:FALSE, digitalSignature, EKU clientAuth
};

struct CertSpec {
  std::string common_name;  // UTF-8, 1..64 bytes, no control characters
  CertUsage usage = CertUsage::kClient;
  int64_t not_before = 0;  // seconds since the epoch
  int64_t not_after = 0;
  // kServer only: DNS names ([A-Za-z0-9.-], 1..253 bytes) and IP addresses
  // (IPv4 or IPv6 literals) for subjectAltName.
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
};

// A self-signed CA certificate for `key` (spec.usage must be kCa).
Result<Certificate> CreateSelfSignedCa(const EcPrivateKey& key,
                                       const CertSpec& spec);

// A certificate for `subject_key` signed by the CA, with a random 128-bit
// serial (positive, top bit clear) and the extensions of spec.usage.
Result<Certificate> IssueCertificate(const Certificate& ca_cert,
                                     const EcPrivateKey& ca_key,
                                     const EcPublicKey& subject_key,
                                     const CertSpec& spec);

// Checks that `cert` was issued by `ca` (signature, validity at `now`
// seconds since the epoch, and the purpose: kServer → TLS server, kClient →
// TLS client, kCa → any). kUnauthenticated with OpenSSL's reason otherwise.
Status VerifyCertificate(const Certificate& cert, const Certificate& ca,
                         CertUsage usage, int64_t now);

// The pin of docs/sync.md: lower-case hex SHA-256 of the DER
// SubjectPublicKeyInfo of `cert`.
std::string SpkiSha256Hex(const Certificate& cert);
std::string SpkiSha256Hex(X509* cert);

}  // namespace piiguard::tls

#endif  // PIIGUARD_COMMON_TLS_TLS_H_
