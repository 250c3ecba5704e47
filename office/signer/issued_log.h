// The signer's record of every exception file it signed (docs/
// office-signer.md "issued.log"): one JSON line per file, appended and
// fsynced before the file leaves the signer. IssuedLog is the seam; the
// file implementation opens the log for each record (O_APPEND, mode 0600,
// never through a symbolic link), writes the whole line and fsyncs it.
//
// Thread-safety: FileIssuedLog is thread-safe (O_APPEND writes of one
// line each); the signer calls it from one thread.
#ifndef PIIGUARD_OFFICE_SIGNER_ISSUED_LOG_H_
#define PIIGUARD_OFFICE_SIGNER_ISSUED_LOG_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace piiguard::office::signer {

class IssuedLog {
 public:
  virtual ~IssuedLog() = default;
  // Appends `line` (no newline in it; one is added) durably. Not OK: the
  // record may not be on disk, and nothing may be signed.
  virtual Status Append(std::string_view line) = 0;
};

class FileIssuedLog final : public IssuedLog {
 public:
  explicit FileIssuedLog(std::string path) : path_(std::move(path)) {}
  Status Append(std::string_view line) override;

 private:
  std::string path_;
};

}  // namespace piiguard::office::signer

#endif  // PIIGUARD_OFFICE_SIGNER_ISSUED_LOG_H_
