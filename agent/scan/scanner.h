// The walk of `piiguard scan` (REQUIREMENTS R4; docs/scan-report.md): the
// given paths, never following a symbolic link and never crossing into
// another filesystem (such mount points are counted and listed, not
// entered), every regular file read through FileSystem::ReadSparse (holes
// cost nothing; at most Options::max_input bytes of data, the rest makes
// the file "partial") and judged by the roster detector. Whatever cannot be
// looked into (an unreadable file or directory, a PDF, a zip bomb, a
// detector failure) is counted and listed as not examined with the reason;
// nothing stops the walk. The result fills a report body (common/scanreport).
//
// Thread-safety: a Scanner is used by one thread at a time.
#ifndef PIIGUARD_AGENT_SCAN_SCANNER_H_
#define PIIGUARD_AGENT_SCAN_SCANNER_H_

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "agent/roster/detector.h"
#include "common/os/file_system.h"
#include "common/scanreport/scan_report.h"

namespace piiguard::scan {

// What the progress display may show: counts and the current path (never
// file contents).
struct Progress {
  uint64_t files = 0;
  uint64_t bytes = 0;
  uint64_t rosters = 0;
  uint64_t not_examined = 0;
  std::string path;  // the file just examined (raw bytes)
};

struct ScanResult {
  scanreport::Counts counts;
  std::vector<scanreport::Finding> findings;         // sorted, capped
  std::vector<scanreport::Unexamined> not_examined;  // sorted, capped
  std::vector<std::string> partial;                  // sorted, capped
  std::vector<std::string> mounts;                   // sorted, capped
};

class Scanner {
 public:
  Scanner(const os::FileSystem& files, const roster::Detector& detector,
          roster::Options options);

  // Mount points that are scanned as roots of their own (--full): met
  // during the walk they are neither entered nor counted.
  void SetScannedElsewhere(std::set<std::string> mount_points);
  // Called after each regular file.
  void SetProgress(std::function<void(const Progress&)> progress);

  // Walks one absolute path (a directory, or a single file). May be called
  // for several paths; the counts add up.
  void Walk(const std::string& absolute_path);

  // The result so far: the lists sorted by their report form and capped at
  // scanreport::kMaxListed (the counts stay exact).
  ScanResult Collected() const;

 private:
  void WalkDir(int dir_fd, const std::string& path, uint64_t dev);
  void Entry(int dir_fd, const std::string& name, const std::string& path,
             uint64_t dev);
  void ExamineFile(int dir_fd, const std::string& name,
                   const std::string& path);
  void NotExamined(const std::string& path, std::string reason);
  void Report();

  const os::FileSystem& files_;
  const roster::Detector& detector_;
  roster::Options options_;
  std::set<std::string> elsewhere_;
  std::function<void(const Progress&)> progress_;
  Progress now_;
  scanreport::Counts counts_;
  // Bounded: the kMaxListed smallest by report form.
  std::set<std::pair<std::string, Json>> findings_;
  std::set<std::pair<std::string, std::string>> not_examined_;
  std::set<std::string> partial_;
  std::set<std::string> mounts_;
};

// The English reason of a failed call for the report ("permission
// denied"): the last part of "context: object: reason".
std::string ReasonOf(const Status& status);

}  // namespace piiguard::scan

#endif  // PIIGUARD_AGENT_SCAN_SCANNER_H_
