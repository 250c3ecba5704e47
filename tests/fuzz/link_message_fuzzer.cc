// Fuzzes the rtnetlink link message parser (common/os/links.h). Oracles: a
// buffer that parses yields links with a name of 1..15 bytes and no NUL;
// each link rebuilt as a message parses back to the same link.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "common/os/links.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  piiguard::Result<piiguard::os::LinkMessages> parsed =
      piiguard::os::ParseLinkMessages(std::span<const uint8_t>(data, size));
  if (!parsed.ok()) return 0;
  for (const piiguard::os::LinkInfo& link : parsed->links) {
    if (link.name.empty() || link.name.size() > 15 ||
        link.name.find('\0') != std::string::npos) {
      std::abort();
    }
    piiguard::Result<piiguard::os::LinkMessages> back =
        piiguard::os::ParseLinkMessages(
            piiguard::os::BuildLinkMessage(link, 1));
    if (!back.ok() || back->links.size() != 1 || !(back->links[0] == link)) {
      std::abort();
    }
  }
  return 0;
}
