#include "common/tls/enrolment.h"

#include "common/crypto.h"

namespace piiguard::tls {

std::string EnrolProofInput(std::string_view nonce_hex,
                            std::string_view tls_key_pem,
                            std::string_view chain_hex) {
  std::string out(kEnrolProofDomain);
  out.push_back('\0');
  out.append(nonce_hex);
  out.push_back('\0');
  auto digest = Sha256(tls_key_pem);
  out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  out.push_back('\0');
  out.append(chain_hex);
  return out;
}

}  // namespace piiguard::tls
