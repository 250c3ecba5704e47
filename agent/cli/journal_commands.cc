// `piiguard journal show`, `verify` and `unsent`: the journal read as
// staff and auditors read it (docs/journal.md).

#include <CLI/CLI.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "agent/cli/tool.h"
#include "agent/journal/journal.h"
#include "common/json.h"
#include "common/timestamp.h"

namespace piiguard::cli {
namespace {

using journal::Entry;
using journal::Severity;

// Display columns of UTF-8 text: ASCII one, anything else two (Japanese).
size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      ++width;
    } else if ((byte & 0xc0) != 0x80) {
      width += 2;
    }
  }
  return width;
}

std::string Pad(std::string_view text, size_t width) {
  std::string out(text);
  for (size_t w = DisplayWidth(text); w < width; ++w) out.push_back(' ');
  return out;
}

std::string SeverityLabel(Lang lang, Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return Message(lang, MsgId::kJournalSeverityInfo);
    case Severity::kNotice:
      return Message(lang, MsgId::kJournalSeverityNotice);
    case Severity::kWarning:
      return Message(lang, MsgId::kJournalSeverityWarning);
    case Severity::kViolation:
      return Message(lang, MsgId::kJournalSeverityViolation);
    case Severity::kIncident:
      return Message(lang, MsgId::kJournalSeverityIncident);
  }
  return std::string(journal::SeverityName(severity));
}

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// "2026-11-24T04:48:53+09:00" of a time in milliseconds.
std::string JstRfc3339(int64_t time_ms) {
  return FormatRfc3339(FloorDiv(time_ms, 1000), kJstOffsetMinutes);
}

// "2026-11-24 04:48:53": the table's form (the header says JST).
std::string JstTable(int64_t time_ms) {
  std::string text = JstRfc3339(time_ms);
  text[10] = ' ';
  return text.substr(0, 19);
}

// `--since`: an RFC 3339 time, or a date meaning its start in JST.
Result<int64_t> ParseSince(const std::string& text) {
  if (text.size() == 10) {
    PIIGUARD_ASSIGN_OR_RETURN(int64_t days, ParseDate(text));
    return (days * 86400 - int64_t{kJstOffsetMinutes} * 60) * 1000;
  }
  auto seconds = ParseRfc3339(text);
  if (!seconds.ok()) return seconds.status().Annotate("--since");
  return *seconds * 1000;
}

Json EntryJson(const Entry& entry) {
  Json details = Json::parse(entry.details, nullptr, false);
  return Json{{"seq", entry.seq},
              {"time", entry.time_ms},
              {"time_jst", JstRfc3339(entry.time_ms)},
              {"type", entry.type},
              {"severity", journal::SeverityName(entry.severity)},
              {"subject", entry.subject},
              {"details", details.is_discarded() ? Json(entry.details)
                                                 : std::move(details)},
              {"prev", journal::HashHex(entry.prev)},
              {"hash", journal::HashHex(entry.hash)}};
}

constexpr size_t kSeqWidth = 6;
constexpr size_t kTimeWidth = 19;
constexpr size_t kSeverityWidth = 9;
constexpr size_t kTypeWidth = 22;
constexpr size_t kSubjectWidth = 14;

struct ShowArgs {
  std::string db = std::string(kDefaultJournalPath);
  bool json = false;
  std::string since;
  std::string type;
  size_t limit = 0;
};

int RunShow(const Tool& tool, const ShowArgs& args) {
  journal::ShowFilter filter;
  if (!args.since.empty()) {
    auto since = ParseSince(args.since);
    if (!since.ok()) return tool.Fail(since.status());
    filter.since_ms = *since;
  }
  if (!args.type.empty()) filter.type_prefix = args.type;
  filter.limit = args.limit;
  auto entries = journal::ReadEntries(args.db, filter);
  if (!entries.ok()) return tool.Fail(entries.status());
  if (args.json) {
    for (const Entry& entry : *entries) {
      *tool.out << EntryJson(entry).dump(-1, ' ', false,
                                         Json::error_handler_t::replace)
                << "\n";
    }
    return kExitOk;
  }
  if (entries->empty()) {
    *tool.out << Message(tool.lang, MsgId::kJournalNoEntries) << "\n";
    return kExitOk;
  }
  // Column titles, "|"-separated in the catalogue, padded like the rows.
  const std::string titles = Message(tool.lang, MsgId::kJournalShowColumns);
  std::vector<std::string> title;
  for (size_t start = 0;;) {
    size_t bar = titles.find('|', start);
    title.push_back(titles.substr(start, bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  title.resize(6);
  *tool.out << Pad(title[0], kSeqWidth) << " " << Pad(title[1], kTimeWidth)
            << "  " << Pad(title[2], kSeverityWidth) << " "
            << Pad(title[3], kTypeWidth) << " " << Pad(title[4], kSubjectWidth)
            << " " << title[5] << "\n";
  for (const Entry& entry : *entries) {
    *tool.out << Pad(std::to_string(entry.seq), kSeqWidth) << " "
              << Pad(JstTable(entry.time_ms), kTimeWidth) << "  "
              << Pad(SeverityLabel(tool.lang, entry.severity), kSeverityWidth)
              << " " << Pad(entry.type, kTypeWidth) << " "
              << Pad(entry.subject, kSubjectWidth) << " " << entry.details
              << "\n";
  }
  return kExitOk;
}

struct VerifyArgs {
  std::string db = std::string(kDefaultJournalPath);
  std::string pub;
};

int RunVerify(const Tool& tool, const VerifyArgs& args) {
  std::optional<Ed25519PublicKey> key;
  if (!args.pub.empty()) {
    auto loaded = LoadPublicKey(args.pub);
    if (!loaded.ok()) return tool.Fail(loaded.status());
    key = std::move(loaded).value();
  }
  auto report = journal::VerifyJournalFile(args.db, key);
  if (!report.ok()) return tool.Fail(report.status());
  if (!key.has_value()) {
    *tool.err << Message(tool.lang, MsgId::kJournalKeyFromFile) << "\n";
  }
  if (!report->ok) {
    *tool.out << Message(tool.lang, MsgId::kJournalVerifyFailed,
                         {report->problem})
              << "\n";
    return kExitRefused;
  }
  *tool.out << Message(tool.lang, MsgId::kJournalVerifyOk,
                       {std::to_string(report->entries),
                        std::to_string(report->checkpoints),
                        std::to_string(report->head_seq),
                        journal::HashHex(report->head)})
            << "\n";
  return kExitOk;
}

struct UnsentArgs {
  std::string db = std::string(kDefaultJournalPath);
  bool json = false;
};

// Read from the file, so it answers with the daemon stopped (the package's
// prerm, docs/install.md). Exit 0: nothing unsent; 1: some entries unsent.
int RunUnsent(const Tool& tool, const UnsentArgs& args) {
  auto position = journal::ReadSyncPosition(args.db);
  if (!position.ok()) return tool.Fail(position.status());
  const uint64_t unsent = position->unsent();
  if (args.json) {
    *tool.out << Json{{"head_seq", position->head_seq},
                      {"acked_seq", position->acked_seq},
                      {"unsent", unsent}}
                     .dump()
              << "\n";
  } else if (unsent == 0) {
    *tool.out << Message(tool.lang, MsgId::kJournalAllSent,
                         {std::to_string(position->head_seq)})
              << "\n";
  } else {
    *tool.out << Message(tool.lang, MsgId::kJournalUnsent,
                         {std::to_string(unsent),
                          std::to_string(position->head_seq),
                          std::to_string(position->acked_seq)})
              << "\n";
  }
  return unsent == 0 ? kExitOk : kExitRefused;
}

}  // namespace

void AddJournalCommands(CLI::App& app, Tool& tool) {
  CLI::App* group =
      app.add_subcommand("journal", "this PC's signed journal (ジャーナル)");
  group->require_subcommand(1);

  auto show_args = std::make_shared<ShowArgs>();
  CLI::App* show = group->add_subcommand(
      "show", "list journal entries, oldest first (times in JST)");
  show->add_option("--db", show_args->db, "journal file")
      ->capture_default_str();
  show->add_flag("--json", show_args->json, "one JSON object per entry");
  show->add_option("--since", show_args->since,
                   "only entries at or after this time (RFC 3339, or a date "
                   "YYYY-MM-DD meaning its start in JST)");
  show->add_option("--type", show_args->type,
                   "only this type or its sub-types (\"usb.stick\" matches "
                   "\"usb.stick.readonly\")");
  show->add_option("--limit", show_args->limit,
                   "only the newest N entries (0: all)");
  show->callback([&tool, show_args] {
    tool.run = [&tool, show_args] { return RunShow(tool, *show_args); };
  });

  auto verify_args = std::make_shared<VerifyArgs>();
  CLI::App* verify = group->add_subcommand(
      "verify",
      "check every entry and signed checkpoint; names the first entry that "
      "was altered, removed, inserted or reordered (exit 1)");
  verify->add_option("--db", verify_args->db, "journal file")
      ->capture_default_str();
  verify->add_option("--pub", verify_args->pub,
                     "this PC's device public key (device.pub); without it "
                     "the key recorded in the journal is used");
  verify->callback([&tool, verify_args] {
    tool.run = [&tool, verify_args] { return RunVerify(tool, *verify_args); };
  });

  auto unsent_args = std::make_shared<UnsentArgs>();
  CLI::App* unsent = group->add_subcommand(
      "unsent",
      "how many entries the privacy office has not acknowledged yet, read "
      "from the file (works with the daemon stopped); exit 1 if any");
  unsent->add_option("--db", unsent_args->db, "journal file")
      ->capture_default_str();
  unsent->add_flag("--json", unsent_args->json,
                   R"({"head_seq":N,"acked_seq":N,"unsent":N})");
  unsent->callback([&tool, unsent_args] {
    tool.run = [&tool, unsent_args] { return RunUnsent(tool, *unsent_args); };
  });
}

}  // namespace piiguard::cli
