// The keys and the MAC behind the offline exception codes
// (docs/exceptions.md).
//
//   K_pc = HKDF-SHA256(ikm = K_exceptions_master, salt = none,
//                      info = "piiguard-exception-key-v1" || pc_id), 32 bytes
//   MAC  = HMAC-SHA256(K_pc, "piiguard-otp-v1" 0x00 || lp(pc_id) ||
//            scope || duration || index || nonce (u64 BE) ||
//            lp(scope detail) || person index || lp(responsible id) ||
//            issue day (i64 BE))
//   response MAC digits = (first 8 bytes of MAC as u64 BE) mod 10^10
//
// lp(x) is x's length as u32 BE, then x. The IT desk tool and the office
// hold the master and derive K_pc; a PC holds only its own K_pc, never the
// device's signing key.
//
// Thread-safety: pure functions; an ExceptionKey is immutable once made.
#ifndef PIIGUARD_POLICY_EXCEPTION_CODE_MAC_H_
#define PIIGUARD_POLICY_EXCEPTION_CODE_MAC_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "policy/exception/codes.h"

namespace piiguard::exception {

inline constexpr std::string_view kKeyLabel = "piiguard-exception-key-v1";
inline constexpr std::string_view kMacLabel = "piiguard-otp-v1";
inline constexpr size_t kMaxPcIdBytes = 64;
inline constexpr size_t kMaxDetailBytes = 1024;
inline constexpr size_t kMaxResponsibleIdBytes = 64;
// The issue day is the date in Japan (UTC+9, no daylight saving time).
inline constexpr int64_t kDayOffsetSeconds = 9LL * 3600;

// A 32-byte secret (the master or a PC's key), wiped when destroyed or
// moved from. Not copyable.
class ExceptionKey {
 public:
  static constexpr size_t kSize = 32;

  // Exactly kSize bytes.
  static Result<ExceptionKey> FromBytes(std::string_view raw);

  ExceptionKey(const ExceptionKey&) = delete;
  ExceptionKey& operator=(const ExceptionKey&) = delete;
  ExceptionKey(ExceptionKey&& other) noexcept;
  ExceptionKey& operator=(ExceptionKey&& other) noexcept;
  ~ExceptionKey();

  std::string_view bytes() const {
    return {reinterpret_cast<const char*>(key_.data()), key_.size()};
  }

 private:
  ExceptionKey() = default;
  void Wipe();
  std::array<unsigned char, kSize> key_{};
};

// K_pc from the master. `pc_id` is 1 to kMaxPcIdBytes bytes.
Result<ExceptionKey> DeriveExceptionKey(const ExceptionKey& master,
                                        std::string_view pc_id);

// The issue day (days since 1970-01-01 in Japan) of a wall-clock time.
int64_t IssueDay(int64_t wall_ms);

// Everything the PC and the desk must agree on for a response to match.
struct ResponseContext {
  std::string_view pc_id;
  Challenge challenge;
  // Empty in v1: the PC binds what the scope names (a stick's identity, a
  // folder) to the nonce in its pending record, since the desk cannot know
  // it. The field stays in the MAC's input with zero length.
  std::string_view scope_detail;
  unsigned person_index = 0;
  std::string_view responsible_id;  // the person the index names
  int64_t issue_day = 0;
};

// The bytes the MAC is computed over (exposed for the doc and the tests).
Result<std::string> MacInput(const ResponseContext& context);

// The desk's side: the response for `context`.
Result<Response> ComputeResponse(const ExceptionKey& pc_key,
                                 const ResponseContext& context);

// The PC's side: true only if `response` is the one ComputeResponse gives
// (person index and MAC; constant-time comparison of the MAC digits).
bool ResponseMatches(const ExceptionKey& pc_key, const ResponseContext& context,
                     const Response& response);

}  // namespace piiguard::exception

#endif  // PIIGUARD_POLICY_EXCEPTION_CODE_MAC_H_
