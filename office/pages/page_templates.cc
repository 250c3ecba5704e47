#include "office/pages/page_templates.h"

#include <array>
#include <memory>
#include <utility>

#include "office/pages/templates/counts_tpl.h"
#include "office/pages/templates/event_list_tpl.h"
#include "office/pages/templates/event_tpl.h"
#include "office/pages/templates/events_table_tpl.h"
#include "office/pages/templates/exception_issue_tpl.h"
#include "office/pages/templates/exception_issued_tpl.h"
#include "office/pages/templates/exception_queue_tpl.h"
#include "office/pages/templates/exceptions_tpl.h"
#include "office/pages/templates/form_fields_tpl.h"
#include "office/pages/templates/login_tpl.h"
#include "office/pages/templates/message_tpl.h"
#include "office/pages/templates/overview_tpl.h"
#include "office/pages/templates/pages_css.h"
#include "office/pages/templates/pcs_tpl.h"
#include "office/pages/templates/reports_tpl.h"
#include "office/pages/templates/shell_tpl.h"
#include "office/pages/templates/type_cell_tpl.h"

namespace piiguard::office {
namespace {

// Line breaks and indentation in the templates are for people: dropped.
constexpr ctemplate::Strip kStrip = ctemplate::STRIP_WHITESPACE;

template <size_t N>
std::string_view Text(const std::array<unsigned char, N>& bytes) {
  // The generated arrays hold the files' bytes; chars alias them.
  return {reinterpret_cast<const char*>(bytes.data()), N};
}

struct Cache {
  ctemplate::TemplateCache cache;
  Status status;
};

std::unique_ptr<Cache> LoadAll() {
  auto loaded = std::make_unique<Cache>();
  const std::array<std::pair<const char*, std::string_view>, 16> templates = {{
      {kShellTemplate, Text(templates::kShell)},
      {kMessageTemplate, Text(templates::kMessage)},
      {kFormFieldsTemplate, Text(templates::kFormFields)},
      {kTypeCellTemplate, Text(templates::kTypeCell)},
      {kEventsTableTemplate, Text(templates::kEventsTable)},
      {kLoginTemplate, Text(templates::kLogin)},
      {kOverviewTemplate, Text(templates::kOverview)},
      {kEventListTemplate, Text(templates::kEventList)},
      {kEventTemplate, Text(templates::kEvent)},
      {kPcsTemplate, Text(templates::kPcs)},
      {kCountsTemplate, Text(templates::kCounts)},
      {kReportsTemplate, Text(templates::kReports)},
      {kExceptionsTemplate, Text(templates::kExceptions)},
      {kExceptionIssueTemplate, Text(templates::kExceptionIssue)},
      {kExceptionIssuedTemplate, Text(templates::kExceptionIssued)},
      {kExceptionQueueTemplate, Text(templates::kExceptionQueue)},
  }};
  for (const auto& [name, text] : templates) {
    if (!loaded->cache.StringToTemplateCache(
            name, ctemplate::TemplateString(text.data(), text.size()),
            kStrip)) {
      loaded->status =
          InternalError("page templates", name, "does not parse (auto-escape)");
      break;
    }
  }
  loaded->cache.Freeze();
  return loaded;
}

const Cache& Templates() {
  static const std::unique_ptr<Cache> cache = LoadAll();
  return *cache;
}

}  // namespace

Status PageTemplatesStatus() { return Templates().status; }

Result<std::string> ExpandPage(std::string_view name,
                               const ctemplate::TemplateDictionary& dict) {
  const Cache& templates = Templates();
  PIIGUARD_RETURN_IF_ERROR(templates.status);
  std::string out;
  if (!templates.cache.ExpandNoLoad(
          ctemplate::TemplateString(name.data(), name.size()), kStrip, &dict,
          nullptr, &out)) {
    return InternalError("page templates", name, "expansion failed");
  }
  return out;
}

std::string_view PagesCss() { return Text(templates::kPagesCss); }

}  // namespace piiguard::office
