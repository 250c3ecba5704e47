#include "common/os/uevent.h"

#include <utility>

namespace piiguard::os {
namespace {

bool ValidKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

Status Malformed(std::string_view why) {
  return InvalidArgumentError("uevent", "message", why);
}

}  // namespace

Result<Uevent> ParseKernelUevent(std::string_view bytes) {
  if (bytes.size() > kMaxUeventSize) return Malformed("larger than 8 KiB");
  if (!bytes.empty() && bytes.back() == '\0') bytes.remove_suffix(1);
  if (bytes.empty()) return Malformed("empty");
  std::vector<std::string_view> fields;
  for (size_t start = 0;;) {
    size_t end = bytes.find('\0', start);
    fields.push_back(bytes.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  std::string_view header = fields[0];
  size_t at = header.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= header.size() ||
      header[at + 1] != '/') {
    return Malformed("header is not ACTION@/DEVPATH");
  }
  Uevent event;
  event.action = std::string(header.substr(0, at));
  event.devpath = std::string(header.substr(at + 1));
  for (size_t i = 1; i < fields.size(); ++i) {
    std::string_view field = fields[i];
    size_t eq = field.find('=');
    if (eq == std::string_view::npos) return Malformed("field without '='");
    std::string key(field.substr(0, eq));
    if (!ValidKey(key)) return Malformed("bad key");
    if (!event.vars.emplace(key, field.substr(eq + 1)).second) {
      return Malformed("duplicate key " + key);
    }
  }
  auto var = [&event](const char* key) -> std::string {
    auto it = event.vars.find(key);
    return it == event.vars.end() ? std::string() : it->second;
  };
  if (event.vars.contains("ACTION") && var("ACTION") != event.action) {
    return Malformed("ACTION differs from the header");
  }
  if (event.vars.contains("DEVPATH") && var("DEVPATH") != event.devpath) {
    return Malformed("DEVPATH differs from the header");
  }
  event.subsystem = var("SUBSYSTEM");
  event.devtype = var("DEVTYPE");
  event.devname = var("DEVNAME");
  std::string seq = var("SEQNUM");
  if (!seq.empty()) {
    if (seq.size() > 19) return Malformed("SEQNUM too long");
    for (char c : seq) {
      if (c < '0' || c > '9') return Malformed("SEQNUM not a number");
      event.seqnum = event.seqnum * 10 + static_cast<uint64_t>(c - '0');
    }
  }
  return event;
}

std::string FormatKernelUevent(const Uevent& event) {
  std::string out = event.action + "@" + event.devpath;
  out.push_back('\0');
  for (const auto& [key, value] : event.vars) {
    out += key;
    out += '=';
    out += value;
    out.push_back('\0');
  }
  return out;
}

Result<UeventSource::Batch> FakeUeventSource::Drain() {
  if (!failure_.ok()) return std::exchange(failure_, Status::Ok());
  Batch batch;
  batch.overflow = std::exchange(overflow_, false);
  batch.events.assign(queue_.begin(), queue_.end());
  queue_.clear();
  return batch;
}

}  // namespace piiguard::os
