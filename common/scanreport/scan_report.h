// The signed scan report of `piiguard scan` (REQUIREMENTS R4; format:
// docs/scan-report.md): what a scan looked at and found (the body), and the
// device's attestation of it (a signed envelope of type "scan-report" made
// by piiguardd with the device key). Shared by the CLI (writes and verifies
// reports), the daemon (attests) and the office (verifies against the key
// it stored at enrolment).
//
// A report file is the canonical JSON (common/json.h) of
//   {"attestation": <envelope text>, "body": <body>}        (signed), or
//   {"body": <body>, "unsigned": <why it is not signed>}    (unsigned)
// followed by one LF. Parsing is strict: canonical form everywhere, no
// unknown fields, lists sorted, counts consistent with the lists. The body's
// SHA-256 (of its canonical bytes) is what the attestation signs, so any
// change to a signed report is refused by VerifyReport().
//
// The parsers take bytes (fuzzed by tests/fuzz/scan_report_fuzzer.cc).
//
// Thread-safety: pure functions and value types.
#ifndef PIIGUARD_COMMON_SCANREPORT_SCAN_REPORT_H_
#define PIIGUARD_COMMON_SCANREPORT_SCAN_REPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto.h"
#include "common/json.h"
#include "common/messages.h"
#include "common/result.h"

namespace piiguard::scanreport {

inline constexpr int64_t kVersion = 1;
// The envelope type of the attestation (docs/signing.md).
inline constexpr std::string_view kAttestationType = "scan-report";
inline constexpr size_t kMaxReportBytes = size_t{64} * 1024 * 1024;
// Each list of the body holds at most this many entries; its count in
// `counts` stays exact (a list is full when count > kMaxListed).
inline constexpr size_t kMaxListed = 10000;
// A path (raw bytes) longer than this is cut and marked with "%00" (never a
// byte of a real path): see EncodePath.
inline constexpr size_t kMaxPathBytes = 4096;

// What the scan counted. Every field is exact, even when a list is capped.
struct Counts {
  uint64_t files = 0;         // regular files read and given to the detector
  uint64_t dirs = 0;          // directories entered
  uint64_t bytes = 0;         // bytes given to the detector
  uint64_t rosters = 0;       // files judged rosters (findings)
  uint64_t partial = 0;       // files examined by their prefix only
  uint64_t not_examined = 0;  // files or directories not looked into
  uint64_t symlinks = 0;      // symbolic links (never followed)
  uint64_t special = 0;       // FIFOs, sockets, device nodes (skipped)
  uint64_t mounts = 0;        // mount points of other filesystems not entered

  bool operator==(const Counts&) const = default;
};

Json CountsJson(const Counts& counts);
// Strict: exactly the fields above, non-negative integers.
Result<Counts> ParseCounts(const Json& value, std::string_view context);

// "clean": no roster, nothing left unexamined, and run by root (only root
// can read every file). The daemon decides it the same way from the counts
// and the caller's uid it saw itself.
bool IsClean(const Counts& counts, uint64_t uid);

// The detector's settings the scan used (agent/roster/detector.h Options).
struct ScanOptions {
  uint64_t min_rows = 0;
  uint64_t max_input = 0;
  uint64_t max_unpacked = 0;
  uint64_t max_ratio = 0;

  bool operator==(const ScanOptions&) const = default;
};

struct Finding {
  std::string path;  // EncodePath form
  Json verdict;      // the detector's Verdict::ToJson(), roster true

  bool operator==(const Finding&) const = default;
};

struct Unexamined {
  std::string path;    // EncodePath form
  std::string reason;  // English, one line ("permission denied", "PDF file")

  bool operator==(const Unexamined&) const = default;
};

struct Body {
  int64_t version = kVersion;
  std::string pc;          // the enrolled PC id; "" if not enrolled
  std::string device_key;  // 64 lower-case hex: the raw Ed25519 public key
  std::string started;     // RFC 3339 (JST)
  std::string finished;    // RFC 3339 (JST)
  uint64_t uid = 0;        // the scanning process's effective uid
  std::string user;        // its user name ("" if unknown)
  std::vector<std::string> paths;  // what was scanned (EncodePath form)
  bool full = false;               // --full: every local disk filesystem
  ScanOptions options;
  Counts counts;
  std::vector<Finding> findings;         // sorted by path
  std::vector<Unexamined> not_examined;  // sorted by path
  std::vector<std::string> partial;      // sorted
  std::vector<std::string> mounts;       // sorted: mount points not entered
  bool clean = false;                    // IsClean(counts, uid)

  bool operator==(const Body&) const = default;
};

Json BodyJson(const Body& body);
// The canonical bytes the attestation's body_sha256 is taken of. Fails if
// the body is not consistent (CheckBody).
Result<std::string> CanonicalBody(const Body& body);
// Strict reading of a body object, then CheckBody.
Result<Body> ParseBody(const Json& value);
// The rules a body must keep: version, paths absolute and in EncodePath
// form, lists sorted and unique, each list as long as its count (or
// kMaxListed), every finding a roster verdict, clean == IsClean.
Status CheckBody(const Body& body);

// What piiguardd signs (payload of the "scan-report" envelope).
struct Attestation {
  std::string body_sha256;  // 64 lower-case hex
  Counts counts;
  bool full = false;
  bool clean = false;        // decided by the daemon: IsClean(counts, uid)
  uint64_t uid = 0;          // SO_PEERCRED of the caller, never its word
  std::string user;          // the daemon's lookup of uid
  std::string pc;            // the PC's enrolled id ("" if not enrolled)
  std::string time;          // RFC 3339 (JST), the daemon's clock
  uint64_t journal_seq = 0;  // the scan.completed journal entry

  bool operator==(const Attestation&) const = default;
};

Json AttestationJson(const Attestation& attestation);
// Strict: canonical JSON with exactly the fields above.
Result<Attestation> ParseAttestation(std::string_view payload);

struct Report {
  std::optional<std::string> attestation;  // the envelope text, if signed
  std::string unsigned_reason;             // why not, if unsigned
  Body body;

  bool operator==(const Report&) const = default;
};

// The file's bytes (canonical JSON and LF). Fails for an inconsistent body,
// a report both signed and unsigned (or neither), or one over
// kMaxReportBytes.
Result<std::string> SerializeReport(const Report& report);
// Structure only: a parsed report is NOT trusted until VerifyReport.
Result<Report> ParseReport(std::string_view bytes);

// Checks a parsed report against the device's public key: signed, envelope
// type and signature, the attestation's body_sha256 against the body, and
// counts, full, clean, uid and pc the same in both; the body names the same
// device key. Returns the attestation. Errors say why, as "scan report:
// object: reason" (kFailedPrecondition for an unsigned report,
// kUnauthenticated for a bad signature or another signer, kInvalidArgument
// for a mismatch).
Result<Attestation> VerifyReport(const Report& report,
                                 const Ed25519PublicKey& device_key);

// What a verified report says, for people (`piiguard scan verify` and
// `piiguard-office scan verify`): two lines, each ending in LF.
std::string DescribeVerified(const Attestation& attestation, Lang lang);

// Paths are bytes on Linux, JSON strings are UTF-8: valid UTF-8 other than
// control characters and '%' is kept, every other byte is written "%XX"
// (upper-case hex), so "%" is "%25". A path over kMaxPathBytes is cut at a
// character boundary and ends in "%00". One byte string, one encoding.
std::string EncodePath(std::string_view raw);
// True if `encoded` is exactly what EncodePath gives for some path.
bool IsEncodedPath(std::string_view encoded);

}  // namespace piiguard::scanreport

#endif  // PIIGUARD_COMMON_SCANREPORT_SCAN_REPORT_H_
