// Fuzzes ParseBatch and VerifyBatch (docs/sync.md). Oracles:
// 1. round trip: whatever parses serializes to bytes that parse to the same
//    batch, and serialize again to the same bytes;
// 2. never accept a mutation: a verified batch (built once, signed by a
//    fixed device key) with one byte changed at a position and to a value
//    chosen by the input is either refused by ParseBatch or refused by
//    VerifyBatch, unless the change only touched what VerifyBatch does not
//    cover (pc, which the office takes from the client certificate, and
//    status_report, verified separately).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/journal/batch.h"
#include "common/journal/testing.h"

namespace {

using piiguard::journal::Anchor;
using piiguard::journal::Batch;
using piiguard::journal::Entry;

bool SameEntries(const Batch& a, const Batch& b) {
  if (a.entries.size() != b.entries.size()) return false;
  for (size_t i = 0; i < a.entries.size(); ++i) {
    const Entry& x = a.entries[i];
    const Entry& y = b.entries[i];
    if (x.seq != y.seq || x.time_ms != y.time_ms || x.type != y.type ||
        x.severity != y.severity || x.subject != y.subject ||
        x.details != y.details || x.prev != y.prev || x.hash != y.hash) {
      return false;
    }
  }
  return true;
}

bool Same(const Batch& a, const Batch& b) {
  return a.pc == b.pc && a.chain == b.chain && a.checkpoints == b.checkpoints &&
         a.status_report == b.status_report && SameEntries(a, b);
}

struct Verified {
  piiguard::journal::testing::ChainBuilder chain;
  Batch batch;
  std::string bytes;
};

const Verified& GetVerified() {
  static const Verified* verified = [] {
    auto key = piiguard::Ed25519PrivateKey::Generate();
    if (!key.ok()) std::abort();
    auto* v = new Verified{
        piiguard::journal::testing::ChainBuilder(std::move(key).value()),
        {},
        {}};
    v->chain.AddEvents(6);
    v->batch = v->chain.MakeBatch(1, 7);
    v->batch.checkpoints.insert(v->batch.checkpoints.begin(),
                                v->chain.Checkpoint(3));
    v->bytes = piiguard::journal::SerializeBatch(v->batch);
    Anchor anchor{v->chain.chain(), 0, {}};
    if (piiguard::journal::VerifyBatch(v->batch, v->chain.key().PublicKey(),
                                       anchor, nullptr, nullptr)) {
      std::abort();  // the unmutated batch must verify
    }
    return v;
  }();
  return *verified;
}

void CheckRoundTrip(std::string_view input) {
  auto batch = piiguard::journal::ParseBatch(input);
  if (!batch.ok()) return;
  const std::string bytes = piiguard::journal::SerializeBatch(*batch);
  auto again = piiguard::journal::ParseBatch(bytes);
  if (!again.ok() || !Same(*batch, *again)) std::abort();
  if (piiguard::journal::SerializeBatch(*again) != bytes) std::abort();
}

void CheckMutation(std::string_view input) {
  if (input.size() < 3) return;
  const Verified& v = GetVerified();
  const size_t pos =
      ((static_cast<uint8_t>(input[0]) << 8) | static_cast<uint8_t>(input[1])) %
      v.bytes.size();
  const char byte = input[2];
  if (v.bytes[pos] == byte) return;
  std::string mutated = v.bytes;
  mutated[pos] = byte;
  auto batch = piiguard::journal::ParseBatch(mutated);
  if (!batch.ok()) return;
  if (batch->pc != v.batch.pc ||
      batch->status_report != v.batch.status_report) {
    return;  // not covered by VerifyBatch, by design
  }
  if (Same(*batch, v.batch)) return;  // another encoding of the same batch
  Anchor anchor{v.chain.chain(), 0, {}};
  if (!piiguard::journal::VerifyBatch(*batch, v.chain.key().PublicKey(), anchor,
                                      nullptr, nullptr)) {
    std::abort();  // a changed batch was accepted
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckRoundTrip(input);
  CheckMutation(input);
  return 0;
}
