#include "agent/maint/sudo_log.h"

#include <array>
#include <cstdint>
#include <utility>

namespace piiguard::maint {
namespace {

constexpr std::string_view kFieldSeparator = " : ";
constexpr std::string_view kItemSeparator = " ; ";
constexpr std::string_view kCommandKey = "COMMAND=";

// The length of the UTF-8 character at the start of `text` (1 to 4), or 0
// if it is not valid UTF-8 (overlong forms and surrogates included).
size_t Utf8Length(std::string_view text) {
  const auto b0 = static_cast<unsigned char>(text[0]);
  if (b0 < 0x80) return 1;
  size_t length = 0;
  uint32_t code = 0;
  uint32_t least = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2, code = b0 & 0x1FU, least = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, code = b0 & 0x0FU, least = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, code = b0 & 0x07U, least = 0x10000;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if ((b & 0xC0) != 0x80) return 0;
    code = (code << 6) | (b & 0x3FU);
  }
  if (code < least || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    return 0;
  }
  // C1 control characters are valid UTF-8 but not text.
  if (code >= 0x80 && code <= 0x9F) return 0;
  return length;
}

// A field as kept: safe, bounded, and without a trailing separator
// character, so that the line FormatSudoLine writes for it reads the same.
std::string Field(std::string_view raw) {
  std::string text = SafeText(raw, kMaxFieldBytes);
  while (!text.empty() &&
         (text.back() == ' ' || text.back() == ';' || text.back() == ':')) {
    text.pop_back();
  }
  return text;
}

// Splits `line` as "TIME : USER : REST"; false if it has not that shape.
bool SplitLine(std::string_view line, std::string_view& time,
               std::string_view& user, std::string_view& rest) {
  const size_t first = line.find(kFieldSeparator);
  if (first == std::string_view::npos) return false;
  time = line.substr(0, first);
  line.remove_prefix(first + kFieldSeparator.size());
  const size_t second = line.find(kFieldSeparator);
  if (second == std::string_view::npos) return false;
  user = line.substr(0, second);
  rest = line.substr(second + kFieldSeparator.size());
  return true;
}

// Reads the items before COMMAND= into `command`: a part that does not
// start with a known key continues the one before it (a value holding
// " ; "); parts before any key are sudo's reason for refusing.
void ReadItems(std::string_view items, SudoCommand& command) {
  struct Key {
    std::string_view name;
    std::string SudoCommand::*field;  // null: read and dropped
  };
  static const std::array<Key, 9> kKeys = {{
      {"TTY=", &SudoCommand::tty},
      {"PWD=", &SudoCommand::pwd},
      {"CWD=", &SudoCommand::pwd},
      {"USER=", &SudoCommand::run_as},
      {"TSID=", &SudoCommand::tsid},
      {"GROUP=", nullptr},
      {"HOST=", nullptr},
      {"CHROOT=", nullptr},
      {"ENV=", nullptr},
  }};
  std::string reason;
  std::string* last = &reason;
  bool keyed = false;  // a key was seen: no more reason
  while (true) {
    const size_t end = items.find(kItemSeparator);
    const std::string_view part = items.substr(0, end);
    const Key* key = nullptr;
    for (const Key& k : kKeys) {
      if (part.starts_with(k.name)) key = &k;
    }
    if (key != nullptr) {
      keyed = true;
      last = key->field == nullptr ? nullptr : &(command.*(key->field));
      if (last != nullptr) *last = std::string(part.substr(key->name.size()));
    } else if (last != nullptr) {
      if (!keyed && last->empty() && last == &reason) {
        *last = std::string(part);
      } else {
        *last += std::string(kItemSeparator) + std::string(part);
      }
    }
    if (end == std::string_view::npos) break;
    items.remove_prefix(end + kItemSeparator.size());
  }
  command.refused = std::move(reason);
}

}  // namespace

std::string SafeText(std::string_view text, size_t max_bytes) {
  std::string out;
  while (!text.empty()) {
    size_t length = Utf8Length(text);
    const auto b0 = static_cast<unsigned char>(text[0]);
    const bool control = length == 1 && (b0 < 0x20 || b0 == 0x7F);
    if (length == 0 || control) {
      if (out.size() + 1 > max_bytes) break;
      out.push_back('?');
      length = 1;
    } else {
      if (out.size() + length > max_bytes) break;
      out.append(text.substr(0, length));
    }
    text.remove_prefix(length);
  }
  return out;
}

SudoLog ParseSudoLog(std::string_view bytes) {
  SudoLog log;
  while (!bytes.empty()) {
    const size_t end = bytes.find('\n');
    const std::string_view line = bytes.substr(0, end);
    bytes.remove_prefix(end == std::string_view::npos ? bytes.size() : end + 1);
    if (line.empty()) continue;
    std::string_view time;
    std::string_view user;
    std::string_view rest;
    size_t at = std::string_view::npos;
    if (line.size() <= kMaxLineBytes && SplitLine(line, time, user, rest)) {
      if (rest.starts_with(kCommandKey)) {
        at = 0;
      } else if (size_t found = rest.find(std::string(kItemSeparator) +
                                          std::string(kCommandKey));
                 found != std::string_view::npos) {
        at = found + kItemSeparator.size();
      }
    }
    if (at == std::string_view::npos) {
      ++log.unread;
      continue;
    }
    SudoCommand command;
    if (at > 0) {
      ReadItems(rest.substr(0, at - kItemSeparator.size()), command);
    }
    command.time = Field(time);
    command.user = Field(user);
    command.refused = Field(command.refused);
    command.tty = Field(command.tty);
    command.pwd = Field(command.pwd);
    command.run_as = Field(command.run_as);
    command.tsid = Field(command.tsid);
    // The command is the rest of the line: it is written last.
    command.command =
        SafeText(rest.substr(at + kCommandKey.size()), kMaxFieldBytes);
    ++log.total;
    if (!command.refused.empty()) ++log.refused;
    if (log.commands.size() < kMaxCommands) {
      log.commands.push_back(std::move(command));
    }
  }
  return log;
}

std::string FormatSudoLine(const SudoCommand& command) {
  std::string line = command.time;
  line += kFieldSeparator;
  line += command.user;
  line += kFieldSeparator;
  if (!command.refused.empty()) {
    line += command.refused;
    line += kItemSeparator;
  }
  const std::pair<std::string_view, const std::string*> items[] = {
      {"TTY=", &command.tty},
      {"PWD=", &command.pwd},
      {"USER=", &command.run_as},
      {"TSID=", &command.tsid}};
  for (const auto& [key, value] : items) {
    if (value->empty()) continue;
    line += key;
    line += *value;
    line += kItemSeparator;
  }
  line += kCommandKey;
  line += command.command;
  return line;
}

}  // namespace piiguard::maint
