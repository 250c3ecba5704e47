// Internal pieces of the office document reader (office_doc.h); no other
// module includes this header. The zip layer (office_zip.cc) inflates a
// member in chunks and enforces the size and ratio limits; the XML layer
// (office_xml.cc) streams each chunk through expat, refuses DTDs and bounds
// depth and token size; TableWriter (office_table.cc) lays out the text and
// enforces the cell and text limits; one file per format reads the parts
// (office_xlsx.cc with office_xlsx_sheet.cc, office_ods.cc,
// office_docx.cc). docs/detector.md,
// "Office documents", describes the behaviour.
//
// Thread-safety: every object here is used by one thread at a time.
#ifndef PIIGUARD_AGENT_ROSTER_OFFICE_INTERNAL_H_
#define PIIGUARD_AGENT_ROSTER_OFFICE_INTERNAL_H_

#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/roster/office_doc.h"
#include "common/result.h"
#include "common/status.h"

namespace piiguard::roster::office {

inline constexpr size_t kChunk = size_t{64} * 1024;  // zip_fread size
// A member may always inflate to ratio x packed + this, so small members
// (a 200-byte rels file of zeros) are never called bombs.
inline constexpr size_t kRatioFloor = size_t{1} << 20;
inline constexpr size_t kMaxMembers = 65536;  // zip entries in an archive
// Bytes expat may buffer for one token (a start tag with its attributes, a
// comment): more means a hostile part, as real tokens are a few KiB.
inline constexpr size_t kMaxXmlToken = size_t{8} << 20;

// An error of a part: "context: part: reason" (kInvalidArgument).
Status PartError(std::string_view context, std::string_view part,
                 std::string_view reason);

// zip_error_t with its destructor.
class ZipError {
 public:
  ZipError() { zip_error_init(&error_); }
  ~ZipError() { zip_error_fini(&error_); }
  ZipError(const ZipError&) = delete;
  ZipError& operator=(const ZipError&) = delete;

  zip_error_t* get() { return &error_; }
  std::string Reason() { return zip_error_strerror(&error_); }

 private:
  zip_error_t error_;
};

// The archive's bytes as libzip reads them, counting every byte read.
struct CountingReader {
  explicit CountingReader(std::string_view archive) : bytes(archive) {}
  std::string_view bytes;
  uint64_t offset = 0;
  uint64_t read = 0;  // bytes handed to libzip so far
  ZipError error;
};

// A read-only zip archive over caller-owned bytes (they must outlive it).
class ZipArchive {
 public:
  using Sink = std::function<Status(std::string_view chunk)>;

  // "zip: corrupt archive: <libzip's reason>" if libzip cannot open it;
  // "zip: too many members" past kMaxMembers.
  static Result<ZipArchive> Open(std::string_view bytes,
                                 const DocLimits& limits);

  // The index of member `name`: an exact match, else an ASCII
  // case-insensitive one (OPC part names ignore case).
  std::optional<uint64_t> Find(const std::string& name) const;
  uint64_t members() const { return members_; }
  std::string Name(uint64_t index) const;  // "" if unnamed

  // Inflates member `index`, handing each chunk to `sink` in order; stops
  // at the first error of the sink. Counts the bytes actually produced:
  // fails (naming `context` and the part) once all reads together pass
  // limits.max_unpacked, or this member's output passes max_ratio x the
  // packed bytes libzip has read for it so far + kRatioFloor (the headers'
  // sizes are never used); refuses encrypted members and methods other
  // than store and deflate; a damaged member (bad CRC, truncated) is an
  // error.
  Status Read(uint64_t index, std::string_view context, const Sink& sink);

  // Reads a member of at most `max_size` bytes whole; nullopt if larger.
  Result<std::optional<std::string>> ReadSmall(uint64_t index,
                                               std::string_view context,
                                               size_t max_size);

  size_t unpacked() const { return unpacked_; }

 private:
  struct Discard {
    void operator()(zip_t* zip) const { zip_discard(zip); }
  };
  ZipArchive(std::unique_ptr<CountingReader> reader, zip_t* zip,
             const DocLimits& limits);

  std::unique_ptr<CountingReader> reader_;  // outlives zip_
  std::unique_ptr<zip_t, Discard> zip_;
  uint64_t members_ = 0;
  size_t max_unpacked_ = 0;
  size_t max_ratio_ = 0;
  size_t unpacked_ = 0;
  std::string buffer_;
};

// The namespaces the readers look at; strict and transitional OOXML map to
// the same value.
enum class Ns : uint8_t {
  kNone,  // no namespace (OOXML's unprefixed attributes)
  kOther,
  kSml,        // spreadsheetml main
  kOfficeRel,  // officeDocument relationships (r:id)
  kPkgRel,     // package relationships (.rels)
  kWml,        // wordprocessingml main
  kMc,         // markup compatibility
  kOdfOffice,
  kOdfTable,
  kOdfText,
};

struct XmlName {
  Ns ns = Ns::kNone;
  std::string_view local;
  bool Is(Ns n, std::string_view l) const { return ns == n && local == l; }
};

struct XmlElement {
  XmlName name;
  const char** attrs = nullptr;  // expat's name/value pairs, null-ended
  // The value of attribute (ns, local), or nullopt.
  std::optional<std::string_view> Attr(Ns ns, std::string_view local) const;
};

// Receives the events of one part. A handler stops the parse with Fail().
class XmlHandler {
 public:
  enum class Next { kDescend, kSkip };  // kSkip: ignore the whole subtree
  virtual ~XmlHandler() = default;

  virtual Next Start(const XmlElement& element) = 0;
  virtual void End(const XmlName& name) = 0;
  virtual void Text(std::string_view text) = 0;

  // Records the first failure; the parse stops after the current event.
  void Fail(std::string reason) {
    if (reason_.empty()) reason_ = std::move(reason);
  }
  void Fail(const Status& status) {
    if (!status.ok()) Fail(status.message());
  }
  bool failed() const { return !reason_.empty(); }
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

// Streams member `index` (named `part`) through expat into `handler`:
// namespaces resolved, mc:Fallback subtrees skipped, any DOCTYPE or entity
// declaration refused, depth over limits.max_depth and tokens over
// kMaxXmlToken refused. Errors read "context: part: reason".
Status ParseXmlPart(ZipArchive& zip, uint64_t index, std::string_view context,
                    std::string_view part, const DocLimits& limits,
                    XmlHandler& handler);

// Lays the text out (office_doc.h) and enforces max_cells and max_text.
// Errors carry only the reason; the caller names the part.
class TableWriter {
 public:
  explicit TableWriter(const DocLimits& limits)
      : max_cells_(limits.max_cells), max_text_(limits.max_text) {}

  // Starts a row (ending one left open).
  Status BeginRow();
  // `count` empty fields: written only if a non-empty cell follows them in
  // the row (trailing empties cost nothing, however many).
  void AddEmpty(size_t count);
  // A cell repeated `repeat` times; empty text is AddEmpty(repeat). Checks
  // both limits before writing anything.
  Status AddCell(std::string_view text, size_t repeat = 1);
  // Ends the row, repeated `repeat` times; a row without a non-empty cell
  // writes nothing (never an empty line: an empty line ends a table).
  Status EndRow(size_t repeat = 1);
  // The empty line after a sheet or table (ending a row left open).
  Status EndTable();
  // One line of free text (a DOCX paragraph); nothing if empty. Ends a row
  // left open.
  Status AddLine(std::string_view text);
  // Appends `more` to a text being collected (a cell, a paragraph), failing
  // if it could no longer fit in the result.
  Status Collect(std::string& buffer, std::string_view more) const;
  Status CollectSpaces(std::string& buffer, size_t count) const;

  size_t tables() const { return tables_; }
  std::string Take() { return std::move(text_); }

 private:
  Status CountCells(size_t count);
  Status Room(size_t bytes) const;
  void AppendClean(std::string_view text);

  size_t max_cells_;
  size_t max_text_;
  std::string text_;
  size_t cells_ = 0;
  size_t tables_ = 0;
  size_t row_start_ = 0;
  size_t row_fields_ = 0;  // fields written in the current row
  size_t pending_ = 0;     // empty fields not yet written
};

// Reasons shared by the readers.
std::string TextLimitReason(size_t max_text);
std::string CellLimitReason(size_t max_cells);

// "123" → 123; saturates at SIZE_MAX; nullopt if not all decimal digits.
std::optional<size_t> ParseCount(std::string_view text);

// Dates (office_dates.cc).
bool IsBuiltinDateFormat(uint32_t num_fmt_id);
bool IsDateFormatCode(std::string_view code);
// An Excel serial date as YYYY-MM-DD (1900 system with its leap-year bug, or
// the 1904 system); nullopt outside 1900-01-01 (1904-01-01) .. 9999-12-31.
std::optional<std::string> SerialToIsoDate(double serial, bool date1904);
// Decodes OOXML's _xHHHH_ escapes (ST_Xstring); control characters become
// spaces.
std::string DecodeXstring(std::string_view text);

// xl/sharedStrings.xml in one buffer: at most max_text bytes and max_cells
// strings; rich text runs concatenated, phonetic readings left out
// (office_xlsx_sheet.cc).
class SharedStrings : public XmlHandler {
 public:
  explicit SharedStrings(const DocLimits& limits)
      : max_text_(limits.max_text), max_count_(limits.max_cells) {}

  Next Start(const XmlElement& e) override;
  void End(const XmlName& name) override;
  void Text(std::string_view text) override;

  std::string_view Get(size_t index) const;  // "" if out of range

 private:
  const size_t max_text_;
  const size_t max_count_;
  bool in_si_ = false;
  bool in_t_ = false;
  std::string current_;
  std::string data_;
  std::vector<size_t> ends_;
};

// What a worksheet's cells refer to.
struct SheetFormats {
  const SharedStrings& strings;
  const std::vector<bool>& date_styles;  // by cellXfs index (s=)
  bool date1904 = false;
};

// Worksheet `index` into `writer` (office_xlsx_sheet.cc).
Status ParseXlsxSheet(ZipArchive& zip, uint64_t index, const DocLimits& limits,
                      const SheetFormats& formats, TableWriter& writer);

// The format readers; `out` receives the result.
Status ExtractXlsx(ZipArchive& zip, const DocLimits& limits, DocText& out);
Status ExtractOds(ZipArchive& zip, const DocLimits& limits, DocText& out);
Status ExtractDocx(ZipArchive& zip, const DocLimits& limits, DocText& out);

}  // namespace piiguard::roster::office

#endif  // PIIGUARD_AGENT_ROSTER_OFFICE_INTERNAL_H_
