#include "agent/ipc/ipc.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <string>

namespace piiguard::ipc {
namespace {

Json Answer(const std::string& bytes) { return Json::parse(bytes); }

TEST(IpcRequestTest, ParsesNearMiss) {
  Result<Request> r = ParseRequest(R"({"op":"near_miss","text":"名簿を机に"})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->op, Op::kNearMiss);
  EXPECT_EQ(r->text, "名簿を机に");
  EXPECT_EQ(ParseRequest(SerializeRequest(*r)).value(), *r);
}

TEST(IpcRequestTest, RefusesMalformed) {
  for (const char* bad :
       {"", "[]", "{}", R"({"op":1})", R"({"op":"journal_append"})",
        R"({"op":"near_miss"})", R"({"op":"near_miss","text":""})",
        R"({"op":"near_miss","text":"a","x":1})",
        R"({"op":"near_miss","text":"a\u0000b"})",
        R"({"op":"status","text":"a"})",
        R"({"op":"enrolled","pc":"a b",)"
        R"("office_url":"https://x"})",
        R"({"op":"enrolled","pc":"pc","office_url":"http://x"})",
        "{\"op\":\"near_miss\",\"text\":\"\xff\"}"}) {
    EXPECT_FALSE(ParseRequest(bad).ok()) << bad;
  }
}

TEST(IpcRequestTest, NearMissLengthInCharacters) {
  std::string text;
  for (size_t i = 0; i < kMaxNearMissChars; ++i) text += "あ";
  Request r;
  r.op = Op::kNearMiss;
  r.text = text;
  EXPECT_TRUE(ParseRequest(SerializeRequest(r)).ok());
  r.text += "a";
  EXPECT_FALSE(ParseRequest(SerializeRequest(r)).ok());
}

TEST(IpcRequestTest, SessionRequests) {
  Result<Request> start = ParseRequest(R"({"op":"session_start"})");
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(start->op, Op::kSessionStart);
  EXPECT_TRUE(start->job.empty());
  Result<Request> with_job =
      ParseRequest(R"({"op":"session_start","job":"juminhyo-2026"})");
  ASSERT_TRUE(with_job.ok());
  EXPECT_EQ(with_job->job, "juminhyo-2026");
  EXPECT_EQ(ParseRequest(SerializeRequest(*with_job)).value(), *with_job);
  EXPECT_TRUE(ParseRequest(R"({"op":"session_end"})").ok());
  for (const char* bad : {R"({"op":"session_start","job":"a b"})",
                          R"({"op":"session_start","job":""})",
                          R"({"op":"session_start","job":1})",
                          R"({"op":"session_end","job":"x"})"}) {
    EXPECT_FALSE(ParseRequest(bad).ok()) << bad;
  }
  EXPECT_EQ(SpecOf(Op::kSessionStart).right, Right::kAnyLocalUser);
  EXPECT_EQ(SpecOf(Op::kSessionEnd).right, Right::kAnyLocalUser);
}

TEST(IpcRequestTest, ScanAttest) {
  Request r;
  r.op = Op::kScanAttest;
  r.body_sha256 = std::string(64, 'a');
  r.counts.files = 12;
  r.counts.bytes = 40960;
  r.counts.rosters = 1;
  r.full = true;
  std::string bytes = SerializeRequest(r);
  EXPECT_LT(bytes.size(), 400u);  // far below a frame, whatever the scan
  Result<Request> parsed = ParseRequest(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(*parsed, r);
  EXPECT_EQ(SpecOf(Op::kScanAttest).right, Right::kAnyLocalUser);
  const std::string counts =
      R"("counts":{"bytes":0,"dirs":0,"files":0,"mounts":0,)"
      R"("not_examined":0,"partial":0,"rosters":0,"special":0,"symlinks":0})";
  const std::string sha = std::string(64, '0');
  EXPECT_TRUE(ParseRequest(R"({"op":"scan_attest","body_sha256":")" + sha +
                           R"(",)" + counts + R"(,"full":false})")
                  .ok());
  for (const std::string& bad : {
           // The caller's uid is the daemon's to know, not a field.
           R"({"op":"scan_attest","body_sha256":")" + sha + R"(",)" + counts +
               R"(,"full":false,"uid":0})",
           R"({"op":"scan_attest","body_sha256":")" + std::string(64, 'A') +
               R"(",)" + counts + R"(,"full":false})",
           R"({"op":"scan_attest","body_sha256":"abc",)" + counts +
               R"(,"full":false})",
           R"({"op":"scan_attest","body_sha256":")" + sha + R"(",)" + counts +
               R"(})",
           R"({"op":"scan_attest","body_sha256":")" + sha + R"(",)" + counts +
               R"(,"full":1})",
           R"({"op":"scan_attest","body_sha256":")" + sha +
               R"(","counts":{"files":1},"full":false})",
           R"({"op":"scan_attest","body_sha256":")" + sha +
               R"(","counts":{"bytes":-1,"dirs":0,"files":0,"mounts":0,)"
               R"("not_examined":0,"partial":0,"rosters":0,"special":0,)"
               R"("symlinks":0},"full":false})",
       }) {
    EXPECT_FALSE(ParseRequest(bad).ok()) << bad;
  }
}

TEST(IpcDispatchTest, RightsTable) {
  EXPECT_EQ(SpecOf(Op::kNearMiss).right, Right::kAnyLocalUser);
  EXPECT_EQ(SpecOf(Op::kStatus).right, Right::kAnyLocalUser);
  EXPECT_EQ(SpecOf(Op::kEnrolInfo).right, Right::kRoot);
  EXPECT_EQ(SpecOf(Op::kEnrolled).right, Right::kRoot);
  EXPECT_TRUE(Permitted(Right::kRoot, Peer{1, 0, 0}));
  EXPECT_FALSE(Permitted(Right::kRoot, Peer{1, 1000, 1000}));
  EXPECT_TRUE(Permitted(Right::kAnyLocalUser, Peer{1, 65534, 65534}));
}

TEST(IpcDispatchTest, ChecksRightBeforeHandler) {
  Dispatcher dispatcher;
  int enrolled_calls = 0;
  uid_t seen_uid = 0;
  dispatcher.Register(Op::kEnrolled, [&](const Peer&, const Request&) {
    ++enrolled_calls;
    return Result<Json>(Json::object());
  });
  dispatcher.Register(Op::kNearMiss, [&](const Peer& peer, const Request&) {
    seen_uid = peer.uid;
    return Result<Json>(Json{{"seq", 7}});
  });
  std::string enrolled =
      R"({"op":"enrolled","pc":"pc-1","office_url":"https://o"})";
  Json refused = Answer(dispatcher.Handle(Peer{9, 1000, 1000}, enrolled));
  EXPECT_FALSE(refused["ok"].get<bool>());
  EXPECT_NE(refused["error"].get<std::string>().find("not permitted"),
            std::string::npos);
  EXPECT_EQ(enrolled_calls, 0);
  EXPECT_TRUE(Answer(dispatcher.Handle(Peer{9, 0, 0}, enrolled))["ok"]);
  EXPECT_EQ(enrolled_calls, 1);

  Json near = Answer(dispatcher.Handle(Peer{9, 1000, 1000},
                                       R"({"op":"near_miss","text":"x"})"));
  EXPECT_TRUE(near["ok"].get<bool>());
  EXPECT_EQ(near["seq"], 7);
  EXPECT_EQ(seen_uid, 1000u);
  // Registered nowhere: answered, not crashed.
  EXPECT_FALSE(
      Answer(dispatcher.Handle(Peer{9, 0, 0}, R"({"op":"status"})"))["ok"]
          .get<bool>());
  EXPECT_FALSE(
      Answer(dispatcher.Handle(Peer{9, 0, 0}, "garbage"))["ok"].get<bool>());
}

TEST(IpcFrameTest, RoundTripAndLimits) {
  std::string framed = Frame("abc") + Frame("de");
  size_t consumed = 0;
  auto first = Unframe(framed, &consumed);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(**first, "abc");
  EXPECT_EQ(consumed, 7u);
  auto partial = Unframe(framed.substr(0, 5), &consumed);
  ASSERT_TRUE(partial.ok());
  EXPECT_FALSE(partial->has_value());
  std::string huge("\x00\x01\x00\x01", 4);
  EXPECT_FALSE(Unframe(huge, &consumed).ok());
}

TEST(IpcFrameTest, OverSocketPairWithPeerCred) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  UniqueFd a(fds[0]), b(fds[1]);
  ASSERT_TRUE(WriteFrame(a.get(), "hello").ok());
  EXPECT_EQ(ReadFrame(b.get()).value(), "hello");
  Result<Peer> peer = PeerOf(b.get());
  ASSERT_TRUE(peer.ok());
  EXPECT_EQ(peer->uid, ::getuid());
  a.Reset();
  EXPECT_FALSE(ReadFrame(b.get()).ok());
}

}  // namespace
}  // namespace piiguard::ipc
