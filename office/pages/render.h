// Rendering helpers of the review pages: CSV cells (RFC 4180 quoting and a
// guard against spreadsheet formulas), times in Japan Standard Time, fiscal
// years (April to March) and query strings. (HTML is escaped by the
// templates, page_templates.h.)
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_OFFICE_PAGES_RENDER_H_
#define PIIGUARD_OFFICE_PAGES_RENDER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace piiguard::office {

// The UTF-8 byte-order mark: Excel reads a CSV file as UTF-8 only with it.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// One CSV cell. A cell that starts with = + - @ TAB or CR is prefixed with
// a single quote, so that a spreadsheet shows it as text instead of running
// it as a formula (CSV injection). A cell containing , " CR or LF is quoted
// with "" for every " (RFC 4180).
std::string CsvCell(std::string_view text);
// Cells joined with commas, ending with CRLF.
std::string CsvRow(const std::vector<std::string>& cells);

// "YYYY-MM-DD HH:MM:SS" in Japan Standard Time; "" for 0.
std::string FormatJst(int64_t unix_ms);

// Milliseconds at 00:00 JST of a "YYYY-MM-DD" date.
Result<int64_t> JstDayStartMs(std::string_view date);
// "YYYY-MM-DD" (JST) of a time.
std::string JstDate(int64_t unix_ms);

// The fiscal year (年度) a time falls in: April 1 to March 31, JST. March 31
// 2027 is in fiscal year 2026.
int FiscalYearOf(int64_t unix_ms);
// [April 1 of `year` 00:00 JST, April 1 of `year`+1 00:00 JST) in ms.
std::pair<int64_t, int64_t> FiscalYearBoundsMs(int year);

// Percent-encoding of a query component (everything but A-Z a-z 0-9 - . _ ~).
std::string UrlEncode(std::string_view text);
// "?k=v&k2=v2" of the pairs whose value is not empty; "" if none.
std::string QueryString(
    const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_PAGES_RENDER_H_
