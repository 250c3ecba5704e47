// Fuzzes both sides of the link between the sync process and piiguardd
// (agent/sync/child_protocol.h). Oracles: a request that parses is
// permitted, within its size, and re-serialises to a request that parses
// to the same fields; a material answer that parses has a valid pin and
// URL and survives a round trip with its key intact; a hello answer that
// parses has an interval in range; a session never reaches piiguardd's
// side before hello, and never answers an unpermitted request.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agent/sync/child_protocol.h"
#include "agent/sync/link_session.h"

namespace {

using namespace piiguard;
using namespace piiguard::sync;

class CountingLink : public DaemonLink {
 public:
  int calls = 0;
  Result<std::optional<SyncMaterial>> GetMaterial() override {
    ++calls;
    return std::optional<SyncMaterial>();
  }
  Result<PendingBatch> GetBatch() override {
    ++calls;
    return PendingBatch{};
  }
  Status Acked(uint64_t, const journal::Hash&) override {
    ++calls;
    return Status::Ok();
  }
  Result<PolicyOutcome> InstallPolicy(const std::string&) override {
    ++calls;
    return PolicyOutcome{};
  }
  Result<ExceptionOutcome> ApplyException(const std::string&) override {
    ++calls;
    return ExceptionOutcome{};
  }
  Result<std::string> GetStatusReport(const std::string&) override {
    ++calls;
    return std::string();
  }
  Status SyncRefused(const std::string&) override {
    ++calls;
    return Status::Ok();
  }
  Status SyncDone(FailureKind, const std::string&) override {
    ++calls;
    return Status::Ok();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Result<ChildRequest> request = ParseChildRequest(input);
  if (request.ok()) {
    const ChildPermit& permit = PermitOf(request->op);
    if (!permit.permitted || input.size() > permit.max_bytes) std::abort();
    // An exception file from the office: 1 to 16 KiB, whatever the JSON.
    if (request->op == ChildOp::kApplyException &&
        (request->file.empty() ||
         request->file.size() > kMaxLinkExceptionFileBytes)) {
      std::abort();
    }
    auto again = ParseChildRequest(SerializeChildRequest(*request));
    if (!again.ok() || !(*again == *request)) std::abort();
  }
  Result<std::optional<SyncMaterial>> material = ParseMaterialAnswer(input);
  if (material.ok() && material->has_value()) {
    const SyncMaterial& m = **material;
    if (!IsPin(m.office.office_pin) ||
        !ParseOfficeUrl(m.office.office_url).ok() || m.client_key_pem.empty() ||
        m.client_key_pem.size() > kMaxPemBytes) {
      std::abort();
    }
    auto again = ParseMaterialAnswer(SerializeMaterialAnswer(&m));
    if (!again.ok() || !again->has_value() ||
        (*again)->client_key_pem != m.client_key_pem ||
        !((*again)->office == m.office)) {
      std::abort();
    }
  }
  Result<HelloAnswer> hello = ParseHelloAnswer(input);
  if (hello.ok() &&
      (hello->interval_seconds < 1 || hello->interval_seconds > 86400)) {
    std::abort();
  }
  CountingLink link;
  LinkSession session(link, 300);
  Result<LinkReply> reply = session.Handle(input);
  if (link.calls != 0) std::abort();  // nothing before hello
  if (reply.ok() && !reply->with_wake_fd) std::abort();
  return 0;
}
