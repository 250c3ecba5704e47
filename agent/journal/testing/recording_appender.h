// RecordingAppender: a journal::Appender for tests that keeps every entry
// it is given in a vector the test owns, and fails ("journal: test: disk
// full", the entry still kept, so a test sees what was attempted) while the
// flag it watches is set.
//
// Thread-safety: not thread-safe.
#ifndef PIIGUARD_AGENT_JOURNAL_TESTING_RECORDING_APPENDER_H_
#define PIIGUARD_AGENT_JOURNAL_TESTING_RECORDING_APPENDER_H_

#include <cstdint>
#include <vector>

#include "agent/journal/journal.h"
#include "common/result.h"

namespace piiguard::journal::testing {

class RecordingAppender : public Appender {
 public:
  // `events` and `fail` outlive this; `fail` may be null (never fails).
  explicit RecordingAppender(std::vector<Event>& events,
                             const bool* fail = nullptr)
      : events_(events), fail_(fail) {}

  Result<uint64_t> Append(const Event& event) override {
    events_.push_back(event);
    if (fail_ != nullptr && *fail_) {
      return IoError("journal", "test", "disk full");
    }
    return events_.size();
  }

 private:
  std::vector<Event>& events_;
  const bool* fail_;
};

}  // namespace piiguard::journal::testing

#endif  // PIIGUARD_AGENT_JOURNAL_TESTING_RECORDING_APPENDER_H_
