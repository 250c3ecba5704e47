#include "agent/state/office_config.h"

#include <charconv>

#include "common/crypto.h"
#include "common/json.h"

namespace piiguard::sync {
namespace {

constexpr std::string_view kContext = "office config";

}  // namespace

// A moved std::string may hand its old buffer to the source and clear it
// (libstdc++), so the key is cleansed here before any move.
SyncMaterial::SyncMaterial(SyncMaterial&& other) noexcept
    : office(std::move(other.office)),
      client_cert_pem(std::move(other.client_cert_pem)),
      ca_pem(std::move(other.ca_pem)),
      client_key_pem(std::move(other.client_key_pem)) {
  CleanseString(other.client_key_pem);
}

SyncMaterial& SyncMaterial::operator=(SyncMaterial&& other) noexcept {
  if (this != &other) {
    CleanseString(client_key_pem);
    office = std::move(other.office);
    client_cert_pem = std::move(other.client_cert_pem);
    ca_pem = std::move(other.ca_pem);
    client_key_pem.swap(other.client_key_pem);
    CleanseString(other.client_key_pem);
  }
  return *this;
}

SyncMaterial::~SyncMaterial() { CleanseString(client_key_pem); }

bool IsPin(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<OfficeConfig> ParseOfficeConfig(std::string_view bytes) {
  if (bytes.size() > kMaxOfficeConfigBytes) {
    return InvalidArgumentError(kContext, "office.json", "too large");
  }
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
  if (config.pc.empty()) {
    return InvalidArgumentError(kContext, "office.json: pc", "empty");
  }
  if (!IsPin(config.office_pin)) {
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
  for (char c : rest) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return InvalidArgumentError(kContext, url, "control character in host");
    }
  }
  address.host = std::string(rest);
  return address;
}

}  // namespace piiguard::sync
