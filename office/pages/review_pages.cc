// The router of the review pages: which path runs which page
// (review_pages.h lists them; page_handlers.h, login.h, page_shell.h).
#include "office/pages/review_pages.h"

#include <memory>

#include "office/pages/login.h"
#include "office/pages/page_handlers.h"
#include "office/pages/page_shell.h"

namespace piiguard::office {
namespace {

using httplib::Request;
using httplib::Response;

struct Route {
  const char* path;
  PageFn page;
};

// The pages behind the login, by GET.
constexpr Route kGets[] = {
    {"/", &Overview},
    {"/violations", &Violations},
    {"/violations.csv", &ViolationsCsv},
    {"/near-misses", &NearMisses},
    {"/near-misses.csv", &NearMissesCsv},
    {"/pcs", &Pcs},
    {"/pcs.csv", &PcsCsv},
    {"/counts", &Counts},
    {"/counts.csv", &CountsCsv},
    {"/event", &Event},
    {"/reports", &Reports},
    {"/reports.csv", &ReportsCsv},
    {"/exceptions", &Exceptions},
    {"/exceptions/issue", &ExceptionIssueForm},
    {"/exceptions/issued", &ExceptionIssued},
    {"/exceptions/queue", &ExceptionQueue},
};

// The forms behind the login (the shell checks their CSRF token).
constexpr Route kPosts[] = {
    {"/logout", &Logout},
    {"/reports/request", &RequestReport},
    {"/exceptions/issue", &ExceptionIssue},
    {"/exceptions/queue/withdraw", &ExceptionWithdraw},
};

}  // namespace

void RegisterReviewPages(httplib::Server& server, ReviewSource& source,
                         const PagesOptions& options) {
  auto shell = std::make_shared<const PageShell>(source, options);
  MountStatic(server);
  server.Get("/login", [shell](const Request& req, Response& res) {
    GetLogin(*shell, req, res);
  });
  server.Post("/login", [shell](const Request& req, Response& res) {
    PostLogin(*shell, req, res);
  });
  for (const Route& route : kGets) {
    server.Get(route.path,
               [shell, page = route.page](const Request& req, Response& res) {
                 shell->Run(req, res, page, /*post=*/false);
               });
  }
  for (const Route& route : kPosts) {
    server.Post(route.path,
                [shell, page = route.page](const Request& req, Response& res) {
                  shell->Run(req, res, page, /*post=*/true);
                });
  }
}

}  // namespace piiguard::office
