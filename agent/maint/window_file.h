// The maintenance window file (issue 17 item 3, docs/exceptions.md "The
// maintenance window file"): what piiguardd writes to
// /run/piiguard/maintenance/window while a maintenance window is open, and
// what the PAM helper piiguard-maint-auth reads to decide whether the
// maintenance account may log in. Also the vendor's one-time password as
// it is typed (normalised) and stored (hashed).
//
// The file is text, one `key value` line each in a fixed order, LF-ended,
// at most kMaxWindowBytes:
//
//   piiguard-maintenance-window v1
//   account piiguard-maint
//   uid 998
//   grant 123456789012
//   boot_id 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
//   end_boottime_us 1234567890
//   password_sha256 <64 lower-case hex>
//
// ParseWindow is strict: one spelling per window, so a window that parses
// serialises to the same bytes (tests/fuzz/maint_window_fuzzer.cc checks
// it). Anything else is refused whole with "maintenance window: OBJECT:
// REASON" (kCorruption): the helper then refuses the login (fail closed).
//
// Thread-safety: pure functions and constants.
#ifndef PIIGUARD_AGENT_MAINT_WINDOW_FILE_H_
#define PIIGUARD_AGENT_MAINT_WINDOW_FILE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"

namespace piiguard::maint {

// Where the window lives: a directory 0700 root in piiguardd's runtime
// directory, the window file 0600 root in it (written atomically, temp +
// rename), and the failed tries (one byte per failure, appended by
// piiguard-maint-auth; piiguardd removes it when a window opens and ends).
inline constexpr std::string_view kWindowDir = "/run/piiguard/maintenance";
inline constexpr std::string_view kWindowFileName = "window";
inline constexpr std::string_view kTriesFileName = "tries";
// The account the package creates (installer/piiguard.sysusers.conf).
inline constexpr std::string_view kMaintenanceAccount = "piiguard-maint";

inline constexpr std::string_view kWindowMagic =
    "piiguard-maintenance-window v1";
inline constexpr size_t kMaxWindowBytes = 1024;
inline constexpr size_t kBootIdChars = 36;  // /proc/sys/kernel/random/boot_id
inline constexpr size_t kMaxAccountChars = 32;
inline constexpr size_t kMaxGrantDigits = 12;  // the challenge's nonce
// Failed tries after which every password is refused until the next window.
inline constexpr int kMaxTries = 5;
// The password: 16 Crockford base32 characters (80 bits), shown in 4 groups
// of 4 (ABCD-EFGH-JKMN-PQRS).
inline constexpr size_t kPasswordChars = 16;
inline constexpr std::string_view kPasswordDomain = "piiguard-maint-pw-v1";

struct WindowFile {
  std::string account;  // a user name: [a-z_][a-z0-9_-]*, <= 32 characters
  uint32_t uid = 0;     // the account's uid: not 0, not (uid_t)-1
  std::string grant;    // the grant's id: the nonce, canonical decimal
  std::string boot_id;  // lower-case 8-4-4-4-12 hex, as the kernel writes it
  int64_t end_boottime_us = 0;  // CLOCK_BOOTTIME µs (os::Clock), > 0
  std::array<uint8_t, 32> password_sha256{};  // HashMaintenancePassword

  bool operator==(const WindowFile&) const = default;
};

// The file's bytes. For a window that ValidateWindow accepts, ParseWindow
// gives it back; otherwise the bytes do not parse.
[[nodiscard]] std::string SerializeWindow(const WindowFile& window);
// Strict: the seven lines above, in order, each `key` + one space + a
// canonical value + LF; no other byte anywhere. kCorruption otherwise.
[[nodiscard]] Result<WindowFile> ParseWindow(std::string_view bytes);
// Whether `window` serialises to a file that parses (the writer checks
// before it writes); the same message ParseWindow would give.
[[nodiscard]] Status ValidateWindow(const WindowFile& window);

// The password as typed, in the one form it is hashed in: upper case, '-'
// and ' ' dropped, Crockford's aliases read as the digit they look like
// (O -> 0, I and L -> 1). Any other character (U among them), or a length
// other than kPasswordChars after that, is refused (kInvalidArgument,
// "maintenance password: ..."); the message never holds what was typed.
[[nodiscard]] Result<std::string> NormaliseMaintenancePassword(
    std::string_view typed);
// SHA-256(kPasswordDomain || 0x00 || normalised).
[[nodiscard]] std::array<uint8_t, 32> HashMaintenancePassword(
    std::string_view normalised);

}  // namespace piiguard::maint

#endif  // PIIGUARD_AGENT_MAINT_WINDOW_FILE_H_
