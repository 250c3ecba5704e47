#include "policy/admin/exception_ledger.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <utility>

#include "common/encoding.h"
#include "common/file_util.h"
#include "common/unique_fd.h"

namespace piiguard::admin {
namespace {

constexpr std::string_view kContext = "exception ledger";

// The ledger, open for appending and locked until the fd is closed.
struct LockedLedger {
  UniqueFd fd;
  std::string bytes;  // the whole file when it was locked
  bool created = false;
};

Status SyncDirOf(const std::string& path) {
  // Built in one expression: gcc 12 -O2 warns (-Wrestrict, a false
  // positive) on assigning a literal to the string afterwards.
  const std::string parent = std::filesystem::path(path).parent_path().string();
  const std::string dir = parent.empty() ? std::string(".") : parent;
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid() || ::fsync(fd.get()) != 0) {
    return ErrnoStatus(kContext, dir, errno);
  }
  return Status::Ok();
}

Result<LockedLedger> Lock(const std::string& path, bool create) {
  LockedLedger ledger;
  const int flags = O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY |
                    (create ? O_CREAT : 0);
  ledger.fd.Reset(::open(path.c_str(), flags, 0600));
  if (!ledger.fd.valid()) return ErrnoStatus(kContext, path, errno);
  struct stat st {};
  if (::fstat(ledger.fd.get(), &st) != 0) {
    return ErrnoStatus(kContext, path, errno);
  }
  if (!S_ISREG(st.st_mode)) {
    return InvalidArgumentError(kContext, path, "not a regular file");
  }
  while (::flock(ledger.fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return ErrnoStatus(kContext, path, errno);
  }
  char buffer[65536];
  off_t offset = 0;
  for (;;) {
    const ssize_t n = ::pread(ledger.fd.get(), buffer, sizeof buffer, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(kContext, path, errno);
    if (n == 0) break;
    ledger.bytes.append(buffer, static_cast<size_t>(n));
    offset += n;
    if (ledger.bytes.size() > exception::kMaxLedgerBytes) {
      return InvalidArgumentError(kContext, path, "too large");
    }
  }
  ledger.created = ledger.bytes.empty();
  return ledger;
}

// Appends `text` and fsyncs; on failure cuts the file back to where it was.
Status Append(LockedLedger& ledger, const std::string& path,
              std::string_view text) {
  const auto before = static_cast<off_t>(ledger.bytes.size());
  size_t done = 0;
  int error = 0;
  while (done < text.size()) {
    const ssize_t n =
        ::write(ledger.fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = n < 0 ? errno : EIO;
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (error == 0 && ::fsync(ledger.fd.get()) != 0) error = errno;
  if (error != 0) {
    // A torn line would stop every later answer: take it back.
    if (::ftruncate(ledger.fd.get(), before) == 0) {
      (void)::fsync(ledger.fd.get());
    }
    return ErrnoStatus(kContext, path, error);
  }
  ledger.bytes.append(text);
  return Status::Ok();
}

// The parsed ledger; a new file gets its header first.
Result<exception::Ledger> Prepare(LockedLedger& ledger, const std::string& path,
                                  int64_t now_ms) {
  if (ledger.created) {
    PIIGUARD_ASSIGN_OR_RETURN(std::string random, RandomBytes(16));
    PIIGUARD_ASSIGN_OR_RETURN(
        std::string header,
        exception::LedgerHeaderLine(HexEncode(random), now_ms));
    PIIGUARD_RETURN_IF_ERROR(Append(ledger, path, header));
    PIIGUARD_RETURN_IF_ERROR(SyncDirOf(path));
  }
  Result<exception::Ledger> parsed = exception::ParseLedger(ledger.bytes);
  if (!parsed.ok()) return parsed.status().Annotate(path);
  return parsed;
}

}  // namespace

std::string DefaultLedgerPath(const std::string& master_path) {
  return master_path + ".ledger";
}

exception::IssuedRecord IssuedRecordOf(const RespondRequest& request,
                                       const DeskResponse& response,
                                       std::string reason,
                                       int64_t policy_version, int64_t now_ms) {
  exception::IssuedRecord record;
  record.pc = request.pc_id;
  record.challenge = response.challenge;
  record.person = response.person.index;
  record.person_name = response.person.id;
  record.deputy = response.person.deputy;
  record.consignee = response.person.consignee;
  record.reason = std::move(reason);
  record.issued_ms = now_ms;
  record.issue_day = response.issue_day;
  record.policy_version = policy_version;
  return record;
}

Result<exception::IssuedRecord> AppendIssued(const std::string& path,
                                             exception::IssuedRecord record,
                                             int64_t now_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(LockedLedger ledger, Lock(path, /*create=*/true));
  PIIGUARD_ASSIGN_OR_RETURN(const exception::Ledger parsed,
                            Prepare(ledger, path, now_ms));
  record.seq = parsed.LastSeq() + 1;
  PIIGUARD_ASSIGN_OR_RETURN(std::string line,
                            exception::LedgerLineText(record));
  PIIGUARD_RETURN_IF_ERROR(Append(ledger, path, line));
  return record;
}

Result<LedgerExportDone> ExportLedger(const std::string& path,
                                      const std::string& out,
                                      const Ed25519PrivateKey& city_key,
                                      int64_t now_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(LockedLedger ledger, Lock(path, /*create=*/false));
  PIIGUARD_ASSIGN_OR_RETURN(const exception::Ledger parsed,
                            Prepare(ledger, path, now_ms));
  LedgerExportDone done;
  done.batch = exception::RecordsToExport(parsed, now_ms);
  PIIGUARD_ASSIGN_OR_RETURN(std::string file,
                            exception::SignLedgerExport(done.batch, city_key));
  PIIGUARD_RETURN_IF_ERROR(
      WriteFileAtomic(out, file, 0600, Overwrite::kRefuse));
  done.sha256 = Sha256Hex(file);
  const exception::ExportMark mark{done.batch.through, now_ms, done.sha256};
  Result<std::string> line = exception::LedgerLineText(mark);
  done.mark = line.ok() ? Append(ledger, path, *line) : line.status();
  return done;
}

Result<exception::Ledger> ReadLedger(const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string bytes,
                            ReadFileBytes(path, exception::kMaxLedgerBytes));
  Result<exception::Ledger> parsed = exception::ParseLedger(bytes);
  if (!parsed.ok()) return parsed.status().Annotate(path);
  return parsed;
}

}  // namespace piiguard::admin
