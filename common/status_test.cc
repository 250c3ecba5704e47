#include "common/status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace piiguard {
namespace {

using ::testing::HasSubstr;

constexpr StatusCode kAllCodes[] = {
    StatusCode::kOk,
    StatusCode::kInvalidArgument,
    StatusCode::kNotFound,
    StatusCode::kPermissionDenied,
    StatusCode::kUnauthenticated,
    StatusCode::kFailedPrecondition,
    StatusCode::kCorruption,
    StatusCode::kIoError,
    StatusCode::kInternal,
};

TEST(StatusTest, DefaultIsOk) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kOk);
  EXPECT_EQ(status.message(), "");
  EXPECT_EQ(status.ToString(), "OK");
  EXPECT_EQ(status, Status::Ok());
}

TEST(StatusTest, CarriesCodeAndMessage) {
  Status status(StatusCode::kCorruption, "store: block 7: bad checksum");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message(), "store: block 7: bad checksum");
  EXPECT_EQ(status.ToString(), "store: block 7: bad checksum");
}

TEST(StatusTest, EqualityComparesCodeAndMessage) {
  const Status a(StatusCode::kNotFound, "x");
  EXPECT_EQ(a, Status(StatusCode::kNotFound, "x"));
  EXPECT_FALSE(a == Status(StatusCode::kIoError, "x"));
  EXPECT_FALSE(a == Status(StatusCode::kNotFound, "y"));
  EXPECT_FALSE(a == Status::Ok());
}

TEST(StatusTest, EveryCodeHasADistinctLowerCaseName) {
  std::set<std::string_view> names;
  for (StatusCode code : kAllCodes) {
    std::string_view name = StatusCodeName(code);
    EXPECT_FALSE(name.empty());
    EXPECT_NE(name, "unknown");
    for (char c : name) EXPECT_FALSE(c >= 'A' && c <= 'Z') << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), std::size(kAllCodes));
  EXPECT_EQ(StatusCodeName(StatusCode::kOk), "ok");
  EXPECT_EQ(StatusCodeName(StatusCode::kInvalidArgument), "invalid argument");
  EXPECT_EQ(StatusCodeName(StatusCode::kIoError), "i/o error");
}

TEST(StatusTest, ErrorMessageJoinsContextObjectAndReason) {
  EXPECT_EQ(ErrorMessage("policy", "$.usb.unkeyed_storage",
                         "expected one of read_only, block"),
            "policy: $.usb.unkeyed_storage: expected one of read_only, block");
  EXPECT_EQ(ErrorMessage("hex", "", "odd number of digits"),
            "hex: odd number of digits");
}

TEST(StatusTest, ErrorConstructorsSetTheirCode) {
  using Maker =
      Status (*)(std::string_view, std::string_view, std::string_view);
  const std::vector<std::pair<Maker, StatusCode>> makers = {
      {InvalidArgumentError, StatusCode::kInvalidArgument},
      {NotFoundError, StatusCode::kNotFound},
      {UnauthenticatedError, StatusCode::kUnauthenticated},
      {FailedPreconditionError, StatusCode::kFailedPrecondition},
      {CorruptionError, StatusCode::kCorruption},
      {IoError, StatusCode::kIoError},
      {InternalError, StatusCode::kInternal},
  };
  for (const auto& [make, code] : makers) {
    Status status = make("ctx", "obj", "why");
    EXPECT_FALSE(status.ok());
    EXPECT_EQ(status.code(), code) << StatusCodeName(code);
    EXPECT_EQ(status.message(), "ctx: obj: why");
    Status no_object = make("ctx", "", "why");
    EXPECT_EQ(no_object.code(), code);
    EXPECT_EQ(no_object.message(), "ctx: why");
  }
}

TEST(StatusTest, AnnotatePrependsContext) {
  const Status inner = NotFoundError("read", "/etc/piiguard/policy", "gone");
  const Status outer = inner.Annotate("load policy");
  EXPECT_EQ(outer.code(), StatusCode::kNotFound);
  EXPECT_EQ(outer.message(), "load policy: read: /etc/piiguard/policy: gone");
  // The original is unchanged.
  EXPECT_EQ(inner.message(), "read: /etc/piiguard/policy: gone");
  // Annotations stack, outermost first.
  EXPECT_EQ(outer.Annotate("agent").message(),
            "agent: load policy: read: /etc/piiguard/policy: gone");
}

TEST(StatusTest, AnnotateOfOkStaysOk) {
  const Status annotated = Status::Ok().Annotate("context");
  EXPECT_TRUE(annotated.ok());
  EXPECT_EQ(annotated.message(), "");
  EXPECT_EQ(annotated.ToString(), "OK");
}

TEST(StatusTest, ErrnoStatusMapsCodes) {
  const std::vector<std::pair<int, StatusCode>> cases = {
      {ENOENT, StatusCode::kNotFound},
      {EACCES, StatusCode::kPermissionDenied},
      {EPERM, StatusCode::kPermissionDenied},
      {EIO, StatusCode::kIoError},
      {ENOSPC, StatusCode::kIoError},
      {EEXIST, StatusCode::kIoError},
      {EINVAL, StatusCode::kIoError},
  };
  for (const auto& [error_number, code] : cases) {
    Status status = ErrnoStatus("open", "/dev/sdb1", error_number);
    EXPECT_EQ(status.code(), code) << error_number;
    EXPECT_EQ(status.message(),
              std::string("open: /dev/sdb1: ") + std::strerror(error_number));
  }
}

TEST(StatusTest, ErrnoStatusWithoutObject) {
  Status status = ErrnoStatus("poll", "", EIO);
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_EQ(status.message(), std::string("poll: ") + std::strerror(EIO));
}

TEST(StatusTest, ErrnoStatusIsNeverOk) {
  // Even errno 0 (a caller bug) must not turn into success.
  EXPECT_FALSE(ErrnoStatus("x", "y", 0).ok());
}

// --- PIIGUARD_RETURN_IF_ERROR ----------------------------------------------

Status Step(int& calls, Status result) {
  ++calls;
  return result;
}

Status TwoSteps(int& calls, const Status& first, const Status& second) {
  PIIGUARD_RETURN_IF_ERROR(Step(calls, first));
  PIIGUARD_RETURN_IF_ERROR(Step(calls, second));
  ++calls;  // reached the end
  return Status::Ok();
}

TEST(StatusMacroTest, ReturnIfErrorPassesOk) {
  int calls = 0;
  EXPECT_TRUE(TwoSteps(calls, Status::Ok(), Status::Ok()).ok());
  EXPECT_EQ(calls, 3);
}

TEST(StatusMacroTest, ReturnIfErrorStopsAtFirstError) {
  int calls = 0;
  const Status first = IoError("first", "", "failed");
  const Status second = InternalError("second", "", "failed");
  EXPECT_EQ(TwoSteps(calls, first, second), first);
  EXPECT_EQ(calls, 1);  // the expression is evaluated once, nothing after
}

TEST(StatusMacroTest, ReturnIfErrorReturnsLaterError) {
  int calls = 0;
  const Status second = CorruptionError("second", "", "failed");
  EXPECT_EQ(TwoSteps(calls, Status::Ok(), second), second);
  EXPECT_EQ(calls, 2);
}

TEST(StatusMacroTest, ReturnIfErrorWorksInIfElseWithoutBraces) {
  // The macro is one statement (do/while), so it nests in if/else.
  auto run = [](bool branch) -> Status {
    if (branch)
      PIIGUARD_RETURN_IF_ERROR(IoError("then", "", "x"));
    else
      PIIGUARD_RETURN_IF_ERROR(Status::Ok());
    return NotFoundError("end", "", "reached");
  };
  EXPECT_EQ(run(true).message(), "then: x");
  EXPECT_EQ(run(false).message(), "end: reached");
}

// --- Result<T> -------------------------------------------------------------

TEST(ResultTest, HoldsValue) {
  Result<int> result = 42;
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value(), 42);
  EXPECT_EQ(*result, 42);
  EXPECT_TRUE(result.status().ok());
  result.value() = 7;
  EXPECT_EQ(*result, 7);
}

TEST(ResultTest, HoldsError) {
  const Status error = NotFoundError("read", "/x", "no such file");
  Result<std::string> result = error;
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.status(), error);
}

TEST(ResultTest, ArrowAndConstAccess) {
  const Result<std::string> result = std::string("abc");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->size(), 3U);
  EXPECT_EQ(*result, "abc");
  EXPECT_EQ(result.value(), "abc");
}

TEST(ResultTest, MovesOutMoveOnlyValue) {
  Result<std::unique_ptr<int>> result = std::make_unique<int>(5);
  ASSERT_TRUE(result.ok());
  std::unique_ptr<int> owned = std::move(result).value();
  ASSERT_NE(owned, nullptr);
  EXPECT_EQ(*owned, 5);
}

TEST(ResultDeathTest, ValueOfErrorAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Result<int> result = InternalError("x", "", "y");
        (void)result.value();
      },
      "");
}

TEST(ResultDeathTest, OkStatusIsNoError) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Result<int> result = Status::Ok();
        (void)result;
      },
      "");
}

// --- PIIGUARD_ASSIGN_OR_RETURN ---------------------------------------------

Result<int> Half(int n) {
  if (n % 2 != 0) {
    return InvalidArgumentError("half", std::to_string(n), "odd");
  }
  return n / 2;
}

Result<int> Quarter(int n) {
  PIIGUARD_ASSIGN_OR_RETURN(int half, Half(n));
  PIIGUARD_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(AssignOrReturnTest, AssignsValues) {
  Result<int> result = Quarter(12);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, 3);
}

TEST(AssignOrReturnTest, ReturnsFirstError) {
  Result<int> result = Quarter(5);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().message(), "half: 5: odd");
}

TEST(AssignOrReturnTest, ReturnsSecondError) {
  Result<int> result = Quarter(6);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "half: 3: odd");
}

Status HalveInto(int n, int& out) {
  PIIGUARD_ASSIGN_OR_RETURN(out, Half(n));  // assigns an existing variable
  return Status::Ok();
}

TEST(AssignOrReturnTest, WorksInStatusFunctionsAndExistingVariables) {
  int out = -1;
  EXPECT_TRUE(HalveInto(10, out).ok());
  EXPECT_EQ(out, 5);
  out = -1;
  Status status = HalveInto(7, out);
  EXPECT_EQ(status.message(), "half: 7: odd");
  EXPECT_EQ(out, -1);  // untouched on error
}

Result<std::unique_ptr<int>> MakeBox(int n) {
  if (n < 0) return InvalidArgumentError("box", "", "negative");
  return std::make_unique<int>(n);
}

Result<int> Unbox(int n) {
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<int> box, MakeBox(n));
  return *box + 1;
}

TEST(AssignOrReturnTest, MovesMoveOnlyValues) {
  Result<int> ok = Unbox(1);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 2);
  Result<int> bad = Unbox(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("negative"));
}

}  // namespace
}  // namespace piiguard
