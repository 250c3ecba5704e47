#include "agent/sync/https_transport.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/crypto.h"

namespace piiguard::sync {
namespace {

constexpr std::string_view kContext = "sync";
// Addresses of one name tried in turn when a connection cannot be made.
constexpr size_t kMaxAddresses = 4;

// The verify callback's state, in the SSL_CTX's app data: the pin, and
// what the last handshake saw when it did not match.
struct PinCheck {
  std::string pin;
  bool mismatch = false;
  std::string seen;
};

int VerifyPin(int /*preverify_ok*/, X509_STORE_CTX* store) {
  // Only the server's own certificate (depth 0) decides: the pin is the
  // trust anchor, not a CA.
  if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;
  auto* ssl = static_cast<SSL*>(
      X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl == nullptr) return 0;
  auto* check =
      static_cast<PinCheck*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  X509* cert = X509_STORE_CTX_get_current_cert(store);
  if (check == nullptr || cert == nullptr) return 0;
  std::string got = tls::SpkiSha256Hex(cert);
  if (!ConstantTimeEquals(got, check->pin)) {
    check->mismatch = true;
    check->seen = got;
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
  }
  X509_STORE_CTX_set_error(store, X509_V_OK);
  return 1;
}

// The OpenSSL errors of the last failed call, oldest first, cleared.
std::string OpenSslReason() {
  std::string reason;
  while (const auto code = ERR_get_error()) {
    const char* text = ERR_reason_error_string(code);
    if (!reason.empty()) reason += "; ";
    reason += text != nullptr ? text : "error " + std::to_string(code);
  }
  return reason.empty() ? "no reason given" : reason;
}

bool IsNumericHost(const std::string& host) {
  in6_addr v6{};
  in_addr v4{};
  return ::inet_pton(AF_INET, host.c_str(), &v4) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

// The office's addresses, in getaddrinfo's order. A name that does not
// exist is kNotFound (dns); a resolver that cannot be reached (no network)
// is kIoError (offline).
Result<std::vector<std::string>> Resolve(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0) {
    std::string why =
        rc == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(rc);
    if (rc == EAI_NONAME || rc == EAI_NODATA || rc == EAI_FAIL) {
      return NotFoundError(kContext, host, "name does not resolve: " + why);
    }
    return IoError(kContext, host, "name not resolved now: " + why);
  }
  std::vector<std::string> addresses;
  for (addrinfo* ai = found; ai != nullptr && addresses.size() < kMaxAddresses;
       ai = ai->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* addr = nullptr;
    if (ai->ai_family == AF_INET) {
      addr = &reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr;
    } else if (ai->ai_family == AF_INET6) {
      addr = &reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)->sin6_addr;
    }
    if (addr != nullptr &&
        ::inet_ntop(ai->ai_family, addr, text, sizeof text) != nullptr) {
      addresses.emplace_back(text);
    }
  }
  ::freeaddrinfo(found);
  if (addresses.empty()) {
    return NotFoundError(kContext, host, "name has no address");
  }
  return addresses;
}

}  // namespace

class HttpsTransport::Impl {
 public:
  OfficeAddress address;
  PinCheck pin;
  std::unique_ptr<httplib::SSLClient> client;

  // Runs `call` against each address of the office until one connects.
  template <typename Call>
  Result<HttpAnswer> Run(std::string_view what, Call call) {
    std::vector<std::string> addresses{address.host};
    if (!IsNumericHost(address.host)) {
      PIIGUARD_ASSIGN_OR_RETURN(addresses, Resolve(address.host));
    }
    Status last = IoError(kContext, what, "no address");
    for (const std::string& ip : addresses) {
      client->set_hostname_addr_map({{address.host, ip}});
      pin.mismatch = false;
      ERR_clear_error();
      httplib::Result result = call();
      if (result) return HttpAnswer{result->status, result->body};
      const httplib::Error error = result.error();
      const std::string where =
          address.host + " (" + ip + ":" + std::to_string(address.port) + ")";
      if (error == httplib::Error::Connection ||
          error == httplib::Error::ConnectionTimeout) {
        ERR_clear_error();
        last = IoError(kContext, where,
                       "no connection: " + httplib::to_string(error));
        continue;
      }
      return Classify(error, where);
    }
    return last;
  }

 private:
  Status Classify(httplib::Error error, const std::string& where) const {
    if (pin.mismatch) {
      ERR_clear_error();
      return UnauthenticatedError(
          kContext, where,
          "the office's key is not the pinned one (it has " +
              pin.seen.substr(0, 16) + "..., this PC expects " +
              pin.pin.substr(0, 16) + "...)");
    }
    std::string reason = OpenSslReason();
    if (error == httplib::Error::SSLConnection) {
      return FailedPreconditionError(kContext, where,
                                     "TLS handshake failed: " + reason);
    }
    // With TLS 1.3 the office's verdict on our certificate arrives after
    // the handshake, as an alert on the first read.
    if ((error == httplib::Error::Read || error == httplib::Error::Write) &&
        reason.find("alert") != std::string::npos) {
      return FailedPreconditionError(kContext, where,
                                     "the office ended TLS: " + reason);
    }
    return IoError(kContext, where,
                   "connection lost: " + httplib::to_string(error));
  }
};

HttpsTransport::HttpsTransport(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
HttpsTransport::~HttpsTransport() = default;

Result<std::unique_ptr<HttpsTransport>> HttpsTransport::Create(
    const std::string& url, const std::string& pin,
    const std::optional<ClientIdentity>& identity) {
  if (!IsPin(pin)) {
    return InvalidArgumentError(kContext, "office pin",
                                "expected 64 lower-case hex digits");
  }
  auto impl = std::make_unique<Impl>();
  PIIGUARD_ASSIGN_OR_RETURN(impl->address, ParseOfficeUrl(url));
  impl->pin.pin = pin;
  // SSL_CTX_use_certificate/PrivateKey take their own references: the
  // identity's objects may go (and the key's memory be cleared) after.
  impl->client = identity ? std::make_unique<httplib::SSLClient>(
                                impl->address.host, impl->address.port,
                                identity->cert.get(), identity->key.get())
                          : std::make_unique<httplib::SSLClient>(
                                impl->address.host, impl->address.port);
  if (!impl->client->is_valid()) {
    return InvalidArgumentError(kContext, "client certificate",
                                "does not match its key");
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
  return impl_->Run(path, [&] {
    return impl_->client->Post(path, body, "application/json");
  });
}

Result<HttpAnswer> HttpsTransport::GetPolicy(int64_t have) {
  std::string path = "/api/v1/policy?have=" + std::to_string(have);
  return impl_->Run("/api/v1/policy", [&] { return impl_->client->Get(path); });
}

Result<HttpAnswer> HttpsTransport::GetExceptions() {
  return impl_->Run("/api/v1/exceptions",
                    [&] { return impl_->client->Get("/api/v1/exceptions"); });
}

}  // namespace piiguard::sync
