// SPDX-License-Identifier: GPL-2.0-only
// The BPF LSM half of the write gate (common/os/write_gate.h, docs/usb.md
// "The write gate"). While attached, no write reaches a block device whose
// number the agent has not put in `allowed`:
//
// - file_open: a block device (or a SCSI generic char device, /dev/sgN)
//   opened for writing;
// - file_permission: a write through a descriptor opened earlier (before
//   the device was revoked);
// - file_ioctl: SCSI pass-through (SG_IO, SCSI_IOCTL_SEND_COMMAND,
//   CDROM_SEND_PACKET), which BLKROSET does not stop, on either;
// - sb_kern_mount: a new read-write mount of a filesystem on such a device
//   (mount(2); called after the filesystem read its superblock);
// - sb_mount: a remount to read-write (MS_REMOUNT without MS_RDONLY) of a
//   mount whose filesystem is on such a device.
//
// Refusals are reported in `denials` (a ring buffer) for the journal, at
// most once a second per device and process, with the count since the last
// report.
//
// CO-RE: the kernel structures below are the few fields used, relocated by
// libbpf against the running kernel's BTF (no vmlinux.h from the build host).
// GPL-2.0: the kernel lets only GPL programs call bpf_get_current_comm and
// the ring buffer helpers from LSM programs.

#include <linux/bpf.h>
#include <linux/types.h>

typedef __u16 umode_t;
typedef __u32 dev_t;
typedef __u32 fmode_t;
typedef _Bool bool;

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define EPERM 1
#define S_IFMT 00170000
#define S_IFBLK 0060000
#define S_IFCHR 0020000
#define FMODE_WRITE 0x2
#define MAY_WRITE 0x2
#define SB_RDONLY 1
#define MS_RDONLY 1
#define MS_REMOUNT 32
#define MS_BIND 4096
#define MINORBITS 20
#define SCSI_GENERIC_MAJOR 21
#define SG_IO 0x2285
#define SCSI_IOCTL_SEND_COMMAND 1
#define CDROM_SEND_PACKET 0x5393

struct super_block {
  dev_t s_dev;
  unsigned long s_flags;
} __attribute__((preserve_access_index));

struct inode {
  umode_t i_mode;
  dev_t i_rdev;
} __attribute__((preserve_access_index));

struct file {
  struct inode* f_inode;
  fmode_t f_mode;
} __attribute__((preserve_access_index));

struct vfsmount {
  struct super_block* mnt_sb;
} __attribute__((preserve_access_index));

struct path {
  struct vfsmount* mnt;
} __attribute__((preserve_access_index));

// Keys of `allowed`: a block device's number (the kernel's dev_t, major
// << 20 | minor), or a char device's with kCharKey set.
#define CHAR_KEY (1ULL << 32)

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4096);
  __type(key, __u64);
  __type(value, __u8);
} allowed SEC(".maps");

enum hook {
  HOOK_OPEN = 1,
  HOOK_WRITE = 2,
  HOOK_IOCTL = 3,
  HOOK_MOUNT = 4,
  HOOK_REMOUNT = 5,
};

// A report: `count` refusals of `key` since the previous report, the last
// by `pid`.
struct denial {
  __u64 key;
  __u64 count;
  __u32 pid;
  __u32 hook;
  char comm[16];
};

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 64 * 1024);
} denials SEC(".maps");

// At most one report per device, process and second: a root writer in a
// tight loop is refused tens of thousands of times a second, and each
// report wakes the daemon and costs a journal entry. Another process is
// reported at once (each writer is named in the journal).
#define REPORT_INTERVAL_NS 1000000000ULL

struct pending {
  __u64 reported_ns;  // when the last report was made
  __u64 count;        // refusals since
  __u32 pid;          // the process of the last report
  __u32 unused;
};

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 1024);
  __type(key, __u64);
  __type(value, struct pending);
} pending SEC(".maps");

static __always_inline int deny(__u64 key, __u32 hook) {
  __u64 now = bpf_ktime_get_ns();
  __u32 pid = bpf_get_current_pid_tgid() >> 32;
  __u64 count = 1;
  struct pending* p = bpf_map_lookup_elem(&pending, &key);
  if (p) {
    __sync_fetch_and_add(&p->count, 1);
    if (now - p->reported_ns < REPORT_INTERVAL_NS && p->pid == pid) {
      return -EPERM;
    }
    // Racing refusals on other CPUs may be counted twice or not at all:
    // the count is a figure for the journal, never a decision.
    p->reported_ns = now;
    p->pid = pid;
    count = p->count;
    p->count = 0;
  } else {
    struct pending fresh = {.reported_ns = now, .count = 0, .pid = pid};
    bpf_map_update_elem(&pending, &key, &fresh, BPF_ANY);
  }
  struct denial* d = bpf_ringbuf_reserve(&denials, sizeof(*d), 0);
  if (d) {
    d->key = key;
    d->count = count;
    d->pid = pid;
    d->hook = hook;
    bpf_get_current_comm(d->comm, sizeof(d->comm));
    bpf_ringbuf_submit(d, 0);
  }
  return -EPERM;
}

static __always_inline bool is_allowed(__u64 key) {
  return bpf_map_lookup_elem(&allowed, &key) != 0;
}

// The key of a device inode the gate guards, or 0 for any other inode.
static __always_inline __u64 guarded_key(struct inode* inode) {
  umode_t type = BPF_CORE_READ(inode, i_mode) & S_IFMT;
  dev_t rdev = BPF_CORE_READ(inode, i_rdev);
  if (type == S_IFBLK) return rdev;
  if (type == S_IFCHR && (rdev >> MINORBITS) == SCSI_GENERIC_MAJOR) {
    return CHAR_KEY | rdev;
  }
  return 0;
}

SEC("lsm/file_open")
int BPF_PROG(gate_file_open, struct file* file, int ret) {
  if (ret) return ret;
  if (!(BPF_CORE_READ(file, f_mode) & FMODE_WRITE)) return 0;
  __u64 key = guarded_key(BPF_CORE_READ(file, f_inode));
  if (key == 0 || is_allowed(key)) return 0;
  return deny(key, HOOK_OPEN);
}

SEC("lsm/file_permission")
int BPF_PROG(gate_file_permission, struct file* file, int mask, int ret) {
  if (ret) return ret;
  if (!(mask & MAY_WRITE)) return 0;
  __u64 key = guarded_key(BPF_CORE_READ(file, f_inode));
  if (key == 0 || is_allowed(key)) return 0;
  return deny(key, HOOK_WRITE);
}

SEC("lsm/file_ioctl")
int BPF_PROG(gate_file_ioctl, struct file* file, unsigned int cmd,
             unsigned long arg, int ret) {
  if (ret) return ret;
  if (cmd != SG_IO && cmd != SCSI_IOCTL_SEND_COMMAND &&
      cmd != CDROM_SEND_PACKET) {
    return 0;
  }
  __u64 key = guarded_key(BPF_CORE_READ(file, f_inode));
  if (key == 0 || is_allowed(key)) return 0;
  return deny(key, HOOK_IOCTL);
}

// A filesystem's device; 0 for filesystems on no device (tmpfs, proc, ...:
// an anonymous number, major 0).
static __always_inline __u64 sb_key(struct super_block* sb) {
  dev_t dev = BPF_CORE_READ(sb, s_dev);
  return (dev >> MINORBITS) == 0 ? 0 : dev;
}

SEC("lsm/sb_kern_mount")
int BPF_PROG(gate_sb_kern_mount, struct super_block* sb, int ret) {
  if (ret) return ret;
  if (BPF_CORE_READ(sb, s_flags) & SB_RDONLY) return 0;
  __u64 key = sb_key(sb);
  if (key == 0 || is_allowed(key)) return 0;
  return deny(key, HOOK_MOUNT);
}

SEC("lsm/sb_mount")
int BPF_PROG(gate_sb_mount, const char* dev_name, const struct path* path,
             const char* type, unsigned long flags, void* data, int ret) {
  if (ret) return ret;
  // A bind remount changes one mount's flags, never the filesystem's: a
  // read-only filesystem stays read-only under a "rw" mount.
  if (!(flags & MS_REMOUNT) || (flags & (MS_RDONLY | MS_BIND))) return 0;
  __u64 key = sb_key(BPF_CORE_READ(path, mnt, mnt_sb));
  if (key == 0 || is_allowed(key)) return 0;
  return deny(key, HOOK_REMOUNT);
}

char LICENSE[] SEC("license") = "GPL";
