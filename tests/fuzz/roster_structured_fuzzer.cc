// Fuzzes the roster detector's readers of structured text and containers
// (agent/roster/structured.h, containers.h): JSON, SQL, vCard, HTML and
// XML to the table layout, gzip inflation, and zip archives examined
// member by member. The first byte picks the reader; the rest is input.
//
// Oracles: no reader crashes or returns an internal error; a result never
// exceeds max_text; each line of a result has no CR and no empty cell run
// past the header's width limit; readers are deterministic (the same input
// twice gives the same result or the same error); round trips where the
// format allows: a JSON array of records and a SQL INSERT built from the
// input's lines (each escaped as the format says) give back exactly those
// cells; gzip of the input inflates to the input.

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "agent/roster/containers.h"
#include "agent/roster/detector.h"
#include "agent/roster/structured.h"
#include "common/json.h"

namespace {

using piiguard::roster::Structured;

void CheckAt(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "roster_structured_fuzzer: oracle failed: %s\n", what);
  std::abort();
}
#define Check(cond) CheckAt((cond), #cond)

constexpr size_t kMaxText = 1 << 20;

// Cells as the table layout writes them: TAB, CR and LF become spaces.
std::string Clean(std::string s) {
  for (char& c : s) {
    if (c == '\t' || c == '\r' || c == '\n') c = ' ';
  }
  return s;
}

std::vector<std::string> Lines(std::string_view s, size_t max) {
  std::vector<std::string> out;
  while (!s.empty() && out.size() < max) {
    size_t nl = s.find('\n');
    out.emplace_back(s.substr(0, nl));
    s = nl == std::string_view::npos ? std::string_view() : s.substr(nl + 1);
  }
  return out;
}

// Well-formed UTF-8 as nlohmann's serializer checks it (RFC 3629): no
// overlong forms (C0, C1, E0 80..9F, F0 80..8F), no surrogates (ED A0..BF),
// nothing past U+10FFFF (F4 90.., F5..FF).
bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80                 ? 1
               : c >= 0xC2 && c <= 0xDF ? 2
               : (c & 0xF0) == 0xE0     ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    if (n > 2) {
      auto d = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xE0 && d < 0xA0) || (c == 0xED && d >= 0xA0) ||
          (c == 0xF0 && d < 0x90) || (c == 0xF4 && d >= 0x90)) {
        return false;
      }
    }
    i += n;
  }
  return true;
}

void ReaderOracles(Structured kind, std::string_view input) {
  auto first = piiguard::roster::StructuredToTable(kind, input, kMaxText);
  auto second = piiguard::roster::StructuredToTable(kind, input, kMaxText);
  Check(first.ok() == second.ok());
  if (!first.ok()) {
    Check(first.status().code() != piiguard::StatusCode::kInternal);
    Check(first.status().message() == second.status().message());
    return;
  }
  Check(*first == *second);
  Check(first->size() <= kMaxText);
  Check(first->find('\r') == std::string::npos);
}

// Round trips: records from the input's lines, three fields each.
void JsonRoundTrip(std::string_view input) {
  std::vector<std::string> lines = Lines(input, 30);
  if (lines.size() < 3) return;
  for (const std::string& l : lines) {
    if (!ValidUtf8(l)) return;  // JSON strings are UTF-8
  }
  nlohmann::json records = nlohmann::json::array();
  std::string expect = "a\tb\tc\n";
  size_t rows = 0;
  for (size_t i = 0; i + 2 < lines.size(); i += 3) {
    records.push_back(
        {{"a", lines[i]}, {"b", lines[i + 1]}, {"c", lines[i + 2]}});
    std::vector<std::string> cells = {Clean(lines[i]), Clean(lines[i + 1]),
                                      Clean(lines[i + 2])};
    if (cells[0].empty() && cells[1].empty() && cells[2].empty()) continue;
    expect += cells[0] + "\t" + cells[1] + "\t" + cells[2] + "\n";
    ++rows;
  }
  auto table = piiguard::roster::StructuredToTable(Structured::kJson,
                                                   records.dump(), kMaxText);
  Check(table.ok());
  if (rows > 0) Check(*table == expect + "\n");
}

void SqlRoundTrip(std::string_view input) {
  std::vector<std::string> lines = Lines(input, 20);
  if (lines.size() < 2) return;
  std::string sql = "INSERT INTO t (a, b) VALUES ";
  std::string expect = "a\tb\n";
  size_t rows = 0;
  for (size_t i = 0; i + 1 < lines.size(); i += 2) {
    auto quote = [](const std::string& v) {
      std::string q = "'";
      for (char c : v) {
        if (c == '\'')
          q += "''";
        else if (c == '\\')
          q += "\\\\";
        else
          q.push_back(c);
      }
      return q + "'";
    };
    if (i > 0) sql += ",";
    sql += "(" + quote(lines[i]) + "," + quote(lines[i + 1]) + ")";
    std::string a = Clean(lines[i]);
    std::string b = Clean(lines[i + 1]);
    if (!a.empty() || !b.empty()) {
      expect += a + "\t" + b + "\n";
      ++rows;
    }
  }
  sql += ";\n";
  auto table =
      piiguard::roster::StructuredToTable(Structured::kSql, sql, kMaxText);
  Check(table.ok());
  if (rows > 0) Check(*table == expect + "\n");
}

void GzipRoundTrip(std::string_view input) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return;
  std::string packed(deflateBound(&z, input.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  z.avail_in = static_cast<uInt>(input.size());
  z.next_out = reinterpret_cast<Bytef*>(packed.data());
  z.avail_out = static_cast<uInt>(packed.size());
  Check(deflate(&z, Z_FINISH) == Z_STREAM_END);
  packed.resize(z.total_out);
  deflateEnd(&z);
  piiguard::roster::DocLimits limits;
  auto back = piiguard::roster::Gunzip(packed, limits);
  Check(back.ok());
  Check(*back == input);
}

const piiguard::roster::Detector& TheDetector() {
  static const std::unique_ptr<piiguard::roster::Detector> detector = [] {
    auto created = piiguard::roster::Detector::Create();
    Check(created.ok());
    return std::move(created).value();
  }();
  return *detector;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (mode % 8) {
    case 0:
      ReaderOracles(Structured::kJson, input);
      JsonRoundTrip(input);
      break;
    case 1:
      ReaderOracles(Structured::kSql, input);
      SqlRoundTrip(input);
      break;
    case 2:
      ReaderOracles(Structured::kVcard, input);
      break;
    case 3:
      ReaderOracles(Structured::kHtml, input);
      break;
    case 4:
      ReaderOracles(Structured::kXml, input);
      break;
    case 5: {
      piiguard::roster::DocLimits limits;
      limits.max_unpacked = 4 << 20;
      limits.max_text = 4 << 20;
      auto a = piiguard::roster::Gunzip(input, limits);
      auto b = piiguard::roster::Gunzip(input, limits);
      Check(a.ok() == b.ok());
      if (a.ok()) {
        Check(*a == *b);
        Check(a->size() <= limits.max_unpacked);
      }
      GzipRoundTrip(input);
      break;
    }
    default: {
      // Whole detector on the input (zip, gzip, exports): a verdict, the
      // same twice.
      piiguard::roster::Options options;
      options.max_input = 4 << 20;
      options.max_unpacked = 8 << 20;
      auto v = TheDetector().Examine(input, options);
      Check(v.ok());
      auto w = TheDetector().Examine(input, options);
      Check(w.ok());
      Check(v->ToJson().dump() == w->ToJson().dump());
      Check(!v->roster || v->examined);
      break;
    }
  }
  return 0;
}
