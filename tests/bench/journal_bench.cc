// journal_bench: durable appends/s of the PC's journal, with one commit
// per event (one thread) and with group commit (many threads), and
// `journal verify` speed in entries/s over a large journal. Not a test: it
// prints one line per figure (docs/BENCHMARKS.md).
//
// Usage: journal_bench DIR [SECONDS_PER_APPEND_FIGURE] [VERIFY_ENTRIES]
// DIR must be on the disk under test (not tmpfs: fsync would be free).

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "agent/journal/journal.h"
#include "common/json.h"

namespace {

using piiguard::journal::Event;
using piiguard::journal::Journal;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

[[noreturn]] void Die(const piiguard::Status& status) {
  std::fprintf(stderr, "journal_bench: %s\n", status.message().c_str());
  std::exit(2);
}

Event BenchEvent(long n) {
  // A realistic event: a stick refused, with a small details object.
  return Event{"stick.refused", piiguard::journal::Severity::kWarning,
               "stick:0781:5581:4C530001231116115131",
               piiguard::Json{{"n", n},
                              {"reason", "no key file"},
                              {"uid", 1000},
                              {"vid_pid", "0781:5581"}}};
}

std::unique_ptr<Journal> OpenFresh(const std::string& path,
                                   const piiguard::Ed25519PrivateKey& key) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix);
  }
  auto journal = Journal::Open(path, key, piiguard::os::SystemClock());
  if (!journal.ok()) Die(journal.status());
  return std::move(journal).value();
}

// Appends from `threads` threads for about `seconds`; returns appends/s.
double AppendRate(Journal& journal, int threads, double seconds) {
  std::atomic<long> done{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        auto seq = journal.Append(BenchEvent(done.load()));
        if (!seq.ok()) Die(seq.status());
        done++;
      }
    });
  }
  while (Seconds(Clock::now() - start) < seconds) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop = true;
  for (auto& worker : workers) worker.join();
  return static_cast<double>(done.load()) / Seconds(Clock::now() - start);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr,
                 "usage: journal_bench DIR [SECONDS_PER_APPEND_FIGURE] "
                 "[VERIFY_ENTRIES]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const double seconds = argc >= 3 ? std::atof(argv[2]) : 5.0;
  const long verify_entries = argc >= 4 ? std::atol(argv[3]) : 1'000'000;
  std::filesystem::create_directories(dir);
  auto key = piiguard::Ed25519PrivateKey::Generate();
  if (!key.ok()) Die(key.status());

  {
    auto journal = OpenFresh(dir + "/append.db", *key);
    double rate = AppendRate(*journal, 1, seconds);
    std::printf("append commit-per-event threads=1: %.0f durable appends/s\n",
                rate);
  }
  for (int threads : {4, 16, 64}) {
    auto journal = OpenFresh(dir + "/append.db", *key);
    double rate = AppendRate(*journal, threads, seconds);
    std::printf("append group-commit threads=%d: %.0f durable appends/s\n",
                threads, rate);
  }
  std::fflush(stdout);

  // A large journal written through the real Journal (group commit), then
  // verified as `piiguard journal verify --pub` would.
  const std::string big = dir + "/verify.db";
  {
    auto journal = OpenFresh(big, *key);
    const auto start = Clock::now();
    std::atomic<long> next{1};  // journal.created is entry 1
    std::vector<std::thread> workers;
    for (int t = 0; t < 128; ++t) {
      workers.emplace_back([&] {
        while (true) {
          long n = next++;
          if (n >= verify_entries) return;
          auto seq = journal->Append(BenchEvent(n));
          if (!seq.ok()) Die(seq.status());
        }
      });
    }
    for (auto& worker : workers) worker.join();
    std::printf("build %ld entries (128 threads): %.1f s\n",
                static_cast<long>(journal->head_seq()),
                Seconds(Clock::now() - start));
  }
  const auto start = Clock::now();
  auto report = piiguard::journal::VerifyJournalFile(big, key->PublicKey());
  const double elapsed = Seconds(Clock::now() - start);
  if (!report.ok()) Die(report.status());
  if (!report->ok) {
    std::fprintf(stderr, "journal_bench: verify failed: %s\n",
                 report->problem.c_str());
    return 1;
  }
  std::printf("verify %llu entries, %llu checkpoints: %.2f s, %.0f entries/s\n",
              static_cast<unsigned long long>(report->entries),
              static_cast<unsigned long long>(report->checkpoints), elapsed,
              static_cast<double>(report->entries) / elapsed);
  return 0;
}
