// One response the IT desk gave (docs/exceptions.md "The desk's ledger"):
// what `piiguard-admin exception respond` records in its ledger
// (issued_ledger.h) before it prints the response, and what the privacy
// office imports to reconcile against the PCs' exception.granted entries.
// The response code itself is not recorded: the challenge's nonce and the
// PC id name the code, and the office needs nothing that could be typed.
//
// JSON (canonical, docs/signing.md), every field required:
//   {"challenge":"13059-12348-56782-90126","consignee":"npo-hidamari",
//    "deputy":true,"index":5,"issue_day":"2026-12-07",
//    "issued_ms":1796601600000,"minutes":60,"nonce":123456789012,
//    "pc":"hidamari-pc-01","person":1,"person_name":"佐藤 一郎",
//    "policy_version":3,"reason":"…","scope":"stick","seq":1}
// `challenge` is the challenge's canonical text and must agree with scope,
// minutes, index and nonce.
//
// Thread-safety: pure functions and value types.
#ifndef PIIGUARD_POLICY_EXCEPTION_ISSUED_RECORD_H_
#define PIIGUARD_POLICY_EXCEPTION_ISSUED_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/json_fwd.h"
#include "common/json_reader.h"
#include "common/result.h"
#include "policy/exception/codes.h"

namespace piiguard::exception {

// Why the desk answered (R5): 1 to this many bytes of UTF-8, no control
// characters.
inline constexpr size_t kMaxIssuedReasonBytes = 1024;

struct IssuedRecord {
  uint64_t seq = 0;  // its place in its ledger, from 1
  std::string pc;    // the PC id the desk answered for (1-64 bytes)
  Challenge challenge;
  unsigned person = 0;      // the response's person index PP
  std::string person_name;  // whom it names (the MAC's responsible id)
  bool deputy = false;
  std::string consignee;       // the consignee that person belongs to (an id)
  std::string reason;          // what the desk typed (--reason)
  int64_t issued_ms = 0;       // the desk's wall clock when it answered
  int64_t issue_day = 0;       // the day the response works on (days, Japan)
  int64_t policy_version = 0;  // of the policy whose person list it used

  friend bool operator==(const IssuedRecord&, const IssuedRecord&) = default;
};

// What is wrong with a reason ("" if nothing): empty, over
// kMaxIssuedReasonBytes, or a DisplayTextProblem (invalid UTF-8, a control,
// bidi or format character: the desk's terminal and the office's pages show
// it).
std::string ReasonProblem(std::string_view reason);
// The same as a status ("issued record: reason: ...").
[[nodiscard]] Status ValidateReason(std::string_view reason);
// Every field in range, as IssuedRecordFromJson requires.
[[nodiscard]] Status ValidateIssuedRecord(const IssuedRecord& record);

// The record's JSON object (the fields above). REQUIRES: valid.
Json IssuedRecordJson(const IssuedRecord& record);
// Reads the fields above from `r` (it does not call r.Finish(): the ledger
// adds "kind"); errors go to r's list, and the checks that span fields are
// reported at r's path.
IssuedRecord ReadIssuedRecord(JsonReader& r);

}  // namespace piiguard::exception

#endif  // PIIGUARD_POLICY_EXCEPTION_ISSUED_RECORD_H_
