// The examiner's protocol: requests and replies round-trip, the decoders
// accept only what the encoders write, and a reply from a hostile child
// (too long, not UTF-8, unknown kinds, trailing bytes) is refused. Replies
// are seeded from the real detector's verdicts.

#include "agent/priv/examiner_protocol.h"

#include <gtest/gtest.h>

#include <string>

#include "agent/priv/examiner_testing.h"
#include "common/json.h"

namespace piiguard::priv {
namespace {

roster::Verdict RealVerdict(const std::string& bytes) {
  static roster::Detector* detector = roster::Detector::Create()->release();
  Result<roster::Verdict> v = detector->Examine(bytes, roster::Options{});
  EXPECT_TRUE(v.ok()) << v.status().message();
  return v.ok() ? *v : roster::Verdict{};
}

TEST(ExaminerProtocolTest, RequestRoundTrips) {
  ExamineRequest request;
  request.source = Source::kFile;
  request.options.min_rows = 7;
  request.options.max_input = size_t{64} << 20;
  request.options.max_unpacked = 12345;
  request.options.max_ratio = 99;
  request.options.decide_early = false;
  const std::string bytes = EncodeRequest(request);
  ASSERT_EQ(bytes.size(), kRequestSize);
  Result<ExamineRequest> back = DecodeRequest(bytes);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->source, Source::kFile);
  EXPECT_EQ(back->options.min_rows, 7u);
  EXPECT_EQ(back->options.max_input, size_t{64} << 20);
  EXPECT_EQ(back->options.max_unpacked, 12345u);
  EXPECT_EQ(back->options.max_ratio, 99u);
  EXPECT_FALSE(back->options.decide_early);
  EXPECT_EQ(EncodeRequest(*back), bytes);
}

TEST(ExaminerProtocolTest, MalformedRequestsAreRefused) {
  const std::string good = EncodeRequest({});
  auto refused = [](std::string bytes, const std::string& reason) {
    Result<ExamineRequest> r = DecodeRequest(bytes);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), "examiner: request: " + reason);
  };
  refused(good.substr(0, 39), "size 39, expected 40");
  refused(good + "x", "size 41, expected 40");
  std::string bad = good;
  bad[0] = 'X';
  refused(bad, "bad magic");
  bad = good;
  bad[4] = 2;
  refused(bad, "bad version");
  bad = good;
  bad[5] = 3;
  refused(bad, "bad source");
  bad = good;
  bad[6] = 2;
  refused(bad, "bad decide_early");
  bad = good;
  bad[7] = 1;
  refused(bad, "reserved byte set");
}

TEST(ExaminerProtocolTest, RealVerdictsRoundTrip) {
  for (const std::string& input :
       {testing::RosterCsv(), testing::NotARosterCsv(), testing::OdsRoster(),
        std::string("\x00\x01\x02\xff", 4), std::string()}) {
    const roster::Verdict v = RealVerdict(input);
    const std::string bytes = EncodeReply(ReplyFor(v));
    ASSERT_LE(bytes.size(), kMaxReplySize);
    Result<ExamineReply> back = DecodeReply(bytes);
    ASSERT_TRUE(back.ok()) << back.status().message();
    ASSERT_TRUE(back->verdict.has_value());
    EXPECT_EQ(back->verdict->ToJson(), v.ToJson());
    EXPECT_EQ(back->verdict->Explain(Lang::kJa), v.Explain(Lang::kJa));
    EXPECT_EQ(EncodeReply(*back), bytes);
  }
  EXPECT_TRUE(RealVerdict(testing::RosterCsv()).roster);
  EXPECT_TRUE(RealVerdict(testing::OdsRoster()).roster);
  EXPECT_FALSE(RealVerdict(testing::NotARosterCsv()).roster);
}

TEST(ExaminerProtocolTest, ErrorsRoundTrip) {
  const std::string bytes = EncodeReply(
      ReplyFor(InternalError("roster", "read", "Input/output error")));
  Result<ExamineReply> back = DecodeReply(bytes);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_FALSE(back->verdict.has_value());
  EXPECT_EQ(back->error, "roster: read: Input/output error");
}

TEST(ExaminerProtocolTest, LongStringsAreCutAtACharacter) {
  roster::Verdict v = RealVerdict(testing::RosterCsv());
  ASSERT_FALSE(v.columns.empty());
  v.columns[0].header.clear();
  for (int i = 0; i < 500; ++i) v.columns[0].header += "氏";  // 3 bytes each
  v.reason = std::string(5000, 'r');
  Result<ExamineReply> back = DecodeReply(EncodeReply(ReplyFor(v)));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->verdict->columns[0].header.size(), 1023u);  // 341 chars
  EXPECT_TRUE(IsUtf8(back->verdict->columns[0].header));
  EXPECT_EQ(back->verdict->reason, std::string(kMaxReplyString, 'r'));
  // Every column a verdict may have still fits.
  v.columns.assign(kMaxReplyColumns, v.columns[0]);
  v.format = v.encoding = v.reason;
  EXPECT_LE(EncodeReply(ReplyFor(v)).size(), kMaxReplySize);
}

// What a hostile child could send instead of a reply.
TEST(ExaminerProtocolTest, HostileRepliesAreRefused) {
  const roster::Verdict v = RealVerdict(testing::RosterCsv());
  const std::string good = EncodeReply(ReplyFor(v));
  auto refused = [](const std::string& bytes, const std::string& reason) {
    Result<ExamineReply> r = DecodeReply(bytes);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), "examiner: reply: " + reason);
  };
  refused(good + "x", "trailing bytes");
  refused(good.substr(0, good.size() - 1), "truncated");
  refused("", "bad magic");
  std::string bad = good;
  bad[5] = 7;
  refused(bad, "bad tag");
  bad = good;
  bad[6] = 16;
  refused(bad, "unknown flags");
  // The format string ("csv") turned into invalid UTF-8.
  bad = good;
  bad[9] = '\xff';
  refused(bad, "format: not UTF-8");
  // A format string claiming more than kMaxReplyString bytes.
  bad = good;
  bad[7] = '\x01';
  bad[8] = '\x04';
  refused(bad, "format: too long");
  refused(std::string(kMaxReplySize + 1, 'x'), "too large");
  // A column kind past the last one.
  ExamineReply one;
  one.verdict = v;
  one.verdict->columns.resize(1);
  std::string col = EncodeReply(one);
  const size_t kind_at =
      4 + 1 + 1 + 1 + 2 + v.format.size() + 2 + v.encoding.size() + 8 + 1;
  col[kind_at] = static_cast<char>(roster::kColumnKinds);
  refused(col, "bad column kind");
  col[kind_at] = 0;
  col[kind_at + 1] = col[kind_at + 2] = col[kind_at + 3] = col[kind_at + 4] =
      '\xfe';  // index -2
  refused(col, "bad column index");
  // INT32_MAX (found by the fuzzer: ToJson's index + 1 overflowed).
  col[kind_at + 1] = col[kind_at + 2] = col[kind_at + 3] = '\xff';
  col[kind_at + 4] = '\x7f';
  refused(col, "bad column index");
}

TEST(ExaminerProtocolTest, Hello) {
  const std::string bytes = EncodeHello("seccomp, Landlock ABI 6");
  Result<std::string> back = DecodeHello(bytes);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, "seccomp, Landlock ABI 6");
  EXPECT_EQ(DecodeHello(bytes + "x").status().message(),
            "examiner: hello: trailing bytes");
  EXPECT_EQ(DecodeHello(EncodeRequest({})).status().message(),
            "examiner: hello: bad magic");
}

TEST(ExaminerProtocolTest, Utf8) {
  EXPECT_TRUE(IsUtf8(""));
  EXPECT_TRUE(IsUtf8("氏名 abc \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(IsUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsUtf8("\xe6\xb0"));          // cut
  EXPECT_FALSE(IsUtf8("\x80"));
}

}  // namespace
}  // namespace piiguard::priv
