// examiner_bench: what the privilege split costs per file (docs/BENCHMARKS.md,
// "The examiner"): the roster detector in this process against the same
// detector in piiguard-examiner behind ExaminerClient (a sealed memfd per
// file, one request and one reply on a SOCK_SEQPACKET socket), as the
// roster guard calls it.
//
//   examiner_bench --program PATH [--runs N] FILE...
//       per file: median ms of N in-process Examine() calls and of N
//       calls through the examiner (its child already started), and the
//       difference; then the median ms of starting an examiner (spawn,
//       exec, detector load, warm-up, sandbox, hello) over 5 starts.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "agent/priv/examiner_client.h"
#include "agent/roster/detector.h"
#include "common/file_util.h"

namespace {

double MedianMs(int runs, const std::function<bool()>& body) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    if (!body()) return -1;
    ms.push_back(std::chrono::duration<double, std::milli>(
                     std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::string program;
  int runs = 21;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--program" && i + 1 < argc) {
      program = argv[++i];
    } else if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else {
      files.push_back(arg);
    }
  }
  if (program.empty() || files.empty()) {
    std::fprintf(stderr,
                 "usage: examiner_bench --program PATH [--runs N] FILE...\n");
    return 2;
  }
  auto detector = piiguard::roster::Detector::Create();
  if (!detector.ok()) return 1;
  piiguard::agent::LinuxSpawner spawner;
  piiguard::priv::ExaminerConfig config;
  config.program = program;
  config.keep_user = true;
  piiguard::priv::ExaminerClient client(config, spawner);
  if (!client.StartNow().ok()) return 1;
  const piiguard::roster::Options options;
  std::printf("%-40s %10s %12s %12s %12s\n", "file", "bytes", "in-proc ms",
              "examiner ms", "overhead ms");
  for (const std::string& file : files) {
    auto bytes = piiguard::ReadFileBytes(file, size_t{64} << 20);
    if (!bytes.ok()) {
      std::fprintf(stderr, "%s\n", bytes.status().message().c_str());
      return 1;
    }
    const double in_process = MedianMs(
        runs, [&] { return (*detector)->Examine(*bytes, options).ok(); });
    const double through =
        MedianMs(runs, [&] { return client.Examine(*bytes, options).ok(); });
    if (in_process < 0 || through < 0) return 1;
    std::printf("%-40s %10zu %12.3f %12.3f %12.3f\n", file.c_str(),
                bytes->size(), in_process, through, through - in_process);
  }
  const double start = MedianMs(5, [&] {
    piiguard::priv::ExaminerClient fresh(config, spawner);
    return fresh.StartNow().ok();
  });
  std::printf("examiner start (spawn to hello): %.1f ms\n", start);
  return 0;
}
