#include "common/os/uevent.h"

#include <cstring>
#include <vector>

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

// The NUL-separated fields of `bytes` (a trailing NUL ends the last).
std::vector<std::string_view> SplitFields(std::string_view bytes) {
  std::vector<std::string_view> fields;
  if (!bytes.empty() && bytes.back() == '\0') bytes.remove_suffix(1);
  for (size_t start = 0;;) {
    size_t end = bytes.find('\0', start);
    fields.push_back(bytes.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return fields;
}

// KEY=VALUE fields into event.vars, then the derived fields; ACTION and
// DEVPATH, where present, must agree with what the caller set.
Status ParseVars(const std::vector<std::string_view>& fields, size_t first,
                 Uevent& event) {
  for (size_t i = first; i < fields.size(); ++i) {
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
  return Status::Ok();
}

uint32_t BigEndian32(std::string_view bytes, size_t at) {
  auto b = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + i]));
  };
  return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

uint32_t Native32(std::string_view bytes, size_t at) {
  uint32_t value = 0;
  std::memcpy(&value, bytes.data() + at, sizeof value);
  return value;
}

void AppendNative32(std::string& out, uint32_t value) {
  char raw[sizeof value];
  std::memcpy(raw, &value, sizeof value);
  out.append(raw, sizeof raw);
}

constexpr std::string_view kUdevPrefix("libudev\0", 8);
constexpr uint32_t kUdevMagic = 0xfeedcafe;

}  // namespace

Result<Uevent> ParseKernelUevent(std::string_view bytes) {
  if (bytes.size() > kMaxUeventSize) return Malformed("larger than 8 KiB");
  std::vector<std::string_view> fields = SplitFields(bytes);
  if (fields.size() == 1 && fields[0].empty()) return Malformed("empty");
  std::string_view header = fields[0];
  size_t at = header.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= header.size() ||
      header[at + 1] != '/') {
    return Malformed("header is not ACTION@/DEVPATH");
  }
  Uevent event;
  event.action = std::string(header.substr(0, at));
  event.devpath = std::string(header.substr(at + 1));
  PIIGUARD_RETURN_IF_ERROR(ParseVars(fields, 1, event));
  return event;
}

Result<Uevent> ParseUdevMessage(std::string_view bytes) {
  if (bytes.size() > kMaxUeventSize) return Malformed("larger than 8 KiB");
  if (bytes.size() < kUdevHeaderSize ||
      bytes.substr(0, kUdevPrefix.size()) != kUdevPrefix) {
    return Malformed("not a udev message");
  }
  if (BigEndian32(bytes, 8) != kUdevMagic) return Malformed("bad udev magic");
  uint32_t header_size = Native32(bytes, 12);
  uint32_t offset = Native32(bytes, 16);
  uint32_t length = Native32(bytes, 20);
  if (header_size < kUdevHeaderSize || offset < header_size ||
      offset > bytes.size() || length > bytes.size() - offset) {
    return Malformed("udev header out of bounds");
  }
  std::string_view properties = bytes.substr(offset, length);
  if (properties.empty()) return Malformed("no properties");
  Uevent event;
  // ACTION and DEVPATH are properties here; ParseVars checks them against
  // what is set, so they are read first.
  const std::vector<std::string_view> fields = SplitFields(properties);
  for (std::string_view field : fields) {
    if (field.starts_with("ACTION=")) event.action = field.substr(7);
    if (field.starts_with("DEVPATH=")) event.devpath = field.substr(8);
  }
  if (event.action.empty() || event.devpath.empty() ||
      event.devpath[0] != '/') {
    return Malformed("no ACTION or DEVPATH");
  }
  PIIGUARD_RETURN_IF_ERROR(ParseVars(fields, 0, event));
  if (event.devname.starts_with("/dev/")) event.devname.erase(0, 5);
  return event;
}

std::string FormatUdevMessage(const Uevent& event) {
  std::string properties;
  for (const auto& [key, value] : event.vars) {
    properties += key;
    properties += '=';
    properties += value;
    properties.push_back('\0');
  }
  std::string out(kUdevPrefix);
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((kUdevMagic >> shift) & 0xff));
  }
  AppendNative32(out, static_cast<uint32_t>(kUdevHeaderSize));
  AppendNative32(out, static_cast<uint32_t>(kUdevHeaderSize));
  AppendNative32(out, static_cast<uint32_t>(properties.size()));
  for (int i = 0; i < 4; ++i) AppendNative32(out, 0);
  return out + properties;
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

}  // namespace piiguard::os
