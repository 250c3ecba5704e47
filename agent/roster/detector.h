// The roster detector (REQUIREMENTS R2, R4, R15; docs/detector.md): decides
// whether a file's bytes hold a personal-data table (名簿) — several people
// with personal columns — and explains the verdict. It takes bytes, never a
// path: the watcher and `piiguard scan` read files; the detector only looks.
//
// Thread-safety: a Detector is immutable after Create(); Examine() may be
// called from several threads at once.
#ifndef PIIGUARD_AGENT_ROSTER_DETECTOR_H_
#define PIIGUARD_AGENT_ROSTER_DETECTOR_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/messages.h"
#include "common/result.h"

namespace piiguard::roster {

enum class ColumnKind {
  kName,        // 氏名 in kanji
  kKana,        // ふりがな / フリガナ
  kAddress,     // prefecture / city / 町丁目 / 番地
  kPhone,
  kPostalCode,
  kBirthDate,   // western or Japanese era
  kAge,
  kEmail,
  kMyNumber,    // 12 digits with a valid check digit
};

std::string_view ColumnKindName(ColumnKind kind);  // "name", "kana", ...

struct Column {
  ColumnKind kind = ColumnKind::kName;
  int index = -1;      // column number in the table; -1 for free text
  std::string header;  // the header cell that announced it, if any
  size_t hits = 0;     // rows whose cell matched the kind
};

struct Verdict {
  bool examined = false;  // false: not looked into (see `reason`)
  bool roster = false;
  std::string format;    // "csv", "tsv", "text", "xlsx", "ods", "docx", "binary"
  std::string encoding;  // "utf-8", "utf-8-bom", "utf-16le", "utf-16be",
                         // "cp932", "euc-jp"; "" for zip formats
  size_t rows = 0;       // people found
  std::vector<Column> columns;
  std::string reason;    // English, one line: why roster / why not / why not
                         // examined ("zip bomb: ...", "too large")

  // The verdict in plain words for staff and the journal, never quoting the
  // personal data itself (only column kinds, header words and counts).
  std::string Explain(Lang lang) const;
};

struct Options {
  size_t min_rows = 5;                          // policy roster_guard.min_rows
  size_t max_input = size_t{256} * 1024 * 1024;  // larger: not examined
  size_t max_unpacked = size_t{512} * 1024 * 1024;  // zip formats, all parts
  size_t max_ratio = 200;  // a zip member's unpacked/packed size above this:
                           // not examined (zip bomb)
};

class Detector {
 public:
  // Compiles the patterns once (Hyperscan or RE2).
  static Result<std::unique_ptr<Detector>> Create();
  virtual ~Detector() = default;

  // Looks at `bytes` whatever the file is called: the format comes from the
  // content (a CSV named .jpg is still a CSV). Errors only for internal
  // failures; hostile input gives examined=false with a reason.
  virtual Result<Verdict> Examine(std::string_view bytes,
                                  const Options& options) const = 0;
};

}  // namespace piiguard::roster

#endif  // PIIGUARD_AGENT_ROSTER_DETECTOR_H_
