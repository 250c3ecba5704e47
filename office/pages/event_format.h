// How the review pages show journal events (review_pages.h): severity and
// type names in the staff's language, one-line summaries of an event's
// details, consignee and register job names, and the events table that the
// overview and the event lists share (templates/events_table.tpl).
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_OFFICE_PAGES_EVENT_FORMAT_H_
#define PIIGUARD_OFFICE_PAGES_EVENT_FORMAT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_fwd.h"
#include "common/messages.h"
#include "office/pages/ctemplate.h"
#include "office/pages/page_context.h"
#include "office/pages/review_source.h"

namespace piiguard::office {

enum class ListKind { kViolations, kNearMisses };

std::string_view SeverityKey(journal::Severity severity);
MsgId SeverityMsg(journal::Severity severity);
std::optional<journal::Severity> SeverityFromKey(std::string_view key);
std::vector<std::string> NearMissTypes();

// The type's name for people, else the type itself.
std::string TypeText(const Ctx& ctx, std::string_view type);

// An event's details as a JSON object ({} when they are not one).
Json ParseDetails(std::string_view details);
// A string value as it is, anything else as compact JSON.
std::string JsonText(const Json& value);
// details[key] as text; "" when absent.
std::string DetailString(const Json& details, const char* key);
// One line about an event's details: its reason or text, else key: value.
std::string DetailSummary(const Json& details);

// A consignee's name; "" is the city; an unknown id is shown as it is.
std::string ConsigneeName(const Ctx& ctx, const Register& reg,
                          std::string_view id);
// A register job's name; "" when the register does not list it.
std::string JobName(const Register& reg, std::string_view id);
// What an incident code means for people; nullopt for a code we do not know.
std::optional<MsgId> IncidentMsg(std::string_view code);

// SEV_KEY and SEV_LABEL of `dict`, for
// <span class="badge sev-{{SEV_KEY}}">{{SEV_LABEL}}</span>.
void SetSeverity(ctemplate::TemplateDictionary& dict, const Ctx& ctx,
                 journal::Severity severity);
// {{>TYPE_CELL}} of `dict`: the type's name with the type beside it.
void AddTypeCell(ctemplate::TemplateDictionary& dict, const Ctx& ctx,
                 std::string_view type);
// {{>EVENTS_TABLE}} of `dict`: a table of `events`, each linking to
// /event.
void AddEventsTable(ctemplate::TemplateDictionary& dict, const Ctx& ctx,
                    const Register& reg, const std::vector<ReviewEvent>& events,
                    ListKind kind);

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_PAGES_EVENT_FORMAT_H_
