#include "office/pages/login.h"

#include <algorithm>
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

// The login form with a new form token, and `notice` (with `arg` as its
// {0}) above it.
void SendLogin(Response& res, const Ctx& ctx, int status,
               std::optional<MsgId> notice, std::string_view user,
               bool is_error, std::string_view arg = "") {
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
    body.AddSectionDictionary(is_error ? "ERROR" : "NOTICE")
        ->SetValue("TEXT", ctx.M(*notice, {arg}));
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

// 429 with Retry-After: this address may try again in `wait_ms`.
void SendRefused(Response& res, const Ctx& ctx, std::string_view user,
                 int64_t wait_ms) {
  const int64_t seconds = (wait_ms + 999) / 1000;
  const int64_t minutes = std::max<int64_t>(1, (seconds + 59) / 60);
  res.set_header("Retry-After", std::to_string(seconds));
  SendLogin(res, ctx, kStatusTooManyRequests, MsgId::kPagesLoginLocked, user,
            true, std::to_string(minutes));
}

void LogLine(const PagesOptions& options, const std::string& line) {
  if (options.log) options.log(line);
}

// Whether `password` is `user`'s; an unknown name costs as much time as a
// wrong password, so names cannot be probed by timing.
Result<bool> CheckLogin(const PageShell& shell, const std::string& user,
                        std::string_view password) {
  if (user.empty() || user.size() > kMaxUserNameBytes) return false;
  Result<OfficeUser> record = shell.source().GetUser(user);
  if (record.ok()) return CheckPassword(*record, password);
  if (record.status().code() != StatusCode::kNotFound) return record.status();
  OfficeUser dummy;
  dummy.salt_hex = std::string(32, '0');
  dummy.password_hash_hex = std::string(64, '0');
  dummy.iterations = shell.options().unknown_user_iterations;
  (void)CheckPassword(dummy, password);
  return false;
}

// Records a failed login of a well-formed `user` in the ReviewSource and
// warns (never locks) when the name draws many failures from anywhere.
Status RecordFailure(const PageShell& shell, const Ctx& ctx,
                     const std::string& user) {
  const PagesOptions& options = shell.options();
  ReviewSource& source = shell.source();
  if (user.empty() || user.size() > kMaxUserNameBytes) return Status::Ok();
  PIIGUARD_RETURN_IF_ERROR(source.RecordLoginFailure(user, ctx.now));
  const uint64_t every = options.account_warning_failures;
  if (every == 0 || !options.log) return Status::Ok();
  PIIGUARD_ASSIGN_OR_RETURN(
      uint64_t failures,
      source.CountLoginFailures(user,
                                ctx.now - options.account_warning_window_ms));
  if (failures % every == 0) {
    LogLine(options,
            "login: " + user + ": warning: " + std::to_string(failures) +
                " failed logins within " +
                std::to_string(options.account_warning_window_ms / 60000) +
                " minutes from any address (the name is not locked; each "
                "address is throttled)");
  }
  return Status::Ok();
}

// `address` is the TCP peer as the server sees it (req.remote_addr): never
// X-Forwarded-For, nor httplib's REMOTE_ADDR header, which a client can
// send itself.
Status Login(const PageShell& shell, Response& res, Ctx& ctx,
             const std::string& address, const std::string& user,
             std::string_view password) {
  const PagesOptions& options = shell.options();
  LoginThrottle& throttle = shell.throttle();
  const int64_t wait = throttle.Admit(address, options.clock->MonotonicMs());
  if (wait > 0) {
    SendRefused(res, ctx, user, wait);
    return Status::Ok();
  }
  const Result<bool> good = CheckLogin(shell, user, password);
  const int64_t refusal = throttle.Finish(address, options.clock->MonotonicMs(),
                                          good.ok() && !*good);
  PIIGUARD_RETURN_IF_ERROR(good.status());
  if (!*good) {
    if (refusal > 0) {
      LogLine(options, "login: " + address + ": refused for " +
                           std::to_string(refusal / 1000) + " s after " +
                           std::to_string(options.throttle.max_failures) +
                           " failed logins");
    }
    PIIGUARD_RETURN_IF_ERROR(RecordFailure(shell, ctx, user));
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
  session.expires_ms = ctx.now + options.session_lifetime_ms;
  // Housekeeping only: a failure here does not stop the login.
  shell.source().DeleteExpiredSessions(ctx.now).IgnoreError();
  PIIGUARD_RETURN_IF_ERROR(shell.source().CreateSession(session));
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
  SendLogin(res, ctx, kStatusOk, notice, "", false);
}

void PostLogin(const PageShell& shell, const Request& req, Response& res) {
  Ctx ctx = shell.Begin(req);
  SecurityHeaders(res);
  const std::optional<std::string> cookie = CookieValue(req, kLoginCookie);
  const std::string form_token = req.get_param_value("csrf");
  const std::string user = req.get_param_value("user");
  if (!cookie || form_token.empty() ||
      !ConstantTimeEquals(*cookie, form_token)) {
    SendLogin(res, ctx, kStatusForbidden, MsgId::kPagesFormExpired, user, true);
    return;
  }
  std::string password = req.get_param_value("password");
  Status status = Login(shell, res, ctx, req.remote_addr, user, password);
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
