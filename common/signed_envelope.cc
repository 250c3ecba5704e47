#include "common/signed_envelope.h"

#include <charconv>

#include "common/encoding.h"

namespace piiguard {
namespace {

constexpr std::string_view kMagic = "piiguard-signed/1";
constexpr std::string_view kContext = "signed file";

bool ValidType(std::string_view type) {
  if (type.empty() || type.size() > 32) return false;
  for (char c : type) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Reads "<name>: <value>\n" at `pos`; advances `pos` past the newline.
Result<std::string_view> Field(std::string_view bytes, size_t& pos,
                               std::string_view name) {
  std::string prefix(name);
  prefix += ": ";
  if (bytes.substr(pos, prefix.size()) != prefix) {
    return InvalidArgumentError(kContext, "header",
                                "expected \"" + std::string(name) + "\" line");
  }
  size_t start = pos + prefix.size();
  size_t end = bytes.find('\n', start);
  if (end == std::string_view::npos || end - start > 256) {
    return InvalidArgumentError(kContext, name, "line is not terminated");
  }
  pos = end + 1;
  return bytes.substr(start, end - start);
}

Result<size_t> ParseLength(std::string_view text) {
  size_t length = 0;
  auto [ptr, ec] =
      std::from_chars(text.data(), text.data() + text.size(), length);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty() ||
      (text.size() > 1 && text[0] == '0') || length > kMaxEnvelopeSize) {
    return InvalidArgumentError(kContext, "length", "not a valid length");
  }
  return length;
}

}  // namespace

Result<SignedEnvelope> ParseSignedEnvelope(std::string_view bytes) {
  if (bytes.size() > kMaxEnvelopeSize) {
    return InvalidArgumentError(kContext, "", "larger than 16 MiB");
  }
  std::string magic_line(kMagic);
  magic_line += '\n';
  if (bytes.substr(0, magic_line.size()) != magic_line) {
    return InvalidArgumentError(kContext, "",
                                "not a piiguard signed file (bad first line)");
  }
  size_t pos = magic_line.size();
  SignedEnvelope env;
  PIIGUARD_ASSIGN_OR_RETURN(std::string_view type, Field(bytes, pos, "type"));
  if (!ValidType(type))
    return InvalidArgumentError(kContext, "type", "invalid");
  env.type = type;
  PIIGUARD_ASSIGN_OR_RETURN(std::string_view key, Field(bytes, pos, "key"));
  if (key.size() != 64 || !HexDecode(key).ok()) {
    return InvalidArgumentError(kContext, "key",
                                "expected 64 lower-case hex digits");
  }
  env.key_id = key;
  PIIGUARD_ASSIGN_OR_RETURN(std::string_view sig,
                            Field(bytes, pos, "signature"));
  Result<std::string> raw_sig = Base64Decode(sig);
  if (!raw_sig.ok() || raw_sig->size() != kEd25519SignatureSize) {
    return InvalidArgumentError(kContext, "signature",
                                "expected base64 of 64 bytes");
  }
  env.signature = std::move(raw_sig).value();
  PIIGUARD_ASSIGN_OR_RETURN(std::string_view len_text,
                            Field(bytes, pos, "length"));
  PIIGUARD_ASSIGN_OR_RETURN(size_t length, ParseLength(len_text));
  if (bytes.substr(pos, 1) != "\n") {
    return InvalidArgumentError(kContext, "header", "expected an empty line");
  }
  ++pos;
  if (bytes.size() - pos != length + 1 || bytes.back() != '\n') {
    return InvalidArgumentError(
        kContext, "payload",
        "length does not match (file truncated or extended)");
  }
  env.payload = bytes.substr(pos, length);
  return env;
}

std::string SerializeSignedEnvelope(const SignedEnvelope& envelope) {
  std::string out(kMagic);
  out += "\ntype: " + envelope.type;
  out += "\nkey: " + envelope.key_id;
  out += "\nsignature: " + Base64Encode(envelope.signature);
  out += "\nlength: " + std::to_string(envelope.payload.size());
  out += "\n\n";
  out += envelope.payload;
  out += '\n';
  return out;
}

std::string SignatureInput(std::string_view type, std::string_view payload) {
  std::string input(kMagic);
  input += '\0';
  input += type;
  input += '\0';
  input += payload;
  return input;
}

Result<SignedEnvelope> SignEnvelope(std::string_view type, std::string payload,
                                    const Ed25519PrivateKey& key) {
  if (!ValidType(type)) return InvalidArgumentError("sign", "type", "invalid");
  if (payload.size() > kMaxEnvelopeSize - 1024) {
    return InvalidArgumentError("sign", "payload", "larger than 16 MiB");
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string sig,
                            key.Sign(SignatureInput(type, payload)));
  return SignedEnvelope{std::string(type), key.PublicKey().KeyId(),
                        std::move(sig), std::move(payload)};
}

bool IsTrustedKeyId(std::span<const Ed25519PublicKey> trusted,
                    std::string_view key_id) {
  for (const Ed25519PublicKey& key : trusted) {
    if (key.KeyId() == key_id) return true;
  }
  return false;
}

Result<size_t> VerifySignedEnvelope(const SignedEnvelope& envelope,
                                    std::string_view expected_type,
                                    std::span<const Ed25519PublicKey> trusted) {
  if (envelope.type != expected_type) {
    return InvalidArgumentError(kContext, "type",
                                "is \"" + envelope.type + "\", expected \"" +
                                    std::string(expected_type) + "\"");
  }
  for (size_t i = 0; i < trusted.size(); ++i) {
    if (trusted[i].KeyId() != envelope.key_id) continue;
    if (!trusted[i].Verify(SignatureInput(envelope.type, envelope.payload),
                           envelope.signature)) {
      return UnauthenticatedError(kContext, "signature",
                                  "does not verify (the file was altered or "
                                  "not signed by this key)");
    }
    return i;
  }
  return UnauthenticatedError(kContext, "key " + envelope.key_id.substr(0, 16),
                              "signer is not a trusted key");
}

}  // namespace piiguard
