// BlockWriteGate: a kernel-side allow list of the block devices that may be
// written (issue 14, docs/usb.md "The write gate"). While it is active, the
// kernel refuses, for every block device not in the list, even to root:
// opening it for writing, writing through a descriptor opened earlier, SCSI
// pass-through ioctls (SG_IO, which BLKROSET does not stop; the same for
// /dev/sgN nodes), new read-write mounts and remounts to read-write of
// filesystems on it. A device that appears is therefore closed from its
// first moment, before its uevent is even read: the race BLKROSET loses to
// a root writer is gone. BLKROSET stays the layer that outlives the daemon
// and the one that holds where the gate cannot be active.
//
// Use: Allow() what may be written (devices that are not controlled, keyed
// sticks) before Activate(); afterwards Allow() and Revoke() take effect at
// once. Revoke() of a device not in the list succeeds.
//
// LinuxBlockWriteGate: a BPF LSM program (common/os/bpf/write_gate.bpf.c,
// libbpf, embedded in the binary). It is attached by this process and not
// pinned: when the daemon exits, the kernel detaches it (BLKROSET and
// authorized_default=0 keep the closed state; see docs/usb.md for why this
// is fail-closed without bricking the PC). Activate() proves the program
// enforces (a write open of a private node of an unused device number must
// be refused): a kernel booted without "bpf" in its LSM list loads and
// attaches the program but never runs it, and then Activate() fails and the
// gate is not active. FakeBlockWriteGate (testing/fake_block_write_gate.h)
// keeps the list in memory and answers WouldAllow() like the kernel would.
//
// Denials are reported (Drain) for the journal: the device, the process,
// which operation and how many times, at most once a second per device and
// process.
//
// Thread-safety: not thread-safe; one owner (the daemon's event loop).
#ifndef PIIGUARD_COMMON_OS_BLOCK_WRITE_GATE_H_
#define PIIGUARD_COMMON_OS_BLOCK_WRITE_GATE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/os/mount_control.h"
#include "common/result.h"

namespace piiguard::os {

struct GateDenial {
  DeviceNumber device;
  bool char_device = false;  // /dev/sgN (SCSI generic), not a block device
  std::string operation;     // "open", "write", "ioctl", "mount", "remount"
  int pid = 0;
  std::string process;  // the kernel's comm, at most 15 bytes
  // Refusals of the device since its previous report, by any process (the
  // program reports at most once a second per device and process, another
  // process at once; refusals after the
  // last report of a burst are counted in the next one, and dropped when
  // the number is revoked, e.g. the device removed).
  int64_t count = 1;
};

class BlockWriteGate {
 public:
  virtual ~BlockWriteGate() = default;
  // True once Activate() succeeded: the kernel enforces the list.
  virtual bool active() const = 0;
  // "bpf-lsm" when active, else "blkroset" (the layer that holds).
  std::string_view layer() const { return active() ? "bpf-lsm" : "blkroset"; }
  [[nodiscard]] virtual Status Allow(DeviceNumber device) = 0;
  [[nodiscard]] virtual Status Revoke(DeviceNumber device) = 0;
  // SCSI generic nodes (/dev/sgN) of devices that may be written.
  [[nodiscard]] virtual Status AllowChar(DeviceNumber device) = 0;
  [[nodiscard]] virtual Status Activate() = 0;
  // Readable when denials are waiting (-1: never).
  virtual int fd() const = 0;
  virtual Result<std::vector<GateDenial>> Drain() = 0;
};

// The kernel's dev_t inside the BPF program (MKDEV: major << 20 | minor).
uint64_t KernelDeviceKey(DeviceNumber device, bool char_device);

class LinuxBlockWriteGate : public BlockWriteGate {
 public:
  // Loads the program (not yet attached). `node_dir`: a root-only folder on
  // a filesystem that allows device nodes, for Activate()'s proof. A program
  // that cannot be loaded (no CAP_BPF, a kernel without BPF LSM or BTF)
  // leaves a gate that is never active: Activate() returns why, Allow()
  // and Revoke() do nothing.
  static std::unique_ptr<LinuxBlockWriteGate> Load(std::string node_dir);
  ~LinuxBlockWriteGate() override;
  LinuxBlockWriteGate(const LinuxBlockWriteGate&) = delete;
  LinuxBlockWriteGate& operator=(const LinuxBlockWriteGate&) = delete;

  // Why the program could not be loaded (ok if it was).
  const Status& load_error() const { return load_error_; }
  bool active() const override { return active_; }
  Status Allow(DeviceNumber device) override;
  Status Revoke(DeviceNumber device) override;
  Status AllowChar(DeviceNumber device) override;
  Status Activate() override;
  int fd() const override;
  Result<std::vector<GateDenial>> Drain() override;

 private:
  struct Bpf;  // libbpf's object, links and ring buffer
  LinuxBlockWriteGate(std::unique_ptr<Bpf> bpf, Status load_error,
                      std::string node_dir);
  static Result<std::unique_ptr<Bpf>> LoadProgram();
  Status Put(uint64_t key);
  Status Prove();
  std::unique_ptr<Bpf> bpf_;  // null: not loaded (load_error_ says why)
  Status load_error_;
  std::string node_dir_;
  bool active_ = false;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_BLOCK_WRITE_GATE_H_
