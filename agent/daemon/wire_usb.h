// Wiring of the keyed-USB enforcement (agent/usb) into piiguardd: the Linux
// seams (uevent socket, sysfs, BLKROSET, the mount namespaces, the medium
// helper processes, the write watch) are made here and nowhere else, the
// descriptors (uevents, helper answers, write attempts, and a timer for
// the enforcer's deadlines) go to the daemon's epoll loop, and the enforcer
// is joined to the session manager (the WriteGate), the applied policy
// (its changes) and the status board.
//
// The uevent socket is opened BEFORE the enforcer scans sysfs, so a stick
// plugged while the daemon starts is seen either by the scan or by an event.
//
// Thread-safety: called once from main's thread.
#ifndef PIIGUARD_AGENT_DAEMON_WIRE_USB_H_
#define PIIGUARD_AGENT_DAEMON_WIRE_USB_H_

#include <memory>
#include <optional>

#include "agent/daemon/daemon.h"
#include "agent/daemon/owners.h"
#include "agent/interlock/interlock.h"
#include "agent/interlock/stick_exceptions.h"
#include "agent/state/state_dir.h"
#include "agent/usb/enforcer.h"
#include "agent/usb/medium_jobs.h"
#include "common/os/linux_sysfs.h"
#include "common/os/linux_uevent.h"
#include "common/os/mount_control.h"
#include "common/os/timer.h"
#include "common/unique_fd.h"

namespace piiguard::agent {

struct UsbWiring {
  os::LinuxSysfs sysfs{"/sys"};
  std::unique_ptr<os::LinuxBlockDevices> blocks;
  os::LinuxMountControl mounts;
  std::unique_ptr<usb::LinuxMediumJobs> jobs;
  std::unique_ptr<os::Timer> timer;  // the enforcer's next deadline
  std::unique_ptr<os::LinuxUeventSource> uevents;
  // udevd's messages, after its rules ran (UsbEnforcer::OnUdevEvents);
  // null where udevd cannot be heard.
  std::unique_ptr<os::LinuxUeventSource> udev_events;
  std::unique_ptr<os::LinuxDeviceWriteWatch> writes;
  std::unique_ptr<os::LinuxBlockWriteGate> device_gate;
  std::unique_ptr<usb::UsbEnforcer> enforcer;
  // The exception service the enforcer asks for grants (null: none); set
  // before WireUsb.
  StickExceptions* exceptions = nullptr;
};

// Staff's notices go to `notifier`. `gate` is the session manager; it gets the
// enforcer as its StickControl through `set_stick_control`. `present`: the
// devices recorded at installation (agent/usb/ present_devices.h). `exe` is
// this program: the medium helper is `exe --medium-helper --state-dir DIR`. A
// failure to start the enforcer (Start) is returned (main reports it as a
// problem, agent/daemon/prerequisites.h); the enforcer then still decides what
// its uevents bring.
Status WireUsb(UsbWiring& wiring, const StatePaths& paths, const Owners& owners,
               Daemon& daemon, const std::optional<Ed25519PublicKey>& city_key,
               WriteGate& gate, notify::Notifier& notifier,
               const std::function<void(StickControl*)>& set_stick_control,
               usb::PresentDevices present, const std::string& exe);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_WIRE_USB_H_
