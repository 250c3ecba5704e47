#include "office/pages/page_shell.h"

#include <memory>
#include <optional>
#include <utility>

#include "common/crypto.h"
#include "office/pages/page_templates.h"
#include "office/pages/render.h"

namespace piiguard::office {
namespace {

using httplib::Request;
using httplib::Response;

// The navigation of a logged-in user.
constexpr std::pair<const char*, MsgId> kNavigation[] = {
    {"/", MsgId::kPagesNavOverview},
    {"/violations", MsgId::kPagesNavViolations},
    {"/near-misses", MsgId::kPagesNavNearMisses},
    {"/pcs", MsgId::kPagesNavPcs},
    {"/counts", MsgId::kPagesNavCounts},
    {"/reports", MsgId::kPagesNavReports},
};

void SendHtml(Response& res, int status, const std::string& html) {
  res.status = status;
  res.set_content(html, "text/html; charset=utf-8");
}

}  // namespace

PageShell::PageShell(ReviewSource& source, PagesOptions options)
    : source_(source),
      options_(std::move(options)),
      throttle_(std::make_unique<LoginThrottle>(options_.throttle)) {
  if (options_.page_size == 0) options_.page_size = 1;
}

Ctx PageShell::Begin(const Request& req) const {
  Ctx ctx;
  ctx.lang = ChooseLang(req, &ctx.lang_param);
  ctx.path = req.path;
  if (req.method == "GET") {
    for (const auto& [key, value] : req.params) {
      if (key != "lang") ctx.query.emplace_back(key, value);
    }
  }
  ctx.now = options_.clock->WallMs();
  return ctx;
}

Status PageShell::LoadSession(const Request& req, Ctx& ctx,
                              bool* expired) const {
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

void PageShell::Run(const Request& req, Response& res, PageFn page,
                    bool post) const {
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
  Status status = page(*this, req, res, ctx);
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

PageView::PageView(const Ctx& ctx, std::string_view title,
                   const char* body_template)
    : root_("page") {
  root_.SetValue("HTML_LANG", ctx.lang == Lang::kJa ? "ja" : "en");
  root_.SetValue("TITLE", std::string(title));
  root_.SetValue("APP_TITLE", ctx.M(MsgId::kPagesTitle));
  if (ctx.session) {
    ctemplate::TemplateDictionary* nav = root_.AddSectionDictionary("NAV");
    for (const auto& [path, id] : kNavigation) {
      ctemplate::TemplateDictionary* item = nav->AddSectionDictionary("ITEM");
      item->SetValue("HREF", ctx.Link(path));
      item->SetValue("LABEL", ctx.M(id));
      if (ctx.path == path) item->ShowSection("CURRENT");
    }
    ctemplate::TemplateDictionary* user = root_.AddSectionDictionary("USER");
    user->SetValue("LOGGED_IN_AS",
                   ctx.M(MsgId::kPagesLoggedInAs, {ctx.session->user}));
    user->SetValue("LOGOUT", ctx.M(MsgId::kPagesLogout));
    AddFormFields(*user, ctx);
  }
  Params switched = ctx.query;
  switched.emplace_back("lang", ctx.lang == Lang::kJa ? "en" : "ja");
  root_.SetValue("OTHER_LANG_HREF", ctx.path + QueryString(switched));
  root_.SetValue("OTHER_LANG", ctx.M(MsgId::kPagesOtherLang));
  body_ = root_.AddIncludeDictionary("BODY");
  body_->SetFilename(body_template);
}

void PageView::Send(Response& res, int status) const {
  Result<std::string> html = ExpandPage(kShellTemplate, root_);
  if (!html.ok()) {
    // Fails closed: no half page. (page_templates_test expands them all.)
    res.status = kStatusServerError;
    res.set_content(html.status().message(), "text/plain; charset=utf-8");
    return;
  }
  SendHtml(res, status, *html);
}

void SendMessage(Response& res, const Ctx& ctx, int status,
                 const std::string& message) {
  PageView view(ctx, ctx.M(MsgId::kPagesTitle), kMessageTemplate);
  view.body().SetValue("MESSAGE", message);
  view.Send(res, status);
}

void SendCsv(Response& res, const Ctx& ctx, std::string_view name,
             const std::string& body) {
  res.set_header("Content-Disposition", "attachment; filename=\"" +
                                            std::string(name) + "-" +
                                            JstDate(ctx.now) + ".csv\"");
  res.set_content(std::string(kUtf8Bom) + body, "text/csv; charset=utf-8");
}

namespace {

void AddFields(ctemplate::TemplateDictionary& dict, const Ctx& ctx, bool csrf) {
  ctemplate::TemplateDictionary* fields =
      dict.AddIncludeDictionary("FORM_FIELDS");
  fields->SetFilename(kFormFieldsTemplate);
  if (csrf && ctx.session) {
    fields->AddSectionDictionary("CSRF")->SetValue("TOKEN",
                                                   ctx.session->csrf_token);
  }
  if (!ctx.lang_param.empty()) {
    fields->AddSectionDictionary("LANG")->SetValue("VALUE", ctx.lang_param);
  }
}

}  // namespace

void AddFormFields(ctemplate::TemplateDictionary& dict, const Ctx& ctx) {
  AddFields(dict, ctx, /*csrf=*/true);
}

void AddLangField(ctemplate::TemplateDictionary& dict, const Ctx& ctx) {
  AddFields(dict, ctx, /*csrf=*/false);
}

void AddHeadings(ctemplate::TemplateDictionary& dict, const Ctx& ctx,
                 std::initializer_list<MsgId> ids) {
  for (MsgId id : ids) {
    dict.AddSectionDictionary("TH")->SetValue("LABEL", ctx.M(id));
  }
}

void MountStatic(httplib::Server& server) {
  server.Get("/pages.css", [](const Request&, Response& res) {
    SecurityHeaders(res);
    res.set_content(std::string(PagesCss()), "text/css; charset=utf-8");
  });
  // Browsers ask for an icon on every page; say "none" instead of 404.
  server.Get("/favicon.ico", [](const Request&, Response& res) {
    SecurityHeaders(res);
    res.status = kStatusNoContent;
  });
}

}  // namespace piiguard::office
