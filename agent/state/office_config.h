// The office configuration a PC stores at enrolment (office.json in the
// state directory, docs/sync.md "Enrolment"): its pc id, the office's URL
// and the pin of the office's TLS key. A format of its own, so that reading
// the state directory does not pull in the HTTPS library. Parsers take
// bytes; the file itself is read and written by state_dir.h only.
//
// Also SyncMaterial: the office configuration with the PC's TLS
// certificate, the office CA and the TLS key, which piiguardd reads and
// hands to the sync process over their link (agent/sync/child_protocol.h).
// In namespace sync: they are what the PC's sync needs.
//
// Thread-safety: pure functions and value types.
#ifndef PIIGUARD_AGENT_STATE_OFFICE_CONFIG_H_
#define PIIGUARD_AGENT_STATE_OFFICE_CONFIG_H_

#include <string>
#include <string_view>

#include "common/result.h"

namespace piiguard::sync {

inline constexpr size_t kMaxOfficeConfigBytes = 4096;
// A PEM certificate or key in the state directory's tls/.
inline constexpr size_t kMaxPemBytes = size_t{16} * 1024;

struct OfficeConfig {
  std::string pc;
  std::string office_url;  // https://HOST[:PORT]
  std::string office_pin;  // 64 lower-case hex

  bool operator==(const OfficeConfig&) const = default;
};

// Strict: exactly the three string fields, a valid URL and pin.
Result<OfficeConfig> ParseOfficeConfig(std::string_view bytes);
std::string SerializeOfficeConfig(const OfficeConfig& config);

struct OfficeAddress {
  std::string host;
  int port = 443;
};
Result<OfficeAddress> ParseOfficeUrl(std::string_view url);

// 64 lower-case hex digits (a SHA-256 pin).
bool IsPin(std::string_view text);

// What the sync process needs for a round: it reads no file itself.
// Move-only; the key's bytes are overwritten when it goes.
struct SyncMaterial {
  SyncMaterial() = default;
  SyncMaterial(SyncMaterial&& other) noexcept;
  SyncMaterial& operator=(SyncMaterial&& other) noexcept;
  SyncMaterial(const SyncMaterial&) = delete;
  SyncMaterial& operator=(const SyncMaterial&) = delete;
  ~SyncMaterial();

  OfficeConfig office;
  std::string client_cert_pem;  // tls/client.crt
  std::string ca_pem;           // tls/ca.crt: the office CA
  std::string client_key_pem;   // tls/client.key: secret
};

}  // namespace piiguard::sync

#endif  // PIIGUARD_AGENT_STATE_OFFICE_CONFIG_H_
