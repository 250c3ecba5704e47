#include "agent/ipc/ipc.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <filesystem>
#include <string>
#include <thread>

#include "common/json.h"

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

TEST(IpcRequestTest, Exceptions) {
  Request ask;
  ask.op = Op::kExceptionRequest;
  Result<Request> list = ParseRequest(SerializeRequest(ask));
  ASSERT_TRUE(list.ok()) << list.status().message();
  EXPECT_EQ(*list, ask);
  ask.scope = "stick";
  ask.minutes = 60;
  ask.index = 3;
  Result<Request> stick = ParseRequest(SerializeRequest(ask));
  ASSERT_TRUE(stick.ok()) << stick.status().message();
  EXPECT_EQ(*stick, ask);
  ask.scope = "radios";  // the names of exception::ScopeKindName
  EXPECT_EQ(ParseRequest(SerializeRequest(ask)).value(), ask);
  ask.scope = "roster-folder";
  ask.folder = "/home/sato/差し込み印刷";
  EXPECT_EQ(ParseRequest(SerializeRequest(ask)).value(), ask);
  ask.folder.clear();
  ask.scope = "stick";
  ask.identity = std::string(64, 'e');
  EXPECT_EQ(ParseRequest(SerializeRequest(ask)).value(), ask);
  Request redeem;
  redeem.op = Op::kExceptionRedeem;
  redeem.text = "０１９７１ 74512-58805";
  EXPECT_EQ(ParseRequest(SerializeRequest(redeem)).value(), redeem);
  Request end;
  end.op = Op::kExceptionEnd;
  end.grant = "123456789012";
  EXPECT_EQ(ParseRequest(SerializeRequest(end)).value(), end);
  Request apply;
  apply.op = Op::kExceptionApply;
  apply.file = std::string("piiguard-signed/1\n\0\xff", 20);
  EXPECT_EQ(ParseRequest(SerializeRequest(apply)).value(), apply);
  apply.file = std::string(kMaxExceptionFileBytes, 'x');  // fits a frame
  EXPECT_LE(SerializeRequest(apply).size(), kMaxFrameBytes);
  EXPECT_EQ(ParseRequest(SerializeRequest(apply)).value(), apply);
  apply.file.push_back('x');
  EXPECT_FALSE(ParseRequest(SerializeRequest(apply)).ok());
  for (
      const std::string& bad : std::vector<std::string>{
          R"({"op":"exception_request","scope":"stick"})",
          R"({"op":"exception_request","minutes":60,"index":0})",
          R"({"op":"exception_request","scope":"usb","minutes":60,"index":0})",
          R"({"op":"exception_request","scope":"folder","minutes":60,"index":0})",
          R"({"op":"exception_request","scope":"stick","minutes":60,"index":100})",
          R"({"op":"exception_request","scope":"stick","minutes":0,"index":0})",
          R"({"op":"exception_request","scope":"stick","minutes":"60","index":0})",
          R"({"op":"exception_request","scope":"stick","minutes":60,"index":0,"x":1})",
          R"({"op":"exception_redeem","text":""})",
          R"({"op":"exception_redeem","text":")" + std::string(257, '1') +
              R"("})",
          R"({"op":"exception_redeem","text":"1\u0001"})",
          R"({"op":"exception_redeem"})",
          R"({"op":"exception_request","scope":"stick","minutes":60,"index":0,"identity":"AB"})",
          R"({"op":"exception_request","identity":")" + std::string(64, 'a') +
              R"("})",
          R"({"op":"exception_request","scope":"roster-folder","minutes":60,"index":0})",
          R"({"op":"exception_request","scope":"roster-folder","minutes":60,"index":0,"folder":"merge"})",
          R"({"op":"exception_request","scope":"roster-folder","minutes":60,"index":0,"folder":""})",
          R"({"op":"exception_request","scope":"roster-folder","minutes":60,"index":0,"folder":"/a\nb"})",
          R"({"op":"exception_request","scope":"roster-folder","minutes":60,"index":0,"folder":"/)" +
              std::string(1024, 'a') + R"("})",
          R"({"op":"exception_request","scope":"stick","minutes":60,"index":0,"folder":"/home"})",
          R"({"op":"exception_end","grant":"12a"})",
          R"({"op":"exception_end","grant":""})",
          R"({"op":"exception_end","grant":"123456789012345678901"})",
          R"({"op":"exception_apply"})",
          R"({"op":"exception_apply","file":""})",
          R"({"op":"exception_apply","file":"eA"})",
          R"({"op":"exception_apply","file":"eB=="})",
          R"({"op":"exception_apply","file":"e A=="})",
          R"({"op":"exception_apply","file":"eA==","text":"x"})",
          R"({"op":"exception_apply","file":7})",
      }) {
    EXPECT_FALSE(ParseRequest(bad).ok()) << bad;
  }
  // Any local user: the lockout and the desk stand in the way, and every
  // try is journaled (limited per uid). Ending only makes the PC stricter
  // and journals once per running grant: not limited, like session_start.
  for (Op op : {Op::kExceptionRequest, Op::kExceptionRedeem, Op::kExceptionEnd,
                Op::kExceptionApply}) {
    EXPECT_EQ(SpecOf(op).right, Right::kAnyLocalUser);
    EXPECT_EQ(SpecOf(op).limit,
              op == Op::kExceptionEnd ? Limit::kNone : Limit::kJournal);
  }
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

// Which requests are rate limited: those that write the journal, except
// session_start (it only makes the PC stricter).
TEST(IpcDispatchTest, LimitsTable) {
  EXPECT_EQ(SpecOf(Op::kNearMiss).limit, Limit::kJournal);
  EXPECT_EQ(SpecOf(Op::kScanAttest).limit, Limit::kJournal);
  EXPECT_EQ(SpecOf(Op::kSessionEnd).limit, Limit::kJournal);
  EXPECT_EQ(SpecOf(Op::kEnrolled).limit, Limit::kJournal);
  EXPECT_EQ(SpecOf(Op::kSessionStart).limit, Limit::kNone);
  EXPECT_EQ(SpecOf(Op::kStatus).limit, Limit::kNone);
  EXPECT_EQ(SpecOf(Op::kEnrolInfo).limit, Limit::kNone);
}

// The gate is asked after the right and before the handler; its refusal is
// the answer and the handler never runs.
TEST(IpcDispatchTest, GateRefusesBeforeTheHandler) {
  Dispatcher dispatcher;
  int calls = 0;
  dispatcher.Register(Op::kNearMiss, [&](const Peer&, const Request&) {
    ++calls;
    return Result<Json>(Json::object());
  });
  dispatcher.Register(Op::kEnrolled, [&](const Peer&, const Request&) {
    ++calls;
    return Result<Json>(Json::object());
  });
  int asked = 0;
  Gate gate = [&](const Peer&, const RequestSpec& spec) -> std::optional<Json> {
    ++asked;
    if (spec.op != Op::kNearMiss) return std::nullopt;
    return Json{{"refused", "rate_limited"}, {"retry_after_s", 60}};
  };
  Json refused = Answer(dispatcher.Handle(
      Peer{9, 1000, 1000}, R"({"op":"near_miss","text":"x"})", gate));
  EXPECT_FALSE(refused["ok"].get<bool>());
  EXPECT_EQ(refused["refused"], "rate_limited");
  EXPECT_EQ(refused["retry_after_s"], 60);
  EXPECT_TRUE(refused["error"].is_string());
  EXPECT_EQ(calls, 0);
  // Not permitted: refused before the gate is asked (costs no token).
  std::string enrolled =
      R"({"op":"enrolled","pc":"pc-1","office_url":"https://o"})";
  EXPECT_FALSE(
      Answer(dispatcher.Handle(Peer{9, 1000, 1000}, enrolled, gate))["ok"]
          .get<bool>());
  EXPECT_EQ(asked, 1);
  EXPECT_TRUE(Answer(dispatcher.Handle(Peer{9, 0, 0}, enrolled, gate))["ok"]
                  .get<bool>());
  EXPECT_EQ(calls, 1);
}

// A refused connection: the daemon answers and closes before reading the
// request; the client still reads why.
TEST(IpcCallTest, ReadsTheRefusalOfAConnectionClosedUnread) {
  char tmpl[] = "/tmp/ipc_test.XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string socket = std::string(tmpl) + "/agent.sock";
  Result<UniqueFd> listen = Listen(socket);
  ASSERT_TRUE(listen.ok());
  std::thread server([&] {
    pollfd p{listen->get(), POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 10000), 1);
    UniqueFd fd(::accept4(listen->get(), nullptr, nullptr, SOCK_CLOEXEC));
    ASSERT_TRUE(WriteFrame(fd.get(), R"({"ok":false,"refused":"busy",)"
                                     R"("error":"ipc: uid 1000: busy"})")
                    .ok());
  });  // closed unread
  Request request;
  request.op = Op::kNearMiss;
  request.text = "x";
  Result<Json> answer = CallAnswer(socket, request);
  server.join();
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_FALSE(AnswerOk(*answer));
  EXPECT_EQ((*answer)["refused"], "busy");
  EXPECT_EQ(AnswerError(*answer), "ipc: uid 1000: busy");
  std::filesystem::remove_all(tmpl);
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
