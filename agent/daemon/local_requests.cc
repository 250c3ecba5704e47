#include "agent/daemon/local_requests.h"

#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::agent {
namespace {

std::string NameOf(UserNameFn user_name, uid_t uid) {
  return user_name != nullptr ? user_name(uid) : std::string();
}

}  // namespace

Result<Json> RecordNearMiss(EventSink& events, UserNameFn user_name,
                            const ipc::Peer& peer, const std::string& text) {
  PIIGUARD_ASSIGN_OR_RETURN(
      uint64_t seq,
      events.Append(journal::types::kNearMiss, journal::Severity::kNotice,
                    "uid:" + std::to_string(peer.uid),
                    Json{{"text", text},
                         {"uid", peer.uid},
                         {"user", NameOf(user_name, peer.uid)}}));
  return Json{{"seq", seq}};
}

Status RecordSuppressed(EventSink& events, UserNameFn user_name,
                        const ipc::Suppression& summary) {
  Json counts = Json::object();
  for (const auto& [what, count] : summary.counts) counts[what] = count;
  return events
      .Append(journal::types::kIpcSuppressed, journal::Severity::kWarning,
              "uid:" + std::to_string(summary.uid),
              Json{{"uid", summary.uid},
                   {"user", NameOf(user_name, summary.uid)},
                   {"suppressed", summary.total},
                   {"counts", std::move(counts)},
                   {"window_s", summary.window_ms / 1000}})
      .status();
}

void WireLocalRequests(Daemon& daemon, EventSink& events,
                       const StatusBoard& board, Enrolment& enrolment,
                       UserNameFn user_name) {
  Daemon* d = &daemon;
  daemon.AddHandler(
      ipc::Op::kNearMiss,
      [d, &events, user_name](const ipc::Peer& peer, const ipc::Request& r) {
        Result<Json> answer = RecordNearMiss(events, user_name, peer, r.text);
        if (answer.ok()) d->Wake();
        return answer;
      });
  daemon.AddHandler(ipc::Op::kStatus,
                    [&board](const ipc::Peer&, const ipc::Request&) {
                      return board.Answer();
                    });
  daemon.AddHandler(ipc::Op::kEnrolInfo,
                    [&enrolment](const ipc::Peer&, const ipc::Request&) {
                      return enrolment.Info();
                    });
  daemon.AddHandler(ipc::Op::kEnrolled, [d, &enrolment](const ipc::Peer&,
                                                        const ipc::Request& r) {
    Result<Json> answer = enrolment.Enrolled(r.pc, r.office_url);
    if (answer.ok()) d->Wake();  // the next round uses the new material
    return answer;
  });
}

}  // namespace piiguard::agent
