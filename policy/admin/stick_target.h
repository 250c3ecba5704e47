// The stick a piiguard-admin command works on: a block device (identity
// from sysfs) or a disk image (identity from the command line, as printed
// on the stick's packaging or read once with lsusb).
//
// Thread-safety: single-threaded tool.
#ifndef PIIGUARD_POLICY_ADMIN_STICK_TARGET_H_
#define PIIGUARD_POLICY_ADMIN_STICK_TARGET_H_

#include <string>

#include "common/cli_fwd.h"
#include "common/os/sysfs.h"
#include "policy/stick/medium.h"
#include "policy/stick_key.h"

namespace piiguard::admin {

struct TargetArgs {
  std::string device;
  std::string image;
  std::string serial;
  std::string vid;
  std::string pid;
  bool serial_given = false;
};

struct Target {
  std::string path;  // what the medium functions read and write
  stick::MediumInfo medium;
  policy::StickIdentity identity;
  std::string Describe() const;
};

void AddTargetOptions(CLI::App& cmd, TargetArgs& args);

// Checks the options, probes the medium and collects the identity. With
// `for_writing`, a device with a mounted filesystem is refused.
Result<Target> ResolveTarget(const TargetArgs& args, const os::Sysfs& sysfs,
                             bool for_writing);

}  // namespace piiguard::admin

#endif  // PIIGUARD_POLICY_ADMIN_STICK_TARGET_H_
