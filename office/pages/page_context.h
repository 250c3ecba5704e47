// The request side every review page shares (review_pages.h): what one
// request needs to render (language, time, the logged-in user), reading
// GET/POST parameters and cookies, and the security headers of every answer.
//
// Thread-safety: a Ctx belongs to one request; the functions are pure.
#ifndef PIIGUARD_OFFICE_PAGES_PAGE_CONTEXT_H_
#define PIIGUARD_OFFICE_PAGES_PAGE_CONTEXT_H_

#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/messages.h"
#include "common/result.h"
#include "office/pages/review_source.h"

namespace piiguard::office {

using Params = std::vector<std::pair<std::string, std::string>>;

inline constexpr int kStatusOk = 200;
inline constexpr int kStatusNoContent = 204;
inline constexpr int kStatusSeeOther = 303;
inline constexpr int kStatusBadRequest = 400;
inline constexpr int kStatusUnauthorized = 401;
inline constexpr int kStatusForbidden = 403;
inline constexpr int kStatusNotFound = 404;
inline constexpr int kStatusTooManyRequests = 429;
inline constexpr int kStatusServerError = 500;

inline constexpr std::string_view kSessionCookie = "__Host-piiguard-session";
inline constexpr std::string_view kLoginCookie = "__Host-piiguard-login";
// Random bytes of a session cookie, a CSRF token and a login-form token.
inline constexpr size_t kTokenBytes = 32;

// What one request needs to render: language, time, the logged-in user.
struct Ctx {
  Lang lang = Lang::kJa;
  std::string lang_param;  // "en"/"ja" when the request named it
  std::string path;
  Params query;  // GET parameters except lang, to switch language in place
  int64_t now = 0;
  std::optional<LoginSession> session;

  std::string M(MsgId id,
                std::initializer_list<std::string_view> args = {}) const {
    return Message(lang, id, args);
  }
  // `target` with `params` and the request's explicit language.
  std::string Link(std::string_view target, Params params = {}) const;
};

// The language of a request: ?lang=en|ja (also put in *explicit_lang), else
// the first of Accept-Language we have, else Japanese.
Lang ChooseLang(const httplib::Request& req, std::string* explicit_lang);

std::optional<std::string> CookieValue(const httplib::Request& req,
                                       std::string_view name);
// A Set-Cookie value: HttpOnly, Secure, SameSite=Strict, Path=/.
std::string CookieHeader(std::string_view name, std::string_view value,
                         int64_t max_age_seconds);

// Content-Security-Policy (no script, no framing, forms to this site only),
// nosniff, DENY framing, no referrer, no caching.
void SecurityHeaders(httplib::Response& res);

// A parameter of at most 256 bytes (kInvalidArgument beyond).
Result<std::string> Param(const httplib::Request& req, const char* name);
// A count of at most 10^9; "" is 0.
Result<size_t> ParseCount(std::string_view text, const char* name);

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_PAGES_PAGE_CONTEXT_H_
