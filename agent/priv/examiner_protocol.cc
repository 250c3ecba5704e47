#include "agent/priv/examiner_protocol.h"

#include <array>
#include <cstring>
#include <utility>

namespace piiguard::priv {
namespace {

constexpr std::string_view kRequestMagic = "PGXQ";
constexpr std::string_view kReplyMagic = "PGXR";
constexpr std::string_view kHelloMagic = "PGXH";
constexpr uint8_t kVersion = 1;
constexpr uint8_t kTagVerdict = 0;
constexpr uint8_t kTagError = 1;
constexpr uint8_t kFlagExamined = 1;
constexpr uint8_t kFlagRoster = 2;
constexpr uint8_t kFlagPartial = 4;
constexpr uint8_t kFlagEarly = 8;
constexpr uint8_t kAllFlags = 15;

class Writer {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U16(uint16_t v) { Le(v, 2); }
  void U64(uint64_t v) { Le(v, 8); }
  void I32(int32_t v) { Le(static_cast<uint32_t>(v), 4); }
  void Bytes(std::string_view bytes) { out_.append(bytes); }
  // A string cut to kMaxReplyString at a UTF-8 boundary.
  void Str(std::string_view s) {
    if (s.size() > kMaxReplyString) {
      size_t n = kMaxReplyString;
      while (n > 0 && (static_cast<uint8_t>(s[n]) & 0xC0) == 0x80) --n;
      s = s.substr(0, n);
    }
    U16(static_cast<uint16_t>(s.size()));
    out_.append(s);
  }
  std::string Take() { return std::move(out_); }

 private:
  void Le(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
  }
  std::string out_;
};

// Reads from `bytes`; the first problem sticks (later reads return zeros).
class Reader {
 public:
  explicit Reader(std::string_view bytes) : in_(bytes) {}
  uint8_t U8() { return static_cast<uint8_t>(Le(1)); }
  uint16_t U16() { return static_cast<uint16_t>(Le(2)); }
  uint64_t U64() { return Le(8); }
  int32_t I32() { return static_cast<int32_t>(static_cast<uint32_t>(Le(4))); }
  bool Magic(std::string_view magic) {
    if (in_.substr(0, magic.size()) != magic) return Fail("bad magic");
    in_.remove_prefix(magic.size());
    return true;
  }
  std::string Str(std::string_view what) {
    const size_t size = U16();
    if (size > kMaxReplyString) return Fail(what, "too long"), std::string();
    if (size > in_.size()) return Fail("truncated"), std::string();
    std::string s(in_.substr(0, size));
    in_.remove_prefix(size);
    if (!IsUtf8(s)) return Fail(what, "not UTF-8"), std::string();
    return s;
  }
  bool Fail(std::string_view what, std::string_view reason = {}) {
    if (error_.empty()) {
      error_ = reason.empty() ? std::string(what)
                              : std::string(what) + ": " + std::string(reason);
    }
    in_ = {};
    return false;
  }
  // OK if every byte was read and nothing failed.
  Status Finish(std::string_view object) {
    if (error_.empty() && !in_.empty()) error_ = "trailing bytes";
    if (error_.empty()) return Status::Ok();
    return InvalidArgumentError("examiner", object, error_);
  }

 private:
  uint64_t Le(int bytes) {
    if (in_.size() < static_cast<size_t>(bytes)) {
      Fail("truncated");
      return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) {
      v |= uint64_t{static_cast<uint8_t>(in_[static_cast<size_t>(i)])}
           << (8 * i);
    }
    in_.remove_prefix(static_cast<size_t>(bytes));
    return v;
  }
  std::string_view in_;
  std::string error_;
};

// The length of the UTF-8 sequence starting with `lead` and the smallest
// and largest second byte it allows (RFC 3629's table); 0: not a lead.
int SequenceLength(uint8_t lead, uint8_t* low, uint8_t* high) {
  *low = 0x80;
  *high = 0xBF;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (lead == 0xE0) *low = 0xA0;
    if (lead == 0xED) *high = 0x9F;  // no surrogates
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (lead == 0xF0) *low = 0x90;
    if (lead == 0xF4) *high = 0x8F;  // not above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

bool IsUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    uint8_t low = 0;
    uint8_t high = 0;
    const int n = SequenceLength(static_cast<uint8_t>(text[i]), &low, &high);
    if (n == 0 || text.size() - i < static_cast<size_t>(n)) return false;
    for (int k = 1; k < n; ++k) {
      const auto b = static_cast<uint8_t>(text[i + static_cast<size_t>(k)]);
      if (b < (k == 1 ? low : 0x80) || b > (k == 1 ? high : 0xBF)) {
        return false;
      }
    }
    i += static_cast<size_t>(n);
  }
  return true;
}

std::string EncodeRequest(const ExamineRequest& request) {
  Writer w;
  w.Bytes(kRequestMagic);
  w.U8(kVersion);
  w.U8(static_cast<uint8_t>(request.source));
  w.U8(request.options.decide_early ? 1 : 0);
  w.U8(0);
  w.U64(request.options.min_rows);
  w.U64(request.options.max_input);
  w.U64(request.options.max_unpacked);
  w.U64(request.options.max_ratio);
  return w.Take();
}

Result<ExamineRequest> DecodeRequest(std::string_view bytes) {
  if (bytes.size() != kRequestSize) {
    return InvalidArgumentError("examiner", "request",
                                "size " + std::to_string(bytes.size()) +
                                    ", expected " +
                                    std::to_string(kRequestSize));
  }
  Reader r(bytes);
  ExamineRequest request;
  if (r.Magic(kRequestMagic) && r.U8() != kVersion) r.Fail("bad version");
  const uint8_t source = r.U8();
  if (source != static_cast<uint8_t>(Source::kSealedBytes) &&
      source != static_cast<uint8_t>(Source::kFile)) {
    r.Fail("bad source");
  }
  request.source = static_cast<Source>(source);
  const uint8_t early = r.U8();
  if (early > 1) r.Fail("bad decide_early");
  request.options.decide_early = early == 1;
  if (r.U8() != 0) r.Fail("reserved byte set");
  request.options.min_rows = r.U64();
  request.options.max_input = r.U64();
  request.options.max_unpacked = r.U64();
  request.options.max_ratio = r.U64();
  PIIGUARD_RETURN_IF_ERROR(r.Finish("request"));
  return request;
}

ExamineReply ReplyFor(const Result<roster::Verdict>& result) {
  ExamineReply reply;
  if (result.ok()) {
    reply.verdict = *result;
  } else {
    reply.error = std::string(result.status().message());
  }
  return reply;
}

std::string EncodeReply(const ExamineReply& reply) {
  Writer w;
  w.Bytes(kReplyMagic);
  w.U8(kVersion);
  if (!reply.verdict.has_value()) {
    w.U8(kTagError);
    w.Str(reply.error);
    return w.Take();
  }
  const roster::Verdict& v = *reply.verdict;
  w.U8(kTagVerdict);
  w.U8(static_cast<uint8_t>(
      (v.examined ? kFlagExamined : 0) | (v.roster ? kFlagRoster : 0) |
      (v.partial ? kFlagPartial : 0) | (v.early ? kFlagEarly : 0)));
  w.Str(v.format);
  w.Str(v.encoding);
  w.U64(v.rows);
  const size_t columns = std::min(v.columns.size(), kMaxReplyColumns);
  w.U8(static_cast<uint8_t>(columns));
  for (size_t i = 0; i < columns; ++i) {
    const roster::Column& c = v.columns[i];
    w.U8(static_cast<uint8_t>(c.kind));
    w.I32(c.index);
    w.U64(c.hits);
    w.Str(c.header);
  }
  w.Str(v.reason);
  return w.Take();
}

Result<ExamineReply> DecodeReply(std::string_view bytes) {
  if (bytes.size() > kMaxReplySize) {
    return InvalidArgumentError("examiner", "reply", "too large");
  }
  Reader r(bytes);
  ExamineReply reply;
  if (r.Magic(kReplyMagic) && r.U8() != kVersion) r.Fail("bad version");
  const uint8_t tag = r.U8();
  if (tag == kTagError) {
    reply.error = r.Str("error");
    PIIGUARD_RETURN_IF_ERROR(r.Finish("reply"));
    return reply;
  }
  if (tag != kTagVerdict) r.Fail("bad tag");
  roster::Verdict v;
  const uint8_t flags = r.U8();
  if ((flags & ~kAllFlags) != 0) r.Fail("unknown flags");
  v.examined = (flags & kFlagExamined) != 0;
  v.roster = (flags & kFlagRoster) != 0;
  v.partial = (flags & kFlagPartial) != 0;
  v.early = (flags & kFlagEarly) != 0;
  v.format = r.Str("format");
  v.encoding = r.Str("encoding");
  v.rows = r.U64();
  const size_t columns = r.U8();
  if (columns > kMaxReplyColumns) r.Fail("too many columns");
  for (size_t i = 0; i < columns; ++i) {
    roster::Column c;
    const uint8_t kind = r.U8();
    if (kind >= roster::kColumnKinds) r.Fail("bad column kind");
    c.kind = static_cast<roster::ColumnKind>(kind);
    c.index = r.I32();
    if (c.index < -1 || c.index > kMaxColumnIndex) r.Fail("bad column index");
    c.hits = r.U64();
    c.header = r.Str("header");
    v.columns.push_back(std::move(c));
  }
  v.reason = r.Str("reason");
  PIIGUARD_RETURN_IF_ERROR(r.Finish("reply"));
  reply.verdict = std::move(v);
  return reply;
}

std::string EncodeHello(std::string_view sandbox) {
  Writer w;
  w.Bytes(kHelloMagic);
  w.U8(kVersion);
  w.Str(sandbox);
  return w.Take();
}

Result<std::string> DecodeHello(std::string_view bytes) {
  Reader r(bytes);
  if (r.Magic(kHelloMagic) && r.U8() != kVersion) r.Fail("bad version");
  std::string sandbox = r.Str("sandbox");
  PIIGUARD_RETURN_IF_ERROR(r.Finish("hello"));
  return sandbox;
}

}  // namespace piiguard::priv
