// Detector: from a file's bytes to a verdict (detector.h). The format comes
// from the content; text goes through text_decode.h, office documents
// through office_doc.h, and both through the same patterns and analyzer.
#include "agent/roster/detector.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>

#include "agent/roster/analyzer.h"
#include "agent/roster/containers.h"
#include "agent/roster/office_doc.h"
#include "agent/roster/pattern_set.h"
#include "agent/roster/structured.h"
#include "agent/roster/text_decode.h"
#include "agent/roster/text_stream.h"

namespace piiguard::roster {
namespace {

// Text is scanned in pieces of whole lines of about this size, so the hits
// of one piece stay small and the piece stays in cache for the line pass.
constexpr size_t kChunk = size_t{1} << 20;
constexpr size_t kSample = size_t{64} * 1024;
// Archives inside archives: two are looked into (a csv.gz in a zip, a zip
// in a gzip), a third inside them is not (each level multiplies what a
// bomb can claim): an archive at depth d is opened while d + 1 < 3.
constexpr int kMaxNesting = 3;

std::string_view FormatFor(char delimiter) {
  switch (delimiter) {
    case '\0':
      return "text";
    case '\t':
      return "tsv";
    default:
      return "csv";
  }
}

// The end of the next chunk starting at `pos`: after the last newline in
// the next kChunk bytes, else after the next newline, else kMaxChunk bytes
// on (a line that long is cut; a cut never splits a UTF-8 character).
size_t ChunkEnd(std::string_view text, size_t pos) {
  size_t limit = std::min(text.size(), pos + kChunk);
  if (limit == text.size()) return limit;
  size_t nl = text.rfind('\n', limit - 1);
  if (nl != std::string_view::npos && nl >= pos) return nl + 1;
  size_t hard = std::min(text.size(), pos + kMaxChunk);
  nl = text.find('\n', limit);
  if (nl != std::string_view::npos && nl < hard) return nl + 1;
  while (hard > pos + 1 && hard < text.size() &&
         (static_cast<unsigned char>(text[hard]) & 0xC0) == 0x80) {
    --hard;
  }
  return hard;
}

class HyperscanDetector : public Detector {
 public:
  explicit HyperscanDetector(std::unique_ptr<PatternSet> set)
      : set_(std::move(set)) {}

  Result<Verdict> Examine(std::string_view bytes,
                          const Options& options) const override {
    return ExamineAt(bytes, options, 0);
  }

  Result<Verdict> ExamineAt(std::string_view bytes, const Options& options,
                            int depth) const {
    Verdict v;
    v.examined = true;
    if (bytes.size() > options.max_input) {
      bytes = bytes.substr(0, options.max_input);
      v.partial = true;
    }
    if (bytes.empty()) {
      v.format = "empty";
      v.reason = "no roster: empty file";
      return v;
    }
    if (LooksLikeZip(bytes)) return ExamineZip(bytes, options, v, depth);
    if (LooksLikeGzip(bytes)) return ExamineGzip(bytes, options, v, depth);
    if (LooksLikeOle2(bytes)) {
      if (IsEncryptedOle2(bytes)) {
        return NotExamined(v, "ole2",
                           "password-protected Office document (encrypted "
                           "package): its content cannot be read");
      }
      return NotExamined(v, "ole2", "legacy Office file (.xls/.doc): not read");
    }
    if (LooksLikePdf(bytes)) {
      if (IsEncryptedPdf(bytes)) {
        return NotExamined(v, "pdf",
                           "password-protected PDF: its text cannot be read");
      }
      return NotExamined(v, "pdf", "PDF file: its text is not read");
    }
    TextEncoding encoding = SniffEncoding(bytes);
    if (encoding == TextEncoding::kBinary) {
      v.format = "binary";
      v.reason = "no roster: binary data, no text";
      return v;
    }
    v.encoding = std::string(TextEncodingName(encoding));
    MemorySource source(bytes);
    return ExamineText(source, encoding, "", bytes, nullptr, options, v);
  }

  Result<Verdict> ExamineFd(int fd, const Options& options) const override {
    FdSource source(fd);
    std::string head(kSample, '\0');
    PIIGUARD_ASSIGN_OR_RETURN(size_t got, source.Read(head.data(), kSample));
    head.resize(got);
    TextEncoding encoding = SniffEncoding(head);
    bool text = !head.empty() && !LooksLikeZip(head) && !LooksLikeGzip(head) &&
                !LooksLikeOle2(head) && !LooksLikePdf(head) &&
                encoding != TextEncoding::kBinary;
    if (!text) {
      // Read whole (archives need random access), one byte past the limit
      // to know whether it is partial.
      PIIGUARD_RETURN_IF_ERROR(ReadRest(source, options, head));
      return ExamineAt(head, options, 0);
    }
    Verdict v;
    v.examined = true;
    v.encoding = std::string(TextEncodingName(encoding));
    auto read_whole = [fd, &options]() -> Result<std::string> {
      FdSource again(fd);
      std::string all;
      PIIGUARD_RETURN_IF_ERROR(ReadRest(again, options, all));
      return all;
    };
    return ExamineText(source, encoding, std::move(head), std::nullopt,
                       read_whole, options, v);
  }

 private:
  static Status ReadRest(ByteSource& source, const Options& options,
                         std::string& bytes) {
    size_t limit = options.max_input + 1;
    while (bytes.size() < limit) {
      size_t at = bytes.size();
      bytes.resize(std::min(limit, at + kReadSize));
      PIIGUARD_ASSIGN_OR_RETURN(
          size_t got, source.Read(bytes.data() + at, bytes.size() - at));
      bytes.resize(at + got);
      if (got == 0) break;
    }
    return Status::Ok();
  }

  // Text, piece by piece; an export (JSON, SQL...) is read whole and
  // converted. `whole` holds the file when it is already in memory.
  Result<Verdict> ExamineText(
      ByteSource& source, TextEncoding encoding, std::string head,
      std::optional<std::string_view> whole,
      const std::function<Result<std::string>()>& read_whole,
      const Options& options, Verdict& v) const {
    TextPieces pieces(source, encoding, std::move(head), options.max_input);
    PIIGUARD_ASSIGN_OR_RETURN(std::optional<std::string_view> first,
                              pieces.Next());
    std::string_view start = first.value_or("");
    if (SniffStructured(start) != Structured::kNone) {
      if (whole) return ExamineStructured(*whole, encoding, options, v);
      PIIGUARD_ASSIGN_OR_RETURN(std::string all, read_whole());
      return ExamineStructured(all, encoding, options, v);
    }
    char delimiter = ChooseDelimiter(start.substr(0, kSample));
    v.format = std::string(FormatFor(delimiter));
    Analyzer analyzer(RosterPatterns(), delimiter, options.min_rows);
    std::vector<Hit> hits;
    std::optional<std::string_view> piece = first;
    while (piece) {
      bool more = false;
      PIIGUARD_RETURN_IF_ERROR(
          AnalyzePiece(*piece, analyzer, hits, options, more));
      if (!more) {
        v.early = true;
        break;
      }
      PIIGUARD_ASSIGN_OR_RETURN(piece, pieces.Next());
    }
    v.partial = v.partial || pieces.partial();
    analyzer.Finish(v);
    return v;
  }

  // An export read whole: the table it holds, or (one this reader cannot
  // follow) its text as it is.
  Result<Verdict> ExamineStructured(std::string_view whole,
                                    TextEncoding encoding,
                                    const Options& options, Verdict& v) const {
    if (whole.size() > options.max_input) {
      whole = whole.substr(0, options.max_input);
      v.partial = true;
    }
    std::string storage;
    PIIGUARD_ASSIGN_OR_RETURN(std::string_view text,
                              DecodeText(whole, encoding, storage));
    if (Structured kind = SniffStructured(text); kind != Structured::kNone) {
      // An export (JSON, SQL, vCard, HTML, XML) read as the table it holds;
      // one this reader cannot follow is read as plain text below.
      Result<std::string> table =
          StructuredToTable(kind, text, options.max_input);
      if (table.ok()) {
        v.format = std::string(StructuredName(kind));
        PIIGUARD_RETURN_IF_ERROR(Analyze(*table, '\t', options, v));
        return v;
      }
    }
    char delimiter = ChooseDelimiter(text.substr(0, kSample));
    v.format = std::string(FormatFor(delimiter));
    PIIGUARD_RETURN_IF_ERROR(Analyze(text, delimiter, options, v));
    return v;
  }

  static Verdict NotExamined(Verdict& v, std::string format,
                             std::string reason) {
    v.examined = false;
    v.format = std::move(format);
    v.reason = std::move(reason);
    return v;
  }

  static DocLimits LimitsOf(const Options& options) {
    DocLimits limits;
    limits.max_unpacked = options.max_unpacked;
    limits.max_ratio = options.max_ratio;
    limits.max_text = options.max_input;
    return limits;
  }

  Result<Verdict> ExamineZip(std::string_view bytes, const Options& options,
                             Verdict& v, int depth) const {
    if (v.partial) {
      return NotExamined(v, "zip", "archive larger than the examined size");
    }
    Result<DocText> doc = ExtractOfficeText(bytes, LimitsOf(options));
    if (!doc.ok()) {
      const std::string why = doc.status().message();
      if (why.ends_with("not an office document")) {
        return ExamineArchive(bytes, options, v, depth);
      }
      if (why.ends_with("encrypted member refused")) {
        return NotExamined(v, "zip", "password-protected: " + why);
      }
      return NotExamined(v, "zip", why);
    }
    v.format = std::string(DocFormatName(doc->format));
    std::string storage;
    std::string_view text = doc->text;
    if (NeedsNfkc(text)) {
      PIIGUARD_ASSIGN_OR_RETURN(
          text, DecodeText(doc->text, TextEncoding::kUtf8, storage));
    }
    PIIGUARD_RETURN_IF_ERROR(Analyze(text, '\t', options, v));
    return v;
  }

  // A zip that is not an office document: each member in turn, the first
  // roster decides; a member that could not be examined makes the archive
  // not examined (it may hide a roster).
  Result<Verdict> ExamineArchive(std::string_view bytes, const Options& options,
                                 Verdict& v, int depth) const {
    if (depth + 1 >= kMaxNesting) {
      return NotExamined(v, "zip", "archive nested too deep");
    }
    std::optional<Verdict> found;
    std::string unexamined;
    size_t members = 0;
    Status failed = Status::Ok();
    Status listed = ForEachZipMember(
        bytes, LimitsOf(options),
        [&](std::string_view name, std::string_view data) {
          ++members;
          Result<Verdict> inner = ExamineAt(data, options, depth + 1);
          if (!inner.ok()) {
            failed = inner.status();
            return false;
          }
          if (inner->examined && inner->roster) {
            found = std::move(*inner);
            found->reason = "member " + std::string(name) + " (" +
                            found->format + "): " + found->reason;
            return false;
          }
          if (!inner->examined && unexamined.empty()) {
            unexamined = "member " + std::string(name) +
                         " not examined: " + inner->reason;
          }
          return true;
        });
    PIIGUARD_RETURN_IF_ERROR(failed);
    if (found) {
      found->format = "zip/" + found->format;
      found->encoding.clear();
      found->partial = found->partial || v.partial;
      return *found;
    }
    if (!listed.ok()) {
      const std::string& why = listed.message();
      return NotExamined(v, "zip",
                         why.ends_with("encrypted member refused")
                             ? "password-protected archive: " + why
                             : why);
    }
    if (!unexamined.empty()) return NotExamined(v, "zip", unexamined);
    v.format = "zip";
    v.reason = "no roster in " + std::to_string(members) + " archive members";
    return v;
  }

  Result<Verdict> ExamineGzip(std::string_view bytes, const Options& options,
                              Verdict& v, int depth) const {
    if (v.partial) {
      return NotExamined(v, "gzip", "archive larger than the examined size");
    }
    if (depth + 1 >= kMaxNesting) {
      return NotExamined(v, "gzip", "archive nested too deep");
    }
    Result<std::string> plain = Gunzip(bytes, LimitsOf(options));
    if (!plain.ok()) return NotExamined(v, "gzip", plain.status().message());
    PIIGUARD_ASSIGN_OR_RETURN(Verdict inner,
                              ExamineAt(*plain, options, depth + 1));
    inner.format = "gzip/" + inner.format;
    return inner;
  }

  // One piece of text (whole lines) into the analyzer; `more` is false once
  // the verdict is certain (Options::decide_early).
  Status AnalyzePiece(std::string_view text, Analyzer& analyzer,
                      std::vector<Hit>& hits, const Options& options,
                      bool& more) const {
    more = true;
    for (size_t pos = 0; pos < text.size();) {
      size_t end = ChunkEnd(text, pos);
      std::string_view chunk = text.substr(pos, end - pos);
      PIIGUARD_RETURN_IF_ERROR(set_->Scan(chunk, hits));
      analyzer.Feed(chunk, hits);
      pos = end;
      if (options.decide_early && analyzer.RosterCertain(kDecisivePeople)) {
        more = false;
        return Status::Ok();
      }
    }
    return Status::Ok();
  }

  Status Analyze(std::string_view text, char delimiter, const Options& options,
                 Verdict& v) const {
    Analyzer analyzer(RosterPatterns(), delimiter, options.min_rows);
    std::vector<Hit> hits;
    for (size_t pos = 0; pos < text.size();) {
      size_t end = ChunkEnd(text, pos);
      std::string_view chunk = text.substr(pos, end - pos);
      PIIGUARD_RETURN_IF_ERROR(set_->Scan(chunk, hits));
      analyzer.Feed(chunk, hits);
      pos = end;
      if (options.decide_early && pos < text.size() &&
          analyzer.RosterCertain(kDecisivePeople)) {
        v.early = true;
        break;
      }
    }
    analyzer.Finish(v);
    return Status::Ok();
  }

  std::unique_ptr<PatternSet> set_;
};

}  // namespace

// roster_db.cc (generated by roster_db_gen at build time).
extern const uint64_t kBuiltinDatabaseFingerprint;
extern const size_t kBuiltinDatabaseSize;
extern const unsigned char kBuiltinDatabase[];

Result<std::unique_ptr<Detector>> Detector::Create() {
  // The database built with the library; compiling is the fallback (a
  // Hyperscan that cannot load it), a second of start-up.
  std::string_view builtin(reinterpret_cast<const char*>(kBuiltinDatabase),
                           kBuiltinDatabaseSize);
  Result<std::unique_ptr<PatternSet>> set =
      PatternSet::Load(RosterPatterns(), builtin, kBuiltinDatabaseFingerprint);
  if (!set.ok()) set = PatternSet::Compile(RosterPatterns());
  PIIGUARD_RETURN_IF_ERROR(set.status());
  return std::unique_ptr<Detector>(new HyperscanDetector(std::move(*set)));
}

}  // namespace piiguard::roster
