// The scan report's format (scan_report.h, docs/scan-report.md): JSON in
// and out, the body's rules, and verification against the device key.
#include "common/scanreport/scan_report.h"

#include <array>
#include <limits>

#include "common/encoding.h"
#include "common/json.h"
#include "common/json_reader.h"
#include "common/signed_envelope.h"
#include "common/timestamp.h"

namespace piiguard::scanreport {
namespace {

constexpr std::string_view kContext = "scan report";
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
constexpr size_t kMaxText = 4096;  // a string field of a verdict

Status Invalid(std::string_view object, std::string_view reason) {
  return InvalidArgumentError(kContext, object, reason);
}

// Length of the valid UTF-8 sequence at text[i] (1..4), 0 if invalid.
size_t Utf8Length(std::string_view text, size_t i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) return 1;
  size_t len = 0;
  uint32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
  if (overlong || surrogate || cp > 0x10FFFF) return 0;
  // C1 controls (U+0080..U+009F) are encoded like C0 controls.
  if (len == 2 && cp < 0xA0) return 0;
  return len;
}

void AppendEscaped(std::string& out, unsigned char byte) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out.push_back('%');
  out.push_back(kHex[byte >> 4]);
  out.push_back(kHex[byte & 0x0F]);
}

std::string EncodeBytes(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size();) {
    const auto byte = static_cast<unsigned char>(raw[i]);
    size_t len = Utf8Length(raw, i);
    if (len == 0 || byte < 0x20 || byte == 0x7F || byte == '%') {
      AppendEscaped(out, byte);
      ++i;
      continue;
    }
    out.append(raw.substr(i, len));
    i += len;
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> DecodeBytes(std::string_view encoded) {
  std::string raw;
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] != '%') {
      raw.push_back(encoded[i]);
      continue;
    }
    if (i + 2 >= encoded.size()) return std::nullopt;
    int hi = HexValue(encoded[i + 1]);
    int lo = HexValue(encoded[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    raw.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return raw;
}

uint64_t Unsigned(JsonReader& r, std::string_view key) {
  return static_cast<uint64_t>(r.Int(key, 0, kMaxInt));
}

Json ToInt(uint64_t value) {
  // Counts stay below 2^63 (the readers' range).
  return static_cast<int64_t>(value);
}

Json OptionsJson(const ScanOptions& o) {
  return Json{{"min_rows", ToInt(o.min_rows)},
              {"max_input", ToInt(o.max_input)},
              {"max_unpacked", ToInt(o.max_unpacked)},
              {"max_ratio", ToInt(o.max_ratio)}};
}

Counts ReadCounts(JsonReader r) {
  Counts c;
  c.files = Unsigned(r, "files");
  c.dirs = Unsigned(r, "dirs");
  c.bytes = Unsigned(r, "bytes");
  c.rosters = Unsigned(r, "rosters");
  c.partial = Unsigned(r, "partial");
  c.not_examined = Unsigned(r, "not_examined");
  c.symlinks = Unsigned(r, "symlinks");
  c.special = Unsigned(r, "special");
  c.mounts = Unsigned(r, "mounts");
  r.Finish();
  return c;
}

ScanOptions ReadOptions(JsonReader r) {
  ScanOptions o;
  o.min_rows = Unsigned(r, "min_rows");
  o.max_input = Unsigned(r, "max_input");
  o.max_unpacked = Unsigned(r, "max_unpacked");
  o.max_ratio = Unsigned(r, "max_ratio");
  r.Finish();
  return o;
}

bool ShortText(const std::string& text) { return text.size() <= kMaxText; }

// The detector's verdict JSON (agent/roster/verdict.cc ToJson): the fields
// and their types; the column kinds are names, not a closed list, so a new
// kind in the detector does not break older readers' strictness.
void CheckVerdict(const Json& json, const std::string& path,
                  JsonErrors& errors) {
  JsonReader r(json, path, errors);
  if (!r.Bool("examined")) r.Error("examined", "a finding must be examined");
  if (!r.Bool("roster")) r.Error("roster", "a finding must be a roster");
  (void)r.Bool("partial");
  (void)r.Bool("early");
  for (const char* key : {"format", "encoding", "reason"}) {
    if (!ShortText(r.String(key))) r.Error(key, "too long");
  }
  (void)r.Int("people", 0, kMaxInt);
  r.Array("columns", true, [&](const Json& col, const std::string& at) {
    JsonReader c(col, at, errors);
    std::string kind = c.String("kind");
    bool name_ok = !kind.empty() && kind.size() <= 32;
    for (char ch : kind)
      name_ok = name_ok && ((ch >= 'a' && ch <= 'z') || ch == '_');
    if (!name_ok) c.Error("kind", "expected a column kind name");
    (void)c.Int("hits", 0, kMaxInt);
    (void)c.OptionalInt("column", 1, kMaxInt);
    std::optional<std::string> header = c.OptionalString("header");
    if (header && !ShortText(*header)) c.Error("header", "too long");
    c.Finish();
  });
  r.Finish();
}

std::vector<std::string> ReadPaths(JsonReader& r, std::string_view key) {
  return r.StringArray(key, true);
}

// Each list as long as its count, up to kMaxListed.
bool ListMatches(size_t listed, uint64_t count) {
  return listed == (count > kMaxListed ? kMaxListed : count);
}

bool GoodPath(const std::string& path) {
  return !path.empty() && path[0] == '/' && IsEncodedPath(path);
}

template <typename T, typename Key>
Status CheckList(const std::vector<T>& list, uint64_t count, Key key,
                 std::string_view name) {
  if (!ListMatches(list.size(), count)) {
    return Invalid(std::string("$.") + std::string(name),
                   "does not match its count");
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string& path = key(list[i]);
    if (!GoodPath(path)) {
      return Invalid(ElementPath("$." + std::string(name), i),
                     "not an absolute path in report form");
    }
    if (i > 0 && !(key(list[i - 1]) < path)) {
      return Invalid(ElementPath("$." + std::string(name), i),
                     "not sorted or repeated");
    }
  }
  return Status::Ok();
}

bool IsLowerHex(std::string_view text, size_t size) {
  if (text.size() != size) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsTime(const std::string& text) { return ParseRfc3339(text).ok(); }

Status Mismatch(std::string_view field) {
  return Invalid(field, "differs between the attestation and the body");
}

}  // namespace

Json CountsJson(const Counts& c) {
  return Json{
      {"files", ToInt(c.files)},       {"dirs", ToInt(c.dirs)},
      {"bytes", ToInt(c.bytes)},       {"rosters", ToInt(c.rosters)},
      {"partial", ToInt(c.partial)},   {"not_examined", ToInt(c.not_examined)},
      {"symlinks", ToInt(c.symlinks)}, {"special", ToInt(c.special)},
      {"mounts", ToInt(c.mounts)}};
}

Result<Counts> ParseCounts(const Json& value, std::string_view context) {
  JsonErrors errors{std::string(context)};
  Counts counts = ReadCounts(JsonReader(value, "$", errors));
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  return counts;
}

bool IsClean(const Counts& counts, uint64_t uid) {
  return counts.rosters == 0 && counts.not_examined == 0 && uid == 0;
}

Json BodyJson(const Body& b) {
  Json findings = Json::array();
  for (const Finding& f : b.findings) {
    findings.push_back(Json{{"path", f.path}, {"verdict", f.verdict}});
  }
  Json unexamined = Json::array();
  for (const Unexamined& u : b.not_examined) {
    unexamined.push_back(Json{{"path", u.path}, {"reason", u.reason}});
  }
  return Json{{"version", b.version},
              {"pc", b.pc},
              {"device_key", b.device_key},
              {"started", b.started},
              {"finished", b.finished},
              {"uid", ToInt(b.uid)},
              {"user", b.user},
              {"paths", b.paths},
              {"full", b.full},
              {"options", OptionsJson(b.options)},
              {"counts", CountsJson(b.counts)},
              {"findings", std::move(findings)},
              {"not_examined", std::move(unexamined)},
              {"partial", b.partial},
              {"mounts", b.mounts},
              {"clean", b.clean}};
}

Status CheckBody(const Body& b) {
  if (b.version != kVersion) return Invalid("$.version", "expected 1");
  if (!b.device_key.empty() && !IsLowerHex(b.device_key, 64)) {
    return Invalid("$.device_key", "expected 64 lower-case hex digits");
  }
  if (!IsTime(b.started)) return Invalid("$.started", "not an RFC 3339 time");
  if (!IsTime(b.finished)) {
    return Invalid("$.finished", "not an RFC 3339 time");
  }
  if (b.paths.empty()) return Invalid("$.paths", "empty");
  for (size_t i = 0; i < b.paths.size(); ++i) {
    if (!GoodPath(b.paths[i])) {
      return Invalid(ElementPath("$.paths", i),
                     "not an absolute path in report form");
    }
  }
  auto self = [](const std::string& s) -> const std::string& { return s; };
  PIIGUARD_RETURN_IF_ERROR(CheckList(
      b.findings, b.counts.rosters,
      [](const Finding& f) -> const std::string& { return f.path; },
      "findings"));
  PIIGUARD_RETURN_IF_ERROR(CheckList(
      b.not_examined, b.counts.not_examined,
      [](const Unexamined& u) -> const std::string& { return u.path; },
      "not_examined"));
  PIIGUARD_RETURN_IF_ERROR(
      CheckList(b.partial, b.counts.partial, self, "partial"));
  PIIGUARD_RETURN_IF_ERROR(
      CheckList(b.mounts, b.counts.mounts, self, "mounts"));
  JsonErrors errors{std::string(kContext)};
  for (size_t i = 0; i < b.findings.size(); ++i) {
    CheckVerdict(b.findings[i].verdict,
                 ElementPath("$.findings", i) + ".verdict", errors);
  }
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  for (size_t i = 0; i < b.not_examined.size(); ++i) {
    const std::string& reason = b.not_examined[i].reason;
    if (reason.empty() || !ShortText(reason)) {
      return Invalid(ElementPath("$.not_examined", i) + ".reason",
                     "empty or too long");
    }
  }
  if (b.clean != IsClean(b.counts, b.uid)) {
    return Invalid("$.clean", "does not follow from the counts and the uid");
  }
  return Status::Ok();
}

Result<std::string> CanonicalBody(const Body& body) {
  PIIGUARD_RETURN_IF_ERROR(CheckBody(body));
  return CanonicalJson(BodyJson(body), "scan report: body");
}

Result<Body> ParseBody(const Json& value) {
  JsonErrors errors{std::string(kContext)};
  JsonReader r(value, "$", errors);
  Body b;
  b.version = r.Int("version", 0, kMaxInt);
  b.pc = r.String("pc");
  b.device_key = r.String("device_key");
  b.started = r.String("started");
  b.finished = r.String("finished");
  b.uid = Unsigned(r, "uid");
  b.user = r.String("user");
  b.paths = ReadPaths(r, "paths");
  b.full = r.Bool("full");
  b.options = ReadOptions(r.Object("options"));
  b.counts = ReadCounts(r.Object("counts"));
  r.Array("findings", true, [&](const Json& json, const std::string& at) {
    JsonReader f(json, at, errors);
    Finding finding;
    finding.path = f.String("path");
    // Marked read and checked to be an object here; CheckBody checks its
    // fields (CheckVerdict).
    (void)f.Object("verdict");
    if (json.is_object() && json.contains("verdict")) {
      finding.verdict = json["verdict"];
    }
    f.Finish();
    b.findings.push_back(std::move(finding));
  });
  r.Array("not_examined", true, [&](const Json& json, const std::string& at) {
    JsonReader u(json, at, errors);
    Unexamined entry;
    entry.path = u.String("path");
    entry.reason = u.String("reason");
    u.Finish();
    b.not_examined.push_back(std::move(entry));
  });
  b.partial = ReadPaths(r, "partial");
  b.mounts = ReadPaths(r, "mounts");
  b.clean = r.Bool("clean");
  r.Finish();
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  PIIGUARD_RETURN_IF_ERROR(CheckBody(b));
  return b;
}

Json AttestationJson(const Attestation& a) {
  return Json{{"body_sha256", a.body_sha256},
              {"counts", CountsJson(a.counts)},
              {"full", a.full},
              {"clean", a.clean},
              {"uid", ToInt(a.uid)},
              {"user", a.user},
              {"pc", a.pc},
              {"time", a.time},
              {"journal_seq", ToInt(a.journal_seq)}};
}

Result<Attestation> ParseAttestation(std::string_view payload) {
  PIIGUARD_ASSIGN_OR_RETURN(
      Json json, ParseCanonicalJson(payload, "scan report: attestation"));
  JsonErrors errors{"scan report: attestation"};
  JsonReader r(json, "$", errors);
  Attestation a;
  a.body_sha256 = r.String("body_sha256");
  a.counts = ReadCounts(r.Object("counts"));
  a.full = r.Bool("full");
  a.clean = r.Bool("clean");
  a.uid = Unsigned(r, "uid");
  a.user = r.String("user");
  a.pc = r.String("pc");
  a.time = r.String("time");
  a.journal_seq = Unsigned(r, "journal_seq");
  r.Finish();
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  if (!IsLowerHex(a.body_sha256, 64)) {
    return Invalid("attestation: $.body_sha256", "expected 64 hex digits");
  }
  if (!IsTime(a.time)) {
    return Invalid("attestation: $.time", "not an RFC 3339 time");
  }
  if (a.clean != IsClean(a.counts, a.uid)) {
    return Invalid("attestation: $.clean",
                   "does not follow from the counts and the uid");
  }
  return a;
}

Result<std::string> SerializeReport(const Report& report) {
  if (report.attestation.has_value() == !report.unsigned_reason.empty()) {
    return Invalid("report", "must be either signed or unsigned with a reason");
  }
  PIIGUARD_RETURN_IF_ERROR(CheckBody(report.body));
  Json json = {{"body", BodyJson(report.body)}};
  if (report.attestation) {
    json["attestation"] = *report.attestation;
  } else {
    json["unsigned"] = report.unsigned_reason;
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string text, CanonicalJson(json, kContext));
  text.push_back('\n');
  if (text.size() > kMaxReportBytes) return Invalid("report", "too large");
  return text;
}

Result<Report> ParseReport(std::string_view bytes) {
  if (bytes.size() > kMaxReportBytes) return Invalid("report", "too large");
  if (bytes.empty() || bytes.back() != '\n') {
    return Invalid("report", "must end with one line feed");
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      Json json,
      ParseCanonicalJson(bytes.substr(0, bytes.size() - 1), kContext));
  JsonErrors errors{std::string(kContext)};
  JsonReader r(json, "$", errors);
  Report report;
  report.attestation = r.OptionalString("attestation");
  std::optional<std::string> why = r.OptionalString("unsigned");
  const Json* body = nullptr;
  if (json.is_object() && json.contains("body")) body = &json["body"];
  (void)r.Object("body");  // read below by ParseBody
  r.Finish();
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  if (report.attestation.has_value() == why.has_value()) {
    return Invalid("$", R"(expected either "attestation" or "unsigned")");
  }
  if (why) {
    if (why->empty()) return Invalid("$.unsigned", "empty reason");
    report.unsigned_reason = *why;
  }
  PIIGUARD_ASSIGN_OR_RETURN(report.body, ParseBody(*body));
  return report;
}

Result<Attestation> VerifyReport(const Report& report,
                                 const Ed25519PublicKey& device_key) {
  if (!report.attestation) {
    return FailedPreconditionError(kContext, "attestation",
                                   "unsigned: " + report.unsigned_reason);
  }
  PIIGUARD_ASSIGN_OR_RETURN(SignedEnvelope envelope,
                            ParseSignedEnvelope(*report.attestation));
  std::array<Ed25519PublicKey, 1> trusted{device_key};
  Result<size_t> signer =
      VerifySignedEnvelope(envelope, kAttestationType, trusted);
  if (!signer.ok()) return signer.status().Annotate("scan report: attestation");
  PIIGUARD_ASSIGN_OR_RETURN(Attestation a, ParseAttestation(envelope.payload));
  PIIGUARD_ASSIGN_OR_RETURN(std::string body, CanonicalBody(report.body));
  if (a.body_sha256 != Sha256Hex(body)) {
    return Invalid("body", "its SHA-256 is not the one the device signed");
  }
  const Body& b = report.body;
  if (a.counts != b.counts) return Mismatch("counts");
  if (a.full != b.full) return Mismatch("full");
  if (a.clean != b.clean) return Mismatch("clean");
  if (a.uid != b.uid) return Mismatch("uid");
  if (a.pc != b.pc) return Mismatch("pc");
  if (b.device_key != HexEncode(device_key.raw())) {
    return Invalid("$.device_key", "names another device key");
  }
  return a;
}

std::string DescribeVerified(const Attestation& a, Lang lang) {
  std::string out =
      Message(lang, MsgId::kScanVerified,
              {a.pc, a.time, a.user.empty() ? "?" : a.user,
               std::to_string(a.uid), std::to_string(a.journal_seq)});
  out += "\n";
  if (a.clean) {
    out += Message(lang, MsgId::kScanVerifiedClean, {});
  } else {
    out += Message(lang, MsgId::kScanVerifiedNotClean,
                   {std::to_string(a.counts.rosters),
                    std::to_string(a.counts.not_examined)});
  }
  out += "\n";
  return out;
}

std::string EncodePath(std::string_view raw) {
  if (raw.size() <= kMaxPathBytes) return EncodeBytes(raw);
  // Back to the start of the character at the cut (at most three bytes:
  // a run of stray continuation bytes is not a character to keep whole).
  size_t cut = kMaxPathBytes;
  while (cut > kMaxPathBytes - 3 &&
         (static_cast<unsigned char>(raw[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return EncodeBytes(raw.substr(0, cut)) + "%00";
}

bool IsEncodedPath(std::string_view encoded) {
  std::optional<std::string> raw = DecodeBytes(encoded);
  if (!raw) return false;
  std::string_view tail;
  std::string_view path = *raw;
  if (path.ends_with('\0')) {
    path.remove_suffix(1);
    tail = "%00";
  }
  if (path.size() > kMaxPathBytes || path.find('\0') != std::string::npos) {
    return false;
  }
  // Only a path longer than kMaxPathBytes is cut, and at most three bytes
  // before that length.
  if (!tail.empty() && path.size() < kMaxPathBytes - 3) return false;
  return EncodeBytes(path) + std::string(tail) == encoded;
}

}  // namespace piiguard::scanreport
