#include "agent/maint/window_file.h"

#include <charconv>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>

#include "common/crypto.h"
#include "common/encoding.h"

namespace piiguard::maint {
namespace {

constexpr std::string_view kContext = "maintenance window";
constexpr std::string_view kPasswordContext = "maintenance password";

Status Bad(std::string_view object, std::string_view reason) {
  return CorruptionError(kContext, object, reason);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLowerHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); }

// A canonical decimal: digits only, no sign, no leading zero.
template <typename T>
Result<T> ParseDecimal(std::string_view key, std::string_view value) {
  if (value.empty()) return Bad(key, "empty");
  for (char c : value) {
    if (!IsDigit(c)) return Bad(key, "not a decimal number");
  }
  if (value.size() > 1 && value[0] == '0') {
    return Bad(key, "a leading zero (one spelling per number)");
  }
  T out{};
  auto [end, ec] =
      std::from_chars(value.data(), value.data() + value.size(), out, 10);
  if (ec != std::errc() || end != value.data() + value.size()) {
    return Bad(key, "out of range");
  }
  return out;
}

Status CheckAccount(std::string_view account) {
  if (account.empty() || account.size() > kMaxAccountChars) {
    return Bad("account", "a user name of 1 to 32 characters expected");
  }
  const char first = account[0];
  if (!(first == '_' || (first >= 'a' && first <= 'z'))) {
    return Bad("account", "must begin with a-z or _");
  }
  for (char c : account) {
    if (!(c == '_' || c == '-' || IsDigit(c) || (c >= 'a' && c <= 'z'))) {
      return Bad("account", "only a-z, 0-9, _ and - are allowed");
    }
  }
  return Status::Ok();
}

Status CheckUid(uint64_t uid) {
  if (uid == 0) return Bad("uid", "0 is root, never the maintenance account");
  if (uid >= std::numeric_limits<uint32_t>::max()) {
    return Bad("uid", "out of range");
  }
  return Status::Ok();
}

Status CheckGrant(std::string_view grant) {
  if (grant.size() > kMaxGrantDigits) {
    return Bad("grant", "more than 12 digits");
  }
  return ParseDecimal<uint64_t>("grant", grant).status();
}

Status CheckBootId(std::string_view boot_id) {
  if (boot_id.size() != kBootIdChars) {
    return Bad("boot_id", "36 characters expected");
  }
  for (size_t i = 0; i < boot_id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? boot_id[i] != '-' : !IsLowerHex(boot_id[i])) {
      return Bad("boot_id", "lower-case 8-4-4-4-12 hex expected");
    }
  }
  return Status::Ok();
}

Status CheckEnd(int64_t end_boottime_us) {
  if (end_boottime_us <= 0) return Bad("end_boottime_us", "must be above 0");
  return Status::Ok();
}

// The next line of `rest`, which must be `key value\n`; its value.
Result<std::string_view> TakeLine(std::string_view& rest, int number,
                                  std::string_view key) {
  const std::string object = "line " + std::to_string(number);
  const size_t newline = rest.find('\n');
  if (newline == std::string_view::npos) {
    return Bad(object, rest.empty() ? "missing" : "does not end in LF");
  }
  const std::string_view line = rest.substr(0, newline);
  rest.remove_prefix(newline + 1);
  if (line.size() <= key.size() || line.substr(0, key.size()) != key ||
      line[key.size()] != ' ') {
    return Bad(object, "expected `" + std::string(key) + " VALUE`");
  }
  return line.substr(key.size() + 1);
}

}  // namespace

std::string SerializeWindow(const WindowFile& window) {
  std::string out;
  out.reserve(256);
  out.append(kWindowMagic).append("\n");
  out.append("account ").append(window.account).append("\n");
  out.append("uid ").append(std::to_string(window.uid)).append("\n");
  out.append("grant ").append(window.grant).append("\n");
  out.append("boot_id ").append(window.boot_id).append("\n");
  out.append("end_boottime_us ")
      .append(std::to_string(window.end_boottime_us))
      .append("\n");
  const std::string_view hash(
      reinterpret_cast<const char*>(window.password_sha256.data()),
      window.password_sha256.size());
  out.append("password_sha256 ").append(HexEncode(hash)).append("\n");
  return out;
}

Result<WindowFile> ParseWindow(std::string_view bytes) {
  if (bytes.size() > kMaxWindowBytes) {
    return Bad("file", std::to_string(bytes.size()) + " bytes, at most " +
                           std::to_string(kMaxWindowBytes));
  }
  std::string_view rest = bytes;
  const size_t newline = rest.find('\n');
  if (newline == std::string_view::npos ||
      rest.substr(0, newline) != kWindowMagic) {
    return Bad("line 1", "expected `" + std::string(kWindowMagic) + "` and LF");
  }
  rest.remove_prefix(newline + 1);

  WindowFile window;
  PIIGUARD_ASSIGN_OR_RETURN(std::string_view account,
                            TakeLine(rest, 2, "account"));
  PIIGUARD_RETURN_IF_ERROR(CheckAccount(account));
  window.account = std::string(account);

  PIIGUARD_ASSIGN_OR_RETURN(std::string_view uid_text,
                            TakeLine(rest, 3, "uid"));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t uid,
                            ParseDecimal<uint64_t>("uid", uid_text));
  PIIGUARD_RETURN_IF_ERROR(CheckUid(uid));
  window.uid = static_cast<uint32_t>(uid);

  PIIGUARD_ASSIGN_OR_RETURN(std::string_view grant, TakeLine(rest, 4, "grant"));
  PIIGUARD_RETURN_IF_ERROR(CheckGrant(grant));
  window.grant = std::string(grant);

  PIIGUARD_ASSIGN_OR_RETURN(std::string_view boot_id,
                            TakeLine(rest, 5, "boot_id"));
  PIIGUARD_RETURN_IF_ERROR(CheckBootId(boot_id));
  window.boot_id = std::string(boot_id);

  PIIGUARD_ASSIGN_OR_RETURN(std::string_view end_text,
                            TakeLine(rest, 6, "end_boottime_us"));
  PIIGUARD_ASSIGN_OR_RETURN(window.end_boottime_us,
                            ParseDecimal<int64_t>("end_boottime_us", end_text));
  PIIGUARD_RETURN_IF_ERROR(CheckEnd(window.end_boottime_us));

  PIIGUARD_ASSIGN_OR_RETURN(std::string_view hash_hex,
                            TakeLine(rest, 7, "password_sha256"));
  if (hash_hex.size() != 2 * window.password_sha256.size()) {
    return Bad("password_sha256", "64 lower-case hex digits expected");
  }
  Result<std::string> hash = HexDecode(hash_hex);
  if (!hash.ok()) {
    return Bad("password_sha256", "64 lower-case hex digits expected");
  }
  for (size_t i = 0; i < window.password_sha256.size(); ++i) {
    window.password_sha256[i] = static_cast<uint8_t>((*hash)[i]);
  }

  if (!rest.empty()) return Bad("line 8", "nothing may follow");
  return window;
}

Status ValidateWindow(const WindowFile& window) {
  Result<WindowFile> parsed = ParseWindow(SerializeWindow(window));
  if (!parsed.ok()) return parsed.status();
  if (!(*parsed == window)) {
    return InternalError(kContext, "serialised", "parses to another window");
  }
  return Status::Ok();
}

Result<std::string> NormaliseMaintenancePassword(std::string_view typed) {
  // Crockford's alphabet without I L O U; those three read as digits.
  std::string out;
  out.reserve(kPasswordChars);
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    const bool ok = IsDigit(c) || (c >= 'A' && c <= 'Z' && c != 'U');
    if (!ok) {
      CleanseString(out);
      return InvalidArgumentError(
          kPasswordContext, "character",
          "only 0-9, A-Z without U, '-' and spaces are allowed");
    }
    if (out.size() == kPasswordChars) {  // too long: stop copying it
      CleanseString(out);
      return InvalidArgumentError(kPasswordContext, "length",
                                  "more than 16 characters");
    }
    out.push_back(c);
  }
  if (out.size() != kPasswordChars) {
    const size_t got = out.size();
    CleanseString(out);
    return InvalidArgumentError(
        kPasswordContext, "length",
        std::to_string(got) + " characters, 16 expected");
  }
  return out;
}

std::array<uint8_t, 32> HashMaintenancePassword(std::string_view normalised) {
  std::string input;
  input.reserve(kPasswordDomain.size() + 1 + normalised.size());
  input.append(kPasswordDomain).push_back('\0');
  input.append(normalised);
  std::array<uint8_t, 32> out = Sha256(input);
  CleanseString(input);
  return out;
}

}  // namespace piiguard::maint
