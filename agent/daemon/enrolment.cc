#include "agent/daemon/enrolment.h"

#include <utility>

#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::agent {

Enrolment::Enrolment(StatePaths paths, const journal::Journal& journal,
                     EventSink& events, StatusBoard& board)
    : paths_(std::move(paths)),
      journal_(journal),
      events_(events),
      board_(board) {
  Result<std::optional<sync::OfficeConfig>> office = LoadOfficeConfig(paths_);
  if (office.ok() && *office) pc_ = (*office)->pc;
}

Result<Json> Enrolment::Info() const {
  return Json{{"chain", journal_.chain()}};
}

Result<Json> Enrolment::Enrolled(const std::string& pc,
                                 const std::string& office_url) {
  PIIGUARD_ASSIGN_OR_RETURN(std::optional<sync::OfficeConfig> office,
                            LoadOfficeConfig(paths_));
  if (!office || office->pc != pc || office->office_url != office_url) {
    return FailedPreconditionError("enrolled", paths_.Office(),
                                   "does not name this enrolment");
  }
  pc_ = pc;
  board_.Clear({"not_enrolled"});
  PIIGUARD_ASSIGN_OR_RETURN(
      uint64_t seq,
      events_.Append(journal::types::kEnrolmentDone, journal::Severity::kNotice,
                     "office", Json{{"pc", pc}, {"office_url", office_url}}));
  return Json{{"seq", seq}};
}

Result<Json> Enrolment::StatusFields() const {
  PIIGUARD_ASSIGN_OR_RETURN(std::optional<sync::OfficeConfig> office,
                            LoadOfficeConfig(paths_));
  Json fields = {{"enrolled", office.has_value()}};
  if (office) {
    fields["pc"] = office->pc;
    fields["office_url"] = office->office_url;
  }
  return fields;
}

}  // namespace piiguard::agent
