// Detector: from a file's bytes to a verdict (detector.h). The format comes
// from the content; text goes through text_decode.h, office documents
// through office_doc.h, and both through the same patterns and analyzer.
#include "agent/roster/detector.h"

#include <algorithm>
#include <cstring>

#include "agent/roster/analyzer.h"
#include "agent/roster/office_doc.h"
#include "agent/roster/pattern_set.h"
#include "agent/roster/text_decode.h"

namespace piiguard::roster {
namespace {

// Text is scanned in pieces of whole lines of about this size, so the hits
// of one piece stay small and the piece stays in cache for the line pass.
constexpr size_t kChunk = size_t{1} << 20;
constexpr size_t kSample = size_t{64} * 1024;

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
    if (LooksLikeZip(bytes)) return ExamineZip(bytes, options, v);
    if (bytes.starts_with("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
      return NotExamined(v, "ole2", "legacy Office file (.xls/.doc)");
    }
    if (bytes.starts_with("%PDF-")) return NotExamined(v, "pdf", "PDF file");
    TextEncoding encoding = SniffEncoding(bytes);
    if (encoding == TextEncoding::kBinary) {
      v.format = "binary";
      v.reason = "no roster: binary data, no text";
      return v;
    }
    v.encoding = std::string(TextEncodingName(encoding));
    std::string storage;
    PIIGUARD_ASSIGN_OR_RETURN(std::string_view text,
                              DecodeText(bytes, encoding, storage));
    char delimiter = ChooseDelimiter(text.substr(0, kSample));
    v.format = std::string(FormatFor(delimiter));
    PIIGUARD_RETURN_IF_ERROR(Analyze(text, delimiter, options, v));
    return v;
  }

 private:
  static Verdict NotExamined(Verdict& v, std::string format,
                             std::string reason) {
    v.examined = false;
    v.format = std::move(format);
    v.reason = std::move(reason);
    return v;
  }

  Result<Verdict> ExamineZip(std::string_view bytes, const Options& options,
                             Verdict& v) const {
    if (v.partial) {
      return NotExamined(v, "zip", "archive larger than the examined size");
    }
    DocLimits limits;
    limits.max_unpacked = options.max_unpacked;
    limits.max_ratio = options.max_ratio;
    limits.max_text = options.max_input;
    Result<DocText> doc = ExtractOfficeText(bytes, limits);
    if (!doc.ok()) return NotExamined(v, "zip", doc.status().message());
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

Result<std::unique_ptr<Detector>> Detector::Create() {
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<PatternSet> set,
                            PatternSet::Compile(RosterPatterns()));
  return std::unique_ptr<Detector>(new HyperscanDetector(std::move(set)));
}

}  // namespace piiguard::roster
