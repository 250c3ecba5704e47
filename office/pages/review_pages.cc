#include "office/pages/review_pages.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/messages.h"
#include "common/status.h"
#include "office/pages/render.h"

namespace piiguard::office {
namespace {

using httplib::Request;
using httplib::Response;
using journal::Severity;
using Params = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kSessionCookie = "__Host-piiguard-session";
constexpr std::string_view kLoginCookie = "__Host-piiguard-login";
constexpr size_t kTokenBytes = 32;
constexpr size_t kMaxParamBytes = 256;
constexpr size_t kMaxUserNameBytes = 64;
constexpr size_t kCsvChunk = 1000;
constexpr size_t kCsvMaxRows = 200000;
constexpr size_t kOverviewRows = 5;
constexpr size_t kReportRows = 200;
constexpr size_t kSummaryBytes = 160;
constexpr int64_t kDayMs = int64_t{24} * 60 * 60 * 1000;
constexpr int64_t kRecentDays = 30;
constexpr int kYearsShown = 6;
constexpr int kStatusNoContent = 204;
constexpr int kStatusSeeOther = 303;
constexpr int kStatusBadRequest = 400;
constexpr int kStatusUnauthorized = 401;
constexpr int kStatusForbidden = 403;
constexpr int kStatusNotFound = 404;
constexpr int kStatusTooManyRequests = 429;
constexpr int kStatusServerError = 500;

constexpr std::string_view kCss = R"css(
body{margin:0;font-family:"Hiragino Sans","Yu Gothic UI",Meiryo,"Noto Sans CJK JP","IPAPGothic",sans-serif;color:#1a1a1a;background:#f6f7f9;line-height:1.6}
header{background:#1d3b6a;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;align-items:center;gap:1rem}
header a{color:#fff}
.brand{font-weight:bold;font-size:1.1rem}
nav.main{display:flex;flex-wrap:wrap;gap:.25rem}
nav.main a{padding:.3rem .7rem;border-radius:4px;text-decoration:none}
nav.main a.current,nav.main a:hover{background:#fff;color:#1d3b6a}
.user{margin-left:auto;display:flex;gap:.75rem;align-items:center}
main{padding:1rem 1.5rem;max-width:1400px}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
p.intro{background:#fff;border-left:4px solid #1d3b6a;padding:.5rem 1rem}
table{border-collapse:collapse;background:#fff;width:100%;margin:.5rem 0}
th,td{border:1px solid #c8ccd2;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#e8ecf2;white-space:nowrap}
td.nw{white-space:nowrap}
td.num{text-align:right}
tr.failed td,.alert{background:#fde8e8;color:#8b0000}
.alert{border:2px solid #c00000;padding:.5rem 1rem;margin:.5rem 0}
.badge{display:inline-block;padding:0 .4rem;border-radius:3px;font-size:.9rem}
.sev-warning{background:#fff1c2}
.sev-violation{background:#ffd5c2}
.sev-incident{background:#c00000;color:#fff}
.raw{color:#555;font-size:.8rem;display:block}
.notice{background:#e6f4ea;border:1px solid #2e7d32;padding:.5rem 1rem}
.error{background:#fde8e8;border:1px solid #c00000;padding:.5rem 1rem}
form.filters fieldset{background:#fff;border:1px solid #c8ccd2;display:flex;flex-wrap:wrap;gap:.75rem;align-items:end}
label{display:inline-flex;flex-direction:column;font-size:.9rem}
input,select,button{font-size:1rem;padding:.2rem .4rem}
button{background:#1d3b6a;color:#fff;border:0;border-radius:4px;padding:.35rem .9rem;cursor:pointer}
header button{background:#fff;color:#1d3b6a}
form.inline{display:inline}
.pager{display:flex;gap:1rem;margin:.5rem 0}
.login{max-width:28rem;margin:3rem auto;background:#fff;padding:1.5rem;border:1px solid #c8ccd2}
.login label{display:flex;margin:.5rem 0}
pre{background:#fff;border:1px solid #c8ccd2;padding:.5rem;white-space:pre-wrap;word-break:break-all}
@media print{header,form,.pager{display:none}}
)css";

std::string E(std::string_view text) { return HtmlEscape(text); }

std::string_view SeverityKey(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kNotice:
      return "notice";
    case Severity::kWarning:
      return "warning";
    case Severity::kViolation:
      return "violation";
    case Severity::kIncident:
      return "incident";
  }
  return "info";
}

MsgId SeverityMsg(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return MsgId::kPagesSevInfo;
    case Severity::kNotice:
      return MsgId::kPagesSevNotice;
    case Severity::kWarning:
      return MsgId::kPagesSevWarning;
    case Severity::kViolation:
      return MsgId::kPagesSevViolation;
    case Severity::kIncident:
      return MsgId::kPagesSevIncident;
  }
  return MsgId::kPagesSevInfo;
}

std::optional<Severity> SeverityFromKey(std::string_view key) {
  for (Severity s : {Severity::kInfo, Severity::kNotice, Severity::kWarning,
                     Severity::kViolation, Severity::kIncident}) {
    if (SeverityKey(s) == key) return s;
  }
  return std::nullopt;
}

std::vector<std::string> NearMissTypes() {
  std::vector<std::string> types;
  for (std::string_view t : journal::NearMissTypes()) types.emplace_back(t);
  return types;
}

std::optional<MsgId> TypeMsg(std::string_view type) {
  return journal::EventTypeLabel(type);
}

// Cuts `text` to at most `max` bytes at a UTF-8 character boundary.
std::string Truncate(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0U) == 0x80U) --n;
  return std::string(text.substr(0, n)) + "…";
}

Json ParseDetails(std::string_view details) {
  Result<Json> json = ParseJsonStrict(details, "details");
  if (!json.ok() || !json->is_object()) return Json::object();
  return *std::move(json);
}

std::string JsonText(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string DetailString(const Json& details, const char* key) {
  if (!details.is_object() || !details.contains(key)) return "";
  return JsonText(details.at(key));
}

// One line about an event's details: its reason or text, else key: value.
std::string DetailSummary(const Json& details) {
  for (const char* key : {"reason", "text"}) {
    std::string value = DetailString(details, key);
    if (!value.empty()) return Truncate(value, kSummaryBytes);
  }
  std::string line;
  for (const auto& [key, value] : details.items()) {
    if (!line.empty()) line += ", ";
    line += key + ": " + JsonText(value);
  }
  return Truncate(line, kSummaryBytes);
}

// What an incident means, for people; nullopt for a code we do not know.
std::optional<MsgId> IncidentMsg(std::string_view code) {
  if (code == "history_rewritten") return MsgId::kPagesIncidentHistoryRewritten;
  if (code == "chain_replaced") return MsgId::kPagesIncidentChainReplaced;
  return std::nullopt;
}

std::optional<std::string> CookieValue(const Request& req,
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

void SecurityHeaders(Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; form-action 'self'; "
                 "frame-ancestors 'none'; base-uri 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
}

Lang ChooseLang(const Request& req, std::string* explicit_lang) {
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
  std::string Link(std::string_view target, Params params = {}) const {
    if (!lang_param.empty()) params.emplace_back("lang", lang_param);
    return std::string(target) + QueryString(params);
  }
  std::string LangField() const {
    if (lang_param.empty()) return "";
    return R"(<input type="hidden" name="lang" value=")" + E(lang_param) +
           R"(">)";
  }
  std::string CsrfField() const {
    if (!session) return "";
    return R"(<input type="hidden" name="csrf" value=")" +
           E(session->csrf_token) + R"(">)";
  }
};

Result<std::string> Param(const Request& req, const char* name) {
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

enum class ListKind { kViolations, kNearMisses };

// The filter of a list page from its GET parameters, and those parameters
// (to repeat in links) in `echo`.
Result<EventFilter> ParseFilter(const Request& req, ListKind kind,
                                Params* echo) {
  EventFilter filter;
  PIIGUARD_ASSIGN_OR_RETURN(filter.pc, Param(req, "pc"));
  PIIGUARD_ASSIGN_OR_RETURN(filter.consignee, Param(req, "consignee"));
  echo->emplace_back("pc", filter.pc);
  echo->emplace_back("consignee", filter.consignee);
  if (kind == ListKind::kNearMisses) {
    filter.types = NearMissTypes();
    filter.min_severity = Severity::kInfo;
  } else {
    PIIGUARD_ASSIGN_OR_RETURN(filter.type_prefix, Param(req, "type"));
    PIIGUARD_ASSIGN_OR_RETURN(std::string severity, Param(req, "severity"));
    filter.min_severity = Severity::kWarning;
    if (!severity.empty()) {
      std::optional<Severity> parsed = SeverityFromKey(severity);
      if (!parsed) {
        return InvalidArgumentError("filter", "severity", "unknown severity");
      }
      filter.min_severity = std::max(*parsed, Severity::kWarning);
    }
    echo->emplace_back("type", filter.type_prefix);
    echo->emplace_back("severity", severity);
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string from, Param(req, "from"));
  PIIGUARD_ASSIGN_OR_RETURN(std::string to, Param(req, "to"));
  if (!from.empty()) {
    Result<int64_t> ms = JstDayStartMs(from);
    if (!ms.ok()) {
      return InvalidArgumentError("filter", "from", "expected YYYY-MM-DD");
    }
    filter.from_ms = *ms;
  }
  if (!to.empty()) {
    Result<int64_t> ms = JstDayStartMs(to);
    if (!ms.ok()) {
      return InvalidArgumentError("filter", "to", "expected YYYY-MM-DD");
    }
    filter.to_ms = *ms + kDayMs;  // the whole day
  }
  echo->emplace_back("from", from);
  echo->emplace_back("to", to);
  PIIGUARD_ASSIGN_OR_RETURN(std::string offset, Param(req, "offset"));
  PIIGUARD_ASSIGN_OR_RETURN(filter.offset, ParseCount(offset, "offset"));
  return filter;
}

std::string ConsigneeName(const Ctx& ctx, const Register& reg,
                          std::string_view id) {
  if (id.empty()) return ctx.M(MsgId::kPagesCity);
  for (const Consignee& c : reg.consignees) {
    if (c.id == id) return c.name;
  }
  return std::string(id);
}

std::string JobName(const Register& reg, std::string_view id) {
  for (const RegisterJob& job : reg.jobs) {
    if (job.id == id) return job.name;
  }
  return "";
}

std::string TypeCell(const Ctx& ctx, std::string_view type) {
  std::optional<MsgId> label = TypeMsg(type);
  if (!label) return E(type);
  return E(ctx.M(*label)) + R"(<span class="raw">)" + E(type) + "</span>";
}

std::string TypeText(const Ctx& ctx, std::string_view type) {
  std::optional<MsgId> label = TypeMsg(type);
  return label ? ctx.M(*label) : std::string(type);
}

std::string SeverityBadge(const Ctx& ctx, Severity severity) {
  return R"(<span class="badge sev-)" + std::string(SeverityKey(severity)) +
         R"(">)" + E(ctx.M(SeverityMsg(severity))) + "</span>";
}

std::string Th(const Ctx& ctx, std::initializer_list<MsgId> ids) {
  std::string row = "<tr>";
  for (MsgId id : ids) row += "<th>" + E(ctx.M(id)) + "</th>";
  return row + "</tr>";
}

std::string EventLink(const Ctx& ctx, const ReviewEvent& event) {
  return R"(<a href=")" +
         E(ctx.Link("/event",
                    {{"pc", event.pc}, {"seq", std::to_string(event.seq)}})) +
         R"(">)" + E(ctx.M(MsgId::kPagesMore)) + "</a>";
}

std::string EventsTable(const Ctx& ctx, const Register& reg,
                        const std::vector<ReviewEvent>& events, ListKind kind) {
  std::string html = "<table>";
  if (kind == ListKind::kNearMisses) {
    html += Th(ctx, {MsgId::kPagesColTime, MsgId::kPagesColPc,
                     MsgId::kPagesColConsignee, MsgId::kPagesColReporter,
                     MsgId::kPagesColDetails, MsgId::kPagesMore});
  } else {
    html += Th(ctx, {MsgId::kPagesColTime, MsgId::kPagesColPc,
                     MsgId::kPagesColConsignee, MsgId::kPagesColSeverity,
                     MsgId::kPagesColType, MsgId::kPagesColSubject,
                     MsgId::kPagesColDetails, MsgId::kPagesMore});
  }
  for (const ReviewEvent& event : events) {
    const Json details = ParseDetails(event.details);
    html += R"(<tr><td class="nw">)" + E(FormatJst(event.time_ms)) +
            R"(</td><td class="nw">)" + E(event.pc) + "</td><td>" +
            E(ConsigneeName(ctx, reg, event.consignee)) + "</td>";
    if (kind == ListKind::kNearMisses) {
      html += "<td>" + E(DetailString(details, "user")) + "</td><td>" +
              E(DetailString(details, "text")) + "</td>";
    } else {
      html += "<td>" + SeverityBadge(ctx, event.severity) + "</td><td>" +
              TypeCell(ctx, event.type) + "</td><td>" + E(event.subject) +
              "</td><td>" + E(DetailSummary(details)) + "</td>";
    }
    html += "<td>" + EventLink(ctx, event) + "</td></tr>";
  }
  return html + "</table>";
}

class Pages {
 public:
  Pages(ReviewSource& source, PagesOptions options)
      : source_(source), options_(std::move(options)) {
    if (options_.page_size == 0) options_.page_size = 1;
  }

  static void Mount(const std::shared_ptr<Pages>& self,
                    httplib::Server& server) {
    server.Get("/pages.css", [](const Request&, Response& res) {
      SecurityHeaders(res);
      res.set_content(std::string(kCss), "text/css; charset=utf-8");
    });
    // Browsers ask for an icon on every page; say "none" instead of 404.
    server.Get("/favicon.ico", [](const Request&, Response& res) {
      SecurityHeaders(res);
      res.status = kStatusNoContent;
    });
    server.Get("/login", [self](const Request& req, Response& res) {
      self->GetLogin(req, res);
    });
    server.Post("/login", [self](const Request& req, Response& res) {
      self->PostLogin(req, res);
    });
    const std::initializer_list<std::pair<const char*, PageFn>> gets = {
        {"/", &Pages::Overview},
        {"/violations", &Pages::Violations},
        {"/violations.csv", &Pages::ViolationsCsv},
        {"/near-misses", &Pages::NearMisses},
        {"/near-misses.csv", &Pages::NearMissesCsv},
        {"/pcs", &Pages::Pcs},
        {"/pcs.csv", &Pages::PcsCsv},
        {"/counts", &Pages::Counts},
        {"/counts.csv", &Pages::CountsCsv},
        {"/event", &Pages::Event},
        {"/reports", &Pages::Reports},
        {"/reports.csv", &Pages::ReportsCsv},
    };
    for (const auto& [path, fn] : gets) {
      server.Get(path, [self, fn = fn](const Request& req, Response& res) {
        self->Run(req, res, fn, /*post=*/false);
      });
    }
    server.Post("/logout", [self](const Request& req, Response& res) {
      self->Run(req, res, &Pages::Logout, /*post=*/true);
    });
    server.Post("/reports/request", [self](const Request& req, Response& res) {
      self->Run(req, res, &Pages::RequestReport, /*post=*/true);
    });
  }

 private:
  using PageFn = Status (Pages::*)(const Request&, Response&, Ctx&);

  int64_t Now() const {
    if (options_.now_ms) return options_.now_ms();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  Ctx Begin(const Request& req) const {
    Ctx ctx;
    ctx.lang = ChooseLang(req, &ctx.lang_param);
    ctx.path = req.path;
    if (req.method == "GET") {
      for (const auto& [key, value] : req.params) {
        if (key != "lang") ctx.query.emplace_back(key, value);
      }
    }
    ctx.now = Now();
    return ctx;
  }

  // The page around `body`: header, navigation, language switch.
  static std::string Shell(const Ctx& ctx, std::string_view title,
                           std::string_view body) {
    std::string html = "<!DOCTYPE html>\n<html lang=\"";
    html += ctx.lang == Lang::kJa ? "ja" : "en";
    html +=
        "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
        "content=\"width=device-width, initial-scale=1\"><title>" +
        E(title) + " | " + E(ctx.M(MsgId::kPagesTitle)) +
        "</title><link rel=\"stylesheet\" href=\"/pages.css\"></head>"
        "<body><header><div class=\"brand\">" +
        E(ctx.M(MsgId::kPagesTitle)) + "</div>";
    if (ctx.session) {
      html += R"(<nav class="main">)";
      const std::initializer_list<std::pair<const char*, MsgId>> items = {
          {"/", MsgId::kPagesNavOverview},
          {"/violations", MsgId::kPagesNavViolations},
          {"/near-misses", MsgId::kPagesNavNearMisses},
          {"/pcs", MsgId::kPagesNavPcs},
          {"/counts", MsgId::kPagesNavCounts},
          {"/reports", MsgId::kPagesNavReports},
      };
      for (const auto& [path, id] : items) {
        html += R"(<a href=")" + E(ctx.Link(path)) + "\"";
        if (ctx.path == path) html += R"( class="current")";
        html += ">" + E(ctx.M(id)) + "</a>";
      }
      html += "</nav>";
    }
    html += R"(<div class="user">)";
    if (ctx.session) {
      html += "<span>" +
              E(ctx.M(MsgId::kPagesLoggedInAs, {ctx.session->user})) +
              "</span>" +
              R"(<form method="post" action="/logout" class="inline">)" +
              ctx.CsrfField() + ctx.LangField() + "<button type=\"submit\">" +
              E(ctx.M(MsgId::kPagesLogout)) + "</button></form>";
    }
    Params switched = ctx.query;
    switched.emplace_back("lang", ctx.lang == Lang::kJa ? "en" : "ja");
    html += R"(<a href=")" + E(ctx.path + QueryString(switched)) + R"(">)" +
            E(ctx.M(MsgId::kPagesOtherLang)) + "</a></div></header><main><h1>" +
            E(title) + "</h1>";
    html += body;
    html += "</main></body></html>\n";
    return html;
  }

  static void SendHtml(Response& res, int status, const std::string& html) {
    res.status = status;
    res.set_content(html, "text/html; charset=utf-8");
  }

  static void SendMessage(Response& res, const Ctx& ctx, int status,
                          const std::string& message) {
    SendHtml(res, status,
             Shell(ctx, ctx.M(MsgId::kPagesTitle),
                   R"(<p class="error">)" + E(message) + "</p>"));
  }

  static void SendCsv(Response& res, const Ctx& ctx, std::string_view name,
                      const std::string& body) {
    res.set_header("Content-Disposition", "attachment; filename=\"" +
                                              std::string(name) + "-" +
                                              JstDate(ctx.now) + ".csv\"");
    res.set_content(std::string(kUtf8Bom) + body, "text/csv; charset=utf-8");
  }

  // Runs a page that needs a login; a POST also needs the session's CSRF
  // token.
  void Run(const Request& req, Response& res, PageFn fn, bool post) {
    Ctx ctx = Begin(req);
    SecurityHeaders(res);
    bool expired = false;
    Status loaded = LoadSession(req, ctx, &expired);
    if (!loaded.ok()) {
      SendMessage(res, ctx, kStatusServerError,
                  ctx.M(MsgId::kPagesError, {loaded.message()}));
      return;
    }
    if (!ctx.session) {
      res.set_redirect(
          ctx.Link("/login", {{"expired", expired || post ? "1" : ""}}),
          kStatusSeeOther);
      return;
    }
    if (post && !ConstantTimeEquals(req.get_param_value("csrf"),
                                    ctx.session->csrf_token)) {
      SendMessage(res, ctx, kStatusForbidden, ctx.M(MsgId::kPagesFormExpired));
      return;
    }
    Status status = (this->*fn)(req, res, ctx);
    if (status.ok()) return;
    res.set_header("Content-Disposition", "inline");
    switch (status.code()) {
      case StatusCode::kInvalidArgument:
        SendMessage(res, ctx, kStatusBadRequest,
                    ctx.M(MsgId::kPagesBadFilter, {status.message()}));
        break;
      case StatusCode::kNotFound:
        SendMessage(res, ctx, kStatusNotFound, ctx.M(MsgId::kPagesNotFound));
        break;
      default:
        SendMessage(res, ctx, kStatusServerError,
                    ctx.M(MsgId::kPagesError, {status.message()}));
    }
  }

  // Sets ctx.session when the request carries a live session cookie.
  Status LoadSession(const Request& req, Ctx& ctx, bool* expired) {
    std::optional<std::string> cookie = CookieValue(req, kSessionCookie);
    if (!cookie || cookie->empty()) return Status::Ok();
    const std::string hash = Sha256Hex(*cookie);
    Result<LoginSession> session = source_.GetSession(hash);
    if (!session.ok()) {
      if (session.status().code() == StatusCode::kNotFound) {
        *expired = true;
        return Status::Ok();
      }
      return session.status();
    }
    if (session->expires_ms <= ctx.now || session->user.empty()) {
      *expired = true;
      return source_.DeleteSession(hash);
    }
    ctx.session = *std::move(session);
    return Status::Ok();
  }

  // ---- Login ----

  void SendLogin(Response& res, const Ctx& ctx, int status,
                 std::optional<MsgId> notice, std::string_view user,
                 bool is_error) const {
    Result<std::string> token = RandomBytes(kTokenBytes);
    if (!token.ok()) {
      SendMessage(res, ctx, kStatusServerError,
                  ctx.M(MsgId::kPagesError, {token.status().message()}));
      return;
    }
    const std::string value = HexEncode(*token);
    constexpr int64_t kLoginFormSeconds = 3600;
    res.set_header("Set-Cookie",
                   CookieHeader(kLoginCookie, value, kLoginFormSeconds));
    std::string body = R"(<div class="login">)";
    if (notice) {
      body +=
          std::string(is_error ? R"(<p class="error">)"
                               : R"(<p class="notice">)") +
          E(ctx.M(*notice,
                  {std::to_string(options_.login_failure_window_ms / 60000)})) +
          "</p>";
    }
    body += "<p>" + E(ctx.M(MsgId::kPagesLoginIntro)) +
            R"(</p><form method="post" action="/login">)" +
            R"(<input type="hidden" name="csrf" value=")" + E(value) + "\">" +
            ctx.LangField() + "<label>" + E(ctx.M(MsgId::kPagesUserName)) +
            R"(<input name="user" autocomplete="username" required value=")" +
            E(user) + "\"></label><label>" + E(ctx.M(MsgId::kPagesPassword)) +
            R"(<input type="password" name="password" )"
            R"(autocomplete="current-password" required></label>)"
            "<button type=\"submit\">" +
            E(ctx.M(MsgId::kPagesLoginHeading)) + "</button></form></div>";
    SendHtml(res, status, Shell(ctx, ctx.M(MsgId::kPagesLoginHeading), body));
  }

  void GetLogin(const Request& req, Response& res) {
    Ctx ctx = Begin(req);
    SecurityHeaders(res);
    bool expired = false;
    Status loaded = LoadSession(req, ctx, &expired);
    if (loaded.ok() && ctx.session) {
      res.set_redirect(ctx.Link("/"), kStatusSeeOther);
      return;
    }
    ctx.session.reset();
    std::optional<MsgId> notice;
    if (req.get_param_value("expired") == "1") notice = MsgId::kPagesLoginAgain;
    SendLogin(res, ctx, 200, notice, "", false);
  }

  void PostLogin(const Request& req, Response& res) {
    Ctx ctx = Begin(req);
    SecurityHeaders(res);
    const std::optional<std::string> cookie = CookieValue(req, kLoginCookie);
    const std::string form_token = req.get_param_value("csrf");
    const std::string user = req.get_param_value("user");
    if (!cookie || form_token.empty() ||
        !ConstantTimeEquals(*cookie, form_token)) {
      SendLogin(res, ctx, kStatusForbidden, MsgId::kPagesFormExpired, user,
                true);
      return;
    }
    std::string password = req.get_param_value("password");
    Status status = Login(res, ctx, user, password);
    CleanseString(password);
    if (!status.ok()) {
      SendMessage(res, ctx, kStatusServerError,
                  ctx.M(MsgId::kPagesError, {status.message()}));
    }
  }

  Status Login(Response& res, Ctx& ctx, const std::string& user,
               std::string_view password) {
    if (user.empty() || user.size() > kMaxUserNameBytes) {
      SendLogin(res, ctx, kStatusUnauthorized, MsgId::kPagesLoginFailed, "",
                true);
      return Status::Ok();
    }
    PIIGUARD_ASSIGN_OR_RETURN(
        uint64_t failures,
        source_.CountLoginFailures(user,
                                   ctx.now - options_.login_failure_window_ms));
    if (failures >= options_.max_login_failures) {
      SendLogin(res, ctx, kStatusTooManyRequests, MsgId::kPagesLoginLocked,
                user, true);
      return Status::Ok();
    }
    Result<OfficeUser> record = source_.GetUser(user);
    bool good = false;
    if (record.ok()) {
      good = CheckPassword(*record, password);
    } else if (record.status().code() == StatusCode::kNotFound) {
      // As slow as a wrong password, so names cannot be probed by timing.
      OfficeUser dummy;
      dummy.salt_hex = std::string(32, '0');
      dummy.password_hash_hex = std::string(64, '0');
      dummy.iterations = options_.unknown_user_iterations;
      (void)CheckPassword(dummy, password);
    } else {
      return record.status();
    }
    if (!good) {
      PIIGUARD_RETURN_IF_ERROR(source_.RecordLoginFailure(user, ctx.now));
      SendLogin(res, ctx, kStatusUnauthorized, MsgId::kPagesLoginFailed, user,
                true);
      return Status::Ok();
    }
    PIIGUARD_ASSIGN_OR_RETURN(std::string token, RandomBytes(kTokenBytes));
    PIIGUARD_ASSIGN_OR_RETURN(std::string csrf, RandomBytes(kTokenBytes));
    const std::string cookie = HexEncode(token);
    LoginSession session;
    session.token_hash_hex = Sha256Hex(cookie);
    session.user = user;
    session.csrf_token = HexEncode(csrf);
    session.created_ms = ctx.now;
    session.expires_ms = ctx.now + options_.session_lifetime_ms;
    // Housekeeping only: a failure here does not stop the login.
    source_.DeleteExpiredSessions(ctx.now).IgnoreError();
    PIIGUARD_RETURN_IF_ERROR(source_.CreateSession(session));
    res.set_header("Set-Cookie",
                   CookieHeader(kSessionCookie, cookie,
                                options_.session_lifetime_ms / 1000));
    res.set_header("Set-Cookie", CookieHeader(kLoginCookie, "", 0));
    res.set_redirect(ctx.Link("/"), kStatusSeeOther);
    return Status::Ok();
  }

  Status Logout(const Request& /*req*/, Response& res, Ctx& ctx) {
    PIIGUARD_RETURN_IF_ERROR(
        source_.DeleteSession(ctx.session->token_hash_hex));
    res.set_header("Set-Cookie", CookieHeader(kSessionCookie, "", 0));
    res.set_redirect(ctx.Link("/login"), kStatusSeeOther);
    return Status::Ok();
  }

  // ---- Overview ----

  Status Overview(const Request& /*req*/, Response& res, Ctx& ctx) {
    PIIGUARD_ASSIGN_OR_RETURN(std::vector<Incident> incidents,
                              source_.ListIncidents(false));
    PIIGUARD_ASSIGN_OR_RETURN(std::vector<PcSummary> pcs, source_.ListPcs());
    PIIGUARD_ASSIGN_OR_RETURN(Register reg, source_.GetRegister());
    std::string body;
    body += "<h2>" + E(ctx.M(MsgId::kPagesIncidentsHeading)) + "</h2>";
    if (incidents.empty()) {
      body += R"(<p class="notice">)" + E(ctx.M(MsgId::kPagesIncidentsNone)) +
              "</p>";
    } else {
      body += R"(<div class="alert"><p>)" +
              E(ctx.M(MsgId::kPagesIncidentsIntro)) + "</p><table>" +
              Th(ctx, {MsgId::kPagesColTime, MsgId::kPagesColPc,
                       MsgId::kPagesColConsignee, MsgId::kPagesColReason});
      std::map<std::string, std::string> consignee_of;
      for (const PcSummary& pc : pcs) consignee_of[pc.pc] = pc.consignee;
      for (const Incident& incident : incidents) {
        body += R"(<tr class="failed"><td>)" + E(FormatJst(incident.time_ms)) +
                "</td><td>" + E(incident.pc) + "</td><td>" +
                E(ConsigneeName(ctx, reg, consignee_of[incident.pc])) +
                "</td><td>";
        const std::optional<MsgId> meaning = IncidentMsg(incident.code);
        body += meaning ? E(ctx.M(*meaning)) : E(incident.reason);
        body += R"(<span class="raw">)" +
                E(ctx.M(MsgId::kPagesTechnicalDetail,
                        {incident.code + ": " + incident.reason})) +
                "</span></td></tr>";
      }
      body += "</table></div>";
    }
    std::string failed;
    for (const PcSummary& pc : pcs) {
      if (!pc.journal_failed) continue;
      failed += R"(<tr class="failed"><td>)" + E(pc.pc) + "</td><td>" +
                E(ConsigneeName(ctx, reg, pc.consignee)) + "</td><td>" +
                E(ctx.M(MsgId::kPagesStateFailed, {pc.failure_reason})) +
                "</td></tr>";
    }
    if (!failed.empty()) {
      body += "<h2>" + E(ctx.M(MsgId::kPagesFailedPcsHeading)) +
              "</h2><table>" +
              Th(ctx, {MsgId::kPagesColPc, MsgId::kPagesColConsignee,
                       MsgId::kPagesColState}) +
              failed + "</table>";
    }

    EventFilter recent;
    recent.from_ms = ctx.now - kRecentDays * kDayMs;
    recent.min_severity = Severity::kWarning;
    recent.limit = kOverviewRows;
    PIIGUARD_ASSIGN_OR_RETURN(EventPage violations, source_.ListEvents(recent));
    EventFilter near = recent;
    near.min_severity = Severity::kInfo;
    near.types = NearMissTypes();
    PIIGUARD_ASSIGN_OR_RETURN(EventPage near_misses, source_.ListEvents(near));
    PIIGUARD_ASSIGN_OR_RETURN(std::vector<StatusRequest> requests,
                              source_.ListStatusRequests("", kReportRows));
    const auto pending = std::count_if(
        requests.begin(), requests.end(),
        [](const StatusRequest& r) { return r.received_ms == 0; });
    body += "<h2>" + E(ctx.M(MsgId::kPagesRecentHeading)) + "</h2><ul><li>" +
            R"(<a href=")" + E(ctx.Link("/violations")) + "\">" +
            E(ctx.M(MsgId::kPagesRecentViolations,
                    {std::to_string(violations.total)})) +
            "</a></li><li>" + R"(<a href=")" + E(ctx.Link("/near-misses")) +
            "\">" +
            E(ctx.M(MsgId::kPagesRecentNearMisses,
                    {std::to_string(near_misses.total)})) +
            "</a></li><li>" + R"(<a href=")" + E(ctx.Link("/reports")) + "\">" +
            E(ctx.M(MsgId::kPagesPendingReports, {std::to_string(pending)})) +
            "</a></li></ul>";
    if (!violations.events.empty()) {
      body += "<h2>" + E(ctx.M(MsgId::kPagesNavViolations)) + "</h2>" +
              EventsTable(ctx, reg, violations.events, ListKind::kViolations);
    }
    if (!near_misses.events.empty()) {
      body += "<h2>" + E(ctx.M(MsgId::kPagesNavNearMisses)) + "</h2>" +
              EventsTable(ctx, reg, near_misses.events, ListKind::kNearMisses);
    }
    SendHtml(res, 200, Shell(ctx, ctx.M(MsgId::kPagesNavOverview), body));
    return Status::Ok();
  }

  // ---- Violations and near misses ----

  Status Violations(const Request& req, Response& res, Ctx& ctx) {
    return EventList(req, res, ctx, ListKind::kViolations);
  }
  Status NearMisses(const Request& req, Response& res, Ctx& ctx) {
    return EventList(req, res, ctx, ListKind::kNearMisses);
  }
  Status ViolationsCsv(const Request& req, Response& res, Ctx& ctx) {
    return EventCsv(req, res, ctx, ListKind::kViolations);
  }
  Status NearMissesCsv(const Request& req, Response& res, Ctx& ctx) {
    return EventCsv(req, res, ctx, ListKind::kNearMisses);
  }

  static std::string FilterForm(const Ctx& ctx, ListKind kind,
                                const std::string& action,
                                const EventFilter& filter, const Params& echo,
                                const Register& reg,
                                const std::vector<PcSummary>& pcs) {
    auto echoed = [&echo](std::string_view key) {
      for (const auto& [k, v] : echo) {
        if (k == key) return v;
      }
      return std::string();
    };
    std::string html = R"(<form method="get" class="filters" action=")" +
                       E(action) + R"("><fieldset><legend>)" +
                       E(ctx.M(MsgId::kPagesFilterHeading)) + "</legend>";
    html += "<label>" + E(ctx.M(MsgId::kPagesColPc)) +
            R"(<input name="pc" list="pcs" value=")" + E(filter.pc) +
            R"("></label><datalist id="pcs">)";
    for (const PcSummary& pc : pcs) {
      html += R"(<option value=")" + E(pc.pc) + "\">";
    }
    html += "</datalist><label>" + E(ctx.M(MsgId::kPagesColConsignee)) +
            R"(<select name="consignee"><option value="">)" +
            E(ctx.M(MsgId::kPagesFilterAll)) + "</option>";
    bool listed = filter.consignee.empty();
    for (const Consignee& c : reg.consignees) {
      listed = listed || c.id == filter.consignee;
      html += R"(<option value=")" + E(c.id) + "\"" +
              (c.id == filter.consignee ? " selected" : "") + ">" + E(c.name) +
              "</option>";
    }
    if (!listed) {
      html += R"(<option selected value=")" + E(filter.consignee) + "\">" +
              E(filter.consignee) + "</option>";
    }
    html += "</select></label>";
    if (kind == ListKind::kViolations) {
      html += "<label>" + E(ctx.M(MsgId::kPagesFilterMinSeverity)) +
              R"(<select name="severity">)";
      for (Severity s :
           {Severity::kWarning, Severity::kViolation, Severity::kIncident}) {
        html += R"(<option value=")" + std::string(SeverityKey(s)) + "\"" +
                (s == filter.min_severity ? " selected" : "") + ">" +
                E(ctx.M(SeverityMsg(s))) + "</option>";
      }
      html += "</select></label><label>" + E(ctx.M(MsgId::kPagesFilterType)) +
              R"(<input name="type" value=")" + E(filter.type_prefix) +
              "\"></label>";
    }
    html += "<label>" + E(ctx.M(MsgId::kPagesFilterFrom)) +
            R"(<input type="date" name="from" value=")" + E(echoed("from")) +
            "\"></label><label>" + E(ctx.M(MsgId::kPagesFilterTo)) +
            R"(<input type="date" name="to" value=")" + E(echoed("to")) +
            "\"></label>" + ctx.LangField() + "<button type=\"submit\">" +
            E(ctx.M(MsgId::kPagesFilterApply)) + R"(</button><a href=")" +
            E(ctx.Link(action)) + "\">" + E(ctx.M(MsgId::kPagesFilterClear)) +
            "</a></fieldset></form>";
    return html;
  }

  Status EventList(const Request& req, Response& res, Ctx& ctx, ListKind kind) {
    Params echo;
    PIIGUARD_ASSIGN_OR_RETURN(EventFilter filter,
                              ParseFilter(req, kind, &echo));
    filter.limit = options_.page_size;
    PIIGUARD_ASSIGN_OR_RETURN(EventPage page, source_.ListEvents(filter));
    PIIGUARD_ASSIGN_OR_RETURN(Register reg, source_.GetRegister());
    PIIGUARD_ASSIGN_OR_RETURN(std::vector<PcSummary> pcs, source_.ListPcs());
    const bool near = kind == ListKind::kNearMisses;
    const std::string action = near ? "/near-misses" : "/violations";
    std::string body = R"(<p class="intro">)" +
                       E(ctx.M(near ? MsgId::kPagesNearMissesIntro
                                    : MsgId::kPagesViolationsIntro)) +
                       "</p>";
    body += FilterForm(ctx, kind, action, filter, echo, reg, pcs);
    body += R"(<p><a href=")" + E(ctx.Link(action + ".csv", echo)) + "\">" +
            E(ctx.M(MsgId::kPagesCsv)) + "</a></p>";
    if (page.events.empty()) {
      body += "<p>" + E(ctx.M(MsgId::kPagesNoRecords)) + "</p>";
    } else {
      const uint64_t first = filter.offset + 1;
      const uint64_t last = filter.offset + page.events.size();
      body += "<p>" +
              E(ctx.M(MsgId::kPagesShowing,
                      {std::to_string(page.total), std::to_string(first),
                       std::to_string(last)})) +
              "</p>";
      body += EventsTable(ctx, reg, page.events, kind);
      std::string pager;
      if (filter.offset > 0) {
        Params prev = echo;
        const size_t back = filter.offset > options_.page_size
                                ? filter.offset - options_.page_size
                                : 0;
        prev.emplace_back("offset", back == 0 ? "" : std::to_string(back));
        pager += R"(<a href=")" + E(ctx.Link(action, prev)) + "\">" +
                 E(ctx.M(MsgId::kPagesPrev)) + "</a>";
      }
      if (last < page.total) {
        Params next = echo;
        next.emplace_back("offset", std::to_string(last));
        pager += R"(<a href=")" + E(ctx.Link(action, next)) + "\">" +
                 E(ctx.M(MsgId::kPagesNext)) + "</a>";
      }
      if (!pager.empty()) body += R"(<nav class="pager">)" + pager + "</nav>";
    }
    SendHtml(res, 200,
             Shell(ctx,
                   ctx.M(near ? MsgId::kPagesNavNearMisses
                              : MsgId::kPagesNavViolations),
                   body));
    return Status::Ok();
  }

  Status EventCsv(const Request& req, Response& res, Ctx& ctx, ListKind kind) {
    Params echo;
    PIIGUARD_ASSIGN_OR_RETURN(EventFilter filter,
                              ParseFilter(req, kind, &echo));
    PIIGUARD_ASSIGN_OR_RETURN(Register reg, source_.GetRegister());
    const bool near = kind == ListKind::kNearMisses;
    std::string csv;
    if (near) {
      csv += CsvRow(
          {ctx.M(MsgId::kPagesColTime), ctx.M(MsgId::kPagesColPc),
           ctx.M(MsgId::kPagesColConsignee), ctx.M(MsgId::kPagesColReporter),
           ctx.M(MsgId::kPagesColDetails), ctx.M(MsgId::kPagesColSeq)});
    } else {
      csv += CsvRow(
          {ctx.M(MsgId::kPagesColTime), ctx.M(MsgId::kPagesColPc),
           ctx.M(MsgId::kPagesColConsignee), ctx.M(MsgId::kPagesColSeverity),
           ctx.M(MsgId::kPagesColType), "type", ctx.M(MsgId::kPagesColSubject),
           ctx.M(MsgId::kPagesColDetails), ctx.M(MsgId::kPagesColSeq)});
    }
    size_t written = 0;
    filter.limit = kCsvChunk;
    while (written < kCsvMaxRows) {
      PIIGUARD_ASSIGN_OR_RETURN(EventPage page, source_.ListEvents(filter));
      for (const ReviewEvent& event : page.events) {
        const Json details = ParseDetails(event.details);
        const std::string consignee = ConsigneeName(ctx, reg, event.consignee);
        if (near) {
          csv += CsvRow({FormatJst(event.time_ms), event.pc, consignee,
                         DetailString(details, "user"),
                         DetailString(details, "text"),
                         std::to_string(event.seq)});
        } else {
          csv += CsvRow({FormatJst(event.time_ms), event.pc, consignee,
                         ctx.M(SeverityMsg(event.severity)),
                         TypeText(ctx, event.type), event.type, event.subject,
                         event.details, std::to_string(event.seq)});
        }
      }
      written += page.events.size();
      filter.offset += page.events.size();
      if (page.events.size() < kCsvChunk || filter.offset >= page.total) break;
    }
    SendCsv(res, ctx, near ? "near-misses" : "violations", csv);
    return Status::Ok();
  }

  // ---- PCs and consignees ----

  Status Pcs(const Request& /*req*/, Response& res, Ctx& ctx) {
    PIIGUARD_ASSIGN_OR_RETURN(std::vector<PcSummary> pcs, source_.ListPcs());
    PIIGUARD_ASSIGN_OR_RETURN(Register reg, source_.GetRegister());
    std::string body =
        R"(<p class="intro">)" + E(ctx.M(MsgId::kPagesPcsIntro)) +
        R"(</p><p><a href=")" + E(ctx.Link("/pcs.csv")) + "\">" +
        E(ctx.M(MsgId::kPagesCsv)) + "</a></p><table>" +
        Th(ctx, {MsgId::kPagesColPc, MsgId::kPagesColConsignee,
                 MsgId::kPagesColLastContact, MsgId::kPagesColPolicyVersion,
                 MsgId::kPagesColAcked, MsgId::kPagesColState,
                 MsgId::kPagesColAction});
    for (const PcSummary& pc : pcs) {
      body += pc.journal_failed ? R"(<tr class="failed">)" : "<tr>";
      body +=
          R"(<td class="nw">)" + E(pc.pc) + "</td><td>" +
          E(ConsigneeName(ctx, reg, pc.consignee)) + R"(</td><td class="nw">)" +
          E(pc.last_contact_ms == 0 ? ctx.M(MsgId::kPagesNever)
                                    : FormatJst(pc.last_contact_ms)) +
          R"(</td><td class="num">)" +
          E(pc.policy_version == 0 ? ctx.M(MsgId::kPagesUnknown)
                                   : std::to_string(pc.policy_version)) +
          R"(</td><td class="num">)" + std::to_string(pc.acked_seq) +
          "</td><td>" +
          E(pc.journal_failed
                ? ctx.M(MsgId::kPagesStateFailed, {pc.failure_reason})
                : ctx.M(MsgId::kPagesStateOk)) +
          R"(</td><td class="nw">)" + RequestButton(ctx, pc.pc) + "</td></tr>";
    }
    body += "</table><h2>" + E(ctx.M(MsgId::kPagesConsigneesHeading)) +
            "</h2><table>" +
            Th(ctx, {MsgId::kPagesColConsignee, MsgId::kPagesColResponsible,
                     MsgId::kPagesColContact, MsgId::kPagesColPc});
    for (const Consignee& c : reg.consignees) {
      std::string their_pcs;
      for (const PcSummary& pc : pcs) {
        if (pc.consignee != c.id) continue;
        if (!their_pcs.empty()) their_pcs += ", ";
        their_pcs += pc.pc;
      }
      body += "<tr><td>" + E(c.name) + R"(<span class="raw">)" + E(c.id) +
              "</span></td><td>" + E(c.responsible) + "</td><td>" +
              E(c.contact) + "</td><td>" + E(their_pcs) + "</td></tr>";
    }
    body += "</table>";
    SendHtml(res, 200, Shell(ctx, ctx.M(MsgId::kPagesNavPcs), body));
    return Status::Ok();
  }

  static std::string RequestButton(const Ctx& ctx, std::string_view pc) {
    return R"(<form method="post" action="/reports/request" class="inline">)" +
           ctx.CsrfField() + ctx.LangField() +
           R"(<input type="hidden" name="pc" value=")" + E(pc) +
           R"("><button type="submit">)" + E(ctx.M(MsgId::kPagesAskReport)) +
           "</button></form>";
  }

  Status PcsCsv(const Request& /*req*/, Response& res, Ctx& ctx) {
    PIIGUARD_ASSIGN_OR_RETURN(std::vector<PcSummary> pcs, source_.ListPcs());
    PIIGUARD_ASSIGN_OR_RETURN(Register reg, source_.GetRegister());
    std::string csv =
        CsvRow({ctx.M(MsgId::kPagesColPc), ctx.M(MsgId::kPagesColConsignee),
                ctx.M(MsgId::kPagesColLastContact),
                ctx.M(MsgId::kPagesColPolicyVersion),
                ctx.M(MsgId::kPagesColAcked), ctx.M(MsgId::kPagesColState)});
    for (const PcSummary& pc : pcs) {
      csv += CsvRow(
          {pc.pc, ConsigneeName(ctx, reg, pc.consignee),
           FormatJst(pc.last_contact_ms),
           pc.policy_version == 0 ? "" : std::to_string(pc.policy_version),
           std::to_string(pc.acked_seq),
           pc.journal_failed
               ? ctx.M(MsgId::kPagesStateFailed, {pc.failure_reason})
               : ctx.M(MsgId::kPagesStateOk)});
    }
    SendCsv(res, ctx, "pcs", csv);
    return Status::Ok();
  }

  // ---- Yearly counts (R14) ----

  struct CountTable {
    int year = 0;
    Register reg;
    std::vector<std::string> types;
    struct Row {
      std::string job;
      std::string name;
      std::string section;
      std::string consignee;
      bool in_register = true;
      std::map<std::string, uint64_t> counts;
      uint64_t total = 0;
    };
    std::vector<Row> rows;
    std::map<std::string, uint64_t> column_totals;
    uint64_t total = 0;
  };

  Result<CountTable> LoadCounts(const Request& req, const Ctx& ctx) {
    CountTable table;
    table.year = FiscalYearOf(ctx.now);
    const std::string year = req.get_param_value("year");
    if (!year.empty()) {
      int value = 0;
      const auto [end, error] =
          std::from_chars(year.data(), year.data() + year.size(), value);
      constexpr int kFirstYear = 1970;
      constexpr int kLastYear = 9998;
      if (error != std::errc() || end != year.data() + year.size() ||
          value < kFirstYear || value > kLastYear) {
        return InvalidArgumentError("filter", "year", "expected a year");
      }
      table.year = value;
    }
    const auto [from, to] = FiscalYearBoundsMs(table.year);
    PIIGUARD_ASSIGN_OR_RETURN(std::vector<JobCount> counts,
                              source_.CountEventsByJob(from, to));
    PIIGUARD_ASSIGN_OR_RETURN(table.reg, source_.GetRegister());
    std::set<std::string> types;
    std::map<std::string, size_t> row_of;
    for (const RegisterJob& job : table.reg.jobs) {
      row_of[job.id] = table.rows.size();
      table.rows.push_back({job.id,
                            job.name,
                            job.section,
                            ConsigneeName(ctx, table.reg, job.consignee),
                            true,
                            {},
                            0});
    }
    for (const JobCount& count : counts) {
      auto it = row_of.find(count.job);
      if (it == row_of.end()) {
        it = row_of.emplace(count.job, table.rows.size()).first;
        table.rows.push_back({count.job,
                              ctx.M(MsgId::kPagesNotInRegister),
                              "",
                              "",
                              false,
                              {},
                              0});
      }
      CountTable::Row& row = table.rows[it->second];
      row.counts[count.type] += count.count;
      row.total += count.count;
      table.column_totals[count.type] += count.count;
      table.total += count.count;
      types.insert(count.type);
    }
    table.types.assign(types.begin(), types.end());
    return table;
  }

  Status Counts(const Request& req, Response& res, Ctx& ctx) {
    PIIGUARD_ASSIGN_OR_RETURN(CountTable table, LoadCounts(req, ctx));
    std::string body =
        R"(<p class="intro">)" + E(ctx.M(MsgId::kPagesCountsIntro)) + "</p>";
    body += R"(<form method="get" class="filters" action="/counts"><fieldset>)"
            "<label>" +
            E(ctx.M(MsgId::kPagesFiscalYearLabel)) + R"(<select name="year">)";
    const int current = FiscalYearOf(ctx.now);
    bool listed = false;
    for (int y = current; y > current - kYearsShown; --y) {
      listed = listed || y == table.year;
      body += "<option value=\"" + std::to_string(y) + "\"" +
              (y == table.year ? " selected" : "") + ">" +
              E(ctx.M(MsgId::kPagesFiscalYear, {std::to_string(y)})) +
              "</option>";
    }
    if (!listed) {
      body += "<option selected value=\"" + std::to_string(table.year) + "\">" +
              E(ctx.M(MsgId::kPagesFiscalYear, {std::to_string(table.year)})) +
              "</option>";
    }
    body += "</select></label>" + ctx.LangField() + "<button type=\"submit\">" +
            E(ctx.M(MsgId::kPagesShow)) + "</button></fieldset></form>";
    body += R"(<p><a href=")" +
            E(ctx.Link("/counts.csv", {{"year", std::to_string(table.year)}})) +
            "\">" + E(ctx.M(MsgId::kPagesCsv)) + "</a></p>";
    if (table.reg.policy_version == 0) {
      body += "<p>" + E(ctx.M(MsgId::kPagesNoRegister)) + "</p>";
    } else {
      body += "<p>" +
              E(ctx.M(MsgId::kPagesRegisterVersion,
                      {std::to_string(table.reg.policy_version)})) +
              "</p>";
    }
    body += "<h2>" +
            E(ctx.M(MsgId::kPagesFiscalYear, {std::to_string(table.year)})) +
            "</h2><table><tr>";
    for (MsgId id : {MsgId::kPagesColJob, MsgId::kPagesColJobName,
                     MsgId::kPagesColSection, MsgId::kPagesColConsignee}) {
      body += "<th>" + E(ctx.M(id)) + "</th>";
    }
    for (const std::string& type : table.types) {
      body += "<th>" + TypeCell(ctx, type) + "</th>";
    }
    body += "<th>" + E(ctx.M(MsgId::kPagesColTotal)) + "</th></tr>";
    for (const CountTable::Row& row : table.rows) {
      body += "<tr><td>" + E(row.job) + "</td><td>" + E(row.name) +
              "</td><td>" + E(row.section) + "</td><td>" + E(row.consignee) +
              "</td>";
      for (const std::string& type : table.types) {
        auto it = row.counts.find(type);
        body += R"(<td class="num">)" +
                std::to_string(it == row.counts.end() ? 0 : it->second) +
                "</td>";
      }
      body += R"(<td class="num">)" + std::to_string(row.total) + "</td></tr>";
    }
    body +=
        R"(<tr><th colspan="4">)" + E(ctx.M(MsgId::kPagesColTotal)) + "</th>";
    for (const std::string& type : table.types) {
      body += R"(<td class="num">)" +
              std::to_string(table.column_totals[type]) + "</td>";
    }
    body += R"(<td class="num">)" + std::to_string(table.total) +
            "</td></tr></table>";
    SendHtml(res, 200, Shell(ctx, ctx.M(MsgId::kPagesNavCounts), body));
    return Status::Ok();
  }

  Status CountsCsv(const Request& req, Response& res, Ctx& ctx) {
    PIIGUARD_ASSIGN_OR_RETURN(CountTable table, LoadCounts(req, ctx));
    std::vector<std::string> header = {
        ctx.M(MsgId::kPagesFiscalYearLabel), ctx.M(MsgId::kPagesColJob),
        ctx.M(MsgId::kPagesColJobName), ctx.M(MsgId::kPagesColSection),
        ctx.M(MsgId::kPagesColConsignee)};
    for (const std::string& type : table.types) {
      header.push_back(TypeText(ctx, type) + " (" + type + ")");
    }
    header.push_back(ctx.M(MsgId::kPagesColTotal));
    std::string csv = CsvRow(header);
    for (const CountTable::Row& row : table.rows) {
      std::vector<std::string> cells = {std::to_string(table.year), row.job,
                                        row.name, row.section, row.consignee};
      for (const std::string& type : table.types) {
        auto it = row.counts.find(type);
        cells.push_back(
            std::to_string(it == row.counts.end() ? 0 : it->second));
      }
      cells.push_back(std::to_string(row.total));
      csv += CsvRow(cells);
    }
    SendCsv(res, ctx, "counts-" + std::to_string(table.year), csv);
    return Status::Ok();
  }

  // ---- One record ----

  Status Event(const Request& req, Response& res, Ctx& ctx) {
    PIIGUARD_ASSIGN_OR_RETURN(std::string pc, Param(req, "pc"));
    PIIGUARD_ASSIGN_OR_RETURN(std::string seq_text, Param(req, "seq"));
    PIIGUARD_ASSIGN_OR_RETURN(size_t seq, ParseCount(seq_text, "seq"));
    if (pc.empty() || seq == 0) {
      return InvalidArgumentError("filter", "pc, seq", "missing");
    }
    PIIGUARD_ASSIGN_OR_RETURN(ReviewEvent event, source_.GetEvent(pc, seq));
    PIIGUARD_ASSIGN_OR_RETURN(Register reg, source_.GetRegister());
    const Json details = ParseDetails(event.details);
    auto row = [&ctx](MsgId id, const std::string& value_html) {
      return "<tr><th>" + E(ctx.M(id)) + "</th><td>" + value_html +
             "</td></tr>";
    };
    std::string body = "<table>";
    body += row(MsgId::kPagesColTime, E(FormatJst(event.time_ms)));
    body += row(MsgId::kPagesColPc, E(event.pc));
    body += row(MsgId::kPagesColConsignee,
                E(ConsigneeName(ctx, reg, event.consignee)));
    body += row(MsgId::kPagesColSeq, std::to_string(event.seq));
    body += row(MsgId::kPagesColSeverity, SeverityBadge(ctx, event.severity));
    body += row(MsgId::kPagesColType, TypeCell(ctx, event.type));
    body += row(MsgId::kPagesColSubject, E(event.subject));
    // Known detail fields get a name people read, the field beside it.
    static const std::map<std::string, MsgId> kDetailNames = {
        {"text", MsgId::kPagesColDetails},
        {"user", MsgId::kPagesColReporter},
        {"reason", MsgId::kPagesColReason},
        {"job", MsgId::kPagesColJob},
    };
    for (const auto& [key, value] : details.items()) {
      auto name = kDetailNames.find(key);
      body += "<tr><th>" +
              (name == kDetailNames.end()
                   ? E(key)
                   : E(ctx.M(name->second)) + R"(<span class="raw">)" + E(key) +
                         "</span>") +
              "</th><td>" + E(JsonText(value)) + "</td></tr>";
    }
    body += "</table>";
    if (details.contains("job") && details.at("job").is_string()) {
      const std::string name =
          JobName(reg, details.at("job").get<std::string>());
      if (!name.empty()) {
        body +=
            "<p>" + E(ctx.M(MsgId::kPagesColJobName)) + ": " + E(name) + "</p>";
      }
    }
    body += "<h2>JSON</h2><pre>" +
            E(details.dump(2, ' ', false, Json::error_handler_t::replace)) +
            "</pre>";
    SendHtml(res, 200, Shell(ctx, ctx.M(MsgId::kPagesEventHeading), body));
    return Status::Ok();
  }

  // ---- Status reports (R8) ----

  static std::string ReportSummary(const Ctx& ctx, const StatusRequest& r) {
    if (r.received_ms == 0) return ctx.M(MsgId::kPagesReportPending);
    const Json report = ParseDetails(r.report);
    auto number = [&ctx, &report](const char* key) {
      if (report.contains(key) && report.at(key).is_number_integer()) {
        return std::to_string(report.at(key).get<int64_t>());
      }
      return ctx.M(MsgId::kPagesUnknown);
    };
    std::string sticks = ctx.M(MsgId::kPagesUnknown);
    if (report.contains("sticks") && report.at("sticks").is_array()) {
      sticks = std::to_string(report.at("sticks").size());
    }
    std::string sessions = ctx.M(MsgId::kPagesUnknown);
    if (report.contains("sessions") && report.at("sessions").is_object()) {
      sessions = DetailString(report.at("sessions"), "count");
    }
    std::string scan = ctx.M(MsgId::kPagesUnknown);
    if (report.contains("last_scan") && report.at("last_scan").is_object()) {
      scan = DetailString(report.at("last_scan"), "result");
    }
    return ctx.M(MsgId::kPagesReportSummary,
                 {number("policy_version"), number("journal_seq"), sticks,
                  sessions, scan});
  }

  Status Reports(const Request& req, Response& res, Ctx& ctx) {
    PIIGUARD_ASSIGN_OR_RETURN(std::string pc, Param(req, "pc"));
    PIIGUARD_ASSIGN_OR_RETURN(std::string requested, Param(req, "requested"));
    PIIGUARD_ASSIGN_OR_RETURN(std::vector<StatusRequest> requests,
                              source_.ListStatusRequests(pc, kReportRows));
    PIIGUARD_ASSIGN_OR_RETURN(std::vector<PcSummary> pcs, source_.ListPcs());
    std::string body;
    if (!requested.empty()) {
      body += R"(<p class="notice">)" +
              E(ctx.M(MsgId::kPagesReportRequested, {requested})) + "</p>";
    }
    body +=
        R"(<p class="intro">)" + E(ctx.M(MsgId::kPagesReportsIntro)) + "</p>";
    body += R"(<form method="post" action="/reports/request" class="filters">)"
            "<fieldset><label>" +
            E(ctx.M(MsgId::kPagesColPc)) + R"(<select name="pc">)";
    for (const PcSummary& p : pcs) {
      body += R"(<option value=")" + E(p.pc) + "\"" +
              (p.pc == pc ? " selected" : "") + ">" + E(p.pc) + "</option>";
    }
    body += "</select></label>" + ctx.CsrfField() + ctx.LangField() +
            "<button type=\"submit\">" + E(ctx.M(MsgId::kPagesAskReport)) +
            "</button></fieldset></form>";
    body += R"(<p><a href=")" + E(ctx.Link("/reports.csv", {{"pc", pc}})) +
            "\">" + E(ctx.M(MsgId::kPagesCsv)) + "</a></p>";
    if (requests.empty()) {
      body += "<p>" + E(ctx.M(MsgId::kPagesNoRecords)) + "</p>";
    } else {
      body += "<table>" +
              Th(ctx, {MsgId::kPagesColPc, MsgId::kPagesColRequestedAt,
                       MsgId::kPagesColRequestedBy, MsgId::kPagesColReceivedAt,
                       MsgId::kPagesColReport});
      for (const StatusRequest& r : requests) {
        body += "<tr><td>" + E(r.pc) + "</td><td>" +
                E(FormatJst(r.requested_ms)) + "</td><td>" + E(r.requested_by) +
                "</td><td>" +
                E(r.received_ms == 0 ? ctx.M(MsgId::kPagesReportPending)
                                     : FormatJst(r.received_ms)) +
                "</td><td>" + E(ReportSummary(ctx, r));
        if (r.received_ms != 0) {
          const Json report = ParseDetails(r.report);
          body +=
              "<details><summary>JSON</summary><pre>" +
              E(report.dump(2, ' ', false, Json::error_handler_t::replace)) +
              "</pre></details>";
        }
        body += "</td></tr>";
      }
      body += "</table>";
    }
    SendHtml(res, 200, Shell(ctx, ctx.M(MsgId::kPagesNavReports), body));
    return Status::Ok();
  }

  Status ReportsCsv(const Request& req, Response& res, Ctx& ctx) {
    PIIGUARD_ASSIGN_OR_RETURN(std::string pc, Param(req, "pc"));
    PIIGUARD_ASSIGN_OR_RETURN(std::vector<StatusRequest> requests,
                              source_.ListStatusRequests(pc, kReportRows));
    std::string csv = CsvRow(
        {ctx.M(MsgId::kPagesColPc), ctx.M(MsgId::kPagesColRequestedAt),
         ctx.M(MsgId::kPagesColRequestedBy), ctx.M(MsgId::kPagesColReceivedAt),
         ctx.M(MsgId::kPagesColReport), "JSON"});
    for (const StatusRequest& r : requests) {
      csv +=
          CsvRow({r.pc, FormatJst(r.requested_ms), r.requested_by,
                  FormatJst(r.received_ms), ReportSummary(ctx, r), r.report});
    }
    SendCsv(res, ctx, "status-reports", csv);
    return Status::Ok();
  }

  Status RequestReport(const Request& req, Response& res, Ctx& ctx) {
    PIIGUARD_ASSIGN_OR_RETURN(std::string pc, Param(req, "pc"));
    if (pc.empty())
      return InvalidArgumentError("status report", "pc", "missing");
    PIIGUARD_ASSIGN_OR_RETURN(
        StatusRequest request,
        source_.RequestStatusReport(pc, ctx.session->user, ctx.now));
    res.set_redirect(
        ctx.Link("/reports", {{"pc", request.pc}, {"requested", request.pc}}),
        kStatusSeeOther);
    return Status::Ok();
  }

  ReviewSource& source_;
  PagesOptions options_;
};

}  // namespace

void RegisterReviewPages(httplib::Server& server, ReviewSource& source,
                         const PagesOptions& options) {
  auto pages = std::make_shared<Pages>(source, options);
  Pages::Mount(pages, server);
}

}  // namespace piiguard::office
