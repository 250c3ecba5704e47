#include "agent/daemon/event_sink.h"

#include <utility>

#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::agent {

Result<uint64_t> EventSink::Append(const journal::Event& event) {
  return journal_.Append(event);
}

Result<uint64_t> EventSink::Append(std::string type, journal::Severity severity,
                                   std::string subject, Json details) {
  journal::Event event;
  event.type = std::move(type);
  event.severity = severity;
  event.subject = std::move(subject);
  event.details = std::move(details);
  return journal_.Append(event);
}

Status EventSink::Recovered(const std::string& reason) {
  return Append(journal::types::kAgentRecovered, journal::Severity::kWarning,
                "agent", Json{{"reason", reason}})
      .status();
}

Status EventSink::Started(int64_t pid, std::string_view version,
                          const std::string& kernel) {
  return Append(journal::types::kAgentStarted, journal::Severity::kInfo,
                "agent",
                Json{{"pid", pid},
                     {"version", std::string(version)},
                     {"kernel", kernel}})
      .status();
}

Status EventSink::Stopped(int64_t pid) {
  return Append(journal::types::kAgentStopped, journal::Severity::kInfo,
                "agent", Json{{"pid", pid}})
      .status();
}

}  // namespace piiguard::agent
