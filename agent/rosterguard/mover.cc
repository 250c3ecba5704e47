#include "agent/rosterguard/mover.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <memory>
#include <utility>

#include "common/encoding.h"
#include "common/quarantine.h"
#include "common/unique_fd.h"

namespace piiguard::agent::rosterguard::mover {
namespace {

constexpr std::string_view kContext = "roster guard";
constexpr size_t kCopyChunk = size_t{256} * 1024;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

Status WriteAll(int out, const char* data, size_t size) {
  for (size_t done = 0; done < size;) {
    ssize_t w = ::write(out, data + done, size - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return ErrnoStatus(kContext, "write", errno);
    done += static_cast<size_t>(w);
  }
  return Status::Ok();
}

// Copies the file at `in` (from offset 0, with pread: the event fd's offset
// is left alone) to `out`, with its SHA-256. Returns the bytes copied.
Result<std::pair<uint64_t, std::string>> CopyWithHash(int in, int out) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return InternalError(kContext, "sha256", "EVP_DigestInit_ex failed");
  }
  std::string buffer(kCopyChunk, '\0');
  uint64_t offset = 0;
  for (;;) {
    ssize_t n =
        ::pread(in, buffer.data(), buffer.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(kContext, "read", errno);
    if (n == 0) break;
    auto got = static_cast<size_t>(n);
    if (EVP_DigestUpdate(ctx.get(), buffer.data(), got) != 1) {
      return InternalError(kContext, "sha256", "EVP_DigestUpdate failed");
    }
    PIIGUARD_RETURN_IF_ERROR(WriteAll(out, buffer.data(), got));
    offset += got;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &size) != 1) {
    return InternalError(kContext, "sha256", "EVP_DigestFinal_ex failed");
  }
  return std::make_pair(
      offset, HexEncode(std::string_view(
                  reinterpret_cast<const char*>(digest.data()), size)));
}

// Where a copy goes: an open directory, its path, and what it is.
struct Target {
  UniqueFd dir;
  std::string path;
  std::string kind;  // "stick" or "quarantine"
};

// The stick's root is opened and must be the stick's own filesystem
// (st_dev): a FUSE or other mount put over its mount point is refused.
Result<Target> StickTarget(os::FileSystem& files, const StickMount& stick) {
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd root,
                            files.OpenDirNoFollow(stick.mount_point));
  PIIGUARD_ASSIGN_OR_RETURN(os::FileIdentity id, files.Identify(root.get()));
  if (id.dev != stick.dev) {
    return FailedPreconditionError(kContext, stick.mount_point,
                                   "not the keyed stick's filesystem");
  }
  PIIGUARD_RETURN_IF_ERROR(
      files.MakeDirAt(root.get(), std::string(kStickFolder), 0700));
  std::string folder = JoinPath(stick.mount_point, std::string(kStickFolder));
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd dir, files.OpenDirNoFollow(folder));
  PIIGUARD_ASSIGN_OR_RETURN(id, files.Identify(dir.get()));
  if (id.dev != stick.dev) {
    return FailedPreconditionError(kContext, folder,
                                   "not on the keyed stick's filesystem");
  }
  return Target{std::move(dir), folder, "stick"};
}

// The stick when one was chosen, else (or when it cannot be used) the
// quarantine when the policy names its key.
Result<Target> OpenTarget(os::FileSystem& files, const Guard::Job& job) {
  if (job.stick) {
    Result<Target> stick = StickTarget(files, *job.stick);
    if (stick.ok() || !job.rules.quarantine_key) return stick;
  }
  if (!job.rules.quarantine_key) {
    return FailedPreconditionError(
        kContext, job.path,
        "no personal-data stick of its holder is writable and the policy "
        "names no quarantine key");
  }
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd fd,
                            files.OpenDirNoFollow(job.quarantine_dir));
  return Target{std::move(fd), job.quarantine_dir, "quarantine"};
}

// Copies (stick) or encrypts (quarantine) the file into `target`; on any
// failure the partial copy is removed. The copy must be of `expected`,
// whole: not written meanwhile. Fills the outcome's copy fields.
Status WriteCopy(os::FileSystem& files, const Guard::Job& job,
                 const os::FileIdentity& expected, Target& target,
                 Outcome& outcome) {
  std::string name = SplitPath(job.path).second;
  std::string base =
      target.kind == "stick" ? name : name + std::string(kQuarantineSuffix);
  PIIGUARD_ASSIGN_OR_RETURN(os::CreatedFile created,
                            files.CreateUnique(target.dir.get(), base, 0600));
  auto discard = [&](const Status& why) {
    (void)files.UnlinkAt(target.dir.get(), created.name);
    return why;
  };
  int in = job.file->fd.get();
  if (target.kind == "stick") {
    Result<std::pair<uint64_t, std::string>> copied =
        CopyWithHash(in, created.fd.get());
    if (!copied.ok()) return discard(copied.status());
    outcome.size = copied->first;
    outcome.sha256 = copied->second;
  } else {
    quarantine::Metadata metadata;
    metadata.path = job.path;
    metadata.time = job.now_seconds;
    metadata.pc = job.pc;
    metadata.explanation = outcome.verdict;
    quarantine::FdSource source(in, job.path);
    quarantine::FdSink sink(created.fd.get(), created.name);
    Result<quarantine::Sealed> sealed =
        quarantine::Encrypt(*job.rules.quarantine_key, metadata, source, sink);
    if (!sealed.ok()) return discard(sealed.status());
    outcome.size = sealed->size;
    outcome.sha256 = sealed->sha256;
    outcome.quarantine_sha256 = sealed->quarantine_sha256;
  }
  if (Status s = files.FsyncFd(created.fd.get()); !s.ok()) return discard(s);
  if (Status s = files.FsyncFd(target.dir.get()); !s.ok()) return discard(s);
  Result<os::FileIdentity> after = files.Identify(in);
  if (!after.ok()) return discard(after.status());
  if (!os::StillTheSame(*after, expected) || outcome.size != expected.size) {
    return discard(FailedPreconditionError(kContext, job.path,
                                           "written while it was copied"));
  }
  outcome.destination = target.kind;
  outcome.destination_path = JoinPath(target.path, created.name);
  return Status::Ok();
}

Outcome Kept(Outcome outcome, std::string why) {
  outcome.kind = Outcome::Kind::kKept;
  outcome.reason = std::move(why);
  return outcome;
}

std::string CopyIsAt(const Outcome& outcome) {
  return "a copy is at " + outcome.destination_path;
}

Outcome Waits(const Guard::Job& job, Outcome outcome, PendingMove pending,
              std::string why) {
  outcome.kind = Outcome::Kind::kDeferred;
  outcome.reason = std::move(why);
  outcome.file = job.file;
  outcome.pending = std::move(pending);
  return outcome;
}

// Step 6: the name is removed; the data must have no name left and be what
// was copied, else it is copied again.
Outcome CheckAfterRemoval(os::FileSystem& files, const Guard::Job& job,
                          Outcome outcome) {
  Result<os::FileIdentity> after = files.Identify(job.file->fd.get());
  if (!after.ok()) {
    std::string why = CopyIsAt(outcome) +
                      " and the original was removed, but its data could "
                      "not be checked again: " +
                      std::string(after.status().message());
    return Kept(std::move(outcome), std::move(why));
  }
  if (after->nlink > 0) {
    std::string why = CopyIsAt(outcome) +
                      ", but its data still has another name on the disk (a "
                      "hard link, or a name moved in meanwhile)";
    return Kept(std::move(outcome), std::move(why));
  }
  if (os::StillTheSame(*after, job.identity)) {
    outcome.kind = Outcome::Kind::kMoved;
    return outcome;
  }
  Guard::Job again = job;
  again.pending = PendingMove{job.path,
                              outcome.verdict,
                              outcome.explanation_ja,
                              outcome.explanation_en,
                              {outcome.destination_path}};
  return CopyAgain(files, again);
}

}  // namespace

std::pair<std::string, std::string> SplitPath(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

Outcome Move(os::FileSystem& files, const Guard::Job& job, Outcome outcome) {
  auto [dir, name] = SplitPath(job.path);
  Result<UniqueFd> dir_fd = files.OpenDirNoFollow(dir);
  if (!dir_fd.ok()) {
    return Kept(std::move(outcome),
                "its folder could not be opened without following links: " +
                    std::string(dir_fd.status().message()));
  }
  // The name must still be the file examined, unchanged (a symlink or
  // another file put in its place is never copied nor removed).
  Result<os::FileIdentity> entry = files.StatAt(dir_fd->get(), name);
  if (!entry.ok() || !entry->SameFile(job.identity) ||
      !os::StillTheSame(*entry, job.identity)) {
    outcome.kind = Outcome::Kind::kGone;
    outcome.reason = "renamed, replaced or written since it was read";
    return outcome;
  }
  if (!job.stick && !job.rules.quarantine_key) {
    return Kept(std::move(outcome),
                "no personal-data stick of its holder is writable and the "
                "policy names no quarantine key");
  }
  Result<Target> target = OpenTarget(files, job);
  if (!target.ok()) {
    return Kept(std::move(outcome), "its destination could not be opened: " +
                                        std::string(target.status().message()));
  }
  if (Status s = WriteCopy(files, job, job.identity, *target, outcome);
      !s.ok()) {
    return Kept(std::move(outcome),
                "it could not be copied: " + std::string(s.message()));
  }
  if (Status s = files.RemoveIfSame(dir_fd->get(), name, job.identity);
      !s.ok()) {
    std::string why =
        CopyIsAt(outcome) +
        ", but the original could not be removed: " + std::string(s.message());
    return Kept(std::move(outcome), std::move(why));
  }
  return CheckAfterRemoval(files, job, std::move(outcome));
}

Outcome CopyAgain(os::FileSystem& files, const Guard::Job& job) {
  PendingMove pending = *job.pending;
  Outcome outcome;
  outcome.path = pending.path;
  outcome.deferrals = job.deferrals;
  outcome.verdict = pending.verdict;
  outcome.explanation_ja = pending.explanation_ja;
  outcome.explanation_en = pending.explanation_en;
  const std::string why = "written after it was copied and removed: ";
  for (int i = 0; i < kMaxCopiesAgain; ++i) {
    Result<os::FileIdentity> now = files.Identify(job.file->fd.get());
    if (!now.ok()) {
      return Waits(job, std::move(outcome), std::move(pending),
                   why + std::string(now.status().message()));
    }
    Result<bool> writing = files.OpenForWritingByAnyone(*now);
    if (!writing.ok() || *writing) {
      return Waits(job, std::move(outcome), std::move(pending),
                   why + (writing.ok() ? "still open for writing"
                                       : writing.status().message()));
    }
    Result<Target> target = OpenTarget(files, job);
    if (!target.ok()) {
      return Waits(job, std::move(outcome), std::move(pending),
                   why + std::string(target.status().message()));
    }
    Status copied = WriteCopy(files, job, *now, *target, outcome);
    if (copied.ok()) {
      outcome.kind = Outcome::Kind::kMoved;
      outcome.earlier_copies = pending.earlier_copies;
      return outcome;
    }
    if (copied.code() != StatusCode::kFailedPrecondition) {
      return Waits(job, std::move(outcome), std::move(pending),
                   why + std::string(copied.message()));
    }
  }
  return Waits(job, std::move(outcome), std::move(pending),
               why + "written again during each copy");
}

}  // namespace piiguard::agent::rosterguard::mover
