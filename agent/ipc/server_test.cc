// The local server over a real listening socket, driven by hand: a fake
// monotonic clock, the uid of each connection injected in accept order (a
// test runs as one uid), and explicit pumping of the accepted connections
// (the daemon's epoll loop does that in production). Each test is an attack
// on the socket: idle connections from one uid, a slow-loris, a flood of
// requests that write the journal.
#include "agent/ipc/server.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <deque>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/os/testing/fake_clock.h"

namespace piiguard::ipc {
namespace {

class LocalServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ipc_server_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/agent.sock";
    Result<UniqueFd> listen = Listen(path_);
    ASSERT_TRUE(listen.ok()) << listen.status().message();
    listen_ = std::move(*listen);
    // Stand-ins for the daemon's handlers: a near miss or a scan appends
    // one entry to `journal_`.
    dispatcher_.Register(Op::kNearMiss, [this](const Peer& p, const Request&) {
      journal_.push_back(p.uid);
      return Result<Json>(Json{{"seq", journal_.size()}});
    });
    dispatcher_.Register(Op::kScanAttest,
                         [this](const Peer& p, const Request&) {
                           journal_.push_back(p.uid);
                           return Result<Json>(Json::object());
                         });
    dispatcher_.Register(Op::kStatus, [](const Peer&, const Request&) {
      return Result<Json>(Json{{"pc", "pc-1"}});
    });
    MakeServer(SocketLimits{});
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  void MakeServer(const SocketLimits& limits) {
    limits_ = limits;
    ServerHooks hooks;
    hooks.clock = &clock_;
    hooks.schedule = [this](int64_t at) { scheduled_ = at; };
    hooks.watch = [this](int fd) {
      watched_.insert(fd);
      return Status::Ok();
    };
    hooks.unwatch = [this](int fd) { watched_.erase(fd); };
    hooks.peer_of = [this](int) -> Result<Peer> {
      if (uids_.empty()) return IoError("test", "peer", "no uid queued");
      uid_t uid = uids_.front();
      uids_.pop_front();
      return Peer{1, uid, uid};
    };
    hooks.on_suppressed = [this](const Suppression& s) {
      summaries_.push_back(s);
    };
    server_.emplace(listen_.get(), dispatcher_, std::move(hooks), limits);
  }

  // A client connected as `uid`, accepted by the server.
  UniqueFd Connect(uid_t uid) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    EXPECT_EQ(::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr),
                        sizeof addr),
              0);
    uids_.push_back(uid);
    // At most accepts_per_round per wake: wake it as the loop would.
    while (!uids_.empty()) server_->OnListenReadable();
    return fd;
  }
  // Serves every accepted connection that has bytes waiting.
  void Pump() {
    std::vector<int> fds(watched_.begin(), watched_.end());
    for (int fd : fds) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 0) == 1) server_->OnClientReadable(fd);
    }
  }
  // The clock moves on; the server's timer fires if it is due.
  void Advance(int64_t ms) {
    clock_.AdvanceMs(ms);
    if (scheduled_ > 0 && scheduled_ <= clock_.MonotonicMs())
      server_->OnTimer();
  }
  Json Read(int client) {
    Result<std::string> bytes = ReadFrame(client);
    if (!bytes.ok()) return Json{{"read_error", bytes.status().message()}};
    return Json::parse(*bytes);
  }
  Json Ask(uid_t uid, const Request& request) {
    UniqueFd client = Connect(uid);
    // A refused connection was answered and closed before its request was
    // read: the write may fail (EPIPE), the refusal is read anyway, as
    // CallAnswer does.
    WriteFrame(client.get(), SerializeRequest(request)).IgnoreError();
    Pump();
    return Read(client.get());
  }
  static Request NearMiss() {
    Request r;
    r.op = Op::kNearMiss;
    r.text = "名簿を机に置き忘れ";
    return r;
  }
  static Request StatusRequest() { return Request{}; }
  static Request ScanAttest() {
    Request r;
    r.op = Op::kScanAttest;
    r.body_sha256 = std::string(64, 'a');
    return r;
  }
  // Whether the server still holds the other end of `client` open.
  static bool Open(int client) {
    pollfd p{client, POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
  }

  std::string dir_;
  std::string path_;
  UniqueFd listen_;
  Dispatcher dispatcher_;
  SocketLimits limits_;
  std::optional<LocalServer> server_;
  os::FakeClock clock_{os::FakeClock::kDefaultWallMs,
                       int64_t{7'000'000} * 1000};
  int64_t scheduled_ = 0;
  std::set<int> watched_;
  std::deque<uid_t> uids_;
  std::vector<uid_t> journal_;
  std::vector<Suppression> summaries_;
};

// 64 idle connections used to lock everyone out. Now one uid opening 200
// gets per_uid of them; the rest are refused "busy" at once, another user
// and root are served, and the flood is summed up in one entry.
TEST_F(LocalServerTest, IdleFloodFromOneUidLeavesOthersAndRootIn) {
  std::vector<UniqueFd> flood;
  for (int i = 0; i < 200; ++i) flood.push_back(Connect(1000));
  EXPECT_EQ(server_->connections(), limits_.per_uid);
  size_t busy = 0;
  for (UniqueFd& fd : flood) {
    if (Open(fd.get())) continue;
    Json answer = Read(fd.get());
    EXPECT_FALSE(answer["ok"].get<bool>());
    if (answer["refused"] == kRefusedBusy) ++busy;
  }
  EXPECT_EQ(busy, 200 - limits_.per_uid);
  Json other = Ask(1001, NearMiss());
  EXPECT_TRUE(other["ok"].get<bool>()) << other.dump();
  Json root = Ask(0, StatusRequest());
  EXPECT_EQ(root["pc"], "pc-1") << root.dump();
  Advance(limits_.suppression_window_ms);
  ASSERT_EQ(summaries_.size(), 1u);
  EXPECT_EQ(summaries_[0].uid, 1000u);
  EXPECT_EQ(summaries_[0].counts.at(std::string(kSuppressedConnection)),
            200 - limits_.per_uid);
  // The idle ones were closed at their deadline and counted too.
  EXPECT_EQ(summaries_[0].counts.at(std::string(kSuppressedDeadline)),
            limits_.per_uid);
}

// Every uid but root together: they fill what is shared, never root's
// reserve; `piiguard status` as root answers.
TEST_F(LocalServerTest, ManyUidsTogetherStillLeaveRootIn) {
  std::vector<UniqueFd> flood;
  for (uid_t uid = 1000; uid < 1020; ++uid) {
    for (size_t i = 0; i < limits_.per_uid; ++i) flood.push_back(Connect(uid));
  }
  EXPECT_EQ(server_->connections(),
            limits_.max_connections - limits_.root_reserve);
  Json refused = Ask(2000, NearMiss());
  EXPECT_EQ(refused["refused"], kRefusedBusy);
  std::vector<UniqueFd> root;
  for (size_t i = 0; i + 1 < limits_.root_reserve; ++i) {
    root.push_back(Connect(0));  // root's own idle ones
  }
  Json status = Ask(0, StatusRequest());
  EXPECT_TRUE(status["ok"].get<bool>()) << status.dump();
}

// One byte per interval keeps a connection busy but never complete: it is
// closed at the deadline counted from accept, not from the last byte.
TEST_F(LocalServerTest, SlowLorisClosedAtTheDeadline) {
  const int64_t accepted = clock_.MonotonicMs();
  UniqueFd client = Connect(1000);
  EXPECT_EQ(scheduled_, accepted + limits_.request_deadline_ms);
  std::string frame = Frame(SerializeRequest(NearMiss()));
  const int64_t step = 250;
  size_t sent = 0;
  while (clock_.MonotonicMs() + step < accepted + limits_.request_deadline_ms) {
    ASSERT_EQ(::write(client.get(), frame.data() + sent, 1), 1);
    ++sent;
    Pump();
    Advance(step);
    ASSERT_TRUE(Open(client.get()))
        << "closed early at " << clock_.MonotonicMs() - accepted;
  }
  ASSERT_LT(sent, frame.size());
  Advance(accepted + limits_.request_deadline_ms - clock_.MonotonicMs());
  EXPECT_FALSE(Open(client.get()));
  Json answer = Read(client.get());
  EXPECT_EQ(answer["refused"], kRefusedDeadline) << answer.dump();
  EXPECT_EQ(server_->connections(), 0u);
  EXPECT_TRUE(journal_.empty());
  // What is left to wait for: the end of the window the closing opened.
  EXPECT_EQ(scheduled_, clock_.MonotonicMs() + limits_.suppression_window_ms);
}

// Idle clients, no bytes at all: they hold their uid's slots until the
// deadline, then the slots come back.
TEST_F(LocalServerTest, IdleConnectionsClosedAtTheDeadline) {
  std::vector<UniqueFd> idle;
  for (size_t i = 0; i < limits_.per_uid; ++i) idle.push_back(Connect(1000));
  EXPECT_EQ(Ask(1000, StatusRequest())["refused"], kRefusedBusy);
  Advance(limits_.request_deadline_ms - 1);
  for (UniqueFd& fd : idle) EXPECT_TRUE(Open(fd.get()));
  Advance(1);
  for (UniqueFd& fd : idle) {
    EXPECT_FALSE(Open(fd.get()));
    EXPECT_EQ(Read(fd.get())["refused"], kRefusedDeadline);
  }
  EXPECT_EQ(server_->connections(), 0u);
  EXPECT_TRUE(Ask(1000, StatusRequest())["ok"].get<bool>());
}

// A near-miss flood from one uid: burst accepted, the rest refused with
// when to try again; another uid's near miss is accepted; the journal grows
// by the burst plus one summary.
TEST_F(LocalServerTest, NearMissFloodIsBoundedAndOthersStillReport) {
  size_t refused = 0;
  int64_t retry = 0;
  const int flood = 100;
  for (int i = 0; i < flood; ++i) {
    Json answer = Ask(1000, NearMiss());
    if (!answer["ok"].get<bool>()) {
      EXPECT_EQ(answer["refused"], kRefusedRateLimited);
      EXPECT_EQ(answer["request"], "near_miss");
      retry = answer["retry_after_s"].get<int64_t>();
      ++refused;
    }
  }
  EXPECT_EQ(refused, flood - static_cast<size_t>(limits_.journal_burst));
  EXPECT_EQ(retry, limits_.journal_refill_ms / 1000);
  // The same bucket for every request that writes the journal.
  EXPECT_EQ(Ask(1000, ScanAttest())["refused"], kRefusedRateLimited);
  // Status writes nothing: still answered.
  EXPECT_TRUE(Ask(1000, StatusRequest())["ok"].get<bool>());
  Json other = Ask(1001, NearMiss());
  EXPECT_TRUE(other["ok"].get<bool>()) << other.dump();
  EXPECT_EQ(journal_.size(), static_cast<size_t>(limits_.journal_burst) + 1);
  // A minute later, one more.
  Advance(limits_.journal_refill_ms);
  EXPECT_TRUE(Ask(1000, NearMiss())["ok"].get<bool>());
  EXPECT_FALSE(Ask(1000, NearMiss())["ok"].get<bool>());
  EXPECT_TRUE(summaries_.empty());
  Advance(limits_.suppression_window_ms);
  ASSERT_EQ(summaries_.size(), 1u);
  EXPECT_EQ(summaries_[0].uid, 1000u);
  EXPECT_EQ(summaries_[0].counts.at("near_miss"), refused + 1);
  EXPECT_EQ(summaries_[0].counts.at("scan_attest"), 1u);
}

TEST_F(LocalServerTest, RootIsNotRateLimited) {
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(Ask(0, NearMiss())["ok"].get<bool>()) << i;
  }
  EXPECT_EQ(journal_.size(), 100u);
}

// The daemon stops with a window open: it is handed over, not lost.
TEST_F(LocalServerTest, FlushHandsOverOpenWindows) {
  for (int i = 0; i <= limits_.journal_burst; ++i) Ask(1000, NearMiss());
  EXPECT_TRUE(summaries_.empty());
  server_->Flush();
  ASSERT_EQ(summaries_.size(), 1u);
  EXPECT_EQ(summaries_[0].total, 1u);
  EXPECT_EQ(scheduled_, 0);  // nothing left to wait for
}

// A connect flood is accepted in rounds, so the loop serves its other
// descriptors between them.
TEST_F(LocalServerTest, AcceptsAtMostOneRoundPerWake) {
  SocketLimits limits;
  limits.accepts_per_round = 4;
  MakeServer(limits);
  std::vector<UniqueFd> clients;
  for (int i = 0; i < 10; ++i) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    ASSERT_EQ(::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr),
                        sizeof addr),
              0);
    uids_.push_back(static_cast<uid_t>(1000 + i));
    clients.push_back(std::move(fd));
  }
  server_->OnListenReadable();
  EXPECT_EQ(server_->connections(), 4u);
  server_->OnListenReadable();
  server_->OnListenReadable();
  EXPECT_EQ(server_->connections(), 10u);
}

}  // namespace
}  // namespace piiguard::ipc
