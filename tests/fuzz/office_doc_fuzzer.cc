// Fuzzes the office document reader (agent/roster/office_doc.h) with small
// limits. An input starting with "PK" is taken as zip bytes; any other is a
// list of parts, NUL-separated "name\0content\0name\0content...", stored
// into a zip here, so the fuzzer reaches the XML readers without fighting
// CRCs (seeds of both kinds in corpus/office_doc_fuzzer/).
//
// Oracles: on success the text keeps the layout contract (valid UTF-8, no
// CR, size within max_text, ends with LF, no line ending in TAB: trailing
// empty cells are never written, exactly one empty line per table, fields
// within max_cells) and one byte less of max_text or one cell less of
// max_cells makes it fail; on failure the message reads "context: ..."
// with a known context.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/roster/office_doc.h"
#include "agent/roster/office_testing.h"

namespace {

using piiguard::roster::DocLimits;
using piiguard::roster::DocText;

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      n = 1;
      code = c;
    } else if ((c & 0xE0) == 0xC0) {
      n = 2;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 3;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 4;
      code = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i < n) return false;
    for (size_t k = 1; k < n; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      code = (code << 6) | (d & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kMin[n] || code > 0x10FFFF ||
        (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += n;
  }
  return true;
}

// Number of fields written, or abort if the layout is broken.
size_t CheckLayout(const DocText& doc, const DocLimits& limits) {
  const std::string& text = doc.text;
  if (text.size() > limits.max_text || !ValidUtf8(text)) std::abort();
  if (text.find('\r') != std::string::npos) std::abort();
  if (!text.empty() && text.back() != '\n') std::abort();
  size_t empty_lines = 0;
  size_t fields = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    std::string_view line(text.data() + start, end - start);
    if (line.empty()) {
      ++empty_lines;
    } else {
      if (line.back() == '\t') std::abort();
      fields +=
          1 + static_cast<size_t>(std::count(line.begin(), line.end(), '\t'));
    }
    start = end + 1;
  }
  if (empty_lines != doc.tables || fields > limits.max_cells) std::abort();
  return fields;
}

std::optional<std::string> PartsToZip(std::string_view input) {
  std::vector<piiguard::roster::testing::ZipMember> members;
  while (!input.empty() && members.size() < 16) {
    size_t name_end = input.find('\0');
    std::string_view name = input.substr(0, name_end);
    input = name_end == std::string_view::npos ? std::string_view()
                                               : input.substr(name_end + 1);
    size_t data_end = input.find('\0');
    std::string_view data = input.substr(0, data_end);
    input = data_end == std::string_view::npos ? std::string_view()
                                               : input.substr(data_end + 1);
    if (name.empty()) continue;
    members.emplace_back(std::string(name), std::string(data), ZIP_CM_STORE);
  }
  return piiguard::roster::testing::MakeZip(members);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string bytes;
  if (input.starts_with("PK")) {
    bytes = std::string(input);
  } else {
    std::optional<std::string> zip = PartsToZip(input);
    if (!zip) return 0;  // a name libzip refuses
    bytes = std::move(*zip);
  }
  DocLimits limits;
  limits.max_unpacked = size_t{4} << 20;
  limits.max_ratio = 50;
  limits.max_cells = 20000;
  limits.max_text = size_t{256} << 10;
  limits.max_depth = 48;

  piiguard::Result<DocText> doc =
      piiguard::roster::ExtractOfficeText(bytes, limits);
  if (!doc.ok()) {
    const std::string message = doc.status().message();
    bool known = message.starts_with("zip: ") ||
                 message.starts_with("xlsx: ") ||
                 message.starts_with("ods: ") || message.starts_with("docx: ");
    if (!known ||
        doc.status().code() != piiguard::StatusCode::kInvalidArgument) {
      std::abort();
    }
    return 0;
  }
  size_t fields = CheckLayout(*doc, limits);
  if (!doc->text.empty()) {
    DocLimits tighter = limits;
    tighter.max_text = doc->text.size() - 1;
    if (piiguard::roster::ExtractOfficeText(bytes, tighter).ok()) std::abort();
  }
  if (fields > 0) {
    DocLimits tighter = limits;
    tighter.max_cells = fields - 1;
    if (piiguard::roster::ExtractOfficeText(bytes, tighter).ok()) std::abort();
  }
  return 0;
}
