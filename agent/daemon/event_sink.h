// EventSink: the entries piiguardd itself writes to the journal (the
// agent's life: recovered, started, stopped; and any entry another daemon
// owner composes), through one Append. The modules the daemon wires (USB,
// sessions, roster guard) are given Append as their journal.
//
// Thread-safety: not thread-safe; the daemon's event loop owns it (the
// journal it writes to is itself thread-safe).
#ifndef PIIGUARD_AGENT_DAEMON_EVENT_SINK_H_
#define PIIGUARD_AGENT_DAEMON_EVENT_SINK_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "agent/journal/journal.h"
#include "common/json_fwd.h"
#include "common/result.h"

namespace piiguard::agent {

class EventSink {
 public:
  explicit EventSink(journal::Journal& journal) : journal_(journal) {}

  // The entry's sequence number.
  Result<uint64_t> Append(const journal::Event& event);
  Result<uint64_t> Append(std::string type, journal::Severity severity,
                          std::string subject, Json details);

  // agent.recovered: the last run did not stop cleanly (`reason`).
  Status Recovered(const std::string& reason);
  // agent.started: pid, version, kernel release.
  Status Started(int64_t pid, std::string_view version,
                 const std::string& kernel);
  // agent.stopped.
  Status Stopped(int64_t pid);

  // The journal itself, as the modules' Appender (they add their own
  // entries: usb.*, session.*, roster.*).
  journal::Appender& journal() { return journal_; }

 private:
  journal::Journal& journal_;
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_EVENT_SINK_H_
