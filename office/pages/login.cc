#include "office/pages/login.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/crypto.h"
#include "common/encoding.h"
#include "office/pages/page_templates.h"
#include "office/pages/password.h"

namespace piiguard::office {
namespace {

using httplib::Request;
using httplib::Response;

constexpr size_t kMaxUserNameBytes = 64;
constexpr int64_t kLoginFormSeconds = 3600;

// The login form with a new form token, and `notice` above it.
void SendLogin(const PageShell& shell, Response& res, const Ctx& ctx,
               int status, std::optional<MsgId> notice, std::string_view user,
               bool is_error) {
  Result<std::string> token = RandomBytes(kTokenBytes);
  if (!token.ok()) {
    SendMessage(res, ctx, kStatusServerError,
                ctx.M(MsgId::kPagesError, {token.status().message()}));
    return;
  }
  const std::string value = HexEncode(*token);
  res.set_header("Set-Cookie",
                 CookieHeader(kLoginCookie, value, kLoginFormSeconds));
  PageView view(ctx, ctx.M(MsgId::kPagesLoginHeading), kLoginTemplate);
  ctemplate::TemplateDictionary& body = view.body();
  if (notice) {
    const std::string minutes =
        std::to_string(shell.options().login_failure_window_ms / 60000);
    body.AddSectionDictionary(is_error ? "ERROR" : "NOTICE")
        ->SetValue("TEXT", ctx.M(*notice, {minutes}));
  }
  body.SetValue("INTRO", ctx.M(MsgId::kPagesLoginIntro));
  body.SetValue("LOGIN_TOKEN", value);
  AddFormFields(body, ctx);
  body.SetValue("USER_LABEL", ctx.M(MsgId::kPagesUserName));
  body.SetValue("USER", std::string(user));
  body.SetValue("PASSWORD_LABEL", ctx.M(MsgId::kPagesPassword));
  body.SetValue("SUBMIT", ctx.M(MsgId::kPagesLoginHeading));
  view.Send(res, status);
}

Status Login(const PageShell& shell, Response& res, Ctx& ctx,
             const std::string& user, std::string_view password) {
  const PagesOptions& options = shell.options();
  ReviewSource& source = shell.source();
  if (user.empty() || user.size() > kMaxUserNameBytes) {
    SendLogin(shell, res, ctx, kStatusUnauthorized, MsgId::kPagesLoginFailed,
              "", true);
    return Status::Ok();
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      uint64_t failures, source.CountLoginFailures(
                             user, ctx.now - options.login_failure_window_ms));
  if (failures >= options.max_login_failures) {
    SendLogin(shell, res, ctx, kStatusTooManyRequests, MsgId::kPagesLoginLocked,
              user, true);
    return Status::Ok();
  }
  Result<OfficeUser> record = source.GetUser(user);
  bool good = false;
  if (record.ok()) {
    good = CheckPassword(*record, password);
  } else if (record.status().code() == StatusCode::kNotFound) {
    // As slow as a wrong password, so names cannot be probed by timing.
    OfficeUser dummy;
    dummy.salt_hex = std::string(32, '0');
    dummy.password_hash_hex = std::string(64, '0');
    dummy.iterations = options.unknown_user_iterations;
    (void)CheckPassword(dummy, password);
  } else {
    return record.status();
  }
  if (!good) {
    PIIGUARD_RETURN_IF_ERROR(source.RecordLoginFailure(user, ctx.now));
    SendLogin(shell, res, ctx, kStatusUnauthorized, MsgId::kPagesLoginFailed,
              user, true);
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
  session.expires_ms = ctx.now + options.session_lifetime_ms;
  // Housekeeping only: a failure here does not stop the login.
  source.DeleteExpiredSessions(ctx.now).IgnoreError();
  PIIGUARD_RETURN_IF_ERROR(source.CreateSession(session));
  res.set_header(
      "Set-Cookie",
      CookieHeader(kSessionCookie, cookie, options.session_lifetime_ms / 1000));
  res.set_header("Set-Cookie", CookieHeader(kLoginCookie, "", 0));
  res.set_redirect(ctx.Link("/"), kStatusSeeOther);
  return Status::Ok();
}

}  // namespace

void GetLogin(const PageShell& shell, const Request& req, Response& res) {
  Ctx ctx = shell.Begin(req);
  SecurityHeaders(res);
  bool expired = false;
  Status loaded = shell.LoadSession(req, ctx, &expired);
  if (loaded.ok() && ctx.session) {
    res.set_redirect(ctx.Link("/"), kStatusSeeOther);
    return;
  }
  ctx.session.reset();
  std::optional<MsgId> notice;
  if (req.get_param_value("expired") == "1") notice = MsgId::kPagesLoginAgain;
  SendLogin(shell, res, ctx, kStatusOk, notice, "", false);
}

void PostLogin(const PageShell& shell, const Request& req, Response& res) {
  Ctx ctx = shell.Begin(req);
  SecurityHeaders(res);
  const std::optional<std::string> cookie = CookieValue(req, kLoginCookie);
  const std::string form_token = req.get_param_value("csrf");
  const std::string user = req.get_param_value("user");
  if (!cookie || form_token.empty() ||
      !ConstantTimeEquals(*cookie, form_token)) {
    SendLogin(shell, res, ctx, kStatusForbidden, MsgId::kPagesFormExpired, user,
              true);
    return;
  }
  std::string password = req.get_param_value("password");
  Status status = Login(shell, res, ctx, user, password);
  CleanseString(password);
  if (!status.ok()) {
    SendMessage(res, ctx, kStatusServerError,
                ctx.M(MsgId::kPagesError, {status.message()}));
  }
}

Status Logout(const PageShell& shell, const Request& /*req*/, Response& res,
              Ctx& ctx) {
  PIIGUARD_RETURN_IF_ERROR(
      shell.source().DeleteSession(ctx.session->token_hash_hex));
  res.set_header("Set-Cookie", CookieHeader(kSessionCookie, "", 0));
  res.set_redirect(ctx.Link("/login"), kStatusSeeOther);
  return Status::Ok();
}

}  // namespace piiguard::office
