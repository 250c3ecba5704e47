// Arrival groups: the USB devices that arrive together behind one new hub
// are judged as one device (security review F18: a gadget with a hub, a
// keyboard and a stick behind it is the BadUSB shape, yet each function
// alone looks harmless). docs/usb.md "Devices behind a new hub".
//
// A group opens when a hub that was not inside another open group is
// authorized. Every device that appears below that hub (at any depth: hubs
// inside it join the same group) while it is open is held back, not
// authorized, and joins the group. The group settles `settle_us` after the
// later of the hub's authorization and its last arrival, and at the latest
// `max_us` after the hub's authorization; then the enforcer decides its
// members together (device_rules.h, DeviceContext::arrived_with).
//
// Thread-safety: not thread-safe; owned by the enforcer.
#ifndef PIIGUARD_AGENT_USB_HUB_GROUPS_H_
#define PIIGUARD_AGENT_USB_HUB_GROUPS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/os/usb_descriptors.h"

namespace piiguard::agent::usb {

class HubGroups {
 public:
  struct Member {
    std::string path;      // sysfs path of the USB device
    std::string instance;  // its devnum (this enumeration)
    os::UsbDescriptors descriptors;
  };
  struct Group {
    std::string hub;
    std::vector<Member> members;
  };

  HubGroups(int64_t settle_us, int64_t max_us)
      : settle_us_(settle_us), max_us_(max_us) {}

  // The hub at `path` was authorized at `now`: a group opens, unless the
  // hub is itself inside an open group (then it is one of its members).
  void HubAuthorized(const std::string& path, int64_t now);
  // The open group whose hub is an ancestor of `path` ("" if none).
  std::string GroupOf(const std::string& path) const;
  // `member` arrived in `group` at `now` (again: its entry is updated).
  void Join(const std::string& group, Member member, int64_t now);
  // Whether `path` waits in an open group.
  bool Holds(const std::string& path) const;
  // The hub (or a member) went away.
  void Gone(const std::string& path);
  // The earliest settle time, 0 if no group is open.
  int64_t NextDeadline() const;
  // The groups settled by `now`, taken out of the tracker.
  std::vector<Group> Settled(int64_t now);

 private:
  struct Open {
    Group group;
    int64_t opened_us = 0;
    int64_t last_us = 0;
  };
  int64_t DeadlineOf(const Open& open) const;

  int64_t settle_us_;
  int64_t max_us_;
  std::map<std::string, Open> open_;  // by hub path
};

}  // namespace piiguard::agent::usb

#endif  // PIIGUARD_AGENT_USB_HUB_GROUPS_H_
