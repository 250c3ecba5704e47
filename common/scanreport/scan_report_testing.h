// Test helpers: a small consistent body and a report signed the way
// piiguardd signs one (for scan_report_test and the fuzzer).
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_COMMON_SCANREPORT_SCAN_REPORT_TESTING_H_
#define PIIGUARD_COMMON_SCANREPORT_SCAN_REPORT_TESTING_H_

#include <cstdlib>
#include <string>

#include "common/encoding.h"
#include "common/scanreport/scan_report.h"
#include "common/signed_envelope.h"

namespace piiguard::scanreport::testing {

// One roster found, one file not examined, one partial, one mount not
// entered; run by uid 1000 (so not clean).
inline Body SampleBody(const Ed25519PublicKey& device) {
  Body b;
  b.pc = "hidamari-pc-01";
  b.device_key = HexEncode(device.raw());
  b.started = "2026-11-24T10:00:00+09:00";
  b.finished = "2026-11-24T10:00:07+09:00";
  b.uid = 1000;
  b.user = "staff";
  b.paths = {"/home/staff"};
  b.options = {5, 268435456, 536870912, 200};
  b.counts = {.files = 12,
              .dirs = 3,
              .bytes = 40960,
              .rosters = 1,
              .partial = 1,
              .not_examined = 1,
              .symlinks = 2,
              .special = 1,
              .mounts = 1};
  Json verdict = {
      {"examined", true},
      {"roster", true},
      {"partial", false},
      {"early", false},
      {"format", "csv"},
      {"encoding", "utf-8"},
      {"people", 6},
      {"columns", Json::array({Json{{"kind", "name"},
                                    {"hits", 6},
                                    {"column", 1},
                                    {"header", "氏名"}},
                               Json{{"kind", "phone"}, {"hits", 6}}})},
      {"reason", "roster: 6 people"}};
  b.findings = {{"/home/staff/会員名簿.csv", verdict}};
  b.not_examined = {{"/home/staff/private", "permission denied"}};
  b.partial = {"/home/staff/big.log"};
  b.mounts = {"/home/staff/usb"};
  b.clean = IsClean(b.counts, b.uid);
  return b;
}

inline Attestation AttestationOf(const Body& body, const std::string& sha) {
  Attestation a;
  a.body_sha256 = sha;
  a.counts = body.counts;
  a.full = body.full;
  a.clean = IsClean(body.counts, body.uid);
  a.uid = body.uid;
  a.user = body.user;
  a.pc = body.pc;
  a.time = "2026-11-24T10:00:08+09:00";
  a.journal_seq = 42;
  return a;
}

// The envelope text for `a`, signed by `key`.
inline std::string SignAttestation(const Attestation& a,
                                   const Ed25519PrivateKey& key) {
  Result<std::string> payload =
      CanonicalJson(AttestationJson(a), "test attestation");
  if (!payload.ok()) std::abort();
  Result<SignedEnvelope> envelope =
      SignEnvelope(kAttestationType, *payload, key);
  if (!envelope.ok()) std::abort();
  return SerializeSignedEnvelope(*envelope);
}

// A signed report of `body` (its attestation made from the body itself).
inline Report SignedReport(const Body& body, const Ed25519PrivateKey& key) {
  Result<std::string> canonical = CanonicalBody(body);
  if (!canonical.ok()) std::abort();
  Report report;
  report.body = body;
  report.attestation =
      SignAttestation(AttestationOf(body, Sha256Hex(*canonical)), key);
  return report;
}

}  // namespace piiguard::scanreport::testing

#endif  // PIIGUARD_COMMON_SCANREPORT_SCAN_REPORT_TESTING_H_
