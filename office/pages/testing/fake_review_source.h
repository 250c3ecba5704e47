// FakeReviewSource: an in-memory ReviewSource for the pages' unit tests. It
// filters events as the interface describes and records the last filter and
// count bounds it was asked for, so tests can check what the pages passed.
//
// Thread-safety: thread-safe (one mutex); tests may read the public fields
// only while no request is in flight.
#ifndef PIIGUARD_OFFICE_PAGES_TESTING_FAKE_REVIEW_SOURCE_H_
#define PIIGUARD_OFFICE_PAGES_TESTING_FAKE_REVIEW_SOURCE_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "office/pages/review_source.h"

namespace piiguard::office {

class FakeReviewSource : public ReviewSource {
 public:
  Result<EventPage> ListEvents(const EventFilter& filter) override;
  Result<ReviewEvent> GetEvent(std::string_view pc, uint64_t seq) override;
  Result<std::vector<PcSummary>> ListPcs() override;
  Result<std::vector<Incident>> ListIncidents(bool include_cleared) override;
  Result<std::vector<JobCount>> CountEventsByJob(int64_t from_ms,
                                                 int64_t to_ms) override;
  Result<Register> GetRegister() override;
  Result<std::vector<StatusRequest>> ListStatusRequests(std::string_view pc,
                                                        size_t limit) override;
  Result<StatusRequest> RequestStatusReport(std::string_view pc,
                                            std::string_view requested_by,
                                            int64_t now_ms) override;
  Result<std::vector<IssuedException>> ListIssuedExceptions() override;
  Result<std::vector<IssuedImport>> ListIssuedImports() override;
  Result<std::map<std::string, int64_t>> JournalReach() override;
  Result<std::vector<QueuedException>> ListExceptionFiles(
      std::string_view pc, size_t limit) override;
  Status WithdrawExceptionFile(std::string_view pc, std::string_view id,
                               std::string_view by, int64_t now_ms) override;
  Result<OfficeUser> GetUser(std::string_view name) override;
  Status RecordLoginFailure(std::string_view user, int64_t time_ms) override;
  Result<uint64_t> CountLoginFailures(std::string_view user,
                                      int64_t since_ms) override;
  Status CreateSession(const LoginSession& session) override;
  Result<LoginSession> GetSession(std::string_view token_hash_hex) override;
  Status DeleteSession(std::string_view token_hash_hex) override;
  Status DeleteExpiredSessions(int64_t now_ms) override;

  // Test data and observations; guard with mu when requests may run.
  std::mutex mu;
  std::vector<ReviewEvent> events;
  std::vector<PcSummary> pcs;
  std::vector<Incident> incidents;
  std::vector<JobCount> job_counts;  // returned as they are
  Register reg;
  std::vector<StatusRequest> requests;
  std::vector<IssuedException> issued;  // returned as they are
  std::vector<IssuedImport> imports;    // returned as they are
  std::map<std::string, int64_t> reach;
  std::vector<QueuedException> exception_files;  // newest first
  std::vector<OfficeUser> users;
  std::vector<std::pair<std::string, int64_t>> login_failures;
  std::vector<LoginSession> sessions;
  std::optional<EventFilter> last_filter;
  std::optional<std::pair<int64_t, int64_t>> last_count_bounds;
  bool fail_reads = false;  // every read returns an I/O error
};

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_PAGES_TESTING_FAKE_REVIEW_SOURCE_H_
