// The page shell of the review pages (review_pages.h): the layout around
// every page (header, navigation, language switch, logout), the login check
// and CSRF check before a page runs, status pages for errors, and CSV
// downloads. Pages fill a body template (page_templates.h); the shell's
// template includes it as {{>BODY}}.
//
// Thread-safety: PageShell is read-only after construction (but for its
// login throttle, which locks itself) and shared by httplib's threads; its
// ReviewSource must be thread-safe and outlive it. A PageView belongs to one
// request.
#ifndef PIIGUARD_OFFICE_PAGES_PAGE_SHELL_H_
#define PIIGUARD_OFFICE_PAGES_PAGE_SHELL_H_

#include <httplib.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "office/pages/ctemplate.h"
#include "office/pages/login_throttle.h"
#include "office/pages/page_context.h"
#include "office/pages/review_pages.h"
#include "office/pages/review_source.h"

namespace piiguard::office {

class PageShell;

// One page behind the login: reads the request, answers in `res`. An error
// becomes a status page: kInvalidArgument 400, kNotFound 404, else 500.
using PageFn = Status (*)(const PageShell& shell, const httplib::Request& req,
                          httplib::Response& res, Ctx& ctx);

class PageShell {
 public:
  PageShell(ReviewSource& source, PagesOptions options);

  ReviewSource& source() const { return source_; }
  const PagesOptions& options() const { return options_; }
  // Failed logins per client address (thread-safe itself).
  LoginThrottle& throttle() const { return *throttle_; }

  // The context of a request, without its session.
  Ctx Begin(const httplib::Request& req) const;
  // Sets ctx.session when the request carries a live session cookie; a
  // cookie of a session that ended sets *expired (and an expired session
  // is deleted).
  Status LoadSession(const httplib::Request& req, Ctx& ctx,
                     bool* expired) const;
  // Runs `page` for a logged-in user (else redirects to /login); a POST
  // also needs the session's CSRF token (else 403).
  void Run(const httplib::Request& req, httplib::Response& res, PageFn page,
           bool post) const;

 private:
  ReviewSource& source_;
  PagesOptions options_;
  std::unique_ptr<LoginThrottle> throttle_;
};

// A page being built: the shell's dictionary and the body's, which uses
// template `body_template`.
class PageView {
 public:
  PageView(const Ctx& ctx, std::string_view title, const char* body_template);
  PageView(const PageView&) = delete;
  PageView& operator=(const PageView&) = delete;

  ctemplate::TemplateDictionary& body() { return *body_; }
  // Expands the page into `res` (text/html) with `status`.
  void Send(httplib::Response& res, int status) const;

 private:
  ctemplate::TemplateDictionary root_;
  ctemplate::TemplateDictionary* body_;  // owned by root_
};

// A page with one error paragraph.
void SendMessage(httplib::Response& res, const Ctx& ctx, int status,
                 const std::string& message);
// A CSV download "NAME-YYYY-MM-DD.csv" (UTF-8 with a BOM, for Excel).
void SendCsv(httplib::Response& res, const Ctx& ctx, std::string_view name,
             const std::string& body);

// {{>FORM_FIELDS}} of `dict` in a POST form: the session's CSRF token and
// the request's explicit language as hidden fields.
void AddFormFields(ctemplate::TemplateDictionary& dict, const Ctx& ctx);
// {{>FORM_FIELDS}} of `dict` in a GET form: the explicit language only (a
// token must not end up in a URL).
void AddLangField(ctemplate::TemplateDictionary& dict, const Ctx& ctx);
// A section TH per id with LABEL, for <tr>{{#TH}}<th>{{LABEL}}</th>{{/TH}}.
void AddHeadings(ctemplate::TemplateDictionary& dict, const Ctx& ctx,
                 std::initializer_list<MsgId> ids);

// GET /pages.css and /favicon.ico (204).
void MountStatic(httplib::Server& server);

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_PAGES_PAGE_SHELL_H_
