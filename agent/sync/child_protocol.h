// The request/answer protocol between the unprivileged sync process and
// piiguardd (the monitor), over one UNIX stream socket: a socketpair when
// piiguardd spawns the process, or a connection to piiguardd's sync socket
// when systemd starts it (docs/sync.md "Inside the PC"). One frame (the
// agent/ipc framing: 4-byte big-endian length, then the payload) per
// request and per answer; requests are JSON.
//
// The monitor parses every request strictly and looks it up in
// kChildPermits (its size limit, and the limit of its answer); a malformed,
// unpermitted or oversized request, or one out of turn (`hello` first and
// once), ends the link, never piiguardd.
//
// Two answers carry more than JSON:
// - `hello`: the answer comes with an eventfd (SCM_RIGHTS) that piiguardd
//   writes when something should go out soon (a near miss, an enrolment).
// - `get_office_config`: the JSON, a NUL byte, then the TLS key's PEM
//   bytes (`key_bytes` of them), so that the key never passes through a
//   JSON library's buffers; both sides overwrite the frame after use.
//
// Thread-safety: pure functions; ChildLink is single-threaded.
#ifndef PIIGUARD_AGENT_SYNC_CHILD_PROTOCOL_H_
#define PIIGUARD_AGENT_SYNC_CHILD_PROTOCOL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/sync/daemon_link.h"
#include "common/journal/entry.h"
#include "common/result.h"
#include "common/unique_fd.h"

namespace piiguard::sync {

inline constexpr int kLinkVersion = 1;
inline constexpr size_t kMaxChildFrameBytes = size_t{9} * 1024 * 1024;
inline constexpr size_t kMaxReasonBytes = 2000;
inline constexpr size_t kMaxSandboxBytes = 200;
inline constexpr size_t kMaxMaterialAnswerBytes = size_t{64} * 1024;
// apply_exception: a file of at most 16 KiB, base64 in the JSON.
inline constexpr size_t kMaxLinkExceptionFileBytes = size_t{16} * 1024;
inline constexpr size_t kMaxApplyExceptionRequestBytes = size_t{24} * 1024;

enum class ChildOp {
  kHello,
  kGetOfficeConfig,
  kGetBatch,
  kAcked,
  kInstallPolicy,
  kGetStatusReport,
  kSyncRefused,
  kSyncDone,
  kApplyException,
  kSignCheckpoint,  // exists only to be refused: the sync process never signs
};

struct ChildPermit {
  std::string_view name;
  size_t max_bytes;         // of the whole request
  size_t max_answer_bytes;  // of the whole answer
  ChildOp op;
  bool permitted;
};

// What the sync process may ask. Anything else, or a request over its
// size, ends the link.
inline constexpr ChildPermit kChildPermits[] = {
    {"hello", 512, 256, ChildOp::kHello, true},
    {"get_office_config", 64, kMaxMaterialAnswerBytes,
     ChildOp::kGetOfficeConfig, true},
    {"get_batch", 64, kMaxChildFrameBytes, ChildOp::kGetBatch, true},
    {"acked", 256, 4096, ChildOp::kAcked, true},
    {"install_policy", size_t{6} * 1024 * 1024, 8192, ChildOp::kInstallPolicy,
     true},
    {"status_report", 256, size_t{64} * 1024, ChildOp::kGetStatusReport, true},
    {"sync_refused", 8 * kMaxReasonBytes, 4096, ChildOp::kSyncRefused, true},
    {"sync_done", 8 * kMaxReasonBytes, 4096, ChildOp::kSyncDone, true},
    // One signed exception file, base64 (at most 16 KiB decoded).
    {"apply_exception", kMaxApplyExceptionRequestBytes, 4096,
     ChildOp::kApplyException, true},
    {"sign", 0, 0, ChildOp::kSignCheckpoint, false},
};

const ChildPermit& PermitOf(ChildOp op);

struct ChildRequest {
  ChildOp op = ChildOp::kGetBatch;
  int version = kLinkVersion;             // kHello
  std::string sandbox;                    // kHello: what the process runs under
  uint64_t seq = 0;                       // kAcked
  journal::Hash head{};                   // kAcked
  std::string policy;                     // kInstallPolicy: the signed bytes
  std::string file;                       // kApplyException: the file's bytes
  std::string request;                    // kGetStatusReport: the office's id
  std::string reason;                     // kSyncRefused, kSyncDone
  FailureKind kind = FailureKind::kNone;  // kSyncDone

  bool operator==(const ChildRequest&) const = default;
};

inline ChildRequest MakeChildRequest(ChildOp op) {
  ChildRequest request;
  request.op = op;
  return request;
}

// Strict parse plus the permit check: an error means "end the link".
Result<ChildRequest> ParseChildRequest(std::string_view bytes);
std::string SerializeChildRequest(const ChildRequest& request);

// The answer to `hello`: seconds between rounds (the eventfd travels beside
// it).
struct HelloAnswer {
  int interval_seconds = 300;
};
std::string SerializeHelloAnswer(const HelloAnswer& hello);
Result<HelloAnswer> ParseHelloAnswer(std::string_view bytes);

// The answer to `get_office_config` (see above; null: not enrolled).
// Serialize returns the whole payload: the caller overwrites it after
// sending. Parse checks every field (pin, URL, PEM sizes) and copies the
// key out once.
std::string SerializeMaterialAnswer(const SyncMaterial* material);
Result<std::optional<SyncMaterial>> ParseMaterialAnswer(std::string_view bytes);

// Monitor side: runs a parsed request (not hello) against the real link
// and returns the answer frame's payload. Errors of the link are answers
// ({"ok":false}), not fatal. *secret is set when the payload holds the key.
std::string AnswerChildRequest(DaemonLink& link, const ChildRequest& request,
                               bool* secret);

// Sync process side: DaemonLink over the link's descriptor (blocking).
class ChildLink : public DaemonLink {
 public:
  explicit ChildLink(int fd) : fd_(fd) {}
  // The first request, saying what sandbox the process runs under: the
  // interval, and the wake-up eventfd.
  Result<HelloAnswer> Hello(const std::string& sandbox,
                            UniqueFd* wake_fd) const;
  Result<std::optional<SyncMaterial>> GetMaterial() override;
  Result<PendingBatch> GetBatch() override;
  Status Acked(uint64_t seq, const journal::Hash& head) override;
  Result<PolicyOutcome> InstallPolicy(const std::string& bytes) override;
  Result<ExceptionOutcome> ApplyException(const std::string& bytes) override;
  Result<std::string> GetStatusReport(const std::string& id) override;
  Status SyncRefused(const std::string& reason) override;
  Status SyncDone(FailureKind kind, const std::string& detail) override;

 private:
  int fd_;
};

}  // namespace piiguard::sync

#endif  // PIIGUARD_AGENT_SYNC_CHILD_PROTOCOL_H_
