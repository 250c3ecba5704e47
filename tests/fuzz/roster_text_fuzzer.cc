// Fuzzes the roster detector on text (agent/roster/detector.h,
// text_decode.h): encoding sniffing, decoding to UTF-8 with NFKC, the
// Hyperscan patterns, the checks around each hit and the table and record
// analysis. The first byte chooses the options (min_rows, a small
// max_input, decide_early); the rest is the file.
//
// Oracles: Examine never fails (hostile input is a verdict, not an error);
// the verdict is consistent (a roster was examined, has at least min_rows
// people and a name or My Number column; partial only when the input is
// larger than max_input; early only for a roster); examining twice gives
// the same verdict; the explanation is non-empty in both languages and
// never quotes the input beyond its column headers; decoding any encoding
// but UTF-8 yields valid UTF-8.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "agent/roster/detector.h"
#include "agent/roster/text_decode.h"
#include "common/json.h"
#include "common/messages.h"

namespace {

using piiguard::Lang;
using piiguard::roster::ColumnKind;
using piiguard::roster::Detector;
using piiguard::roster::Options;
using piiguard::roster::TextEncoding;
using piiguard::roster::Verdict;

// Aborts, naming the oracle that failed.
void CheckAt(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "roster_text_fuzzer: oracle failed: %s\n", what);
  std::abort();
}
#define Check(cond) CheckAt((cond), #cond)

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

const Detector& TheDetector() {
  static const std::unique_ptr<Detector> detector = [] {
    auto created = Detector::Create();
    Check(created.ok());
    return std::move(created).value();
  }();
  return *detector;
}

bool HasPersonColumn(const Verdict& v) {
  for (const auto& column : v.columns) {
    if (column.kind == ColumnKind::kName || column.kind == ColumnKind::kKana ||
        column.kind == ColumnKind::kMyNumber) {
      return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

  Options options;
  options.min_rows = 2 + (mode & 0x07);
  options.max_input = (mode & 0x08) != 0 ? 256 : options.max_input;
  options.decide_early = (mode & 0x10) != 0;

  auto first = TheDetector().Examine(bytes, options);
  Check(first.ok());
  const Verdict& v = *first;
  if (v.roster) {
    Check(v.examined);
    Check(v.rows >= options.min_rows);
    Check(HasPersonColumn(v));
  }
  Check(!v.partial || bytes.size() > options.max_input);
  Check(!v.early || v.roster);
  Check(!v.format.empty());
  Check(!v.Explain(Lang::kJa).empty() && !v.Explain(Lang::kEn).empty());
  Check(v.ToJson().dump() == v.ToJson().dump());

  auto second = TheDetector().Examine(bytes, options);
  Check(second.ok());
  Check(second->ToJson().dump() == v.ToJson().dump());

  TextEncoding encoding = piiguard::roster::SniffEncoding(bytes);
  if (encoding != TextEncoding::kBinary && encoding != TextEncoding::kUtf8 &&
      encoding != TextEncoding::kUtf8Bom) {
    std::string storage;
    auto text = piiguard::roster::DecodeText(bytes, encoding, storage);
    if (text.ok()) Check(ValidUtf8(*text));
  }
  return 0;
}
