// Login and logout of the review pages (review_pages.h). GET /login sets a
// one-hour login-form cookie whose value is also the form's CSRF field; POST
// /login checks both, then the PBKDF2 password record (password.h), and
// answers an unknown name as slowly as a wrong password. Failed logins are
// throttled per client address (login_throttle.h; a refused address gets
// 429 with Retry-After), never by locking a name: the same account logs in
// from another address at once. Failures of a name are still recorded in
// the ReviewSource, and many of them write a warning to the log. A good
// login makes a session of 32 random
// bytes (cookie __Host-piiguard-session, HttpOnly, Secure,
// SameSite=Strict) kept only as its SHA-256, with its own CSRF token.
// POST /logout (a PageFn behind the shell's CSRF check) deletes it.
//
// Thread-safety: as PageShell (page_shell.h).
#ifndef PIIGUARD_OFFICE_PAGES_LOGIN_H_
#define PIIGUARD_OFFICE_PAGES_LOGIN_H_

#include <httplib.h>

#include "common/status.h"
#include "office/pages/page_context.h"
#include "office/pages/page_shell.h"

namespace piiguard::office {

void GetLogin(const PageShell& shell, const httplib::Request& req,
              httplib::Response& res);
void PostLogin(const PageShell& shell, const httplib::Request& req,
               httplib::Response& res);
Status Logout(const PageShell& shell, const httplib::Request& req,
              httplib::Response& res, Ctx& ctx);

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_PAGES_LOGIN_H_
