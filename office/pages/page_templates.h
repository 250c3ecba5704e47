// The review pages' HTML (office/pages/templates/*.tpl), compiled into the
// binary and expanded with Google's ctemplate. Every template starts with
// {{%AUTOESCAPE context="HTML"}}: ctemplate escapes each value for where it
// lands (element text and quoted attributes HTML-escaped; a URL attribute
// that starts with a value checked for a safe scheme, else "#", then
// escaped), so no page escapes by hand. The templates are parsed once into a
// private, frozen cache: nothing is read from disk, and an include of a name
// that is not embedded fails instead of looking for a file.
//
// Thread-safety: every function may be called from many threads; the cache
// is built on first use (a function-local static) and never changes after.
#ifndef PIIGUARD_OFFICE_PAGES_PAGE_TEMPLATES_H_
#define PIIGUARD_OFFICE_PAGES_PAGE_TEMPLATES_H_

#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "office/pages/ctemplate.h"

namespace piiguard::office {

// The names of the embedded templates (as given to SetFilename and
// ExpandPage).
inline constexpr char kShellTemplate[] = "shell.tpl";
inline constexpr char kMessageTemplate[] = "message.tpl";
inline constexpr char kFormFieldsTemplate[] = "form_fields.tpl";
inline constexpr char kTypeCellTemplate[] = "type_cell.tpl";
inline constexpr char kEventsTableTemplate[] = "events_table.tpl";
inline constexpr char kLoginTemplate[] = "login.tpl";
inline constexpr char kOverviewTemplate[] = "overview.tpl";
inline constexpr char kEventListTemplate[] = "event_list.tpl";
inline constexpr char kEventTemplate[] = "event.tpl";
inline constexpr char kPcsTemplate[] = "pcs.tpl";
inline constexpr char kCountsTemplate[] = "counts.tpl";
inline constexpr char kReportsTemplate[] = "reports.tpl";
inline constexpr char kExceptionsTemplate[] = "exceptions.tpl";
inline constexpr char kExceptionIssueTemplate[] = "exception_issue.tpl";
inline constexpr char kExceptionIssuedTemplate[] = "exception_issued.tpl";
inline constexpr char kExceptionQueueTemplate[] = "exception_queue.tpl";

// Whether every embedded template parsed (the first call parses them).
Status PageTemplatesStatus();

// Expands template `name` (one of the above) with `dict`.
Result<std::string> ExpandPage(std::string_view name,
                               const ctemplate::TemplateDictionary& dict);

// The style sheet served as /pages.css (templates/pages.css).
std::string_view PagesCss();

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_PAGES_PAGE_TEMPLATES_H_
