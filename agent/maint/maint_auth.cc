#include "agent/maint/maint_auth.h"

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "agent/maint/window_file.h"
#include "common/crypto.h"

namespace piiguard::maint {
namespace {

constexpr uint32_t kRoot = 0;

AuthOutcome Refuse(Verdict verdict, std::string why) {
  return AuthOutcome{verdict, std::move(why)};
}

std::string Octal(uint32_t mode) {
  std::string out;
  for (int shift = 9; shift >= 0; shift -= 3) {
    out.push_back(static_cast<char>('0' + ((mode >> shift) & 7)));
  }
  return out;
}

std::string Describe(const FileFacts& f) {
  return std::string(f.directory ? "directory"
                                 : (f.regular ? "file" : "other")) +
         " uid " + std::to_string(f.uid) + " mode " + Octal(f.mode);
}

// `text` for a log line: printable ASCII, at most 64 bytes.
std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 64)) {
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  return out;
}

// The part of stdin before its NUL or LF; nullopt if it is too long.
std::optional<std::string> TakeSecret(std::string raw) {
  const size_t end = raw.find_first_of(std::string_view("\0\n", 2));
  std::optional<std::string> out;
  if (end != std::string::npos) {
    out = raw.substr(0, end);
  } else if (raw.size() <= kMaxSecretBytes) {
    out = raw;  // ended by end of file
  }
  CleanseString(raw);
  if (out && out->size() > kMaxSecretBytes) {
    CleanseString(*out);
    out.reset();
  }
  return out;
}

// Whether `secret` is the window's password.
bool PasswordMatches(std::string secret, const WindowFile& window) {
  Result<std::string> normal = NormaliseMaintenancePassword(secret);
  CleanseString(secret);
  if (!normal.ok()) return false;
  std::array<uint8_t, 32> hash = HashMaintenancePassword(*normal);
  CleanseString(*normal);
  return ConstantTimeEquals(
      std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()),
      std::string_view(
          reinterpret_cast<const char*>(window.password_sha256.data()),
          window.password_sha256.size()));
}

// Everything after the user's name was found to be the maintenance
// account's.
AuthOutcome Decide(AuthHost& host, const std::string& user) {
  std::optional<std::string> type = host.Env("PAM_TYPE");
  if (!type || *type != "auth") {
    return Refuse(Verdict::kWrongType,
                  "PAM_TYPE is " + (type ? *type : std::string("unset")));
  }

  Result<FileFacts> dir = host.OpenWindowDir();
  if (!dir.ok()) {
    if (dir.status().code() == StatusCode::kNotFound) {
      return Refuse(Verdict::kNoWindow, "no maintenance window is open");
    }
    return Refuse(Verdict::kUnsafeFile, dir.status().message());
  }
  if (!dir->directory || dir->uid != kRoot || (dir->mode & 022) != 0) {
    return Refuse(Verdict::kUnsafeFile,
                  "window directory: " + Describe(*dir) +
                      ", root's and writable by root only expected");
  }
  Result<WindowRead> read = host.ReadWindow(kMaxWindowBytes + 1);
  if (!read.ok()) {
    if (read.status().code() == StatusCode::kNotFound) {
      return Refuse(Verdict::kNoWindow, "no maintenance window is open");
    }
    return Refuse(Verdict::kUnsafeFile, read.status().message());
  }
  const FileFacts& facts = read->facts;
  if (!facts.regular || facts.uid != kRoot || facts.mode != 0600) {
    return Refuse(Verdict::kUnsafeFile,
                  "window: " + Describe(facts) + ", a root file 0600 expected");
  }
  Result<WindowFile> window = ParseWindow(read->bytes);
  if (!window.ok()) {
    return Refuse(Verdict::kBadWindow, window.status().message());
  }

  Result<uint32_t> uid = host.AccountUid(user);
  if (window->account != user || !uid.ok() || *uid != window->uid) {
    return Refuse(Verdict::kWrongAccount,
                  "the window is for " + window->account + " uid " +
                      std::to_string(window->uid) + ", not " + user +
                      (uid.ok() ? " uid " + std::to_string(*uid)
                                : " (" + uid.status().message() + ")"));
  }
  Result<std::string> boot_id = host.BootId();
  if (!boot_id.ok()) return Refuse(Verdict::kError, boot_id.status().message());
  if (*boot_id != window->boot_id) {
    return Refuse(Verdict::kOtherBoot, "the window is from another boot");
  }
  const int64_t now = host.BoottimeUs();
  if (now >= window->end_boottime_us) {
    return Refuse(
        Verdict::kExpired,
        "the window ended " +
            std::to_string((now - window->end_boottime_us) / 1000000) +
            " s ago");
  }

  Result<FileFacts> tries = host.LockTries();
  if (!tries.ok()) return Refuse(Verdict::kError, tries.status().message());
  if (!tries->regular || tries->uid != kRoot || tries->mode != 0600) {
    return Refuse(Verdict::kUnsafeFile,
                  "tries: " + Describe(*tries) + ", a root file 0600 expected");
  }
  if (tries->size >= kMaxTries) {
    return Refuse(Verdict::kLockedOut,
                  std::to_string(tries->size) +
                      " failed tries: every password is refused until the "
                      "next window");
  }

  Result<std::string> raw = host.ReadSecret(kMaxSecretBytes + 1);
  if (!raw.ok()) return Refuse(Verdict::kError, raw.status().message());
  std::optional<std::string> secret = TakeSecret(std::move(raw).value());
  std::string why;
  if (!secret) {
    why = "the password is longer than 128 bytes";
  } else if (!PasswordMatches(std::move(*secret), *window)) {
    why = "wrong password";
  } else {
    return AuthOutcome{Verdict::kAccept, "grant " + window->grant};
  }
  const int64_t recorded = tries->size + 1;
  why += " (try " + std::to_string(recorded) + " of " +
         std::to_string(kMaxTries) + ")";
  Status added = host.AddTry();
  if (!added.ok()) why += "; not recorded: " + added.message();
  return Refuse(Verdict::kWrongPassword, why);
}

}  // namespace

AuthOutcome Authenticate(AuthHost& host) {
  std::optional<std::string> user = host.Env("PAM_USER");
  if (!user || *user != kMaintenanceAccount) {
    return Refuse(Verdict::kOtherUser, "");
  }
  AuthOutcome outcome = Decide(host, *user);
  const std::string service = Printable(host.Env("PAM_SERVICE").value_or("?"));
  host.Log(std::string(VerdictName(outcome.verdict)) + ": " + *user + " (" +
           service + "): " + outcome.why);
  return outcome;
}

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kAccept:
      return "accepted";
    case Verdict::kOtherUser:
      return "other-user";
    case Verdict::kWrongType:
      return "wrong-type";
    case Verdict::kNoWindow:
      return "no-window";
    case Verdict::kUnsafeFile:
      return "unsafe-file";
    case Verdict::kBadWindow:
      return "bad-window";
    case Verdict::kWrongAccount:
      return "wrong-account";
    case Verdict::kOtherBoot:
      return "other-boot";
    case Verdict::kExpired:
      return "expired";
    case Verdict::kLockedOut:
      return "locked-out";
    case Verdict::kWrongPassword:
      return "wrong-password";
    case Verdict::kError:
      return "error";
  }
  return "error";
}

int ExitCode(Verdict verdict) { return verdict == Verdict::kAccept ? 0 : 1; }

}  // namespace piiguard::maint
