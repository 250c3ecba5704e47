#include "agent/session/standalone.h"

#include <tuple>

namespace piiguard::agent::session {
namespace {

bool SafeName(std::string_view s) {
  if (s.empty() || s.size() > 15) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool SafeCidr(std::string_view s) {
  if (s.empty() || s.size() > 64 || s.find('/') == std::string_view::npos) {
    return false;
  }
  for (char c : s) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
              (c >= 'A' && c <= 'F') || c == '.' || c == ':' || c == '/';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<std::string> StandaloneRuleset(
    const std::vector<policy::StandaloneAllow>& allow) {
  std::string in;
  std::string out;
  for (const policy::StandaloneAllow& a : allow) {
    if (!SafeName(a.interface)) {
      return InvalidArgumentError("standalone", a.interface,
                                  "not an interface name");
    }
    if (!SafeCidr(a.cidr)) {
      return InvalidArgumentError("standalone", a.cidr, "not a CIDR");
    }
    std::string family = a.cidr.find(':') != std::string::npos ? "ip6" : "ip";
    std::string name = "\"" + a.interface + "\"";
    for (auto [chain, dir, addr] : {std::tuple{&in, "iifname ", " saddr "},
                                    std::tuple{&out, "oifname ", " daddr "}}) {
      chain->append("    ").append(dir).append(name).append(" ");
      chain->append(family).append(addr).append(a.cidr).append(" accept\n");
    }
  }
  std::string drops_in;
  std::string drops_out;
  for (const policy::StandaloneAllow& a : allow) {
    drops_in += "    iifname \"" + a.interface + "\" drop\n";
    drops_out += "    oifname \"" + a.interface + "\" drop\n";
  }
  std::string table = std::string(kNftFamily) + " " + std::string(kNftTable);
  return "table " + table + " {}\ndelete table " + table + "\ntable " + table +
         " {\n"
         "  chain input {\n"
         "    type filter hook input priority -300; policy accept;\n" +
         in + drops_in +
         "  }\n"
         "  chain output {\n"
         "    type filter hook output priority -300; policy accept;\n" +
         out + drops_out +
         "  }\n"
         "  chain forward {\n"
         "    type filter hook forward priority -300; policy drop;\n"
         "  }\n"
         "}\n";
}

}  // namespace piiguard::agent::session
