#include "agent/sync/https_transport.h"

#include <httplib.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <charconv>

#include "common/crypto.h"
#include "common/json.h"
#include "common/tls/tls.h"

namespace piiguard::sync {
namespace {

constexpr std::string_view kContext = "sync";

bool IsLowerHex(std::string_view text, size_t size) {
  if (text.size() != size) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The pinned SPKI hash travels in the SSL_CTX's app data.
int VerifyPin(int /*preverify_ok*/, X509_STORE_CTX* store) {
  // Only the server's own certificate (depth 0) decides: the pin is the
  // trust anchor, not a CA.
  if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;
  auto* ssl = static_cast<SSL*>(
      X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl == nullptr) return 0;
  const auto* pin = static_cast<const std::string*>(
      SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  X509* cert = X509_STORE_CTX_get_current_cert(store);
  if (pin == nullptr || cert == nullptr) return 0;
  std::string got = tls::SpkiSha256Hex(cert);
  if (!ConstantTimeEquals(got, *pin)) {
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
  }
  X509_STORE_CTX_set_error(store, X509_V_OK);
  return 1;
}

}  // namespace

Result<OfficeConfig> ParseOfficeConfig(std::string_view bytes) {
  Json json = Json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object() || json.size() != 3) {
    return InvalidArgumentError(kContext, "office.json", "malformed");
  }
  OfficeConfig config;
  for (auto [key, field] : {std::pair{"pc", &config.pc},
                            std::pair{"office_url", &config.office_url},
                            std::pair{"office_pin", &config.office_pin}}) {
    if (!json.contains(key) || !json[key].is_string()) {
      return InvalidArgumentError(kContext, std::string("office.json: ") + key,
                                  "expected string");
    }
    *field = json[key].get<std::string>();
  }
  if (!IsLowerHex(config.office_pin, 64)) {
    return InvalidArgumentError(kContext, "office.json: office_pin",
                                "expected 64 lower-case hex digits");
  }
  PIIGUARD_RETURN_IF_ERROR(ParseOfficeUrl(config.office_url).status());
  return config;
}

std::string SerializeOfficeConfig(const OfficeConfig& config) {
  return Json{{"pc", config.pc},
              {"office_url", config.office_url},
              {"office_pin", config.office_pin}}
             .dump() +
         "\n";
}

Result<OfficeAddress> ParseOfficeUrl(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return InvalidArgumentError(kContext, url, "expected https://HOST[:PORT]");
  }
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  OfficeAddress address;
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos) {
    std::string_view port = rest.substr(colon + 1);
    auto [end, ec] =
        std::from_chars(port.data(), port.data() + port.size(), address.port);
    if (ec != std::errc() || end != port.data() + port.size() ||
        address.port <= 0 || address.port > 65535) {
      return InvalidArgumentError(kContext, url, "bad port");
    }
    rest = rest.substr(0, colon);
  }
  if (rest.empty() || rest.find_first_of("/?#@[]") != std::string_view::npos) {
    return InvalidArgumentError(kContext, url, "expected https://HOST[:PORT]");
  }
  address.host = std::string(rest);
  return address;
}

class HttpsTransport::Impl {
 public:
  std::string pin;
  std::unique_ptr<httplib::SSLClient> client;

  static Result<HttpAnswer> Done(const httplib::Result& result,
                                 std::string_view what) {
    if (!result) {
      return IoError(kContext, what,
                     "no answer: " + httplib::to_string(result.error()));
    }
    return HttpAnswer{result->status, result->body};
  }
};

HttpsTransport::HttpsTransport(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
HttpsTransport::~HttpsTransport() = default;

Result<std::unique_ptr<HttpsTransport>> HttpsTransport::Create(
    const std::string& url, const std::string& pin,
    const std::optional<ClientIdentity>& identity) {
  if (!IsLowerHex(pin, 64)) {
    return InvalidArgumentError(kContext, "office pin",
                                "expected 64 lower-case hex digits");
  }
  PIIGUARD_ASSIGN_OR_RETURN(OfficeAddress address, ParseOfficeUrl(url));
  auto impl = std::make_unique<Impl>();
  impl->pin = pin;
  impl->client =
      identity
          ? std::make_unique<httplib::SSLClient>(address.host, address.port,
                                                 identity->cert_path,
                                                 identity->key_path)
          : std::make_unique<httplib::SSLClient>(address.host, address.port);
  if (!impl->client->is_valid()) {
    return InvalidArgumentError(kContext, "client certificate",
                                "could not be loaded");
  }
  // httplib's own verification (CA store, host name) is replaced by the
  // pin, checked in the handshake by VerifyPin.
  impl->client->enable_server_certificate_verification(false);
  SSL_CTX* ctx = impl->client->ssl_context();
  if (ctx == nullptr) return InternalError(kContext, "TLS", "no SSL_CTX");
  SSL_CTX_set_app_data(ctx, &impl->pin);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, VerifyPin);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  impl->client->set_connection_timeout(10, 0);
  impl->client->set_read_timeout(60, 0);
  impl->client->set_write_timeout(60, 0);
  return std::unique_ptr<HttpsTransport>(new HttpsTransport(std::move(impl)));
}

Result<HttpAnswer> HttpsTransport::PostJournal(const std::string& body) {
  return Post("/api/v1/journal", body);
}

Result<HttpAnswer> HttpsTransport::Post(const std::string& path,
                                        const std::string& body) {
  return impl_->Done(impl_->client->Post(path, body, "application/json"), path);
}

Result<HttpAnswer> HttpsTransport::GetPolicy(int64_t have) {
  std::string path = "/api/v1/policy?have=" + std::to_string(have);
  return impl_->Done(impl_->client->Get(path), "/api/v1/policy");
}

}  // namespace piiguard::sync
