#include "agent/daemon/status_board.h"

#include <algorithm>

#include "common/json.h"

namespace piiguard::agent {

Status StatusBoard::Report(Problem problem) {
  Json details = problem.details;
  details["problem"] = problem.code;
  Status journaled =
      events_
          .Append(problem.type, problem.severity, "agent", std::move(details))
          .status();
  std::erase_if(problems_,
                [&](const Problem& p) { return p.code == problem.code; });
  problems_.push_back(std::move(problem));
  return journaled;
}

void StatusBoard::Clear(std::initializer_list<std::string_view> codes) {
  std::erase_if(problems_, [&](const Problem& p) {
    return std::find(codes.begin(), codes.end(), p.code) != codes.end();
  });
}

void StatusBoard::AddFields(Part fields) {
  fields_.push_back(std::move(fields));
}

void StatusBoard::AddPart(std::string key, Part part) {
  parts_.emplace_back(std::move(key), std::move(part));
}

Result<Json> StatusBoard::Answer() const {
  Json answer = Json::object();
  for (const Part& fields : fields_) {
    PIIGUARD_ASSIGN_OR_RETURN(Json object, fields());
    if (!object.is_object()) {
      return InternalError("status", "fields", "not an object");
    }
    answer.update(object);
  }
  Json problems = Json::array();
  for (const Problem& p : problems_) problems.push_back(p.ToJson());
  answer["problems"] = std::move(problems);
  for (const auto& [key, part] : parts_) {
    PIIGUARD_ASSIGN_OR_RETURN(answer[key], part());
  }
  return answer;
}

Result<Json> JournalProgress(journal::Journal& journal) {
  PIIGUARD_ASSIGN_OR_RETURN(journal::Journal::SyncState state,
                            journal.GetSyncState());
  uint64_t head = journal.head_seq();
  return Json{{"head_seq", head},
              {"acked_seq", state.acked_seq},
              {"pending", head - state.acked_seq}};
}

}  // namespace piiguard::agent
