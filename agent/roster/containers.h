// Containers the roster detector opens before it looks at text: gzip
// files, zip archives that are not office documents (each member is
// examined in turn), and the signs of a password-protected document (an
// OLE2 file holding an EncryptedPackage stream, which is how Office saves
// an encrypted .xlsx/.docx; a PDF with an /Encrypt dictionary; an
// encrypted zip member). Bytes in, never a path; every size is bounded
// (docs/detector.md, "Archives and protected documents").
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_ROSTER_CONTAINERS_H_
#define PIIGUARD_AGENT_ROSTER_CONTAINERS_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "agent/roster/office_doc.h"
#include "common/result.h"

namespace piiguard::roster {

bool LooksLikeGzip(std::string_view bytes);  // 1F 8B 08
bool LooksLikeOle2(std::string_view bytes);  // D0 CF 11 E0 A1 B1 1A E1
bool LooksLikePdf(std::string_view bytes);   // %PDF-

// An OLE2 compound file with an "EncryptedPackage" stream (MS-OFFCRYPTO):
// a password-protected .xlsx/.docx/.pptx.
bool IsEncryptedOle2(std::string_view bytes);
// A PDF whose trailer names an /Encrypt dictionary.
bool IsEncryptedPdf(std::string_view bytes);

// The decompressed bytes of a gzip file (every member of a multi-member
// file), at most limits.max_unpacked bytes and limits.max_ratio x the
// compressed bytes read + 1 MiB at every step: past either, an error
// "gzip: unpacked size over the limit (zip bomb)". A truncated or corrupt
// stream is an error too.
Result<std::string> Gunzip(std::string_view bytes, const DocLimits& limits);

// Calls `member(name, bytes)` for each file in a zip archive, in order,
// each inflated under the limits of office_doc.h (all members together at
// most limits.max_unpacked; each at most limits.max_text bytes, a larger
// one is passed as nullopt...). `member` returns false to stop. Errors:
// "zip: corrupt archive: ...", "zip: NAME: encrypted member refused"
// (the caller reports a password-protected archive).
using ZipMemberFn =
    std::function<bool(std::string_view name, std::string_view bytes)>;
Status ForEachZipMember(std::string_view bytes, const DocLimits& limits,
                        const ZipMemberFn& member);

}  // namespace piiguard::roster

#endif  // PIIGUARD_AGENT_ROSTER_CONTAINERS_H_
