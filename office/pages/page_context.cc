#include "office/pages/page_context.h"

#include <charconv>

#include "common/status.h"
#include "office/pages/render.h"

namespace piiguard::office {
namespace {

constexpr size_t kMaxParamBytes = 256;

}  // namespace

std::string Ctx::Link(std::string_view target, Params params) const {
  if (!lang_param.empty()) params.emplace_back("lang", lang_param);
  return std::string(target) + QueryString(params);
}

Lang ChooseLang(const httplib::Request& req, std::string* explicit_lang) {
  const std::string query = req.get_param_value("lang");
  if (query == "en" || query == "ja") {
    *explicit_lang = query;
    return query == "en" ? Lang::kEn : Lang::kJa;
  }
  // Browsers list languages by preference; the first we have wins.
  const std::string header = req.get_header_value("Accept-Language");
  std::string_view rest = header;
  while (!rest.empty()) {
    const size_t end = rest.find(',');
    std::string_view tag = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view()
                                         : rest.substr(end + 1);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    if (tag.size() >= 2 && (tag[0] == 'j' || tag[0] == 'J') &&
        (tag[1] == 'a' || tag[1] == 'A')) {
      return Lang::kJa;
    }
    if (tag.size() >= 2 && (tag[0] == 'e' || tag[0] == 'E') &&
        (tag[1] == 'n' || tag[1] == 'N')) {
      return Lang::kEn;
    }
  }
  return Lang::kJa;
}

std::optional<std::string> CookieValue(const httplib::Request& req,
                                       std::string_view name) {
  const std::string header = req.get_header_value("Cookie");
  std::string_view rest = header;
  while (!rest.empty()) {
    const size_t end = rest.find(';');
    std::string_view item = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view()
                                         : rest.substr(end + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    const size_t eq = item.find('=');
    if (eq != std::string_view::npos && item.substr(0, eq) == name) {
      return std::string(item.substr(eq + 1));
    }
  }
  return std::nullopt;
}

std::string CookieHeader(std::string_view name, std::string_view value,
                         int64_t max_age_seconds) {
  return std::string(name) + "=" + std::string(value) +
         "; Path=/; Max-Age=" + std::to_string(max_age_seconds) +
         "; HttpOnly; Secure; SameSite=Strict";
}

void SecurityHeaders(httplib::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; form-action 'self'; "
                 "frame-ancestors 'none'; base-uri 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
}

Result<std::string> Param(const httplib::Request& req, const char* name) {
  std::string value = req.get_param_value(name);
  if (value.size() > kMaxParamBytes) {
    return InvalidArgumentError("filter", name, "too long");
  }
  return value;
}

Result<size_t> ParseCount(std::string_view text, const char* name) {
  size_t value = 0;
  if (text.empty()) return value;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  constexpr size_t kMaxOffset = 1000000000;
  if (error != std::errc() || end != text.data() + text.size() ||
      value > kMaxOffset) {
    return InvalidArgumentError("filter", name, "expected a number");
  }
  return value;
}

}  // namespace piiguard::office
