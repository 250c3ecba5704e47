// The pages behind the login (review_pages.h lists their paths), one file
// each: overview_page.cc, event_list_page.cc (violations, near misses and
// their CSV), event_page.cc (one record), pcs_page.cc, counts_page.cc,
// reports_page.cc (status reports and the request form). Each is a PageFn
// (page_shell.h): the shell has checked the login (and a POST's CSRF token)
// and turns a returned error into a status page. They read and write only
// through shell.source() (review_source.h).
//
// Thread-safety: as PageShell.
#ifndef PIIGUARD_OFFICE_PAGES_PAGE_HANDLERS_H_
#define PIIGUARD_OFFICE_PAGES_PAGE_HANDLERS_H_

#include <httplib.h>

#include "common/result.h"
#include "common/status.h"
#include "office/pages/page_context.h"
#include "office/pages/page_shell.h"

namespace piiguard::office {

// overview_page.cc: incidents and failed PCs first, then the last 30 days.
Status Overview(const PageShell& shell, const httplib::Request& req,
                httplib::Response& res, Ctx& ctx);
// event_list_page.cc: events of severity warning and above, filtered, paged.
Status Violations(const PageShell& shell, const httplib::Request& req,
                  httplib::Response& res, Ctx& ctx);
Status ViolationsCsv(const PageShell& shell, const httplib::Request& req,
                     httplib::Response& res, Ctx& ctx);
// event_list_page.cc: the near misses staff reported.
Status NearMisses(const PageShell& shell, const httplib::Request& req,
                  httplib::Response& res, Ctx& ctx);
Status NearMissesCsv(const PageShell& shell, const httplib::Request& req,
                     httplib::Response& res, Ctx& ctx);
// event_page.cc: one record in full (?pc=P&seq=N).
Status Event(const PageShell& shell, const httplib::Request& req,
             httplib::Response& res, Ctx& ctx);
// pcs_page.cc: PCs and consignees.
Status Pcs(const PageShell& shell, const httplib::Request& req,
           httplib::Response& res, Ctx& ctx);
Status PcsCsv(const PageShell& shell, const httplib::Request& req,
              httplib::Response& res, Ctx& ctx);
// counts_page.cc: counts per register job for a fiscal year (?year=Y).
Status Counts(const PageShell& shell, const httplib::Request& req,
              httplib::Response& res, Ctx& ctx);
Status CountsCsv(const PageShell& shell, const httplib::Request& req,
                 httplib::Response& res, Ctx& ctx);
// reports_page.cc: status report requests and the reports received.
Status Reports(const PageShell& shell, const httplib::Request& req,
               httplib::Response& res, Ctx& ctx);
Status ReportsCsv(const PageShell& shell, const httplib::Request& req,
                  httplib::Response& res, Ctx& ctx);
// exceptions_page.cc: the exception codes the IT desk issued against those
// the PCs used, per consignee (exception_reconcile.h).
Status Exceptions(const PageShell& shell, const httplib::Request& req,
                  httplib::Response& res, Ctx& ctx);
// exception_issue_page.cc: the form to issue a signed exception file, and
// its POST: built (policy/admin/exception_issue.h), signed by the signer
// service, checked and queued as `exception publish` does.
Status ExceptionIssueForm(const PageShell& shell, const httplib::Request& req,
                          httplib::Response& res, Ctx& ctx);
Status ExceptionIssue(const PageShell& shell, const httplib::Request& req,
                      httplib::Response& res, Ctx& ctx);
// exception_issued_page.cc: GET /exceptions/issued?pc=&id=, where the POST
// redirects once the file is queued: the queued file, read from the store
// (reloading it issues nothing); 404 for an unknown one.
Status ExceptionIssued(const PageShell& shell, const httplib::Request& req,
                       httplib::Response& res, Ctx& ctx);
// exception_queue_page.cc: the queued signed exception files and their
// state; POST withdraws one still waiting.
Status ExceptionQueue(const PageShell& shell, const httplib::Request& req,
                      httplib::Response& res, Ctx& ctx);
Status ExceptionWithdraw(const PageShell& shell, const httplib::Request& req,
                         httplib::Response& res, Ctx& ctx);
// exception_issue_page.cc: whether the logged-in user may issue and
// withdraw exception files (OfficeUser::may_issue_exceptions).
Result<bool> MayIssueExceptions(const PageShell& shell, const Ctx& ctx);
// reports_page.cc: POST /reports/request, asks a PC for a report.
Status RequestReport(const PageShell& shell, const httplib::Request& req,
                     httplib::Response& res, Ctx& ctx);

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_PAGES_PAGE_HANDLERS_H_
