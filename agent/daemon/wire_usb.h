// Wiring of the keyed-USB enforcement (agent/usb) into piiguardd: the Linux
// seams (uevent socket, sysfs, BLKROSET, the private key-file mount, the
// fanotify write watch) are made here and nowhere else, the descriptors go
// to the daemon's epoll loop, and the enforcer is joined to the session
// manager (the WriteGate) and to AgentCore (policy changes, status).
//
// The uevent socket is opened BEFORE the enforcer scans sysfs, so a stick
// plugged while the daemon starts is seen either by the scan or by an event.
//
// Thread-safety: called once from main's thread.
#ifndef PIIGUARD_AGENT_DAEMON_WIRE_USB_H_
#define PIIGUARD_AGENT_DAEMON_WIRE_USB_H_

#include <memory>
#include <optional>

#include "agent/daemon/agent_core.h"
#include "agent/daemon/daemon.h"
#include "agent/daemon/state_dir.h"
#include "agent/interlock/interlock.h"
#include "agent/usb/enforcer.h"
#include "common/os/linux_sysfs.h"
#include "common/os/linux_uevent.h"

namespace piiguard::agent {

struct UsbWiring {
  os::LinuxSysfs sysfs{"/sys"};
  std::unique_ptr<os::LinuxBlockDevices> blocks;
  std::unique_ptr<usb::LinuxStickMedium> medium;
  std::unique_ptr<os::LinuxUeventSource> uevents;
  // udevd's messages, after its rules ran (UsbEnforcer::OnUdevEvents);
  // null where udevd cannot be heard.
  std::unique_ptr<os::LinuxUeventSource> udev_events;
  std::unique_ptr<os::LinuxDeviceWriteWatch> writes;
  std::unique_ptr<notify::DesktopNotifier> notifier;
  std::unique_ptr<usb::UsbEnforcer> enforcer;
};

// `gate` is the session manager; it gets the enforcer as its StickControl
// through `set_stick_control`.
// `present`: the devices recorded at installation (agent/usb/
// present_devices.h). A failure to start the enforcer (Start) is returned
// (main reports it as a problem, agent/daemon/prerequisites.h); the
// enforcer then still decides what its uevents bring.
Status WireUsb(UsbWiring& wiring, const StatePaths& paths, AgentCore& core,
               Daemon& daemon, const std::optional<Ed25519PublicKey>& city_key,
               WriteGate& gate,
               const std::function<void(StickControl*)>& set_stick_control,
               usb::PresentDevices present);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_WIRE_USB_H_
