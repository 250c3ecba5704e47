#include "office/pages/render.h"

#include <charconv>

#include "common/status.h"
#include "common/timestamp.h"

namespace piiguard::office {
namespace {

constexpr int64_t kMsPerSecond = 1000;
constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kJstOffsetMs = int64_t{kJstOffsetMinutes} * 60 * 1000;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

std::string CsvCell(std::string_view text) {
  std::string cell;
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' ||
                        text[0] == '@' || text[0] == '\t' || text[0] == '\r')) {
    cell += '\'';
  }
  cell += text;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string CsvRow(const std::vector<std::string>& cells) {
  std::string row;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) row += ',';
    row += CsvCell(cells[i]);
  }
  row += "\r\n";
  return row;
}

std::string FormatJst(int64_t unix_ms) {
  if (unix_ms == 0) return "";
  // "YYYY-MM-DDTHH:MM:SS+09:00" -> "YYYY-MM-DD HH:MM:SS"
  std::string text =
      FormatRfc3339(FloorDiv(unix_ms, kMsPerSecond), kJstOffsetMinutes);
  constexpr size_t kDateTimeSize = 19;
  if (text.size() > kDateTimeSize) text.resize(kDateTimeSize);
  if (text.size() > 10 && text[10] == 'T') text[10] = ' ';
  return text;
}

Result<int64_t> JstDayStartMs(std::string_view date) {
  PIIGUARD_ASSIGN_OR_RETURN(int64_t days, ParseDate(date));
  return days * kSecondsPerDay * kMsPerSecond - kJstOffsetMs;
}

std::string JstDate(int64_t unix_ms) {
  return FormatDate(
      FloorDiv(unix_ms + kJstOffsetMs, kSecondsPerDay * kMsPerSecond));
}

int FiscalYearOf(int64_t unix_ms) {
  const std::string date = JstDate(unix_ms);  // YYYY-MM-DD
  int year = 0;
  int month = 0;
  std::from_chars(date.data(), date.data() + 4, year);
  std::from_chars(date.data() + 5, date.data() + 7, month);
  constexpr int kApril = 4;
  return month >= kApril ? year : year - 1;
}

std::pair<int64_t, int64_t> FiscalYearBoundsMs(int year) {
  auto april_first = [](int y) {
    const std::string date = std::to_string(y) + "-04-01";
    Result<int64_t> ms = JstDayStartMs(date);
    return ms.ok() ? *ms : int64_t{0};
  };
  return {april_first(year), april_first(year + 1)};
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
        (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4U];
      out += kHex[byte & 0x0FU];
    }
  }
  return out;
}

std::string QueryString(
    const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;
    out += out.empty() ? '?' : '&';
    out += UrlEncode(key);
    out += '=';
    out += UrlEncode(value);
  }
  return out;
}

}  // namespace piiguard::office
