// FakeStickMedium: a StickMedium (agent/usb/stick_medium.h) for tests: the
// media a test sets, by disk (what a probe finds, where the filesystem is,
// its key file), with probe and read errors on demand and a count of the key
// file reads.
//
// Thread-safety: not thread-safe.
#ifndef PIIGUARD_AGENT_USB_TESTING_FAKE_STICK_MEDIUM_H_
#define PIIGUARD_AGENT_USB_TESTING_FAKE_STICK_MEDIUM_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "agent/usb/stick_medium.h"

namespace piiguard::agent::usb {

class FakeStickMedium : public StickMedium {
 public:
  struct Medium {
    stick::MediumInfo info;
    std::string fs_device;                // where the filesystem is
    std::optional<std::string> key_file;  // nullopt: none
    int probe_error = 0;
    int read_error = 0;
  };
  void Set(std::string disk, Medium medium) {
    media_[std::move(disk)] = std::move(medium);
  }
  int reads() const { return reads_; }

  Result<stick::MediumInfo> Probe(std::string_view disk) override;
  Result<std::optional<std::string>> ReadKeyFile(
      std::string_view device, std::string_view fs_type) override;

 private:
  std::map<std::string, Medium, std::less<>> media_;
  int reads_ = 0;
};

}  // namespace piiguard::agent::usb

#endif  // PIIGUARD_AGENT_USB_TESTING_FAKE_STICK_MEDIUM_H_
