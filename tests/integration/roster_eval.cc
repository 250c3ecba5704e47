// roster_eval: the roster detector against a labelled corpus (the one
// tests/roster/make_corpus.py writes): precision, recall, and every error
// with the detector's reason, so each false alarm can be explained.
//
//   roster_eval CORPUS_DIR [--min-precision P] [--min-recall R] [--quiet]
//
// Exit 0 if both figures reach their minimum (default 0), 1 if not, 2 on
// an error reading the corpus.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "agent/roster/detector.h"
#include "common/file_util.h"

namespace {

struct Sample {
  std::string path;
  bool roster = false;
  bool hostile = false;  // make_corpus.py --hostile: a verdict, no crash
  std::string category;
  std::string format;
  std::string encoding;
};

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, '\t')) out.push_back(field);
  return out;
}

bool ReadLabels(const std::string& dir, std::vector<Sample>& out) {
  std::ifstream in(dir + "/labels.tsv");
  if (!in) return false;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f = SplitTabs(line);
    if (f.size() < 5 ||
        (f[1] != "roster" && f[1] != "negative" && f[1] != "hostile")) {
      continue;
    }
    out.push_back(
        {f[0], f[1] == "roster", f[1] == "hostile", f[2], f[3], f[4]});
  }
  return true;
}

struct Counts {
  size_t tp = 0, fp = 0, tn = 0, fn = 0, unexamined = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: roster_eval CORPUS_DIR [--min-precision P] "
                 "[--min-recall R] [--quiet]\n";
    return 2;
  }
  std::string dir = argv[1];
  double min_precision = 0;
  double min_recall = 0;
  bool quiet = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--min-precision" && i + 1 < argc)
      min_precision = std::stod(argv[++i]);
    if (a == "--min-recall" && i + 1 < argc) min_recall = std::stod(argv[++i]);
    if (a == "--quiet") quiet = true;
  }
  std::vector<Sample> samples;
  if (!ReadLabels(dir, samples) || samples.empty()) {
    std::cerr << "roster_eval: " << dir << "/labels.tsv: no samples\n";
    return 2;
  }
  auto detector = piiguard::roster::Detector::Create();
  if (!detector.ok()) {
    std::cerr << "roster_eval: " << detector.status().message() << "\n";
    return 2;
  }
  piiguard::roster::Options options;
  Counts all;
  std::map<std::string, Counts> by_category;
  size_t bytes = 0;
  double seconds = 0;
  for (const Sample& s : samples) {
    auto data = piiguard::ReadFileBytes(dir + "/" + s.path, size_t{1} << 30);
    if (!data.ok()) {
      std::cerr << "roster_eval: " << data.status().message() << "\n";
      return 2;
    }
    auto start = std::chrono::steady_clock::now();
    auto v = (*detector)->Examine(*data, options);
    seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    bytes += data->size();
    if (!v.ok()) {
      std::cerr << "roster_eval: " << s.path << ": " << v.status().message()
                << "\n";
      return 2;
    }
    if (s.hostile) {
      // Not part of precision and recall: each must end in a verdict.
      double ms = 1000 * std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - start)
                             .count();
      std::printf("HOSTILE     %s [%s]: %s, %s in %.0f ms: %s\n",
                  s.path.c_str(), s.category.c_str(),
                  v->examined ? "examined" : "not examined",
                  v->roster ? "roster" : "no roster", ms, v->reason.c_str());
      continue;
    }
    Counts& c = by_category[s.category];
    if (!v->examined) {
      ++all.unexamined;
      ++c.unexamined;
    }
    bool said = v->examined && v->roster;
    (said ? (s.roster ? all.tp : all.fp) : (s.roster ? all.fn : all.tn))++;
    (said ? (s.roster ? c.tp : c.fp) : (s.roster ? c.fn : c.tn))++;
    if (said != s.roster && !quiet) {
      std::cout << (said ? "FALSE ALARM " : "MISSED      ") << s.path << " ["
                << s.category << " " << s.format << " " << s.encoding
                << "]: " << v->reason << "\n";
    }
  }
  double precision =
      all.tp + all.fp == 0 ? 1.0 : double(all.tp) / double(all.tp + all.fp);
  double recall =
      all.tp + all.fn == 0 ? 1.0 : double(all.tp) / double(all.tp + all.fn);
  std::cout
      << "\ncategory                    tp    fp    tn    fn  unexamined\n";
  for (const auto& [name, c] : by_category) {
    std::printf("%-24s %5zu %5zu %5zu %5zu %5zu\n", name.c_str(), c.tp, c.fp,
                c.tn, c.fn, c.unexamined);
  }
  std::printf(
      "\nroster_eval: %zu files, %zu rosters, %zu negatives; tp %zu fp %zu "
      "tn %zu fn %zu; precision %.4f recall %.4f; %.1f MB in %.2f s\n",
      samples.size(), all.tp + all.fn, all.fp + all.tn, all.tp, all.fp, all.tn,
      all.fn, precision, recall, double(bytes) / 1e6, seconds);
  return precision >= min_precision && recall >= min_recall ? 0 : 1;
}
