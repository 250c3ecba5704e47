// Journal ingest: what the office does with one POST /api/v1/journal
// (docs/sync.md "The office verifies"): parse the batch strictly, check the
// PC (from the client certificate, never from the body) is enrolled, verify
// chain, hashes, checkpoints and continuity against the stored anchor, and
// store the new entries, the new anchor, the contact time and a status
// report, all in one transaction holding the PC's lock. A refusal changes
// nothing stored, except that a refusal that is an incident (journal
// replaced, history rewritten) stores the incident and marks the PC
// "journal failed verification".
//
// Thread-safety: Ingest may be called from many threads at once (the store
// serialises batches of one PC).
#ifndef PIIGUARD_OFFICE_INGEST_H_
#define PIIGUARD_OFFICE_INGEST_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/json.h"
#include "common/os/clock.h"
#include "office/store.h"

namespace piiguard::office {

// The answer to one request: HTTP status and JSON body (docs/sync.md), and
// for the log the refusal code ("" when accepted) and reason.
struct ApiAnswer {
  int http_status = 500;
  Json body = Json::object();
  std::string error;   // refusal code, "" on success
  std::string reason;  // "context: object: reason"
  bool incident = false;
  size_t new_entries = 0;
};

// Who presented the TLS client certificate (already verified by the TLS
// layer against the office CA).
struct ClientIdentity {
  std::string pc;           // the certificate's CN
  std::string cert_serial;  // lower-case hex
};

class Ingestor {
 public:
  // The contact, incident and report times are `clock`'s wall clock;
  // `store` and `clock` outlive the ingestor.
  Ingestor(OfficeStore& store, const os::Clock& clock)
      : store_(store), clock_(clock) {}

  ApiAnswer Ingest(const ClientIdentity& client, std::string_view body);

 private:
  OfficeStore& store_;
  const os::Clock& clock_;
};

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_INGEST_H_
