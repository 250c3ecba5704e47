// Fuzzes the IT desk's ledger of exception responses and its signed export
// (policy/exception/issued_ledger.h, docs/exceptions.md "The desk's
// ledger"), each on the whole input. Oracles:
//  - a ledger file that parses serialises to exactly the input, every
//    record in it is valid, and what it would export encodes and parses
//    back to the same export;
//  - an export payload that parses encodes to exactly the input; signed
//    with the fuzzer's key it verifies to the same export;
//  - the input as a signed export file is accepted only if it is the one
//    file this process signed (nobody else has the key);
//  - that file mutated as the input says (data[0]: overwrite, insert,
//    erase, replace; then a position and bytes) is never accepted unless
//    the mutation changed nothing.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/crypto.h"
#include "policy/exception/issued_ledger.h"

namespace {

namespace ex = piiguard::exception;
using piiguard::Ed25519PrivateKey;
using piiguard::Ed25519PublicKey;

struct Fixture {
  Ed25519PrivateKey key;
  std::vector<Ed25519PublicKey> trusted;
  std::string good;  // a signed export of two records
};

ex::IssuedRecord Record(uint64_t seq) {
  ex::IssuedRecord r;
  r.seq = seq;
  r.pc = "hidamari-pc-01";
  r.challenge = {ex::ScopeKind::kRadios, ex::DurationClass::k30Min, 0,
                 4242 + seq};
  r.person = 0;
  r.person_name = "山田 花子";
  r.consignee = "npo-hidamari";
  r.reason = "講座のため";
  r.issued_ms = 1796601600000;
  r.issue_day = 20794;
  r.policy_version = 2;
  return r;
}

const Fixture& GetFixture() {
  static const Fixture* const fixture = [] {
    auto key = Ed25519PrivateKey::Generate();
    if (!key.ok()) std::abort();
    ex::LedgerExport batch;
    batch.ledger = std::string(32, 'e');
    batch.exported_ms = 1796601700000;
    batch.from_seq = 1;
    batch.through = 2;
    batch.records = {Record(1), Record(2)};
    auto good = ex::SignLedgerExport(batch, *key);
    if (!good.ok()) std::abort();
    std::vector<Ed25519PublicKey> trusted = {key->PublicKey()};
    auto* f = new Fixture{std::move(key).value(), std::move(trusted),
                          std::move(good).value()};
    auto verified = ex::VerifyLedgerExport(f->good, f->trusted);
    if (!verified.ok() || !(*verified == batch)) std::abort();
    return f;
  }();
  return *fixture;
}

void CheckExport(const ex::LedgerExport& batch) {
  auto payload = ex::EncodeExportPayload(batch);
  if (!payload.ok()) std::abort();
  auto again = ex::ParseExportPayload(*payload);
  if (!again.ok() || !(*again == batch)) std::abort();
}

void CheckLedger(std::string_view input) {
  auto ledger = ex::ParseLedger(input);
  if (!ledger.ok()) return;
  auto bytes = ex::SerializeLedger(*ledger);
  if (!bytes.ok() || *bytes != input) std::abort();
  for (const ex::LedgerLine& line : ledger->lines) {
    if (const auto* record = std::get_if<ex::IssuedRecord>(&line)) {
      if (!ex::ValidateIssuedRecord(*record).ok()) std::abort();
    }
  }
  const ex::LedgerExport batch = ex::RecordsToExport(*ledger, 1);
  if (batch.records.size() <= ex::kMaxExportRecords) CheckExport(batch);
}

void CheckPayload(std::string_view input, const Fixture& f) {
  auto batch = ex::ParseExportPayload(input);
  if (!batch.ok()) return;
  auto payload = ex::EncodeExportPayload(*batch);
  if (!payload.ok() || *payload != input) std::abort();
  auto file = ex::SignLedgerExport(*batch, f.key);
  if (!file.ok()) std::abort();
  auto verified = ex::VerifyLedgerExport(*file, f.trusted);
  if (!verified.ok() || !(*verified == *batch)) std::abort();
}

void CheckFile(std::string_view bytes, const Fixture& f) {
  const bool accepted = ex::VerifyLedgerExport(bytes, f.trusted).ok();
  if (accepted != (bytes == f.good)) std::abort();
}

size_t ReadIndex(const uint8_t* data, size_t size, size_t at) {
  size_t v = 0;
  for (size_t i = 0; i < 4; ++i) {
    v |= static_cast<size_t>(at + i < size ? data[at + i] : 0) << (8 * i);
  }
  return v;
}

std::string Mutate(const std::string& good, const uint8_t* data, size_t size) {
  std::string out = good;
  if (size < 1) return out;
  const size_t at = ReadIndex(data, size, 1) % (good.size() + 1);
  const std::string_view bytes(
      reinterpret_cast<const char*>(data) + std::min<size_t>(size, 5),
      size - std::min<size_t>(size, 5));
  switch (data[0] % 4) {
    case 0:  // overwrite
      out.replace(at, std::min(bytes.size(), out.size() - at), bytes);
      break;
    case 1:  // insert
      out.insert(at, bytes);
      break;
    case 2:  // erase
      out.erase(at, bytes.empty() ? 1 : bytes.size());
      break;
    default:  // replace the tail
      out = out.substr(0, at) + std::string(bytes);
      break;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = GetFixture();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckLedger(input);
  CheckPayload(input, f);
  CheckFile(input, f);
  CheckFile(Mutate(f.good, data, size), f);
  return 0;
}
