// Journal::Open and the public interface's forwarding to Journal::Impl
// (journal_impl.h). The parts of the journal, by job: store.cc (the file's
// schema and rows), writer.cc, sync_cursor.cc, reader.cc, verify.cc.
#include "agent/journal/journal.h"

#include <fcntl.h>

#include <cerrno>
#include <utility>

#include "agent/journal/journal_impl.h"
#include "agent/journal/store.h"
#include "common/unique_fd.h"

namespace piiguard::journal {
Result<std::unique_ptr<Journal>> Journal::Open(const std::string& path,
                                               Ed25519PrivateKey device_key,
                                               const os::Clock& clock) {
  PIIGUARD_ASSIGN_OR_RETURN(bool is_new, store::IsNewFile(path));
  if (is_new) {
    // Root-only from the first byte; SQLite gives -wal and -shm the same
    // mode.
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd.valid()) return ErrnoStatus("journal", path, errno);
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Database db,
      sqlite::Database::Open(path,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW));
  if (!is_new) {
    // Refuse a foreign file before changing anything in it.
    PIIGUARD_RETURN_IF_ERROR(store::ReadMeta(db).status());
  }
  PIIGUARD_RETURN_IF_ERROR(store::SetPragmas(db));
  if (is_new)
    PIIGUARD_RETURN_IF_ERROR(
        store::CreateJournal(db, device_key, clock.WallMs()));
  PIIGUARD_ASSIGN_OR_RETURN(store::Meta meta, store::ReadMeta(db));
  auto stored_key = Ed25519PublicKey::FromPem(meta.device_key_pem);
  if (!stored_key.ok())
    return store::NotAJournal(path, "unreadable device_key");
  if (stored_key->raw() != device_key.PublicKey().raw()) {
    return FailedPreconditionError(
        "journal", path,
        "made under another device key (" + stored_key->KeyId() +
            "), not this PC's key (" + device_key.PublicKey().KeyId() + ")");
  }
  auto impl = std::make_unique<Impl>(std::move(db), std::move(device_key),
                                     clock, std::move(meta));
  PIIGUARD_RETURN_IF_ERROR(impl->Prepare());
  return std::unique_ptr<Journal>(new Journal(std::move(impl)));
}

Journal::Journal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Journal::~Journal() = default;

Result<uint64_t> Journal::Append(const Event& event) {
  return impl_->Append(event);
}
const std::string& Journal::chain() const { return impl_->chain(); }
uint64_t Journal::head_seq() const { return impl_->head_seq(); }
Result<Journal::SyncState> Journal::GetSyncState() const {
  return impl_->GetSyncState();
}
Status Journal::SetAcked(uint64_t acked_seq, const Hash& acked_head) {
  return impl_->SetAcked(acked_seq, acked_head);
}
Result<std::optional<Batch>> Journal::NextBatch(const std::string& pc,
                                                size_t max_entries) const {
  return impl_->NextBatch(pc, max_entries);
}

}  // namespace piiguard::journal
