// Fuzzes what the maintenance window in piiguardd reads (agent/maint): the
// new part of sudo's log (sudo_log.h), the window's record
// (maintenance_record.h) and the /proc files of its account's processes
// (proc_files.h). The first byte picks the reader. Oracles:
//  - sudo's log: bounded (at most kMaxCommands commands, every field at
//    most kMaxFieldBytes of valid UTF-8 without control characters, the
//    counts consistent), and the log FormatSudoLine writes from what was
//    read reads the same commands, none unread;
//  - the record: one that parses serialises to the input bytes exactly;
//  - /proc: a stat, Uid line or loginuid that parses, written again the
//    way the kernel writes it, parses to the same values.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agent/maint/maintenance_record.h"
#include "agent/maint/proc_files.h"
#include "agent/maint/sudo_log.h"

namespace {

namespace maint = piiguard::maint;

void Check(bool ok) {
  if (!ok) std::abort();
}

bool SafeField(const std::string& text) {
  return text.size() <= maint::kMaxFieldBytes &&
         maint::SafeText(text, maint::kMaxFieldBytes) == text;
}

void CheckSudoLog(std::string_view input) {
  const maint::SudoLog log = maint::ParseSudoLog(input);
  Check(log.commands.size() <= maint::kMaxCommands);
  Check(log.commands.size() <= log.total && log.refused <= log.total);
  std::string again;
  for (const maint::SudoCommand& c : log.commands) {
    for (const std::string* field : {&c.time, &c.user, &c.refused, &c.tty,
                                     &c.pwd, &c.run_as, &c.tsid, &c.command}) {
      Check(SafeField(*field));
    }
    again += maint::FormatSudoLine(c) + "\n";
  }
  const maint::SudoLog back = maint::ParseSudoLog(again);
  Check(back.commands == log.commands);
  Check(back.unread == 0 && back.total == log.commands.size());
}

void CheckRecord(std::string_view input) {
  auto record = maint::ParseMaintenanceRecord(input);
  if (!record.ok()) return;
  Check(maint::SerializeMaintenanceRecord(*record) == input);
  Check(maint::ValidAccountName(record->account));
}

void CheckProc(std::string_view input) {
  if (auto stat = maint::ParseProcStat(input);
      stat.ok() && stat->comm.size() < 4096) {
    std::string line = "1 (" + stat->comm + ") " + stat->state + " " +
                       std::to_string(stat->ppid);
    for (int i = 0; i < 17; ++i) line += " 0";
    line += " " + std::to_string(stat->start_ticks) + "\n";
    auto back = maint::ParseProcStat(line);
    Check(back.ok() && *back == *stat);
  }
  if (auto uids = maint::ParseStatusUids(input); uids.ok()) {
    std::string line = "Uid:";
    for (uint32_t uid : *uids) line += "\t" + std::to_string(uid);
    auto back = maint::ParseStatusUids(line + "\n");
    Check(back.ok() && *back == *uids);
  }
  if (auto login = maint::ParseLoginUid(input)) {
    Check(maint::ParseLoginUid(std::to_string(*login) + "\n") == login);
  }
  // A slice is a whole path component: never one of another uid.
  if (maint::InUserSlice(input, 998)) {
    Check(input.find("user-998.slice") != std::string_view::npos);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      CheckSudoLog(input);
      break;
    case 1:
      CheckRecord(input);
      break;
    default:
      CheckProc(input);
      break;
  }
  return 0;
}
