#include "office/pages/testing/fake_review_source.h"

#include <algorithm>

#include "common/status.h"

namespace piiguard::office {
namespace {

Status ReadError() { return IoError("fake", "store", "unavailable"); }

}  // namespace

Result<EventPage> FakeReviewSource::ListEvents(const EventFilter& filter) {
  std::lock_guard lock(mu);
  if (fail_reads) return ReadError();
  last_filter = filter;
  std::vector<ReviewEvent> match;
  for (const ReviewEvent& e : events) {
    if (!filter.pc.empty() && e.pc != filter.pc) continue;
    if (!filter.consignee.empty() && e.consignee != filter.consignee) continue;
    if (!e.type.starts_with(filter.type_prefix)) continue;
    if (!filter.types.empty() &&
        std::find(filter.types.begin(), filter.types.end(), e.type) ==
            filter.types.end()) {
      continue;
    }
    if (e.severity < filter.min_severity) continue;
    if (filter.from_ms != 0 && e.time_ms < filter.from_ms) continue;
    if (filter.to_ms != 0 && e.time_ms >= filter.to_ms) continue;
    match.push_back(e);
  }
  std::sort(match.begin(), match.end(),
            [](const ReviewEvent& a, const ReviewEvent& b) {
              if (a.time_ms != b.time_ms) return a.time_ms > b.time_ms;
              return a.seq > b.seq;
            });
  EventPage page;
  page.total = match.size();
  for (size_t i = filter.offset;
       i < match.size() && page.events.size() < filter.limit; ++i) {
    page.events.push_back(match[i]);
  }
  return page;
}

Result<std::vector<IssuedException>> FakeReviewSource::ListIssuedExceptions() {
  std::lock_guard lock(mu);
  if (fail_reads) return ReadError();
  return issued;
}

Result<std::vector<IssuedImport>> FakeReviewSource::ListIssuedImports() {
  std::lock_guard lock(mu);
  if (fail_reads) return ReadError();
  return imports;
}

Result<std::vector<QueuedException>> FakeReviewSource::ListExceptionFiles(
    std::string_view pc, size_t limit) {
  std::lock_guard lock(mu);
  if (fail_reads) return ReadError();
  std::vector<QueuedException> out;
  for (const QueuedException& f : exception_files) {
    if (out.size() < limit && (pc.empty() || f.pc == pc)) out.push_back(f);
  }
  return out;
}

Status FakeReviewSource::WithdrawExceptionFile(std::string_view pc,
                                               std::string_view id,
                                               std::string_view by,
                                               int64_t now_ms) {
  std::lock_guard lock(mu);
  for (QueuedException& f : exception_files) {
    if (f.pc != pc || f.id != id) continue;
    if (f.settled_ms != 0 || f.withdrawn_ms != 0 || f.redeem_by_ms < now_ms) {
      return FailedPreconditionError("exception withdraw", id,
                                     "no longer waiting");
    }
    f.withdrawn_ms = now_ms;
    f.withdrawn_by = by;
    return Status::Ok();
  }
  return NotFoundError("exception withdraw", id, "not queued");
}

Result<std::map<std::string, int64_t>> FakeReviewSource::JournalReach() {
  std::lock_guard lock(mu);
  if (fail_reads) return ReadError();
  return reach;
}

Result<ReviewEvent> FakeReviewSource::GetEvent(std::string_view pc,
                                               uint64_t seq) {
  std::lock_guard lock(mu);
  if (fail_reads) return ReadError();
  for (const ReviewEvent& e : events) {
    if (e.pc == pc && e.seq == seq) return e;
  }
  return NotFoundError("fake", "event", "no such event");
}

Result<std::vector<PcSummary>> FakeReviewSource::ListPcs() {
  std::lock_guard lock(mu);
  if (fail_reads) return ReadError();
  return pcs;
}

Result<std::vector<Incident>> FakeReviewSource::ListIncidents(
    bool include_cleared) {
  std::lock_guard lock(mu);
  if (fail_reads) return ReadError();
  std::vector<Incident> out;
  for (const Incident& i : incidents) {
    if (include_cleared || !i.cleared) out.push_back(i);
  }
  return out;
}

Result<std::vector<JobCount>> FakeReviewSource::CountEventsByJob(
    int64_t from_ms, int64_t to_ms) {
  std::lock_guard lock(mu);
  if (fail_reads) return ReadError();
  last_count_bounds = std::make_pair(from_ms, to_ms);
  return job_counts;
}

Result<Register> FakeReviewSource::GetRegister() {
  std::lock_guard lock(mu);
  if (fail_reads) return ReadError();
  return reg;
}

Result<std::vector<StatusRequest>> FakeReviewSource::ListStatusRequests(
    std::string_view pc, size_t limit) {
  std::lock_guard lock(mu);
  if (fail_reads) return ReadError();
  std::vector<StatusRequest> out;
  for (size_t i = requests.size(); i > 0 && out.size() < limit; --i) {
    const StatusRequest& request = requests[i - 1];
    if (pc.empty() || request.pc == pc) out.push_back(request);
  }
  return out;
}

Result<StatusRequest> FakeReviewSource::RequestStatusReport(
    std::string_view pc, std::string_view requested_by, int64_t now_ms) {
  std::lock_guard lock(mu);
  const bool known = std::any_of(
      pcs.begin(), pcs.end(), [pc](const PcSummary& p) { return p.pc == pc; });
  if (!known) return NotFoundError("fake", pc, "not enrolled");
  StatusRequest request;
  request.id = "req-" + std::to_string(requests.size() + 1);
  request.pc = std::string(pc);
  request.requested_by = std::string(requested_by);
  request.requested_ms = now_ms;
  requests.push_back(request);
  return request;
}

Result<OfficeUser> FakeReviewSource::GetUser(std::string_view name) {
  std::lock_guard lock(mu);
  for (const OfficeUser& u : users) {
    if (u.name == name) return u;
  }
  return NotFoundError("fake", name, "no such user");
}

Status FakeReviewSource::RecordLoginFailure(std::string_view user,
                                            int64_t time_ms) {
  std::lock_guard lock(mu);
  login_failures.emplace_back(std::string(user), time_ms);
  return Status::Ok();
}

Result<uint64_t> FakeReviewSource::CountLoginFailures(std::string_view user,
                                                      int64_t since_ms) {
  std::lock_guard lock(mu);
  uint64_t count = 0;
  for (const auto& [name, time] : login_failures) {
    if (name == user && time >= since_ms) ++count;
  }
  return count;
}

Status FakeReviewSource::CreateSession(const LoginSession& session) {
  std::lock_guard lock(mu);
  sessions.push_back(session);
  return Status::Ok();
}

Result<LoginSession> FakeReviewSource::GetSession(
    std::string_view token_hash_hex) {
  std::lock_guard lock(mu);
  for (const LoginSession& s : sessions) {
    if (s.token_hash_hex == token_hash_hex) return s;
  }
  return NotFoundError("fake", "session", "no such session");
}

Status FakeReviewSource::DeleteSession(std::string_view token_hash_hex) {
  std::lock_guard lock(mu);
  std::erase_if(sessions, [token_hash_hex](const LoginSession& s) {
    return s.token_hash_hex == token_hash_hex;
  });
  return Status::Ok();
}

Status FakeReviewSource::DeleteExpiredSessions(int64_t now_ms) {
  std::lock_guard lock(mu);
  std::erase_if(sessions, [now_ms](const LoginSession& s) {
    return s.expires_ms <= now_ms;
  });
  return Status::Ok();
}

}  // namespace piiguard::office
