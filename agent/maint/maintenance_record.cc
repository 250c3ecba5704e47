#include "agent/maint/maintenance_record.h"

#include <algorithm>
#include <limits>

#include "common/json.h"
#include "common/json_reader.h"

namespace piiguard::maint {
namespace {

constexpr std::string_view kContext = "maintenance record";
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

bool AllDigits(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool ValidAccountName(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  const char first = name[0];
  if (!((first >= 'a' && first <= 'z') || first == '_')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

std::string SerializeMaintenanceRecord(const MaintenanceRecord& record) {
  const Json json = {{"v", 1},
                     {"grant", record.grant},
                     {"account", record.account},
                     {"uid", record.uid},
                     {"opened_wall_ms", record.opened_wall_ms},
                     {"end_mono_us", record.end_mono_us},
                     {"sudo_log_inode", record.sudo_log_inode},
                     {"sudo_log_offset", record.sudo_log_offset}};
  Result<std::string> bytes = CanonicalJson(json, kContext);
  return bytes.ok() ? *bytes : std::string();
}

Result<MaintenanceRecord> ParseMaintenanceRecord(std::string_view bytes) {
  if (bytes.size() > kMaxRecordBytes) {
    return CorruptionError(
        kContext, "", "over " + std::to_string(kMaxRecordBytes) + " bytes");
  }
  Result<Json> json = ParseCanonicalJson(bytes, kContext);
  if (!json.ok()) return CorruptionError(kContext, "", json.status().message());
  JsonErrors errors{std::string(kContext)};
  JsonReader root(*json, "$", errors);
  MaintenanceRecord record;
  const int64_t version = root.Int("v", 1, 1);
  record.grant = root.String("grant");
  record.account = root.String("account");
  record.uid = static_cast<uint32_t>(
      root.Int("uid", 0, std::numeric_limits<uint32_t>::max()));
  record.opened_wall_ms = root.Int("opened_wall_ms", 0, kMaxInt);
  record.end_mono_us = root.Int("end_mono_us", 0, kMaxInt);
  record.sudo_log_inode =
      static_cast<uint64_t>(root.Int("sudo_log_inode", 0, kMaxInt));
  record.sudo_log_offset =
      static_cast<uint64_t>(root.Int("sudo_log_offset", 0, kMaxInt));
  root.Finish();
  if (Status s = errors.ToStatus(); !s.ok()) {
    return CorruptionError(kContext, "", s.message());
  }
  if (version != 1 || record.grant.empty() || record.grant.size() > 12 ||
      !AllDigits(record.grant)) {
    return CorruptionError(kContext, "$.grant", "not 1 to 12 digits");
  }
  if (!ValidAccountName(record.account)) {
    return CorruptionError(kContext, "$.account", "not an account name");
  }
  return record;
}

}  // namespace piiguard::maint
