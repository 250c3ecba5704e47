// The roster detector (REQUIREMENTS R2, R4, R15; docs/detector.md): decides
// whether a file's bytes hold a personal-data table (名簿): several people,
// each named (or numbered by My Number), with personal columns beside the
// name. It explains each verdict (which columns, how many people) without
// quoting the personal data itself. It takes bytes, never a path: the
// watcher (agent/roster/watcher.h) and `piiguard scan` read files; the
// detector only looks.
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

#include "common/json_fwd.h"
#include "common/messages.h"
#include "common/result.h"

namespace piiguard::roster {

enum class ColumnKind {
  kName,        // 氏名 in kanji (or any script under a name header)
  kKana,        // ふりがな / フリガナ, full- or half-width
  kAddress,     // prefecture / city / 町丁目 / 番地
  kPhone,       // Japanese landline and mobile numbers
  kPostalCode,  // 〒123-4567
  kBirthDate,   // western or Japanese era (明治…令和), past dates only
  kAge,         // 45歳, or numbers under an age header
  kGender,      // 男/女/男性/女性 in a column
  kEmail,
  kMyNumber,  // 12 digits with a valid check digit
};
inline constexpr int kColumnKinds = 10;

std::string_view ColumnKindName(ColumnKind kind);  // "name", "kana", ...

struct Column {
  ColumnKind kind = ColumnKind::kName;
  int index = -1;      // 0-based field number in its table; -1 for free text
  std::string header;  // the header cell that announced it, if any
  size_t hits = 0;     // rows whose cell matched the kind
};

struct Verdict {
  bool examined = false;  // false: not looked into (see `reason`)
  bool roster = false;
  bool partial = false;  // only a prefix was examined (too large)
  bool early = false;    // a roster for certain before the end of the file
                         // (Options::decide_early): `rows` counts the people
                         // up to there
  std::string format;    // "csv", "tsv", "text", "xlsx", "ods", "docx",
                         // "binary", "empty"
  std::string encoding;  // "utf-8", "utf-8-bom", "utf-16le", "utf-16be",
                         // "cp932", "euc-jp"; "" for zip formats
  size_t rows = 0;       // people found (rows with a name and another
                         // personal field)
  std::vector<Column> columns;  // the personal columns of the best table
  std::string reason;  // English, one line: why roster / why not / why not
                       // examined ("zip bomb: ...", "binary")

  // The verdict in plain words for staff and the journal, never quoting the
  // personal data itself (only column kinds, header words and counts).
  std::string Explain(Lang lang) const;
  // For the journal and `piiguard scan --json`: the same fields.
  Json ToJson() const;
};

struct Options {
  // roster_guard.min_rows: the fewest people of a roster whose people
  // each have a name and two of address, phone, birth date, My Number; a
  // list with only one other value per person needs max(min_rows, 5).
  size_t min_rows = 3;
  size_t max_input = size_t{256} * 1024 * 1024;     // larger: prefix only
  size_t max_unpacked = size_t{512} * 1024 * 1024;  // zip formats, all parts
  size_t max_ratio = 200;  // a zip member's unpacked/packed size above this:
                           // not examined (zip bomb)
  // Stop reading once a table (or list) of kDecisivePeople people is
  // certain to be a roster: nothing later can change the verdict.
  bool decide_early = true;
};

inline constexpr size_t kDecisivePeople = 1000;

class Detector {
 public:
  // Compiles the patterns once (Hyperscan).
  static Result<std::unique_ptr<Detector>> Create();
  virtual ~Detector() = default;

  // Looks at `bytes` whatever the file is called: the format comes from the
  // content (a CSV named .jpg is still a CSV). Errors only for internal
  // failures (out of memory, a Hyperscan failure); hostile input gives
  // examined=false with a reason.
  virtual Result<Verdict> Examine(std::string_view bytes,
                                  const Options& options) const = 0;

  // The same for a file read from `fd` (pread from offset 0; the
  // descriptor's position is neither used nor moved; it is not closed).
  // Text is read and examined a piece at a time, so memory stays bounded
  // (a few MiB) whatever the file's size, and reading stops at an early
  // verdict; archives, office documents and exports are read whole (at
  // most max_input bytes). This is the entry point of a sandboxed examiner
  // that receives a descriptor (issue 15). Errors: internal failures and
  // read errors ("roster: read: ...").
  virtual Result<Verdict> ExamineFd(int fd, const Options& options) const = 0;
};

}  // namespace piiguard::roster

#endif  // PIIGUARD_AGENT_ROSTER_DETECTOR_H_
