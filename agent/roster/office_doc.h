// Office documents for the roster detector: the text of an XLSX workbook,
// an ODS spreadsheet or a DOCX document, from the bytes of its zip file,
// laid out as the detector reads tables (docs/detector.md, "Office
// documents"): one line per table row, cells separated by TAB; each sheet
// or table followed by an empty line; DOCX paragraphs outside tables one
// line each. Cell text has TAB, CR and LF replaced by a space. Cells keep
// their column: a missing cell in a sparse row is an empty field.
//
// Hostile input is bounded, never trusted: the unpacked size of all parts,
// each member's unpacked/packed ratio, the number of cells, repeated
// rows/columns (ODS), XML depth and entity expansion are limited; a file
// over a limit gives an error, never a crash or an unbounded allocation.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_ROSTER_OFFICE_DOC_H_
#define PIIGUARD_AGENT_ROSTER_OFFICE_DOC_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace piiguard::roster {

enum class DocFormat { kXlsx, kOds, kDocx };
std::string_view DocFormatName(DocFormat format);  // "xlsx", "ods", "docx"

struct DocLimits {
  size_t max_unpacked = size_t{512} * 1024 * 1024;  // all parts read
  size_t max_ratio = 200;       // a member's unpacked/packed bytes
  size_t max_cells = 20000000;  // cells emitted, empty ones included
  size_t max_text = size_t{256} * 1024 * 1024;  // bytes of the result
  int max_depth = 256;                          // XML element nesting
};

struct DocText {
  DocFormat format = DocFormat::kXlsx;
  std::string text;   // UTF-8, the layout above
  size_t tables = 0;  // sheets (xlsx, ods) or tables (docx)
};

// True if `bytes` start like a zip archive ("PK\3\4").
bool LooksLikeZip(std::string_view bytes);

// The format comes from the archive's parts ([Content_Types].xml and
// xl/workbook.xml or word/document.xml; ODS's `mimetype`), never from a
// file name. Errors (kInvalidArgument) name the part and the reason:
// "xlsx: xl/sharedStrings.xml: unpacked size over the limit (zip bomb)",
// "zip: not an office document", "zip: corrupt archive: ...".
Result<DocText> ExtractOfficeText(std::string_view zip_bytes,
                                  const DocLimits& limits);

}  // namespace piiguard::roster

#endif  // PIIGUARD_AGENT_ROSTER_OFFICE_DOC_H_
