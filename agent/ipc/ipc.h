// The agent's local IPC (docs/ipc.md): a UNIX stream
// socket; each request and answer is one frame, a 4-byte big-endian length
// and a JSON object of at most kMaxFrameBytes. The caller is identified by
// SO_PEERCRED, never by anything it says. Each request names the right it
// needs in one table (kRequestTable), like OpenSSH's monitor table; a request
// not in the table does not exist for callers (internal operations such as
// journal appends are never requests). What the socket admits and how often
// a uid may make requests that write the journal: limits.h and server.h
// (docs/ipc.md "Limits").
//
// The parser takes bytes (fuzzed by tests/fuzz/ipc_request_fuzzer.cc).
//
// Thread-safety: pure functions and value types; Dispatcher is not
// thread-safe (the daemon's single event loop owns it).
#ifndef PIIGUARD_AGENT_IPC_IPC_H_
#define PIIGUARD_AGENT_IPC_IPC_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/json_fwd.h"
#include "common/result.h"
#include "common/scanreport/scan_report.h"
#include "common/unique_fd.h"

namespace piiguard::ipc {

// Room for kExceptionApply's file (16 KiB, base64 in the JSON).
inline constexpr size_t kMaxFrameBytes = size_t{32} * 1024;
inline constexpr size_t kMaxNearMissChars = 2000;  // code points
inline constexpr size_t kMaxResponseBytes = 256;   // kExceptionRedeem's text
inline constexpr size_t kMaxFolderBytes = 1024;    // kExceptionRequest's folder
// kExceptionApply's file, decoded (exception::kMaxExceptionFileBytes).
inline constexpr size_t kMaxExceptionFileBytes = size_t{16} * 1024;
inline constexpr std::string_view kDefaultSocketPath =
    "/run/piiguard/agent.sock";

enum class Op {
  kNearMiss,      // a ヒヤリ・ハット from staff
  kStatus,        // what `piiguard status` shows
  kEnrolInfo,     // chain and pc for `piiguard enrol` while the daemon runs
  kEnrolled,      // `piiguard enrol` finished: journal enrolment.done
  kSessionStart,  // `piiguard session start [--job ID]` (agent/session)
  kSessionEnd,    // `piiguard session end`; who may end which session is
                  // decided by the session manager (docs/session.md)
  kScanAttest,    // `piiguard scan` finished: the daemon signs the report's
                  // hash and counts with the device key (docs/scan-report.md)
  kExceptionRequest,  // `piiguard exception request`: show a challenge
                      // (docs/exceptions.md); without a scope, what may be
                      // asked for
  kExceptionRedeem,   // `piiguard exception redeem CODE`: the response
  kExceptionEnd,      // `piiguard exception end ID`: end a grant early
  kExceptionApply,    // `piiguard exception apply FILE`: a signed
                      // exception file's bytes (the daemon opens no path)
};

enum class Right {
  kAnyLocalUser,  // any uid on this PC
  kRoot,          // uid 0 only
};

// Whether a request is rate limited per uid (limits.h): those that append
// to the journal, and so reach the office.
enum class Limit {
  kNone,
  kJournal,
};

struct RequestSpec {
  std::string_view name;
  Op op;
  Right right;
  Limit limit;
};

// The table: every request a caller can make, the right it needs and its
// limit. session_start is never limited although a start journals: it only
// makes the PC stricter (radios off), and a uid can start again only after
// its session ended, which is limited. exception_end likewise: it only
// makes the PC stricter, and it journals once per running grant (at most
// exception::kMaxGrants, each begun by a limited redeem or apply); asking to
// end a grant that does not run journals nothing.
inline constexpr RequestSpec kRequestTable[] = {
    {"near_miss", Op::kNearMiss, Right::kAnyLocalUser, Limit::kJournal},
    {"status", Op::kStatus, Right::kAnyLocalUser, Limit::kNone},
    {"enrol_info", Op::kEnrolInfo, Right::kRoot, Limit::kNone},
    {"enrolled", Op::kEnrolled, Right::kRoot, Limit::kJournal},
    {"session_start", Op::kSessionStart, Right::kAnyLocalUser, Limit::kNone},
    {"session_end", Op::kSessionEnd, Right::kAnyLocalUser, Limit::kJournal},
    {"scan_attest", Op::kScanAttest, Right::kAnyLocalUser, Limit::kJournal},
    {"exception_request", Op::kExceptionRequest, Right::kAnyLocalUser,
     Limit::kJournal},
    {"exception_redeem", Op::kExceptionRedeem, Right::kAnyLocalUser,
     Limit::kJournal},
    {"exception_end", Op::kExceptionEnd, Right::kAnyLocalUser, Limit::kNone},
    {"exception_apply", Op::kExceptionApply, Right::kAnyLocalUser,
     Limit::kJournal},
};

const RequestSpec& SpecOf(Op op);

struct Request {
  Op op = Op::kStatus;
  std::string text;        // kNearMiss: 1..2000 code points, valid UTF-8
  std::string pc;          // kEnrolled
  std::string office_url;  // kEnrolled
  std::string job;         // kSessionStart: optional register job id
  // kScanAttest: the SHA-256 (64 lower-case hex) of the report body's
  // canonical bytes, its counts and whether it was a --full scan. The
  // caller's uid is never part of a request: the daemon takes SO_PEERCRED.
  std::string body_sha256;
  scanreport::Counts counts;
  bool full = false;
  // kExceptionRequest: the scope (exception::ScopeKindName: "stick",
  // "radios", "roster-folder", "maintenance"; empty: only list what may be
  // asked for), its minutes
  // (15, 30, 60, 120, 240 or 480) and the index of the stick or folder in
  // the list the daemon shows (0-99), and optionally `identity`, the
  // stick's identity hash as listed (64 lower-case hex): the daemon refuses
  // if the list changed; with "roster-folder" (and only with it) `folder`,
  // the folder to pause as an absolute path (1-1024 bytes, no control
  // characters; the daemon resolves it). kExceptionRedeem: `text` is the
  // response as typed (1-256 bytes). kExceptionEnd: `grant`, the grant's
  // id (decimal digits). kExceptionApply: `file`, the bytes of the file
  // staff named (1 to kMaxExceptionFileBytes), base64 in the JSON.
  std::string scope;
  int64_t minutes = 0;
  int64_t index = 0;
  std::string grant;
  std::string identity;
  std::string folder;
  std::string file;

  bool operator==(const Request&) const = default;
};

// Strict: a JSON object with "op" naming a request of the table and exactly
// the fields that request has; anything else is an error.
Result<Request> ParseRequest(std::string_view bytes);
std::string SerializeRequest(const Request& request);

// Who is asking, from SO_PEERCRED.
struct Peer {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
};

bool Permitted(Right right, const Peer& peer);

// Handlers return the answer's fields (merged into {"ok":true}) or an error
// (answered as {"ok":false,"error":message}).
using Handler = std::function<Result<Json>(const Peer&, const Request&)>;
// Asked after the right was checked and before the handler runs: a refusal
// (the answer's fields besides "ok", e.g. {"error":…,"refused":
// "rate_limited","retry_after_s":N}) or nullopt to serve the request.
using Gate =
    std::function<std::optional<Json>(const Peer&, const RequestSpec&)>;

// Why the socket itself refused, in an answer's "refused" field (the
// handlers' own refusals, e.g. session_end's, use other fields).
inline constexpr std::string_view kRefusedRateLimited = "rate_limited";
inline constexpr std::string_view kRefusedBusy = "busy";
inline constexpr std::string_view kRefusedDeadline = "deadline";

class Dispatcher {
 public:
  void Register(Op op, Handler handler);
  // The full answer frame payload (JSON) for `bytes` from `peer`: parse,
  // check the right, ask `gate` (if any), run the handler. Never fails:
  // errors become answers.
  std::string Handle(const Peer& peer, std::string_view bytes,
                     const Gate& gate = nullptr) const;

 private:
  Handler handlers_[std::size(kRequestTable)];
};

// Framing: a 4-byte big-endian length then the payload. `max` is the
// largest payload accepted (the sync child's channel carries batches).
std::string Frame(std::string_view payload);
// If `buffer` holds a complete frame: its payload (and how many bytes it
// used in *consumed). nullopt: need more bytes. Error: oversized frame.
Result<std::optional<std::string>> Unframe(std::string_view buffer,
                                           size_t* consumed,
                                           size_t max = kMaxFrameBytes);

// Blocking helpers for clients and the socketpair with the sync child.
Status WriteFrame(int fd, std::string_view payload,
                  size_t max = kMaxFrameBytes);
Result<std::string> ReadFrame(int fd, size_t max = kMaxFrameBytes);

// Listening socket at `path` (replacing a stale socket), mode 0666: every
// local user may send near misses; rights are checked per request.
Result<UniqueFd> Listen(const std::string& path);
Result<Peer> PeerOf(int fd);

// Client side: one request, one answer, whatever its "ok" (an answer the
// daemon sent before closing is read even if the request could not be
// written: a refused connection, docs/ipc.md "Limits"). Errors: the socket,
// or an answer that is not a JSON object.
Result<Json> CallAnswer(const std::string& socket_path, const Request& request);
// Whether an answer says "ok":true, and its "error" text otherwise.
bool AnswerOk(const Json& answer);
std::string AnswerError(const Json& answer);
// CallAnswer, with `"ok":false` answers turned into errors (their "error").
Result<Json> Call(const std::string& socket_path, const Request& request);

}  // namespace piiguard::ipc

#endif  // PIIGUARD_AGENT_IPC_IPC_H_
