#include "common/tls/tls.h"

#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <array>
#include <utility>

#include "common/crypto.h"
#include "common/openssl_util.h"

namespace piiguard::tls {
namespace {

constexpr std::string_view kContext = "tls";

struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
struct BnDeleter {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnDeleter>;
struct ExtDeleter {
  void operator()(X509_EXTENSION* ext) const { X509_EXTENSION_free(ext); }
};
using ExtPtr = std::unique_ptr<X509_EXTENSION, ExtDeleter>;
struct StoreDeleter {
  void operator()(X509_STORE* store) const { X509_STORE_free(store); }
};
using StorePtr = std::unique_ptr<X509_STORE, StoreDeleter>;
struct StoreCtxDeleter {
  void operator()(X509_STORE_CTX* ctx) const { X509_STORE_CTX_free(ctx); }
};
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, StoreCtxDeleter>;
struct OsslFree {
  void operator()(unsigned char* p) const { OPENSSL_free(p); }
};

std::shared_ptr<EVP_PKEY> SharedKey(EVP_PKEY* key) {
  return {key, EVP_PKEY_free};
}
std::shared_ptr<X509> SharedCert(X509* cert) { return {cert, X509_free}; }

bool IsP256(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
  std::array<char, 64> group{};
  size_t len = 0;
  if (EVP_PKEY_get_group_name(key, group.data(), group.size(), &len) != 1) {
    return false;
  }
  return OBJ_sn2nid(group.data()) == NID_X9_62_prime256v1 ||
         OBJ_txt2nid(group.data()) == NID_X9_62_prime256v1;
}

std::string SpkiHash(X509_PUBKEY* spki) {
  unsigned char* der = nullptr;
  int len = i2d_X509_PUBKEY(spki, &der);
  if (len <= 0) return {};
  std::unique_ptr<unsigned char, OsslFree> owned(der);
  return Sha256Hex(std::string_view(reinterpret_cast<const char*>(der),
                                    static_cast<size_t>(len)));
}

int64_t AsnTimeToUnix(const ASN1_TIME* time) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

bool ValidCommonName(std::string_view cn) {
  if (cn.empty() || cn.size() > 64) return false;
  for (char c : cn) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

bool ValidDnsName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

bool ValidIp(const std::string& ip) {
  std::array<unsigned char, 16> buf{};
  return inet_pton(AF_INET, ip.c_str(), buf.data()) == 1 ||
         inet_pton(AF_INET6, ip.c_str(), buf.data()) == 1;
}

Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid,
                    const std::string& value) {
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return InternalError(kContext, OBJ_nid2sn(nid),
                         OpenSslReason("cannot add extension"));
  }
  return Status::Ok();
}

Status CheckSpec(const CertSpec& spec) {
  if (!ValidCommonName(spec.common_name)) {
    return InvalidArgumentError(kContext, "common name",
                                "1 to 64 bytes without control characters");
  }
  if (spec.not_after <= spec.not_before || spec.not_before < 0) {
    return InvalidArgumentError(kContext, "validity",
                                "not_after must follow not_before");
  }
  if (spec.usage != CertUsage::kServer &&
      (!spec.dns_names.empty() || !spec.ip_addresses.empty())) {
    return InvalidArgumentError(kContext, "subjectAltName",
                                "only server certificates carry names");
  }
  if (spec.usage == CertUsage::kServer && spec.dns_names.empty() &&
      spec.ip_addresses.empty()) {
    return InvalidArgumentError(kContext, "subjectAltName",
                                "a server certificate needs a name");
  }
  for (const std::string& name : spec.dns_names) {
    if (!ValidDnsName(name)) {
      return InvalidArgumentError(kContext, name, "not a valid DNS name");
    }
  }
  for (const std::string& ip : spec.ip_addresses) {
    if (!ValidIp(ip)) {
      return InvalidArgumentError(kContext, ip, "not an IP address");
    }
  }
  return Status::Ok();
}

Status SetRandomSerial(X509* cert) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string bytes, RandomBytes(16));
  bytes[0] = static_cast<char>(static_cast<unsigned char>(bytes[0]) & 0x7f);
  if (bytes[0] == 0) bytes[0] = 1;  // always 16 bytes long, positive
  BnPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                     static_cast<int>(bytes.size()), nullptr));
  if (!bn ||
      BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) == nullptr) {
    return InternalError(kContext, "serial", OpenSslReason("cannot set"));
  }
  return Status::Ok();
}

// Builds and signs a certificate for `subject_key`. `issuer` null means
// self-signed.
Result<Certificate> Build(X509* issuer, EVP_PKEY* signing_key,
                          EVP_PKEY* subject_key, const CertSpec& spec) {
  PIIGUARD_RETURN_IF_ERROR(CheckSpec(spec));
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    return InternalError(kContext, "certificate", OpenSslReason("X509_new"));
  }
  PIIGUARD_RETURN_IF_ERROR(SetRandomSerial(cert.get()));
  if (ASN1_TIME_set(X509_getm_notBefore(cert.get()),
                    static_cast<time_t>(spec.not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()),
                    static_cast<time_t>(spec.not_after)) == nullptr) {
    return InternalError(kContext, "validity", OpenSslReason("cannot set"));
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_UTF8,
          reinterpret_cast<const unsigned char*>(spec.common_name.data()),
          static_cast<int>(spec.common_name.size()), -1, 0) != 1) {
    return InternalError(kContext, "subject", OpenSslReason("cannot set CN"));
  }
  X509_NAME* issuer_name =
      issuer == nullptr ? name : X509_get_subject_name(issuer);
  if (X509_set_issuer_name(cert.get(), issuer_name) != 1 ||
      X509_set_pubkey(cert.get(), subject_key) != 1) {
    return InternalError(kContext, "certificate", OpenSslReason("cannot set"));
  }

  X509V3_CTX ctx{};
  X509V3_set_ctx(&ctx, issuer == nullptr ? cert.get() : issuer, cert.get(),
                 nullptr, nullptr, 0);
  PIIGUARD_RETURN_IF_ERROR(
      AddExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash"));
  PIIGUARD_RETURN_IF_ERROR(AddExtension(
      cert.get(), &ctx, NID_authority_key_identifier, "keyid:always"));
  switch (spec.usage) {
    case CertUsage::kCa:
      PIIGUARD_RETURN_IF_ERROR(AddExtension(
          cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE"));
      PIIGUARD_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_key_usage,
                                            "critical,keyCertSign,cRLSign"));
      break;
    case CertUsage::kServer:
    case CertUsage::kClient: {
      PIIGUARD_RETURN_IF_ERROR(AddExtension(
          cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE"));
      PIIGUARD_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_key_usage,
                                            "critical,digitalSignature"));
      bool server = spec.usage == CertUsage::kServer;
      PIIGUARD_RETURN_IF_ERROR(AddExtension(
          cert.get(), &ctx, NID_ext_key_usage,
          server ? std::string("serverAuth") : std::string("clientAuth")));
      if (server) {
        // Every name was checked by CheckSpec: no ',' can reach the config
        // string.
        std::string san;
        for (const std::string& dns : spec.dns_names) {
          san += (san.empty() ? "DNS:" : ",DNS:") + dns;
        }
        for (const std::string& ip : spec.ip_addresses) {
          san += (san.empty() ? "IP:" : ",IP:") + ip;
        }
        PIIGUARD_RETURN_IF_ERROR(
            AddExtension(cert.get(), &ctx, NID_subject_alt_name, san));
      }
      break;
    }
  }
  if (X509_sign(cert.get(), signing_key, EVP_sha256()) <= 0) {
    return InternalError(kContext, "certificate", OpenSslReason("cannot sign"));
  }
  return Certificate::FromX509(cert.get());
}

}  // namespace

// --- EcPublicKey ---

Result<EcPublicKey> EcPublicKey::FromPem(std::string_view pem) {
  BioPtr bio = MemBio(pem);
  if (!bio) return InvalidArgumentError(kContext, "public key", "too large");
  EVP_PKEY* raw = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (raw == nullptr) {
    return InvalidArgumentError(kContext, "public key",
                                OpenSslReason("not a PEM public key"));
  }
  std::shared_ptr<EVP_PKEY> key = SharedKey(raw);
  if (!IsP256(raw)) {
    return InvalidArgumentError(kContext, "public key", "not a P-256 key");
  }
  if (!OnlyWhitespaceLeft(bio.get())) {
    return InvalidArgumentError(kContext, "public key",
                                "unexpected bytes after the key");
  }
  return EcPublicKey(std::move(key));
}

std::string EcPublicKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) return {};
  return BioContents(bio.get());
}

std::string EcPublicKey::SpkiSha256Hex() const {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key_.get(), &der);
  if (len <= 0) return {};
  std::unique_ptr<unsigned char, OsslFree> owned(der);
  return Sha256Hex(std::string_view(reinterpret_cast<const char*>(der),
                                    static_cast<size_t>(len)));
}

// --- EcPrivateKey ---

Result<EcPrivateKey> EcPrivateKey::Generate() {
  EVP_PKEY* raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (raw == nullptr) {
    return InternalError(kContext, "P-256 key",
                         OpenSslReason("cannot generate"));
  }
  return EcPrivateKey(SharedKey(raw));
}

Result<EcPrivateKey> EcPrivateKey::FromPem(std::string_view pem) {
  // The caller's PEM bytes are the caller's to cleanse; OpenSSL clears the
  // decoded private scalar when the key is freed.
  BioPtr bio = MemBio(pem);
  if (!bio) return InvalidArgumentError(kContext, "private key", "too large");
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (raw == nullptr) {
    return InvalidArgumentError(
        kContext, "private key",
        OpenSslReason("not an unencrypted PEM private key"));
  }
  std::shared_ptr<EVP_PKEY> key = SharedKey(raw);
  if (!IsP256(raw)) {
    return InvalidArgumentError(kContext, "private key", "not a P-256 key");
  }
  if (!OnlyWhitespaceLeft(bio.get())) {
    return InvalidArgumentError(kContext, "private key",
                                "unexpected bytes after the key");
  }
  return EcPrivateKey(std::move(key));
}

Result<std::string> EcPrivateKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio ||
      PEM_write_bio_PKCS8PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0,
                                    nullptr, nullptr) != 1) {
    return InternalError(kContext, "private key",
                         OpenSslReason("cannot encode"));
  }
  return BioContents(bio.get());
}

EcPublicKey EcPrivateKey::PublicKey() const { return EcPublicKey(key_); }

// --- Certificate ---

Result<Certificate> Certificate::FromPem(std::string_view pem) {
  BioPtr bio = MemBio(pem);
  if (!bio) return InvalidArgumentError(kContext, "certificate", "too large");
  X509* raw = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
  if (raw == nullptr) {
    return InvalidArgumentError(kContext, "certificate",
                                OpenSslReason("not a PEM certificate"));
  }
  Certificate cert(SharedCert(raw));
  if (!OnlyWhitespaceLeft(bio.get())) {
    return InvalidArgumentError(kContext, "certificate",
                                "unexpected bytes after the certificate");
  }
  EVP_PKEY* key = X509_get0_pubkey(raw);
  if (key == nullptr || !IsP256(key)) {
    return InvalidArgumentError(kContext, "certificate", "not a P-256 key");
  }
  return cert;
}

Certificate Certificate::FromX509(X509* cert) {
  X509_up_ref(cert);
  return Certificate(SharedCert(cert));
}

std::string Certificate::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert_.get()) != 1) return {};
  return BioContents(bio.get());
}

Result<std::string> Certificate::CommonName() const {
  X509_NAME* name = X509_get_subject_name(cert_.get());
  int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0) {
    return InvalidArgumentError(kContext, "certificate", "no common name");
  }
  if (X509_NAME_get_index_by_NID(name, NID_commonName, index) >= 0) {
    return InvalidArgumentError(kContext, "certificate",
                                "more than one common name");
  }
  ASN1_STRING* data =
      X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) {
    return InvalidArgumentError(kContext, "certificate",
                                "common name is not text");
  }
  std::unique_ptr<unsigned char, OsslFree> owned(utf8);
  std::string cn(reinterpret_cast<const char*>(utf8), static_cast<size_t>(len));
  if (cn.find('\0') != std::string::npos || cn.empty()) {
    return InvalidArgumentError(kContext, "certificate",
                                "common name is empty or has a NUL byte");
  }
  return cn;
}

std::string Certificate::SerialHex() const {
  BnPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert_.get()), nullptr));
  if (!bn) return {};
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) return {};
  std::string out(hex);
  OPENSSL_free(hex);
  for (char& c : out) c = static_cast<char>(std::tolower(c));
  size_t first = out.find_first_not_of('0');
  if (first == std::string::npos) return "0";
  return out.substr(first);
}

int64_t Certificate::NotBefore() const {
  return AsnTimeToUnix(X509_get0_notBefore(cert_.get()));
}
int64_t Certificate::NotAfter() const {
  return AsnTimeToUnix(X509_get0_notAfter(cert_.get()));
}

std::string Certificate::SpkiSha256Hex() const {
  return tls::SpkiSha256Hex(cert_.get());
}

EcPublicKey Certificate::PublicKey() const {
  EVP_PKEY* key = X509_get0_pubkey(cert_.get());
  EVP_PKEY_up_ref(key);
  return EcPublicKey(SharedKey(key));
}

// --- Issuance and checks ---

Result<Certificate> CreateSelfSignedCa(const EcPrivateKey& key,
                                       const CertSpec& spec) {
  if (spec.usage != CertUsage::kCa) {
    return InvalidArgumentError(kContext, "CA", "spec.usage must be kCa");
  }
  return Build(nullptr, key.get(), key.get(), spec);
}

Result<Certificate> IssueCertificate(const Certificate& ca_cert,
                                     const EcPrivateKey& ca_key,
                                     const EcPublicKey& subject_key,
                                     const CertSpec& spec) {
  if (X509_check_private_key(ca_cert.get(), ca_key.get()) != 1) {
    ERR_clear_error();
    return InvalidArgumentError(kContext, "CA key",
                                "does not match the CA certificate");
  }
  return Build(ca_cert.get(), ca_key.get(), subject_key.get(), spec);
}

Status VerifyCertificate(const Certificate& cert, const Certificate& ca,
                         CertUsage usage, int64_t now) {
  StorePtr store(X509_STORE_new());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !ctx || X509_STORE_add_cert(store.get(), ca.get()) != 1 ||
      X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr) != 1) {
    return InternalError(kContext, "verify", OpenSslReason("cannot set up"));
  }
  X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(now));
  if (usage == CertUsage::kServer) {
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  } else if (usage == CertUsage::kClient) {
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    int error = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return UnauthenticatedError(kContext, "certificate",
                                X509_verify_cert_error_string(error));
  }
  return Status::Ok();
}

std::string SpkiSha256Hex(const Certificate& cert) {
  return SpkiSha256Hex(cert.get());
}

std::string SpkiSha256Hex(X509* cert) {
  return SpkiHash(X509_get_X509_PUBKEY(cert));
}

}  // namespace piiguard::tls
