#include "common/tls/enrolment.h"

#include <limits>

#include "common/crypto.h"
#include "common/json.h"
#include "common/json_reader.h"

namespace piiguard::tls {

std::string EnrolProofInput(std::string_view nonce_hex,
                            std::string_view tls_key_pem,
                            std::string_view chain_hex) {
  std::string out(kEnrolProofDomain);
  out.push_back('\0');
  out.append(nonce_hex);
  out.push_back('\0');
  auto digest = Sha256(tls_key_pem);
  out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  out.push_back('\0');
  out.append(chain_hex);
  return out;
}

namespace {

bool IsLowerHex(std::string_view text, size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsId(std::string_view id) {
  if (id.empty() || id.size() > 64 || id[0] == '.' || id[0] == '-') {
    return false;
  }
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void Check(const EnrolmentToken& token, JsonErrors& errors) {
  if (!token.consignee.empty() && !IsId(token.consignee)) {
    errors.Add("$.consignee",
               "expected 1 to 64 characters of A-Z a-z 0-9 . _ -");
  }
  if (!IsLowerHex(token.nonce, 32)) {
    errors.Add("$.nonce", "expected 32 lower-case hex digits");
  }
  if (!IsLowerHex(token.office_pin, 64)) {
    errors.Add("$.office_pin", "expected 64 lower-case hex digits");
  }
  if (token.office_url.rfind("https://", 0) != 0 ||
      token.office_url.size() <= 8) {
    errors.Add("$.office_url", "expected an https:// URL");
  }
  if (!IsId(token.pc)) {
    errors.Add("$.pc", "expected 1 to 64 characters of A-Z a-z 0-9 . _ -");
  }
  if (token.expires_ms <= 0) errors.Add("$.expires", "expected > 0");
}

}  // namespace

Result<std::string> EnrolmentTokenPayload(const EnrolmentToken& token) {
  JsonErrors errors("enrolment token");
  Check(token, errors);
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  Json json = {{"expires", token.expires_ms},
               {"nonce", token.nonce},
               {"office_pin", token.office_pin},
               {"office_url", token.office_url},
               {"pc", token.pc}};
  if (!token.consignee.empty()) json["consignee"] = token.consignee;
  return CanonicalJson(json, "enrolment token");
}

Result<EnrolmentToken> ParseEnrolmentTokenPayload(std::string_view payload) {
  PIIGUARD_ASSIGN_OR_RETURN(Json json,
                            ParseCanonicalJson(payload, "enrolment token"));
  JsonErrors errors("enrolment token");
  JsonReader reader(json, "$", errors);
  EnrolmentToken token;
  token.consignee = reader.OptionalString("consignee").value_or("");
  token.expires_ms =
      reader.Int("expires", 1, std::numeric_limits<int64_t>::max());
  token.nonce = reader.String("nonce");
  token.office_pin = reader.String("office_pin");
  token.office_url = reader.String("office_url");
  token.pc = reader.String("pc");
  reader.Finish();
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  Check(token, errors);
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  return token;
}

}  // namespace piiguard::tls
