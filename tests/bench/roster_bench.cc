// roster_bench: the roster detector's throughput (docs/BENCHMARKS.md,
// "Roster detection"), one core, files already in memory.
//
//   roster_bench [--runs N] [--full] FILE...  median MB/s of N runs per
//                                           file; --full: read rosters to
//                                           the end (no early decision)
//   roster_bench --fd [--runs N] FILE...    the same through ExamineFd (the
//                                           file read piece by piece), with
//                                           the process's peak RSS
//   roster_bench --startup [--runs N]      median ms of Detector::Create()
//                                           and a first tiny Examine()
//   roster_bench --show FILE                the text the analyzer reads: an
//                                           export's table layout, an
//                                           office document's text
//   roster_bench --dump-rg OUT              the detector's patterns in
//                                           ripgrep syntax, one per line,
//                                           for `rg -f OUT` (the floor)
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "agent/roster/detector.h"
#include "agent/roster/office_doc.h"
#include "agent/roster/patterns.h"
#include "agent/roster/structured.h"
#include "agent/roster/text_decode.h"
#include "common/file_util.h"

namespace {

// Hyperscan's syntax is PCRE's; the patterns use only what ripgrep's Rust
// regex also reads: bytes as \xHH under (?-u), classes, bounded repeats,
// non-capturing groups, ^ and $ as line anchors.
int DumpForRipgrep(const std::string& out) {
  std::ofstream file(out);
  for (const piiguard::roster::Pattern& p :
       piiguard::roster::RosterPatterns()) {
    // Non-ASCII literals (男, 〒) as \xHH bytes: ripgrep refuses them
    // under (?-u).
    std::string bytes;
    for (char ch : p.expression) {
      auto c = static_cast<unsigned char>(ch);
      if (c < 0x80) {
        bytes += ch;
        continue;
      }
      static constexpr char kHex[] = "0123456789ABCDEF";
      bytes += "\\x";
      bytes += kHex[c >> 4];
      bytes += kHex[c & 0xF];
    }
    file << (p.caseless ? "(?i-u)" : "(?-u)") << bytes << "\n";
  }
  return file ? 0 : 2;
}

int Startup(int runs) {
  std::vector<double> ms;
  for (int r = 0; r < runs; ++r) {
    auto start = std::chrono::steady_clock::now();
    auto detector = piiguard::roster::Detector::Create();
    if (!detector.ok()) return 2;
    auto v = (*detector)->Examine("氏名,電話\n山田 太郎,090-1234-5678\n",
                                  piiguard::roster::Options{});
    if (!v.ok()) return 2;
    ms.push_back(std::chrono::duration<double, std::milli>(
                     std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  std::printf(
      "roster_bench: start-up (Create + a first Examine): median %.2f ms of "
      "%d (min %.2f, max %.2f)\n",
      ms[ms.size() / 2], runs, ms.front(), ms.back());
  return 0;
}

// The text layout of FILE as the analyzer reads it (a developer's view).
int Show(const std::string& path) {
  namespace r = piiguard::roster;
  auto data = piiguard::ReadFileBytes(path, size_t{1} << 30);
  if (!data.ok()) {
    std::cerr << "roster_bench: " << data.status().message() << "\n";
    return 2;
  }
  if (r::LooksLikeZip(*data)) {
    auto doc = r::ExtractOfficeText(*data, r::DocLimits{});
    std::cout << (doc.ok() ? doc->text : doc.status().message() + "\n");
    return doc.ok() ? 0 : 1;
  }
  r::TextEncoding e = r::SniffEncoding(*data);
  if (e == r::TextEncoding::kBinary) return 1;
  std::string storage;
  auto text = r::DecodeText(*data, e, storage);
  if (!text.ok()) return 1;
  r::Structured kind = r::SniffStructured(*text);
  auto table = r::StructuredToTable(kind, *text, size_t{1} << 30);
  std::cout << "[" << r::StructuredName(kind) << "]\n"
            << (table.ok() ? *table : table.status().message() + "\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  bool full = false;
  bool startup = false;
  bool by_fd = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--dump-rg" && i + 1 < argc) return DumpForRipgrep(argv[i + 1]);
    if (a == "--show" && i + 1 < argc) return Show(argv[i + 1]);
    if (a == "--startup") {
      startup = true;
    } else if (a == "--fd") {
      by_fd = true;
    } else if (a == "--full") {
      full = true;
    } else if (a == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::stoi(argv[++i]));
    } else {
      files.push_back(a);
    }
  }
  if (startup) return Startup(runs);
  auto detector = piiguard::roster::Detector::Create();
  if (!detector.ok()) {
    std::cerr << "roster_bench: " << detector.status().message() << "\n";
    return 2;
  }
  piiguard::roster::Options options;
  options.max_input = size_t{4} << 30;
  options.max_unpacked = size_t{4} << 30;
  options.max_ratio = 1000;
  options.decide_early = !full;
  for (const std::string& path : files) {
    // --fd: the file stays on disk (page cache) and is read in pieces.
    piiguard::Result<std::string> data =
        by_fd ? piiguard::Result<std::string>(std::string())
              : piiguard::ReadFileBytes(path, size_t{4} << 30);
    if (!data.ok()) {
      std::cerr << "roster_bench: " << data.status().message() << "\n";
      return 2;
    }
    int fd = by_fd ? open(path.c_str(), O_RDONLY | O_CLOEXEC) : -1;
    if (by_fd && fd < 0) {
      std::cerr << "roster_bench: " << path << ": cannot open\n";
      return 2;
    }
    struct stat st {};
    if (by_fd) fstat(fd, &st);
    std::vector<double> seconds;
    piiguard::roster::Verdict verdict;
    for (int r = 0; r < runs; ++r) {
      auto start = std::chrono::steady_clock::now();
      auto v = by_fd ? (*detector)->ExamineFd(fd, options)
                     : (*detector)->Examine(*data, options);
      seconds.push_back(std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - start)
                            .count());
      if (!v.ok()) {
        std::cerr << "roster_bench: " << v.status().message() << "\n";
        return 2;
      }
      verdict = *v;
    }
    if (fd >= 0) close(fd);
    std::sort(seconds.begin(), seconds.end());
    double median = seconds[seconds.size() / 2];
    double mb = static_cast<double>(by_fd ? static_cast<size_t>(st.st_size)
                                          : data->size()) /
                1e6;
    std::printf(
        "roster_bench: %s: %.1f MB, %s, roster=%d people=%zu%s; median %.3f "
        "s of %d runs (min %.3f, max %.3f) = %.0f MB/s\n",
        path.c_str(), mb, verdict.format.c_str(), verdict.roster ? 1 : 0,
        verdict.rows, verdict.early ? " (decided early)" : "", median, runs,
        seconds.front(), seconds.back(), mb / median);
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("roster_bench: peak RSS %.1f MiB\n",
              static_cast<double>(usage.ru_maxrss) / 1024);
  return 0;
}
