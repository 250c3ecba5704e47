// The privacy office's review pages (個人情報保護担当の確認画面), Japanese
// first: login, an overview (incidents first), violations and attempts, near
// misses, PCs and consignees, yearly counts per register job (R14), one
// record in full, status reports (R8), exception codes and signed
// exception files (issued from here by permitted users, and their queue),
// with filters and CSV export. Plain
// server-rendered HTML, no JavaScript; every value is escaped by the
// templates (page_templates.h). The code, one job per file: this router
// (review_pages.cc), the shell around every page and the login check
// (page_shell.h), login and logout (login.h), one file per page
// (page_handlers.h), docs/review-pages.md.
//
// Paths (mounted at the server's root, beside the office's /api/v1/):
//   GET  /login, POST /login, POST /logout
//   GET  /                       overview
//   GET  /violations[.csv]       severity warning and above
//   GET  /near-misses[.csv]
//   GET  /pcs[.csv]              PCs and consignees
//   GET  /counts[.csv]?year=Y    per fiscal year and register job
//   GET  /event?pc=P&seq=N       one record
//   GET  /reports[.csv]          status requests and received reports
//   GET  /exceptions             exception codes issued and used
//   GET  /exceptions/issue       the form to issue a signed exception file
//   POST /exceptions/issue       build, sign, check and queue it
//   GET  /exceptions/queue       the signed exception files queued for PCs
//   POST /exceptions/queue/withdraw  stop serving a file still waiting
//   POST /reports/request        ask a PC for a status report
//   GET  /pages.css
// Filters are GET parameters: pc, consignee, type, severity, from, to
// (YYYY-MM-DD, JST, inclusive), offset. `lang=en` or `lang=ja` picks the
// language, else Accept-Language, else Japanese.
//
// Login: PBKDF2 password records (password.h); a session cookie of 32
// random bytes (HttpOnly, Secure, SameSite=Strict) whose SHA-256 is kept in
// the ReviewSource, so several server processes can share sessions; a CSRF
// token in every POST form; failed logins are throttled per client address
// (login_throttle.h), never by locking a user name.
//
// Thread-safety: the handlers run on httplib's thread pool; they share only
// the options (read-only) and the ReviewSource, which must be thread-safe
// and must outlive `server`.
#ifndef PIIGUARD_OFFICE_PAGES_REVIEW_PAGES_H_
#define PIIGUARD_OFFICE_PAGES_REVIEW_PAGES_H_

#include <httplib.h>

#include <cstdint>
#include <functional>
#include <string>

#include "common/os/clock.h"
#include "office/exception_signer.h"
#include "office/pages/exception_publisher.h"
#include "office/pages/login_throttle.h"
#include "office/pages/password.h"
#include "office/pages/review_source.h"

namespace piiguard::office {

struct PagesOptions {
  // Sessions, login failures and the pages' dates follow its wall clock
  // (the login throttle its monotonic clock);
  // it outlives the pages.
  const os::Clock* clock = &os::SystemClock();
  // A login lasts this long (absolute, not extended by activity).
  int64_t session_lifetime_ms = int64_t{8} * 60 * 60 * 1000;
  // Failed logins are throttled per client address (login_throttle.h),
  // never locked per user name; its times follow the clock's monotonic time.
  LoginThrottleOptions throttle;
  // Every this many failed logins of one user name within the window (from
  // any address, counted in the ReviewSource) write a warning to `log`;
  // the name is not locked.
  uint64_t account_warning_failures = 20;
  int64_t account_warning_window_ms = int64_t{15} * 60 * 1000;
  // Lines for the operator's log ("context: object: reason"); may be empty.
  std::function<void(const std::string&)> log;
  // PBKDF2 iterations spent on an unknown user name, so that a wrong name
  // takes as long as a wrong password.
  uint32_t unknown_user_iterations = kDefaultPasswordIterations;
  // Rows per page of a list.
  size_t page_size = 50;
  // Issuing signed exception files from the pages (docs/exceptions.md
  // "Issuing from the office's pages"): the signer service that signs
  // them (the office holds no key) and the office's check and queue. Both
  // outlive the pages; with either null, issuing is off and the form says
  // the signer is not configured (the queue is still listed).
  ExceptionSigner* exception_signer = nullptr;
  ExceptionPublisher* exception_publisher = nullptr;
};

void RegisterReviewPages(httplib::Server& server, ReviewSource& source,
                         const PagesOptions& options);

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_PAGES_REVIEW_PAGES_H_
