#include "agent/sync/sync_client.h"

#include "common/json.h"

namespace piiguard::sync {
namespace {

// A bound on batches per round, so a round always ends (100 * 5000 entries).
constexpr size_t kMaxBatchesPerRound = 100;

struct OfficeAnswer {
  std::string error;  // empty on 200
  std::string reason;
  uint64_t acked_seq = 0;
  std::optional<journal::Hash> acked_head;
  std::string status_request;
};

Result<OfficeAnswer> ParseAnswer(const HttpAnswer& http) {
  Json json = Json::parse(http.body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return InvalidArgumentError(
        "sync", "office answer",
        "HTTP " + std::to_string(http.status) + " without a JSON object");
  }
  OfficeAnswer answer;
  if (http.status != 200) {
    answer.error =
        json.value("error", std::string("http_") + std::to_string(http.status));
    answer.reason = json.value("reason", std::string());
  }
  if (json.contains("acked_seq") && json["acked_seq"].is_number_unsigned()) {
    answer.acked_seq = json["acked_seq"].get<uint64_t>();
  }
  if (json.contains("acked_head") && json["acked_head"].is_string()) {
    Result<journal::Hash> head =
        journal::HashFromHex(json["acked_head"].get<std::string>());
    if (head.ok()) answer.acked_head = *head;
  }
  if (json.contains("status_request") && json["status_request"].is_string()) {
    answer.status_request = json["status_request"].get<std::string>();
  }
  return answer;
}

}  // namespace

RoundResult SyncClient::RunRound() {
  RoundResult result;
  int64_t policy_version = 0;
  std::string detail;
  bool ok = Push(result, &policy_version, &detail);
  if (ok) {
    bool applied = false;
    ok = Pull(policy_version, &applied, &detail);
    // The policy.applied entry goes out in the same round.
    if (ok && applied) ok = Push(result, &policy_version, &detail);
  }
  result.ok = ok;
  result.detail = detail;
  link_.SyncDone(result.ok, result.detail).IgnoreError();
  return result;
}

bool SyncClient::Push(RoundResult& result, int64_t* policy_version,
                      std::string* detail) {
  auto fail = [&](std::string why) {
    *detail = std::move(why);
    return false;
  };
  for (size_t round = 0; round < kMaxBatchesPerRound; ++round) {
    std::string report;
    if (!status_request_.empty()) {
      Result<std::string> made = link_.GetStatusReport(status_request_);
      if (!made.ok()) return fail(made.status().message());
      report = std::move(*made);
    }
    Result<PendingBatch> pending = link_.GetBatch();
    if (!pending.ok()) return fail(pending.status().message());
    *policy_version = pending->policy_version;
    if (!pending->batch) return true;
    journal::Batch& batch = *pending->batch;
    batch.status_report = report;
    const uint64_t last_seq = batch.entries.back().seq;
    Result<HttpAnswer> http =
        transport_.PostJournal(journal::SerializeBatch(batch));
    if (!http.ok()) return fail("offline: " + http.status().message());
    Result<OfficeAnswer> answer = ParseAnswer(*http);
    if (!answer.ok()) return fail(answer.status().message());
    bool acknowledged =
        answer->error.empty() || answer->error == "already_acknowledged";
    if (!acknowledged) {
      std::string reason = answer->error + ": " + answer->reason;
      link_.SyncRefused(reason).IgnoreError();
      return fail("refused: " + reason);
    }
    if (!answer->acked_head) {
      return fail("sync: office answer: acked_head missing");
    }
    // The daemon advances only if acked_head is its own hash at acked_seq.
    Status acked = link_.Acked(answer->acked_seq, *answer->acked_head);
    if (!acked.ok()) {
      link_.SyncRefused("acknowledgement not accepted: " + acked.message())
          .IgnoreError();
      return fail(acked.message());
    }
    if (!report.empty()) status_request_.clear();
    if (!answer->status_request.empty()) {
      status_request_ = answer->status_request;
    }
    ++result.batches_sent;
    if (answer->acked_seq < last_seq) {
      return fail("sync: office acknowledged " +
                  std::to_string(answer->acked_seq) + " of " +
                  std::to_string(last_seq));
    }
  }
  return fail("sync: too many batches in one round");
}

bool SyncClient::Pull(int64_t policy_version, bool* applied,
                      std::string* detail) {
  Result<HttpAnswer> policy = transport_.GetPolicy(policy_version);
  if (!policy.ok()) {
    *detail = "offline: " + policy.status().message();
    return false;
  }
  if (policy->status == 204) return true;
  if (policy->status != 200) {
    *detail = "sync: policy: HTTP " + std::to_string(policy->status);
    return false;
  }
  Result<PolicyOutcome> outcome = link_.InstallPolicy(policy->body);
  if (!outcome.ok()) {
    *detail = outcome.status().message();
    return false;
  }
  *applied = outcome->applied;
  return true;
}

}  // namespace piiguard::sync
