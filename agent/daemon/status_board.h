// StatusBoard: the answer to `piiguard status` and the list of problems.
// Each owner and module adds its part: top-level fields (the journal's
// progress, the applied policy's version, the enrolment) or a part under a
// key ("sticks", "session", "roster"...). A problem (prerequisites.h) is
// journaled when reported and listed until this run ends or it is cleared
// (a policy applied, the PC enrolled).
//
// Thread-safety: not thread-safe; the daemon's event loop owns it.
#ifndef PIIGUARD_AGENT_DAEMON_STATUS_BOARD_H_
#define PIIGUARD_AGENT_DAEMON_STATUS_BOARD_H_

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/daemon/event_sink.h"
#include "agent/daemon/prerequisites.h"
#include "agent/journal/journal.h"
#include "common/json_fwd.h"
#include "common/result.h"

namespace piiguard::agent {

class StatusBoard {
 public:
  using Part = std::function<Result<Json>()>;

  explicit StatusBoard(EventSink& events) : events_(events) {}

  // Journaled now (the problem's type, "problem": code in its details) and
  // listed under "problems". Reported again, the same code replaces the
  // earlier one. Listed even when the journal write fails (the error is
  // returned).
  Status Report(Problem problem);
  // Problems solved while running.
  void Clear(std::initializer_list<std::string_view> codes);
  const std::vector<Problem>& problems() const { return problems_; }

  // `fields` returns an object whose members go at the top level of the
  // answer.
  void AddFields(Part fields);
  // What `part` returns goes under `key`.
  void AddPart(std::string key, Part part);

  // Every field and part, and "problems". A field or part that fails makes
  // the whole answer fail (staff must not see a partial state).
  Result<Json> Answer() const;

 private:
  EventSink& events_;
  std::vector<Problem> problems_;
  std::vector<Part> fields_;
  std::vector<std::pair<std::string, Part>> parts_;
};

// The journal's delivery progress for the answer: head_seq, acked_seq and
// pending (entries the office has not acknowledged).
Result<Json> JournalProgress(journal::Journal& journal);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_STATUS_BOARD_H_
