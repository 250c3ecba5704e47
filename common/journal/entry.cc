#include "common/journal/entry.h"

#include <openssl/evp.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>

#include "common/encoding.h"
#include "common/json.h"
#include "common/json_reader.h"
#include "common/signed_envelope.h"

namespace piiguard::journal {
namespace {

constexpr std::array<std::string_view, 5> kSeverityNames = {
    "info", "notice", "warning", "violation", "incident"};

void PutU64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

void PutLengthPrefixed(std::string& out, std::string_view bytes) {
  auto size = static_cast<uint32_t>(bytes.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((size >> shift) & 0xff));
  }
  out.append(bytes);
}

bool IsTypeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// Well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF) with no
// control characters.
bool IsCleanUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<uint8_t>(text[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return false;
      ++i;
      continue;
    }
    size_t length = 0;
    uint32_t code = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      length = 2;
      code = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      length = 3;
      code = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      length = 4;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      auto next = static_cast<uint8_t>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3f);
    }
    if ((length == 3 && code < 0x800) || (length == 4 && code < 0x10000) ||
        code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      return false;
    }
    i += length;
  }
  return true;
}

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string_view SeverityName(Severity severity) {
  return kSeverityNames.at(static_cast<size_t>(severity));
}

Result<Severity> ParseSeverity(std::string_view name) {
  for (size_t i = 0; i < kSeverityNames.size(); ++i) {
    if (kSeverityNames[i] == name) return static_cast<Severity>(i);
  }
  return InvalidArgumentError(
      "journal", "severity",
      "expected one of info, notice, warning, violation, incident, got \"" +
          std::string(name) + "\"");
}

Hash EntryHashAtSeq(const Entry& entry, uint64_t seq) {
  return EntryHashOfFields(seq, entry.prev, entry.time_ms, entry.type,
                           SeverityName(entry.severity), entry.subject,
                           entry.details);
}

Hash EntryHashOfFields(uint64_t seq, const Hash& prev, int64_t time_ms,
                       std::string_view type, std::string_view severity,
                       std::string_view subject, std::string_view details) {
  // One buffer per thread: verification hashes millions of entries.
  thread_local std::string input;
  input.clear();
  input.append(kHashDomain);
  input.push_back('\0');
  PutU64(input, seq);
  input.append(reinterpret_cast<const char*>(prev.data()), prev.size());
  PutU64(input, static_cast<uint64_t>(time_ms));
  PutLengthPrefixed(input, type);
  PutLengthPrefixed(input, severity);
  PutLengthPrefixed(input, subject);
  PutLengthPrefixed(input, details);
  // SHA-256 fetched once and one context per thread: the one-shot SHA256()
  // fetches the algorithm (taking locks) on every call.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>
      ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  Hash hash{};
  unsigned int size = 0;
  if (sha256 == nullptr || ctx == nullptr ||
      EVP_DigestInit_ex2(ctx.get(), sha256, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), input.data(), input.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), hash.data(), &size) != 1 ||
      size != hash.size()) {
    std::abort();  // OpenSSL without SHA-256: nothing can be verified
  }
  return hash;
}

Hash EntryHash(const Entry& entry) { return EntryHashAtSeq(entry, entry.seq); }

Status ValidateEntryFields(const Entry& entry) {
  const std::string context = "journal: entry " + std::to_string(entry.seq);
  if (entry.seq == 0 || entry.seq > static_cast<uint64_t>(INT64_MAX)) {
    return InvalidArgumentError(context, "seq", "must be between 1 and 2^63-1");
  }
  if (entry.type.empty() || entry.type.size() > 48) {
    return InvalidArgumentError(context, "type", "must be 1 to 48 characters");
  }
  for (char c : entry.type) {
    if (!IsTypeChar(c)) {
      return InvalidArgumentError(context, "type",
                                  "only a-z, 0-9, '.', '_' and '-' allowed");
    }
  }
  if (entry.subject.size() > kMaxSubjectBytes) {
    return InvalidArgumentError(context, "subject", "longer than 256 bytes");
  }
  if (!IsCleanUtf8(entry.subject)) {
    return InvalidArgumentError(context, "subject",
                                "not UTF-8 text without control characters");
  }
  if (entry.details.size() > kMaxDetailsBytes) {
    return InvalidArgumentError(context, "details", "longer than 16 KiB");
  }
  auto details = ParseCanonicalJson(entry.details, "details");
  if (!details.ok()) return details.status().Annotate(context);
  if (!details->is_object()) {
    return InvalidArgumentError(context, "details", "not a JSON object");
  }
  return Status::Ok();
}

std::string HashHex(const Hash& hash) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(hash.data()),
                                    hash.size()));
}

Result<Hash> HashFromHex(std::string_view hex) {
  if (hex.size() != 2 * kSha256Size) {
    return InvalidArgumentError("journal", "hash",
                                "expected 64 lower-case hex digits");
  }
  auto bytes = HexDecode(hex);
  if (!bytes.ok()) {
    return InvalidArgumentError("journal", "hash",
                                "expected 64 lower-case hex digits");
  }
  Hash hash{};
  std::memcpy(hash.data(), bytes->data(), hash.size());
  return hash;
}

Result<std::string> SignCheckpoint(const Checkpoint& checkpoint,
                                   const Ed25519PrivateKey& device_key) {
  if (checkpoint.chain.size() != kChainIdHexSize ||
      !IsLowerHex(checkpoint.chain)) {
    return InvalidArgumentError("checkpoint", "chain",
                                "expected 32 lower-case hex digits");
  }
  if (checkpoint.seq == 0 ||
      checkpoint.seq > static_cast<uint64_t>(INT64_MAX)) {
    return InvalidArgumentError("checkpoint", "seq",
                                "must be between 1 and 2^63-1");
  }
  Json payload = {{"chain", checkpoint.chain},
                  {"head", HashHex(checkpoint.head)},
                  {"seq", checkpoint.seq},
                  {"time", checkpoint.time_ms}};
  PIIGUARD_ASSIGN_OR_RETURN(std::string bytes,
                            CanonicalJson(payload, "checkpoint"));
  PIIGUARD_ASSIGN_OR_RETURN(
      SignedEnvelope envelope,
      SignEnvelope(kCheckpointType, std::move(bytes), device_key));
  return SerializeSignedEnvelope(envelope);
}

Result<Checkpoint> VerifyCheckpoint(std::string_view envelope_bytes,
                                    const Ed25519PublicKey& device_key) {
  auto envelope = ParseSignedEnvelope(envelope_bytes);
  if (!envelope.ok()) return envelope.status().Annotate("checkpoint");
  std::array<Ed25519PublicKey, 1> trusted = {device_key};
  auto verified = VerifySignedEnvelope(*envelope, kCheckpointType, trusted);
  if (!verified.ok()) return verified.status().Annotate("checkpoint");
  PIIGUARD_ASSIGN_OR_RETURN(
      Json payload, ParseCanonicalJson(envelope->payload, "checkpoint"));
  JsonErrors errors("checkpoint");
  JsonReader root(payload, "$", errors);
  Checkpoint checkpoint;
  checkpoint.chain = root.String("chain");
  if (root.Has("chain") && (checkpoint.chain.size() != kChainIdHexSize ||
                            !IsLowerHex(checkpoint.chain))) {
    root.Error("chain", "expected 32 lower-case hex digits");
  }
  std::string head = root.String("head");
  if (root.Has("head")) {
    auto hash = HashFromHex(head);
    if (hash.ok()) {
      checkpoint.head = *hash;
    } else {
      root.Error("head", "expected 64 lower-case hex digits");
    }
  }
  checkpoint.seq = static_cast<uint64_t>(root.Int("seq", 1, INT64_MAX));
  checkpoint.time_ms = root.Int("time", INT64_MIN, INT64_MAX);
  root.Finish();
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  return checkpoint;
}

}  // namespace piiguard::journal
