#include "agent/sync/sync_client.h"

#include "common/exception_delivery.h"
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

namespace {

bool Fail(RoundResult& result, FailureKind kind, std::string detail) {
  result.ok = false;
  result.kind = kind;
  result.detail = std::move(detail);
  return false;
}

}  // namespace

RoundResult SyncClient::RunRound(Transport& transport) {
  RoundResult result;
  int64_t policy_version = 0;
  if (!Push(transport, result, &policy_version)) return result;
  bool applied = false;
  if (!Pull(transport, result, policy_version, &applied)) return result;
  // After the policy: a file may name a person only the new policy lists.
  bool news = false;
  if (!FetchExceptions(transport, result, &news)) return result;
  // The policy.applied and exception entries go out in the same round, so
  // the office stops serving a file once it was granted or refused.
  if ((applied || news) && !Push(transport, result, &policy_version)) {
    return result;
  }
  result.ok = true;
  return result;
}

bool SyncClient::Push(Transport& transport, RoundResult& result,
                      int64_t* policy_version) {
  for (size_t round = 0; round < kMaxBatchesPerRound; ++round) {
    std::string report;
    if (!status_request_.empty()) {
      Result<std::string> made = link_.GetStatusReport(status_request_);
      if (!made.ok()) {
        return Fail(result, FailureKind::kAgent, made.status().message());
      }
      report = std::move(*made);
    }
    Result<PendingBatch> pending = link_.GetBatch();
    if (!pending.ok()) {
      return Fail(result, FailureKind::kAgent, pending.status().message());
    }
    *policy_version = pending->policy_version;
    if (!pending->batch) return true;
    journal::Batch& batch = *pending->batch;
    batch.status_report = report;
    const uint64_t last_seq = batch.entries.back().seq;
    Result<HttpAnswer> http =
        transport.PostJournal(journal::SerializeBatch(batch));
    if (!http.ok()) {
      return Fail(result, KindOfTransportError(http.status()),
                  http.status().message());
    }
    Result<OfficeAnswer> answer = ParseAnswer(*http);
    if (!answer.ok()) {
      return Fail(result, FailureKind::kHttp, answer.status().message());
    }
    bool acknowledged =
        answer->error.empty() || answer->error == "already_acknowledged";
    if (!acknowledged) {
      std::string reason = answer->error + ": " + answer->reason;
      link_.SyncRefused(reason).IgnoreError();
      return Fail(result, FailureKind::kRefused, reason);
    }
    if (!answer->acked_head) {
      return Fail(result, FailureKind::kHttp,
                  "sync: office answer: acked_head missing");
    }
    // The daemon advances only if acked_head is its own hash at acked_seq.
    Status acked = link_.Acked(answer->acked_seq, *answer->acked_head);
    if (!acked.ok()) {
      link_.SyncRefused("acknowledgement not accepted: " + acked.message())
          .IgnoreError();
      return Fail(result, FailureKind::kHttp,
                  "office acknowledgement not accepted: " + acked.message());
    }
    if (!report.empty()) status_request_.clear();
    if (!answer->status_request.empty()) {
      status_request_ = answer->status_request;
    }
    ++result.batches_sent;
    if (answer->acked_seq < last_seq) {
      return Fail(result, FailureKind::kHttp,
                  "sync: office acknowledged " +
                      std::to_string(answer->acked_seq) + " of " +
                      std::to_string(last_seq));
    }
  }
  // Not a failure: the rest goes in the next round, right after this one.
  result.more = true;
  return true;
}

bool SyncClient::Pull(Transport& transport, RoundResult& result,
                      int64_t policy_version, bool* applied) {
  Result<HttpAnswer> policy = transport.GetPolicy(policy_version);
  if (!policy.ok()) {
    return Fail(result, KindOfTransportError(policy.status()),
                policy.status().message());
  }
  if (policy->status == 204) return true;
  if (policy->status != 200) {
    return Fail(result, FailureKind::kHttp,
                "sync: policy: HTTP " + std::to_string(policy->status));
  }
  Result<PolicyOutcome> outcome = link_.InstallPolicy(policy->body);
  if (!outcome.ok()) {
    return Fail(result, FailureKind::kAgent, outcome.status().message());
  }
  *applied = outcome->applied;
  return true;
}

bool SyncClient::FetchExceptions(Transport& transport, RoundResult& result,
                                 bool* news) {
  Result<HttpAnswer> http = transport.GetExceptions();
  if (!http.ok()) {
    return Fail(result, KindOfTransportError(http.status()),
                http.status().message());
  }
  // An office older than online exception delivery: nothing to fetch.
  if (http->status == 404) return true;
  if (http->status != 200) {
    return Fail(result, FailureKind::kHttp,
                "sync: exceptions: HTTP " + std::to_string(http->status));
  }
  Result<ExceptionDelivery> delivery = ParseExceptionDelivery(http->body);
  if (!delivery.ok()) {
    return Fail(result, FailureKind::kHttp, delivery.status().message());
  }
  for (const std::string& file : delivery->files) {
    Result<ExceptionOutcome> outcome = link_.ApplyException(file);
    if (!outcome.ok()) {
      return Fail(result, FailureKind::kAgent, outcome.status().message());
    }
    if (outcome->applied) ++result.exceptions_applied;
    if (outcome->journaled) *news = true;
  }
  return true;
}

}  // namespace piiguard::sync
