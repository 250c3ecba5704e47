#include "agent/rosterguard/worker.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <thread>
#include <vector>

namespace piiguard::agent::rosterguard {
namespace {

// Jobs run off the calling thread, in order; their completions run only in
// RunCompletions, on the caller's thread, once fd() says so.
TEST(WorkerTest, JobsRunInOrderAndCompletionsOnTheLoopThread) {
  auto worker = Worker::Start();
  ASSERT_TRUE(worker.ok()) << worker.status().message();
  Worker& w = **worker;
  const std::thread::id loop = std::this_thread::get_id();
  std::vector<int> order;
  std::vector<bool> on_loop;
  for (int i = 0; i < 5; ++i) {
    w.Run([&w, &order, &on_loop, loop, i] {
      bool off_loop = std::this_thread::get_id() != loop;
      w.Post([&order, &on_loop, loop, i, off_loop] {
        order.push_back(off_loop ? i : -1);
        on_loop.push_back(std::this_thread::get_id() == loop);
      });
    });
  }
  while (order.size() < 5) {
    pollfd p{w.fd(), POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 10000), 1);  // the eventfd wakes the loop
    w.RunCompletions();
  }
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(on_loop, std::vector<bool>(5, true));
}

}  // namespace
}  // namespace piiguard::agent::rosterguard
