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
#include <functional>
#include <string>
#include <string_view>

#include "common/json.h"
#include "office/store.h"

namespace piiguard::office {

using NowMsFn = std::function<int64_t()>;

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
  Ingestor(OfficeStore& store, NowMsFn now_ms)
      : store_(store), now_ms_(std::move(now_ms)) {}

  ApiAnswer Ingest(const ClientIdentity& client, std::string_view body);

 private:
  OfficeStore& store_;
  NowMsFn now_ms_;
};

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_INGEST_H_
