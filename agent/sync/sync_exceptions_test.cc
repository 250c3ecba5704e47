// Online delivery of signed exception files, the sync process's side: the
// round fetches GET /api/v1/exceptions after the policy and hands each file
// to the daemon (apply_exception), with the usual failure kinds; the link
// request is strict and bounded.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/sync/child_protocol.h"
#include "agent/sync/sync_client.h"
#include "common/encoding.h"
#include "common/exception_delivery.h"
#include "common/json.h"

namespace piiguard::sync {
namespace {

class ExceptionOffice : public Transport {
 public:
  Result<HttpAnswer> exceptions = HttpAnswer{404, ""};
  size_t gets = 0;
  Result<HttpAnswer> PostJournal(const std::string&) override {
    return HttpAnswer{500, "{}"};  // never called: nothing is pending
  }
  Result<HttpAnswer> GetPolicy(int64_t) override { return HttpAnswer{204, ""}; }
  Result<HttpAnswer> GetExceptions() override {
    ++gets;
    return exceptions;
  }
  void Serve(std::vector<std::string> files) {
    exceptions =
        HttpAnswer{200, SerializeExceptionDelivery({std::move(files)}).value()};
  }
};

class ExceptionLink : public DaemonLink {
 public:
  std::vector<std::string> given;
  Result<ExceptionOutcome> outcome = ExceptionOutcome{true, true, ""};
  size_t batches = 0;

  Result<std::optional<SyncMaterial>> GetMaterial() override {
    return std::optional<SyncMaterial>();
  }
  Result<PendingBatch> GetBatch() override {
    ++batches;
    return PendingBatch{};
  }
  Status Acked(uint64_t, const journal::Hash&) override { return Status::Ok(); }
  Result<PolicyOutcome> InstallPolicy(const std::string&) override {
    return PolicyOutcome{};
  }
  Result<ExceptionOutcome> ApplyException(const std::string& bytes) override {
    given.push_back(bytes);
    return outcome;
  }
  Result<std::string> GetStatusReport(const std::string&) override {
    return std::string();
  }
  Status SyncRefused(const std::string&) override { return Status::Ok(); }
  Status SyncDone(FailureKind, const std::string&) override {
    return Status::Ok();
  }
};

RoundResult Round(ExceptionLink& link, ExceptionOffice& office) {
  SyncClient client(link);
  return client.RunRound(office);
}

TEST(SyncExceptionsTest, EachFileGoesToTheDaemonThenTheJournalGoesOut) {
  ExceptionLink link;
  ExceptionOffice office;
  office.Serve({"file one", "file two"});
  RoundResult result = Round(link, office);
  ASSERT_TRUE(result.ok) << result.detail;
  EXPECT_EQ(link.given, (std::vector<std::string>{"file one", "file two"}));
  EXPECT_EQ(result.exceptions_applied, 2U);
  // The entries they made are pushed in the same round.
  EXPECT_EQ(link.batches, 2U);
}

TEST(SyncExceptionsTest, QuietSkipsAddNoPush) {
  ExceptionLink link;
  ExceptionOffice office;
  office.Serve({"applied before"});
  link.outcome = ExceptionOutcome{false, false, "already-applied"};
  RoundResult result = Round(link, office);
  ASSERT_TRUE(result.ok) << result.detail;
  EXPECT_EQ(link.given.size(), 1U);
  EXPECT_EQ(result.exceptions_applied, 0U);
  EXPECT_EQ(link.batches, 1U);
}

TEST(SyncExceptionsTest, AnOfficeWithoutTheEndpointOrWithNothing) {
  ExceptionLink link;
  ExceptionOffice office;  // 404
  RoundResult result = Round(link, office);
  EXPECT_TRUE(result.ok) << result.detail;
  office.Serve({});
  result = Round(link, office);
  EXPECT_TRUE(result.ok) << result.detail;
  EXPECT_TRUE(link.given.empty());
  EXPECT_EQ(office.gets, 2U);
}

TEST(SyncExceptionsTest, FailuresSayWhyAndApplyNothing) {
  ExceptionLink link;
  ExceptionOffice office;
  office.exceptions = IoError("fake office", "connect", "refused");
  RoundResult result = Round(link, office);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.kind, FailureKind::kOffline);
  office.exceptions = HttpAnswer{500, "{}"};
  EXPECT_EQ(Round(link, office).kind, FailureKind::kHttp);
  // Over the limits, or not the format: nothing of it is applied.
  std::string many = R"({"format":"piiguard-exceptions/1","files":[)";
  for (size_t i = 0; i <= kMaxDeliveredFiles; ++i) {
    many += std::string(i == 0 ? "" : ",") + "\"eA==\"";
  }
  office.exceptions = HttpAnswer{200, many + "]}"};
  EXPECT_EQ(Round(link, office).kind, FailureKind::kHttp);
  office.exceptions = HttpAnswer{200, R"({"files":["eA=="]})"};
  EXPECT_EQ(Round(link, office).kind, FailureKind::kHttp);
  EXPECT_TRUE(link.given.empty());
  // The daemon failed the request.
  office.Serve({"f"});
  link.outcome = FailedPreconditionError("sync", "exception", "broken");
  result = Round(link, office);
  EXPECT_EQ(result.kind, FailureKind::kAgent);
  EXPECT_NE(result.detail.find("broken"), std::string::npos);
}

TEST(SyncExceptionsTest, LinkRequestIsStrictAndBounded) {
  ChildRequest request = MakeChildRequest(ChildOp::kApplyException);
  request.file = std::string("a\0b", 3);
  const std::string text = SerializeChildRequest(request);
  Result<ChildRequest> parsed = ParseChildRequest(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, request);
  request.file = std::string(kMaxLinkExceptionFileBytes, 'x');
  EXPECT_TRUE(ParseChildRequest(SerializeChildRequest(request)).ok());
  const char* bad[] = {
      R"({"op":"apply_exception"})",
      R"({"op":"apply_exception","file":""})",
      R"({"op":"apply_exception","file":"eA"})",
      R"({"op":"apply_exception","file":"eA==","more":1})",
  };
  for (const char* b : bad) EXPECT_FALSE(ParseChildRequest(b).ok()) << b;
  Json big = {{"op", "apply_exception"},
              {"file", Base64Encode(std::string(16385, 'x'))}};
  EXPECT_FALSE(ParseChildRequest(big.dump()).ok());
}

TEST(SyncExceptionsTest, MonitorSideAnswers) {
  ExceptionLink link;
  link.outcome = ExceptionOutcome{false, true, "other-pc"};
  ChildRequest request = MakeChildRequest(ChildOp::kApplyException);
  request.file = "signed";
  bool secret = true;
  Json answer = Json::parse(AnswerChildRequest(link, request, &secret));
  EXPECT_FALSE(secret);
  EXPECT_EQ(link.given, std::vector<std::string>{"signed"});
  EXPECT_EQ(answer["ok"], true);
  EXPECT_EQ(answer["applied"], false);
  EXPECT_EQ(answer["journaled"], true);
  EXPECT_EQ(answer["refusal"], "other-pc");
  link.outcome = FailedPreconditionError("x", "y", "z");
  answer = Json::parse(AnswerChildRequest(link, request, &secret));
  EXPECT_EQ(answer["ok"], false);
}

}  // namespace
}  // namespace piiguard::sync
