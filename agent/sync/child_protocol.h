// The request/answer protocol between the unprivileged sync child and the
// root daemon over a socketpair: one frame (agent/ipc framing, at most
// kMaxChildFrameBytes) per request and per answer. The daemon parses every
// request strictly and looks it up in kChildPermits; a malformed or
// unpermitted request is fatal for the child (the daemon kills and later
// restarts it), never for the daemon.
//
// Thread-safety: pure functions; ChildLink is single-threaded.
#ifndef PIIGUARD_AGENT_SYNC_CHILD_PROTOCOL_H_
#define PIIGUARD_AGENT_SYNC_CHILD_PROTOCOL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "agent/sync/daemon_link.h"
#include "common/journal/entry.h"
#include "common/result.h"

namespace piiguard::sync {

inline constexpr size_t kMaxChildFrameBytes = size_t{9} * 1024 * 1024;
inline constexpr size_t kMaxReasonBytes = 2000;

enum class ChildOp {
  kGetBatch,
  kAcked,
  kInstallPolicy,
  kGetStatusReport,
  kSyncRefused,
  kSyncDone,
  kSignCheckpoint,  // exists only to be refused: the child never signs
};

struct ChildPermit {
  std::string_view name;
  size_t max_bytes;  // of the whole request
  ChildOp op;
  bool permitted;
};

// What the child may ask. Anything else, or a request over its size, ends
// the child.
inline constexpr ChildPermit kChildPermits[] = {
    {"get_batch", 64, ChildOp::kGetBatch, true},
    {"acked", 256, ChildOp::kAcked, true},
    {"install_policy", size_t{6} * 1024 * 1024, ChildOp::kInstallPolicy, true},
    {"status_report", 256, ChildOp::kGetStatusReport, true},
    {"sync_refused", 8 * kMaxReasonBytes, ChildOp::kSyncRefused, true},
    {"sync_done", 8 * kMaxReasonBytes, ChildOp::kSyncDone, true},
    {"sign", 0, ChildOp::kSignCheckpoint, false},
};

struct ChildRequest {
  ChildOp op = ChildOp::kGetBatch;
  uint64_t seq = 0;      // kAcked
  journal::Hash head{};  // kAcked
  std::string policy;    // kInstallPolicy: the signed bytes
  std::string request;   // kGetStatusReport: the office's request id
  std::string reason;    // kSyncRefused, kSyncDone
  bool ok = false;       // kSyncDone

  bool operator==(const ChildRequest&) const = default;
};

inline ChildRequest MakeChildRequest(ChildOp op) {
  ChildRequest request;
  request.op = op;
  return request;
}

// Strict parse plus the permit check: an error means "end the child".
Result<ChildRequest> ParseChildRequest(std::string_view bytes);
std::string SerializeChildRequest(const ChildRequest& request);

// Daemon side: runs a parsed request against the real link and returns the
// answer frame's payload. Errors of the link are answers ({"ok":false}),
// not fatal.
std::string AnswerChildRequest(DaemonLink& link, const ChildRequest& request);

// Child side: DaemonLink over the socketpair.
class ChildLink : public DaemonLink {
 public:
  explicit ChildLink(int fd) : fd_(fd) {}
  Result<PendingBatch> GetBatch() override;
  Status Acked(uint64_t seq, const journal::Hash& head) override;
  Result<PolicyOutcome> InstallPolicy(const std::string& bytes) override;
  Result<std::string> GetStatusReport(const std::string& id) override;
  Status SyncRefused(const std::string& reason) override;
  Status SyncDone(bool ok, const std::string& detail) override;

 private:
  int fd_;
};

}  // namespace piiguard::sync

#endif  // PIIGUARD_AGENT_SYNC_CHILD_PROTOCOL_H_
